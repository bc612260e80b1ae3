/**
 * The HTTP API over the real DynamoDB API (dynalite): uploads, reads, errors, and two tenants who
 * never see each other's invoices.
 */
import { readFileSync } from "node:fs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/api.ts";
import { anInvoiceInput } from "../support/invoices.ts";

let api: Api<"a" | "b">;

async function itemCount(): Promise<number> {
  const { Items } = await api.dynamo.documents.send(new ScanCommand({ TableName: api.dynamo.tableName }));
  return Items?.length ?? 0;
}

beforeAll(async () => {
  api = await startApi({ now: new Date("2026-11-20T10:00:00Z"), tenants: ["a", "b"] });
});

afterAll(async () => api?.close());

describe("authentication", () => {
  it("refuses a request without a key, or with a key it does not know", async () => {
    expect((await api.call("GET", "/v1/invoices", { authorization: null })).status).toBe(401);
    const unknown = await api.call("GET", "/v1/invoices", { authorization: `Bearer dun_${"A".repeat(43)}` });
    expect(unknown.status).toBe(401);
    expect(unknown.headers["Content-Type"] ?? unknown.headers["content-type"]).toBe(
      "application/problem+json",
    );
  });
});

describe("uploading invoices", () => {
  it("creates an invoice, finds the same upload unchanged, and applies a changed amount", async () => {
    // Act
    const created = await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({ invoiceNumber: "A-1" }),
    });
    const again = await api.call("POST", "/v1/invoices", { body: anInvoiceInput({ invoiceNumber: "A-1" }) });
    const changed = await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({ invoiceNumber: "A-1", amount: "13000.00" }),
    });

    // Assess
    expect(created.body).toEqual({
      results: [{ invoiceNumber: "A-1", status: "created", errors: [] }],
      summary: { created: 1, updated: 0, unchanged: 0, rejected: 0, conflict: 0 },
    });
    expect(again.body.results[0].status).toBe("unchanged");
    expect(changed.body.results[0].status).toBe("updated");
    const view = await api.call("GET", "/v1/invoices/A-1");
    expect(view.body).toMatchObject({
      invoiceNumber: "A-1",
      amount: "13000.00",
      amountDue: "13000.00",
      status: "open",
    });
    expect(view.body.timeline.map((event: { type: string }) => event.type)).toEqual([
      "created",
      "amount_changed",
    ]);
  });

  it("answers an array item by item; one bad invoice does not stop the others", async () => {
    const response = await api.call("POST", "/v1/invoices", {
      body: [
        anInvoiceInput({ invoiceNumber: "A-2" }),
        { ...anInvoiceInput({ invoiceNumber: "A-3" }), dueDate: "2026-10-01" },
        anInvoiceInput({ invoiceNumber: "A-2" }),
      ],
    });
    expect(response.status).toBe(200);
    expect(response.body.results).toEqual([
      { invoiceNumber: "A-2", status: "created", errors: [] },
      {
        invoiceNumber: "A-3",
        status: "rejected",
        errors: [{ path: "dueDate", message: "must not be before issueDate (2026-11-01)" }],
      },
      {
        invoiceNumber: "A-2",
        status: "rejected",
        errors: [{ path: "[2].invoiceNumber", message: "A-2 is already at [0] in this upload" }],
      },
    ]);
  });

  it("finds an invoice number with a slash when the path encodes it", async () => {
    await api.call("POST", "/v1/invoices", { body: anInvoiceInput({ invoiceNumber: "2026/77" }) });
    expect((await api.call("GET", "/v1/invoices/2026%2F77")).body.invoiceNumber).toBe("2026/77");
  });

  it.each([
    ["broken JSON", 400, "{not json", "application/json"],
    ["a number", 400, "42", "application/json"],
    ["an empty array", 422, "[]", "application/json"],
    ["an unsupported content type", 415, "<xml/>", "application/xml"],
    [
      "a single invalid invoice",
      422,
      JSON.stringify({ ...anInvoiceInput(), currency: "XYZ" }),
      "application/json",
    ],
    ["an unknown field", 422, JSON.stringify({ ...anInvoiceInput(), discount: "5" }), "application/json"],
    ["a CSV with an unknown column", 422, "invoiceNumber;amount;bogus\nX-1;1,00;y", "text/csv"],
    ["an empty CSV", 400, "", "text/csv"],
  ] as const)("answers %s with %i and changes nothing", async (_, status, body, contentType) => {
    const before = await itemCount();
    const response = await api.call("POST", "/v1/invoices", { body, contentType });
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({
      status,
      type: expect.stringMatching(/^https:\/\//),
      title: expect.any(String),
    });
    expect(await itemCount()).toBe(before);
  });

  it("reads a CSV export, row by row, with the row number on each answer", async () => {
    // Prepare
    const csv = readFileSync(new URL("../../docs/examples/invoices.csv", import.meta.url), "utf8");
    const broken = `${csv.trimEnd()}\n${csv
      .trimEnd()
      .split("\n")
      .at(-1)
      ?.replace(/^[^;]+/, "CSV-BAD")
      ?.replace(/;EUR;/, ";EURO;")}\n`;

    // Act
    const response = await api.call("POST", "/v1/invoices", {
      body: broken,
      contentType: "text/csv; charset=utf-8",
    });

    // Assess
    expect(response.status).toBe(200);
    expect(response.body.summary).toMatchObject({ created: 5, rejected: 1 });
    const rejected = response.body.results.find((result: { status: string }) => result.status === "rejected");
    expect(rejected).toMatchObject({ invoiceNumber: "CSV-BAD", row: 7 });
    expect(rejected.errors[0].path).toBe("currency");
  });

  it("answers once for a CSV row with several unreadable cells, naming each", async () => {
    // Prepare: a yes/no that is neither, and a number of days that is no number.
    const csv = readFileSync(new URL("../../docs/examples/invoices.csv", import.meta.url), "utf8");
    const [header = "", first = ""] = csv.split("\n");
    const broken = first
      .replace(/^[^;]+/, "CSV-TWICE")
      .replace(";nei;", ";kanskje;")
      .replace(/;10\s*$/, ";ti");

    // Act
    const response = await api.call("POST", "/v1/invoices", {
      body: `${header}\n${broken}\n`,
      contentType: "text/csv",
    });

    // Assess: one row rejected, with both cells named.
    expect(response.status).toBe(422);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      "row 2: earlyPaymentDiscount.withinDays",
      "row 2: reminderFeeAgreed",
    ]);
    const answered = await api.call("POST", "/v1/invoices", {
      body: `${header}\n${broken}\n${first}\n`,
      contentType: "text/csv",
    });
    expect(answered.body.summary).toMatchObject({ rejected: 1 });
    expect(answered.body.results.filter((result: { row: number }) => result.row === 2)).toEqual([
      expect.objectContaining({ status: "rejected", errors: [expect.anything(), expect.anything()] }),
    ]);
  });

  it("names every field at fault in a rejected invoice", async () => {
    const response = await api.call("POST", "/v1/invoices", {
      body: {
        ...anInvoiceInput(),
        amount: "-5",
        customer: { ...anInvoiceInput().customer, email: "nobody", country: "ZZ" },
      },
    });
    expect(response.status).toBe(422);
    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      "amount",
      "customer.country",
      "customer.email",
    ]);
  });
});

describe("reading invoices", () => {
  it("lists the tenant's invoices, filtered by status and overdue", async () => {
    const all = await api.call("GET", "/v1/invoices");
    expect(all.body.invoices.map((invoice: { invoiceNumber: string }) => invoice.invoiceNumber)).toEqual(
      expect.arrayContaining(["A-1", "A-2", "2026/77"]),
    );
    expect((await api.call("GET", "/v1/invoices?status=paid")).body.invoices).toEqual([]);
    const overdue = (await api.call("GET", "/v1/invoices?overdue=true")).body.invoices;
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.every((invoice: { dueDate: string }) => invoice.dueDate < "2026-11-20")).toBe(true);
    expect((await api.call("GET", "/v1/invoices?overdue=maybe")).status).toBe(400);
  });

  it("says what comes next and when", async () => {
    const view = await api.call("GET", "/v1/invoices/A-2");
    expect(view.body.nextAction).toEqual({
      kind: "send",
      at: "2026-11-23T08:00:00.000Z",
      step: "reminder_1",
    });
  });
});

describe("tenant isolation", () => {
  it("hides one tenant's invoices from another: not found, not forbidden", async () => {
    expect((await api.call("GET", "/v1/invoices/A-1", { who: "b" })).status).toBe(404);
    expect((await api.call("GET", "/v1/invoices", { who: "b" })).body.invoices).toEqual([]);
    // Tenant B uploading the same number creates B's own invoice and leaves A's alone.
    await api.call("POST", "/v1/invoices", {
      who: "b",
      body: anInvoiceInput({ invoiceNumber: "A-1", amount: "1.00" }),
    });
    expect((await api.call("GET", "/v1/invoices/A-1", { who: "a" })).body.amount).toBe("13000.00");
    expect((await api.call("GET", "/v1/invoices/A-1", { who: "b" })).body.amount).toBe("1.00");
  });
});

describe("routing", () => {
  it("answers an unknown route 404 and a wrong method 405", async () => {
    expect((await api.call("GET", "/v1/nothing")).status).toBe(404);
    expect((await api.call("DELETE", "/v1/invoices")).status).toBe(405);
  });
});
