/**
 * `GET /v1/reports/aging`, `GET /v1/customers` and `GET /v1/customers/{id}` answer from the report
 * totals the invoice writes keep: the same answers the invoices themselves give, without reading
 * one invoice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customerSummaries } from "#domain/invoice/standing.ts";
import { agingReport } from "#domain/reports/aging.ts";
import { type Api, startApi } from "../support/api.ts";
import { anInvoiceInput } from "../support/invoices.ts";

const NOW = new Date("2026-12-10T10:00:00.000Z");

let api: Api<"a">;
/** The DynamoDB requests made since the last reset: the operation and the partition it read or wrote. */
let requests: { operation: string; partition?: string }[] = [];
beforeAll(async () => {
  api = await startApi({ now: NOW, tenants: ["a"] });
  api.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { ExpressionAttributeValues?: Record<string, { S?: string }> };
      requests.push({
        operation: String(context.commandName),
        partition: input.ExpressionAttributeValues?.[":pk"]?.S,
      });
      return next(args);
    },
    { step: "initialize", name: "testRecordRequests" },
  );
});
afterAll(() => api.close());

const customer = (id: string, name: string, timeZone = "Europe/Oslo") => ({
  ...anInvoiceInput().customer,
  id,
  name,
  timeZone,
});

describe("the report routes", () => {
  it("answer aging, customers and one customer's credit hold from the totals, as the invoices would", async () => {
    // Prepare: uploads, payments and a hand-over through the API and the store, as they happen.
    const uploads = [
      anInvoiceInput({
        invoiceNumber: "R-1",
        issueDate: "2026-10-15",
        dueDate: "2026-11-01",
        customer: customer("K-1", "Fjordlys AS"),
      }),
      anInvoiceInput({
        invoiceNumber: "R-2",
        dueDate: "2026-12-20",
        customer: customer("K-1", "Fjordlys AS"),
      }),
      anInvoiceInput({
        invoiceNumber: "R-3",
        issueDate: "2026-08-01",
        currency: "EUR",
        amount: "900.00",
        dueDate: "2026-08-15",
        customer: customer("K-2", "Trattoria Da Lucia S.r.l.", "Europe/Rome"),
      }),
      anInvoiceInput({
        invoiceNumber: "R-4",
        issueDate: "2026-09-15",
        dueDate: "2026-10-01",
        customer: customer("K-3", "Nordkapp Fisk AS"),
      }),
    ];
    const uploaded = await api.call("POST", "/v1/invoices", { body: uploads });
    expect(uploaded.body.results.flatMap((r: { errors?: unknown[] }) => r.errors ?? [])).toEqual([]);
    expect(uploaded.body.summary).toEqual({ created: 4, updated: 0, unchanged: 0, rejected: 0, conflict: 0 });
    expect(
      (await api.call("POST", "/v1/invoices/R-1/payments", { body: { amount: "2500.00" } })).status,
    ).toBe(200);
    expect(
      (await api.call("POST", "/v1/invoices/R-4/payments", { body: { amount: "12500.00" } })).status,
    ).toBe(200);
    const stored = await api.deps.invoices.get("tenant-a", "R-3");
    if (!stored) throw new Error("R-3 was not stored");
    await api.deps.invoices.save(stored.invoice, { ...stored.invoice, status: "collection" }, [], undefined);
    const invoices = (await api.deps.invoices.list("tenant-a")).map((each) => each.invoice);

    // Act
    requests = [];
    const aging = await api.call("GET", "/v1/reports/aging");
    const agingRequests = requests;
    requests = [];
    const customers = await api.call("GET", "/v1/customers");
    const onHold = await api.call("GET", "/v1/customers?creditHold=true");
    requests = [];
    const held = await api.call("GET", "/v1/customers/K-2");
    const holdRequests = requests;

    // Assess
    expect(aging.body).toEqual(agingReport(invoices, NOW));
    expect(aging.body.currencies.map((row: { currency: string }) => row.currency)).toEqual(["EUR", "NOK"]);
    expect(customers.body).toEqual({ customers: customerSummaries(invoices) });
    expect(onHold.body.customers.map((each: { customerId: string }) => each.customerId)).toEqual(["K-2"]);
    expect(held.body).toEqual({
      customerId: "K-2",
      name: "Trattoria Da Lucia S.r.l.",
      openInvoices: 1,
      creditHold: true,
      reasons: [{ invoiceNumber: "R-3", reason: "in_collection" }],
    });
    // No invoice is read: the aging report queries the 8 shards of its totals, the credit-hold
    // check reads its customer's 8 items in one BatchGetItem (beside the API key and the tenant).
    expect(agingRequests.filter((request) => request.operation === "QueryCommand")).toHaveLength(8);
    expect(
      agingRequests.every((request) => !request.partition || request.partition.includes("#DUEDATES#")),
    ).toBe(true);
    expect(holdRequests.map((request) => request.operation).sort()).toEqual([
      "BatchGetItemCommand",
      "GetItemCommand",
      "GetItemCommand",
    ]);
  });
});
