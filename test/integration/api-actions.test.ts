/**
 * The HTTP API's action routes, reports, policy and description over the real DynamoDB API
 * (dynalite): each action moves the invoice and lands in its timeline, an illegal one is a 409
 * naming the state, a retried request with its Idempotency-Key is answered again without being
 * applied twice, and one tenant can neither read nor change another's invoices on any route.
 */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { IDEMPOTENCY_KEYS_KEPT } from "#api/action-routes.ts";
import { type ApiDeps, handleApiRequest, ROUTES } from "#api/http-api.ts";
import { type Api, addApiKey, startApi } from "../support/api.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { startPipeline, TENANT } from "../support/pipeline.ts";

const NOW = new Date("2026-11-20T10:00:00Z");

let api: Api<"a" | "b">;

async function upload(number: string, who: "a" | "b" = "a", overrides = {}) {
  const response = await api.call("POST", "/v1/invoices", {
    who,
    body: anInvoiceInput({ invoiceNumber: number, ...overrides }),
  });
  expect(response.status).toBe(200);
}

async function timelineTypes(number: string): Promise<string[]> {
  const view = await api.call("GET", `/v1/invoices/${encodeURIComponent(number)}`);
  return view.body.timeline.map((event: { type: string }) => event.type);
}

async function tableItems(): Promise<unknown[]> {
  const { Items = [] } = await api.dynamo.documents.send(
    new ScanCommand({ TableName: api.dynamo.tableName }),
  );
  return Items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
}

beforeAll(async () => {
  api = await startApi({ now: NOW, tenants: ["a", "b"] });
});

afterAll(async () => api?.close());

describe("actions on an invoice", () => {
  it("records a partial payment, then the rest, and the invoice is paid with both in its timeline", async () => {
    // Arrange
    await upload("PAY-1");

    // Act
    const partial = await api.call("POST", "/v1/invoices/PAY-1/payments", {
      body: { amount: "2500.00", date: "2026-11-19", reference: "bank 42" },
    });
    const rest = await api.call("POST", "/v1/invoices/PAY-1/payments", { body: { amount: "10 000,00" } });

    // Assess
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({
      status: "partially_paid",
      amountPaid: "2500.00",
      amountDue: "10000.00",
    });
    expect(rest.body).toMatchObject({ status: "paid", amountDue: "0.00", nextAction: { kind: "none" } });
    expect(await timelineTypes("PAY-1")).toEqual(["created", "payment_recorded", "payment_recorded"]);
  });

  it("takes a promise, and a payment plan instead of it, whose installments must add up", async () => {
    await upload("PLAN-1");
    const promised = await api.call("POST", "/v1/invoices/PLAN-1/promise", { body: { date: "2026-12-01" } });
    const short = await api.call("POST", "/v1/invoices/PLAN-1/payment-plan", {
      body: {
        installments: [
          { dueDate: "2026-12-15", amount: "5000.00" },
          { dueDate: "2027-01-15", amount: "5000.00" },
        ],
      },
    });
    const plan = await api.call("POST", "/v1/invoices/PLAN-1/payment-plan", {
      body: {
        installments: [
          { dueDate: "2026-12-15", amount: "6250.00" },
          { dueDate: "2027-01-15", amount: "6250.00" },
        ],
      },
    });

    expect(promised.body).toMatchObject({ status: "promised" });
    expect(short.status).toBe(422);
    expect(short.body.errors).toEqual([{ path: "installments", message: expect.stringContaining("add up") }]);
    expect(plan.status).toBe(200);
    expect(plan.body).toMatchObject({
      status: "payment_plan",
      nextAction: { kind: "send", step: "installment_1" },
    });
  });

  it("opens and resolves a dispute, and reminders stop while it is open", async () => {
    await upload("DISP-1");
    const opened = await api.call("POST", "/v1/invoices/DISP-1/dispute", {
      body: { reason: "Goods arrived damaged" },
    });
    const resolved = await api.call("POST", "/v1/invoices/DISP-1/resolve-dispute", {
      body: { note: "Credit note sent" },
    });

    expect(opened.body).toMatchObject({ status: "disputed", nextAction: { kind: "none" } });
    expect(resolved.body).toMatchObject({ status: "open" });
    expect(await timelineTypes("DISP-1")).toEqual(["created", "dispute_opened", "dispute_resolved"]);
  });

  it("pauses until a date and resumes with no body at all", async () => {
    await upload("PAUSE-1");
    const paused = await api.call("POST", "/v1/invoices/PAUSE-1/pause", { body: { until: "2026-12-01" } });
    const resumed = await api.call("POST", "/v1/invoices/PAUSE-1/resume");

    expect(paused.body).toMatchObject({
      status: "paused",
      nextAction: { kind: "wait", reason: "pause_ends" },
    });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe("open");
  });

  it("cancels one invoice and writes another off, and then refuses to move either (409 naming the state)", async () => {
    await upload("END-1");
    await upload("END-2");
    const cancelled = await api.call("POST", "/v1/invoices/END-1/cancel", {
      body: { reason: "Issued in error" },
    });
    const writtenOff = await api.call("POST", "/v1/invoices/END-2/write-off", {});
    const again = await api.call("POST", "/v1/invoices/END-1/pause", { body: { until: "2026-12-01" } });

    expect(cancelled.body.status).toBe("cancelled");
    expect(writtenOff.body.status).toBe("written_off");
    expect(again.status).toBe(409);
    expect(again.headers["Content-Type"]).toBe("application/problem+json");
    expect(again.body).toMatchObject({ state: "cancelled", action: "pause" });
    expect(again.body.detail).toContain("cancelled");
  });

  it("takes a new address for a customer whose address bounced, and the ladder resumes", async () => {
    // Arrange: an invoice whose address hard-bounced.
    await upload("BOUNCE-1");
    const stored = await api.deps.invoices.get("tenant-a", "BOUNCE-1");
    if (!stored) throw new Error("not stored");
    const failed = { ...stored.invoice, status: "contact_failed" as const };
    await api.deps.invoices.save(stored.invoice, failed, [], undefined);

    // Act
    const patched = await api.call("PATCH", "/v1/invoices/BOUNCE-1/customer", {
      body: { email: ["Ny@Fjordlys.example", "regnskap@fjordlys.example"] },
    });

    // Assess
    expect(patched.status).toBe(200);
    expect(patched.body.status).toBe("open");
    expect(patched.body.customer.emails).toEqual(["ny@fjordlys.example", "regnskap@fjordlys.example"]);
    expect(patched.body.nextAction.kind).toBe("send");
    expect(await timelineTypes("BOUNCE-1")).toContain("contact_updated");
  });

  it("finds an invoice number with a slash in it when it is sent percent-encoded", async () => {
    await upload("2026/77");
    const paid = await api.call("POST", "/v1/invoices/2026%2F77/payments", { body: { amount: "100.00" } });
    expect(paid.status).toBe(200);
    expect(paid.body.invoiceNumber).toBe("2026/77");
  });

  it("reads a payment in the invoice's own currency, so a yen amount takes no decimals", async () => {
    await upload("JPY-1", "a", { currency: "JPY", amount: "150000" });
    const decimals = await api.call("POST", "/v1/invoices/JPY-1/payments", { body: { amount: "100.50" } });
    const whole = await api.call("POST", "/v1/invoices/JPY-1/payments", { body: { amount: "50000" } });
    expect(decimals.status).toBe(422);
    expect(decimals.body.errors[0].path).toBe("amount");
    expect(whole.body).toMatchObject({ amountPaid: "50000", amountDue: "100000" });
  });
});

describe("uploading an invoice that is already being chased", () => {
  it("applies a changed amount after a reminder went out, and records the change in the timeline", async () => {
    // Arrange: the real ladder emails reminder_1 for an invoice that came in through the API.
    const pipeline = await startPipeline({ start: new Date("2026-11-17T08:00:00Z") });
    try {
      await pipeline.addTenant();
      const key = await addApiKey(pipeline.dynamo, TENANT.id);
      const deps: ApiDeps = {
        invoices: pipeline.invoices,
        tenants: pipeline.tenants,
        apiKeys: new ApiKeyTable(pipeline.dynamo.documents, pipeline.dynamo.tableName),
        now: () => pipeline.clock.now,
      };
      const post = (amount: string) =>
        handleApiRequest(deps, {
          method: "POST",
          rawPath: "/v1/invoices",
          query: {},
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(anInvoiceInput({ invoiceNumber: "CHASED-1", amount, dueDate: "2026-11-10" })),
        });
      await post("12500.00");
      await pipeline.runUntil(new Date("2026-11-18T16:00:00Z"), 3_600_000);
      expect(
        (await pipeline.invoices.get(TENANT.id, "CHASED-1"))?.invoice.stagesSent.map((s) => s.stage),
      ).toEqual(["reminder_1"]);

      // Act: the accounting system corrects the amount (a credit note) and uploads again.
      const corrected = JSON.parse((await post("10000.00")).body);

      // Assess
      expect(corrected.results[0].status).toBe("updated");
      const stored = await pipeline.invoices.get(TENANT.id, "CHASED-1");
      expect(stored?.invoice.amount).toBe(1_000_000);
      expect(stored?.invoice.stagesSent).toHaveLength(1);
      const timeline = await pipeline.invoices.timeline(TENANT.id, "CHASED-1");
      expect(timeline.map((event) => event.type)).toEqual(
        expect.arrayContaining(["created", "stage_sent", "amount_changed"]),
      );
      expect(timeline.find((event) => event.type === "amount_changed")).toMatchObject({
        previousAmount: 1_250_000,
        amount: 1_000_000,
      });
    } finally {
      await pipeline.close();
    }
  });
});

describe("uploading again", () => {
  it("books what the export says was paid beyond what dun knows, and never takes a payment back", async () => {
    await upload("AGAIN-1");
    await api.call("POST", "/v1/invoices/AGAIN-1/payments", { body: { amount: "1000.00" } });
    const lower = await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({ invoiceNumber: "AGAIN-1", amountPaid: "500.00" }),
    });
    const higher = await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({ invoiceNumber: "AGAIN-1", amountPaid: "3000.00" }),
    });

    expect(lower.body.results[0].status).toBe("unchanged");
    expect(higher.body.results[0].status).toBe("updated");
    const view = await api.call("GET", "/v1/invoices/AGAIN-1");
    expect(view.body).toMatchObject({ amountPaid: "3000.00", status: "partially_paid" });
    expect(view.body.timeline.at(-1)).toMatchObject({
      type: "payment_recorded",
      amount: 200_000,
      reference: "upload",
    });
  });

  it("records which details a later upload changed", async () => {
    await upload("AGAIN-2");
    await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({
        invoiceNumber: "AGAIN-2",
        dueDate: "2026-11-30",
        paymentUrl: "https://pay.example/new",
      }),
    });
    const view = await api.call("GET", "/v1/invoices/AGAIN-2");
    expect(view.body.dueDate).toBe("2026-11-30");
    expect(view.body.timeline.at(-1)).toMatchObject({
      type: "details_changed",
      fields: ["dueDate", "paymentUrl"],
    });
  });

  it("shows nothing due on a cancelled invoice, and what was paid on it as owed back", async () => {
    await upload("AGAIN-3");
    await api.call("POST", "/v1/invoices/AGAIN-3/payments", { body: { amount: "100.00" } });
    const cancelled = await api.call("POST", "/v1/invoices/AGAIN-3/cancel", { body: {} });
    expect(cancelled.body).toMatchObject({ amountDue: "0.00", credit: "100.00", overdue: false });
  });
});

describe("listing invoices", () => {
  it("pages through every invoice with the cursor, and refuses a cursor it did not give out", async () => {
    // Arrange: more of tenant a's invoices than fit on a page.
    for (const n of ["L-1", "L-2", "L-3", "L-4", "L-5"]) await upload(n, "a");

    // Act
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await api.call("GET", `/v1/invoices?limit=4${cursor ? `&cursor=${cursor}` : ""}`, {
        who: "a",
      });
      expect(page.status).toBe(200);
      expect(page.body.invoices.length).toBeLessThanOrEqual(4);
      seen.push(...page.body.invoices.map((view: { invoiceNumber: string }) => view.invoiceNumber));
      cursor = page.body.nextCursor;
      pages += 1;
    } while (cursor);
    const forged = await api.call("GET", "/v1/invoices?cursor=not%20a%20cursor", { who: "a" });
    const tooMany = await api.call("GET", "/v1/invoices?limit=5000", { who: "a" });

    // Assess
    const all = (await api.call("GET", "/v1/invoices?limit=1000", { who: "a" })).body.invoices.map(
      (view: { invoiceNumber: string }) => view.invoiceNumber,
    );
    expect(seen).toEqual(all);
    expect(seen).toEqual(expect.arrayContaining(["L-1", "L-2", "L-3", "L-4", "L-5"]));
    expect(pages).toBeGreaterThanOrEqual(3);
    expect(forged.status).toBe(400);
    expect(forged.body.errors).toEqual([{ path: "cursor", message: expect.any(String) }]);
    expect(tooMany.body.errors).toEqual([{ path: "limit", message: expect.any(String) }]);
  });
});

describe("Idempotency-Key", () => {
  it("answers a retried payment again without booking it twice", async () => {
    // Arrange
    await upload("IDEM-1");
    const request = { body: { amount: "1000.00" }, headers: { "Idempotency-Key": "retry-me-7f3a" } };

    // Act
    const first = await api.call("POST", "/v1/invoices/IDEM-1/payments", request);
    const second = await api.call("POST", "/v1/invoices/IDEM-1/payments", request);

    // Assess
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers["Idempotent-Replayed"]).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await timelineTypes("IDEM-1")).toEqual(["created", "payment_recorded"]);
    expect((await api.call("GET", "/v1/invoices/IDEM-1")).body.amountPaid).toBe("1000.00");
  });

  it("refuses the same key with a different request, and books a new key as a new payment", async () => {
    await upload("IDEM-2");
    const key = { "Idempotency-Key": "k-1" };
    await api.call("POST", "/v1/invoices/IDEM-2/payments", { body: { amount: "1000.00" }, headers: key });
    const reused = await api.call("POST", "/v1/invoices/IDEM-2/payments", {
      body: { amount: "2000.00" },
      headers: key,
    });
    const fresh = await api.call("POST", "/v1/invoices/IDEM-2/payments", {
      body: { amount: "2000.00" },
      headers: { "Idempotency-Key": "k-2" },
    });

    expect(reused.status).toBe(422);
    expect(reused.body.errors[0].path).toBe("Idempotency-Key");
    expect(fresh.body.amountPaid).toBe("3000.00");
  });

  it("does not mistake a key named like an object's own property for one it has seen", async () => {
    await upload("IDEM-3");
    const response = await api.call("POST", "/v1/invoices/IDEM-3/payments", {
      body: { amount: "1.00" },
      headers: { "Idempotency-Key": "constructor" },
    });
    expect(response.status).toBe(200);
    expect(response.body.amountPaid).toBe("1.00");
  });

  it(`remembers the newest ${IDEMPOTENCY_KEYS_KEPT} keys of an invoice`, async () => {
    await upload("IDEM-4");
    for (let index = 0; index <= IDEMPOTENCY_KEYS_KEPT; index++) {
      await api.call("POST", "/v1/invoices/IDEM-4/payments", {
        body: { amount: "1.00" },
        headers: { "Idempotency-Key": `key-${index}` },
      });
    }
    const stored = await api.deps.invoices.get("tenant-a", "IDEM-4");
    expect(Object.keys(stored?.requests ?? {})).toHaveLength(IDEMPOTENCY_KEYS_KEPT);
    const newest = await api.call("POST", "/v1/invoices/IDEM-4/payments", {
      body: { amount: "1.00" },
      headers: { "Idempotency-Key": `key-${IDEMPOTENCY_KEYS_KEPT}` },
    });
    expect(newest.headers["Idempotent-Replayed"]).toBe("true");
  });
});

describe("the aging report", () => {
  it("puts what tenant b is owed in buckets by days overdue, per currency", async () => {
    // Arrange: today is 2026-11-20.
    await upload("AGE-1", "b", { dueDate: "2026-11-25" }); // current
    await upload("AGE-2", "b", { issueDate: "2026-10-01", dueDate: "2026-10-15" }); // 36 days
    await upload("AGE-3", "b", {
      currency: "EUR",
      amount: "100.00",
      issueDate: "2026-06-01",
      dueDate: "2026-07-01",
    });

    // Act
    const report = await api.call("GET", "/v1/reports/aging", { who: "b" });

    // Assess
    expect(report.status).toBe(200);
    const byCurrency = Object.fromEntries(
      report.body.currencies.map((row: { currency: string }) => [row.currency, row]),
    );
    expect(byCurrency.NOK.buckets.current).toMatchObject({ count: 1, display: "12500.00" });
    expect(byCurrency.NOK.buckets["31-60"]).toMatchObject({ count: 1, display: "12500.00" });
    expect(byCurrency.NOK.total).toMatchObject({ count: 2, display: "25000.00" });
    expect(byCurrency.EUR.buckets["90+"]).toMatchObject({ count: 1, display: "100.00" });
  });
});

describe("customers and their credit hold", () => {
  const customerOf = (id: string, name: string) => ({ customer: { ...anInvoiceInput().customer, id, name } });

  it("puts a customer with an invoice in collection on hold, lists by hold, and finds one by id", async () => {
    // Arrange: HOLD-1 has two invoices, one handed over to collection; HOLD/2 has one.
    await upload("CUS-1", "a", customerOf("HOLD-1", "Fjordlys AS"));
    await upload("CUS-2", "a", customerOf("HOLD-1", "Fjordlys AS"));
    await upload("CUS-3", "a", customerOf("HOLD/2", "Bergen Bakeri"));
    const stored = await api.deps.invoices.get("tenant-a", "CUS-2");
    if (!stored) throw new Error("CUS-2 was not stored");
    await api.deps.invoices.save(stored.invoice, { ...stored.invoice, status: "collection" }, [], undefined);

    // Act
    const one = await api.call("GET", "/v1/customers/HOLD-1");
    const other = await api.call("GET", `/v1/customers/${encodeURIComponent("HOLD/2")}`);
    const onHold = await api.call("GET", "/v1/customers?creditHold=true");
    const notOnHold = await api.call("GET", "/v1/customers?creditHold=false");

    // Assess
    expect(one.status).toBe(200);
    expect(one.body).toEqual({
      customerId: "HOLD-1",
      name: "Fjordlys AS",
      openInvoices: 2,
      creditHold: true,
      reasons: [{ invoiceNumber: "CUS-2", reason: "in_collection" }],
    });
    expect(other.body).toMatchObject({ customerId: "HOLD/2", creditHold: false, reasons: [] });
    const ids = (answer: typeof onHold) =>
      answer.body.customers.map((customer: { customerId: string }) => customer.customerId);
    expect(ids(onHold)).toContain("HOLD-1");
    expect(ids(onHold)).not.toContain("HOLD/2");
    expect(ids(notOnHold)).toContain("HOLD/2");
    expect(ids(notOnHold)).not.toContain("HOLD-1");
  });

  it("answers 404 for a customer no invoice names, and 400 naming creditHold when it is not true or false", async () => {
    const unknown = await api.call("GET", "/v1/customers/NOBODY");
    const bad = await api.call("GET", "/v1/customers?creditHold=yes");
    expect(unknown.status).toBe(404);
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ path: "creditHold", message: "must be true or false" }]);
  });
});

describe("the policy", () => {
  const ladder = {
    reminder_1: { offsetDays: 14, fee: { NOK: "35.00" } },
    final_notice: { offsetDays: 28, deadlineDays: 14 },
  };

  it("refuses a fee above a country's cap, naming the rule and where it is, and stores nothing", async () => {
    const before = await api.deps.tenants.get("tenant-a");
    const refused = await api.call("PUT", "/v1/policy", {
      body: {
        ladder,
        overrides: [
          { country: "NO", ladder: { ...ladder, reminder_1: { offsetDays: 14, fee: { NOK: "500.00" } } } },
        ],
      },
    });

    expect(refused.status).toBe(422);
    expect(refused.body.errors).toContainEqual(
      expect.objectContaining({
        path: "overrides[0].ladder.reminder_1.fee.NOK",
        rule: "maxReminderFee",
        country: "NO",
      }),
    );
    expect(await api.deps.tenants.get("tenant-a")).toEqual(before);
  });

  it("stores a lawful policy, keeping the tenant's suppressed addresses", async () => {
    await api.deps.tenants.suppress("tenant-a", "gone@example.com");
    const saved = await api.call("PUT", "/v1/policy", { body: { ladder } });

    expect(saved.status).toBe(200);
    // A NOK fee is never charged to a Swedish or Danish debtor: their caps are in SEK and DKK.
    expect(saved.body.warnings).toContainEqual(
      expect.objectContaining({ path: "ladder.reminder_1.fee.NOK", rule: "maxReminderFee", country: "SE" }),
    );
    const stored = await api.deps.tenants.get("tenant-a");
    expect(stored?.tenant.policy.ladder.reminder_1?.fee).toEqual({ NOK: 3500 });
    expect(stored?.tenant.policy.ladder.courtesy).toBeUndefined();
    expect(await api.deps.tenants.listSuppressed("tenant-a")).toEqual(["gone@example.com"]);
  });
});

describe("the API's description", () => {
  it("serves a valid OpenAPI 3.1 document without a key, with every route in it", async () => {
    const response = await api.call("GET", "/v1/openapi.json", { authorization: null });
    expect(response.status).toBe(200);
    const validation = await new Validator().validate(response.body);
    expect(validation).toEqual({ valid: true });
    for (const route of ROUTES) {
      expect(response.body.paths[route.path][route.method.toLowerCase()]).toBeDefined();
    }
  });

  it("answers a method a route does not take with 405 and the methods it does", async () => {
    const response = await api.call("DELETE", "/v1/invoices");
    expect(response.status).toBe(405);
    expect(response.headers.Allow).toBe("POST, GET");
  });
});

/** A concrete request for every route, aimed at tenant b's invoice ISO-1 with tenant a's key. */
function requestFor(route: (typeof ROUTES)[number]): { path: string; body?: unknown } {
  const path = route.path.replace("{invoiceNumber}", "ISO-1").replace("{customerId}", "ISO-B");
  const bodies: Record<string, unknown> = {
    "/v1/invoices": anInvoiceInput({ invoiceNumber: "ISO-A", amount: "1.00" }),
    "/v1/invoices/ISO-1/payments": { amount: "12500.00" },
    "/v1/invoices/ISO-1/promise": { date: "2026-12-01" },
    "/v1/invoices/ISO-1/dispute": { reason: "not ours" },
    "/v1/invoices/ISO-1/pause": { until: "2026-12-01" },
    "/v1/invoices/ISO-1/payment-plan": {
      installments: [
        { dueDate: "2026-12-15", amount: "6250.00" },
        { dueDate: "2027-01-15", amount: "6250.00" },
      ],
    },
    "/v1/invoices/ISO-1/customer": { email: "attacker@evil.example" },
    "/v1/policy": { ladder: { reminder_1: { offsetDays: 7 } } },
  };
  return { path, body: bodies[path] ?? (route.method === "GET" ? undefined : {}) };
}

describe("tenant isolation", () => {
  it("lets tenant a neither read nor change tenant b's invoice on any route, and 404s so existence does not leak", async () => {
    // Arrange: tenant b's invoice, and a snapshot of everything tenant b owns.
    await upload("ISO-1", "b", { customer: { ...anInvoiceInput().customer, id: "ISO-B" } });
    const ownedByB = async () =>
      (await tableItems()).filter((item) => JSON.stringify(item).includes("tenant-b"));
    const before = await ownedByB();
    const policyOfB = (await api.deps.tenants.get("tenant-b"))?.tenant.policy;

    for (const route of ROUTES) {
      // Act
      const { path, body } = requestFor(route);
      const response = await api.call(route.method, path, { who: "a", body });

      // Assess: routes about one invoice or customer do not find it; the others only ever show tenant a's own.
      if (route.path.includes("{invoiceNumber}") || route.path.includes("{customerId}")) {
        expect({ route: route.path, method: route.method, status: response.status }).toEqual({
          route: route.path,
          method: route.method,
          status: 404,
        });
      } else {
        expect(JSON.stringify(response.body)).not.toContain("tenant-b");
      }
    }
    const listed = await api.call("GET", "/v1/invoices", { who: "a" });
    const numbers = listed.body.invoices.map((view: { invoiceNumber: string }) => view.invoiceNumber);
    expect(numbers).toContain("ISO-A");
    expect(numbers).not.toContain("ISO-1");
    const customers = await api.call("GET", "/v1/customers", { who: "a" });
    expect(JSON.stringify(customers.body)).not.toContain("ISO-B");
    expect(await ownedByB()).toEqual(before);
    expect((await api.deps.tenants.get("tenant-b"))?.tenant.policy).toEqual(policyOfB);
    expect((await api.call("GET", "/v1/invoices/ISO-1", { who: "b" })).body.amount).toBe("12500.00");
  });
});
