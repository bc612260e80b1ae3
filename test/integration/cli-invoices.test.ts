/**
 * `dun status`, `dun list` and `dun aging` against the real API over HTTP, with `--json` and
 * without, and what the user reads when the API refuses a request or cannot be reached.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { showAging } from "../../functions/cli/aging.ts";
import { DunApi, type InvoiceQuery } from "../../functions/cli/api-client.ts";
import { EXIT } from "../../functions/cli/command.ts";
import { listCustomers } from "../../functions/cli/customers.ts";
import { listInvoices, showStatus } from "../../functions/cli/invoices.ts";
import { runCommand } from "../../functions/cli/run.ts";
import { type Api, startApi } from "../support/api.ts";
import { closedPort, terminal } from "../support/cli.ts";
import { anInvoiceInput } from "../support/invoices.ts";

let api: Api<"a">;
let client: DunApi;

const ITALIAN = {
  ...anInvoiceInput().customer,
  name: "Trattoria Da Lucia S.r.l.",
  email: "amministrazione@dalucia.example",
  locale: "it-IT",
  country: "IT",
  timeZone: "Europe/Rome",
};

beforeAll(async () => {
  // Friday 2026-11-20, 10:00 UTC, as in docs/API.md.
  api = await startApi({ now: new Date("2026-11-20T10:00:00Z"), tenants: ["a"] });
  client = new DunApi({ url: await api.listen(), key: api.keys.a, source: "--api" });
  await api.call("POST", "/v1/invoices", {
    body: [
      anInvoiceInput({ invoiceNumber: "L-1", dueDate: "2026-11-10" }),
      anInvoiceInput({
        invoiceNumber: "L-2",
        dueDate: "2026-12-10",
        currency: "EUR",
        amount: "980.00",
        customer: ITALIAN,
      }),
      anInvoiceInput({ invoiceNumber: "L-3", issueDate: "2026-06-01", dueDate: "2026-07-01" }),
      ...["L-4", "L-5", "L-6", "L-7"].map((invoiceNumber) =>
        anInvoiceInput({ invoiceNumber, dueDate: "2026-12-01" }),
      ),
    ],
  });
  await api.call("POST", "/v1/invoices/L-1/payments", {
    body: { amount: "2500.00", date: "2026-11-19", reference: "Bank transfer" },
  });
  await api.call("POST", "/v1/invoices/L-3/dispute", {
    body: { reason: "3 of the 10 lamps arrived broken" },
  });
});

afterAll(async () => api?.close());

describe("dun status", () => {
  it("shows where the invoice stands, what comes next, and its timeline in words", async () => {
    // Prepare
    const io = terminal();

    // Act
    await showStatus({ api: client, terminal: io }, "L-1");

    // Assess
    expect(io.out.text).toBe(
      [
        "Invoice L-1: Fjordlys AS <faktura@fjordlys.example> (nb-NO, NO)",
        "  status       partially_paid, overdue",
        "  stage        none emailed yet",
        "  amount due   10 000.00 NOK (of 12 500.00, 2 500.00 paid)",
        "  issued       2026-11-01",
        "  due          2026-11-10",
        "  next action  reminder_1 at 2026-11-20 10:00 UTC",
        "timeline",
        "  2026-11-20 10:00 UTC  created, 12 500.00 NOK [open]",
        "  2026-11-20 10:00 UTC  payment of 2 500.00 NOK on 2026-11-19 (Bank transfer), 10 000.00 NOK outstanding [open → partially_paid]",
        "",
      ].join("\n"),
    );
    expect(io.err.text).toBe("");
  });

  it("prints the API's answer whole with --json", async () => {
    // Prepare
    const io = terminal({ json: true });

    // Act
    await showStatus({ api: client, terminal: io }, "L-3");

    // Assess
    expect(JSON.parse(io.out.text)).toEqual((await api.call("GET", "/v1/invoices/L-3")).body);
  });
});

describe("dun list", () => {
  it("follows nextCursor through every page into one table", async () => {
    // Prepare
    const queries: InvoiceQuery[] = [];
    const counting = {
      getInvoice: client.getInvoice.bind(client),
      listInvoices: (query: InvoiceQuery) => {
        queries.push(query);
        return client.listInvoices(query);
      },
    };
    const io = terminal();

    // Act
    await listInvoices({ api: counting, terminal: io }, { pageSize: 2 });

    // Assess
    expect(queries).toHaveLength(4);
    expect(queries[0]?.cursor).toBeUndefined();
    expect(queries.slice(1).every((query) => typeof query.cursor === "string" && query.limit === 2)).toBe(
      true,
    );
    const lines = io.out.text.split("\n");
    expect(lines[0]).toMatch(/^INVOICE +CUSTOMER +STATUS +STAGE +DUE DATE +AMOUNT DUE +NEXT$/);
    expect(lines.slice(1, 8).map((line) => line.split(" ")[0])).toEqual([
      "L-1",
      "L-2",
      "L-3",
      "L-4",
      "L-5",
      "L-6",
      "L-7",
    ]);
    expect(lines[2]).toMatch(
      /^L-2 +Trattoria Da Lucia S\.r\.l\. +open +- +2026-12-10 +980\.00 +EUR +courtesy at 2026-12-07 08:00 UTC$/,
    );
    // Amounts are right-aligned, so their decimal points line up.
    expect(new Set(lines.slice(1, 8).map((line) => line.indexOf(".00  ")))).toHaveProperty("size", 1);
    expect(lines[8]).toBe("7 invoices");
  });

  it("lists only overdue invoices, or one state, and says so when there are none", async () => {
    // Prepare
    const overdue = terminal();
    const disputed = terminal({ json: true });
    const none = terminal();

    // Act
    await listInvoices({ api: client, terminal: overdue }, { overdue: true, pageSize: 3 });
    await listInvoices({ api: client, terminal: disputed }, { status: "disputed" });
    await listInvoices({ api: client, terminal: none }, { status: "collection", overdue: true });

    // Assess
    expect(overdue.out.text).toMatch(/\nL-1 .*\nL-3 .*\n2 invoices \(overdue\)\n$/);
    expect(
      JSON.parse(disputed.out.text).invoices.map(
        (invoice: { invoiceNumber: string }) => invoice.invoiceNumber,
      ),
    ).toEqual(["L-3"]);
    expect(none.out.text).toBe("no invoices (status collection, overdue)\n");
  });
});

describe("dun aging", () => {
  it("is a table per currency, a row per bucket and the total", async () => {
    // Prepare
    const io = terminal();

    // Act
    await showAging({ api: client, terminal: io });

    // Assess
    expect(io.out.text).toBe(
      [
        "Aging as of 2026-11-20 10:00 UTC",
        "",
        "EUR                    INVOICES  OUTSTANDING",
        "current (not yet due)         1       980.00",
        "1-30 days overdue             0         0.00",
        "31-60 days overdue            0         0.00",
        "61-90 days overdue            0         0.00",
        "over 90 days overdue          0         0.00",
        "total                         1       980.00",
        "",
        "NOK                    INVOICES  OUTSTANDING",
        "current (not yet due)         4    50 000.00",
        "1-30 days overdue             1    10 000.00",
        "31-60 days overdue            0         0.00",
        "61-90 days overdue            0         0.00",
        "over 90 days overdue          1    12 500.00",
        "total                         6    72 500.00",
        "",
      ].join("\n"),
    );
  });

  it("prints the report as the API gives it with --json", async () => {
    const io = terminal({ json: true });
    await showAging({ api: client, terminal: io });
    expect(JSON.parse(io.out.text)).toEqual((await api.call("GET", "/v1/reports/aging")).body);
  });
});

describe("dun customers", () => {
  it("lists each customer with their open invoices and what holds their credit", async () => {
    // Prepare: a second customer, whose invoice is handed over to collection (as the ladder would).
    await api.call("POST", "/v1/invoices", {
      body: anInvoiceInput({
        invoiceNumber: "L-8",
        customer: { ...anInvoiceInput().customer, id: "C-40", name: "Nordkapp Fisk AS" },
      }),
    });
    const stored = await api.deps.invoices.get("tenant-a", "L-8");
    if (!stored) throw new Error("L-8 was not stored");
    await api.deps.invoices.save(stored.invoice, { ...stored.invoice, status: "collection" }, [], undefined);
    const all = terminal();
    const onHold = terminal();
    const asJson = terminal({ json: true });

    // Act
    await listCustomers({ api: client, terminal: all }, {});
    await listCustomers({ api: client, terminal: onHold }, { onHold: true });
    await listCustomers({ api: client, terminal: asJson }, { onHold: true });

    // Assess
    expect(all.out.text).toBe(
      [
        "CUSTOMER  NAME              OPEN  CREDIT HOLD",
        "C-17      Fjordlys AS          7  no",
        "C-40      Nordkapp Fisk AS     1  L-8 in collection",
        "",
      ].join("\n"),
    );
    expect(onHold.out.text).toBe(
      [
        "CUSTOMER  NAME              OPEN  CREDIT HOLD",
        "C-40      Nordkapp Fisk AS     1  L-8 in collection",
        "",
      ].join("\n"),
    );
    expect(JSON.parse(asJson.out.text)).toEqual(
      (await api.call("GET", "/v1/customers?creditHold=true")).body,
    );
  });
});

describe("when the API refuses", () => {
  it("exits with 3 and says what the problem+json said, field by field", async () => {
    // Prepare
    const missing = terminal();
    const badFilter = terminal();

    // Act
    const missingCode = await runCommand(missing, () =>
      showStatus({ api: client, terminal: missing }, "NOPE"),
    );
    const badFilterCode = await runCommand(badFilter, () =>
      listInvoices({ api: client, terminal: badFilter }, { status: "lost" }),
    );

    // Assess
    expect(missingCode).toBe(EXIT.refused);
    expect(missing.err.text).toBe("dun: GET /v1/invoices/NOPE answered 404 Not found: no invoice NOPE\n");
    expect(missing.out.text).toBe("");
    expect(badFilterCode).toBe(EXIT.refused);
    expect(badFilter.err.text).toMatch(
      /^dun: GET \/v1\/invoices answered 400 Malformed request: status must be one of /,
    );
    expect(badFilter.err.text).toMatch(/\n {2}status: must be one of open, partially_paid, .*cancelled\n$/);
  });

  it("refuses a key it does not know with 401, and --json gets the problem on stdout", async () => {
    // Prepare
    const stranger = new DunApi({ url: client.location.url, key: `dun_${"A".repeat(43)}`, source: "--api" });
    const io = terminal({ json: true });

    // Act
    const code = await runCommand(io, () => showAging({ api: stranger, terminal: io }));

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toMatch(/^dun: GET \/v1\/reports\/aging answered 401 Unauthorized: /);
    expect(JSON.parse(io.out.text)).toEqual({
      error: {
        exitCode: 3,
        message: expect.stringMatching(/^GET \/v1\/reports\/aging answered 401/),
        status: 401,
        problem: expect.objectContaining({ type: "https://dun.dev/problems/unauthorized", status: 401 }),
      },
    });
  });
});

describe("when the API cannot be reached", () => {
  it("exits with 4 and says where it looked and what to do", async () => {
    // Prepare: a port nothing listens on any more.
    const port = await closedPort();
    const local = new DunApi({ url: `http://127.0.0.1:${port}`, key: "dun_x", source: ".dun/local.json" });
    const given = new DunApi({ url: `http://127.0.0.1:${port}`, key: "dun_x", source: "--api" });
    const fromLocal = terminal();
    const fromOption = terminal({ json: true });

    // Act
    const localCode = await runCommand(fromLocal, () =>
      showStatus({ api: local, terminal: fromLocal }, "L-1"),
    );
    const optionCode = await runCommand(fromOption, () => listInvoices({ api: given, terminal: fromOption }));

    // Assess
    expect(localCode).toBe(EXIT.unreachable);
    expect(fromLocal.err.text).toBe(
      `dun: cannot reach the dun API at http://127.0.0.1:${port} (ECONNREFUSED); local mode wrote that URL to ` +
        ".dun/local.json when it started: is `npm start` still running?\n",
    );
    expect(optionCode).toBe(EXIT.unreachable);
    expect(fromOption.err.text).toMatch(
      /\(ECONNREFUSED\); check --api and the network; for local mode, run `npm start`\n$/,
    );
    expect(JSON.parse(fromOption.out.text).error).toMatchObject({ exitCode: 4 });
  });
});
