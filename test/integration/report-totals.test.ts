/**
 * The report totals (#adapters/dynamo/report-totals.ts) through the real adapter on dynalite: after
 * any mix of creates, payments, status changes, promises broken, new customers, concurrent changes
 * of one invoice and retries of a write already made, they say exactly what the aging report and
 * the customers' summaries computed over every invoice say.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { customerSummaries } from "#domain/invoice/standing.ts";
import { agingReport } from "#domain/reports/aging.ts";
import { agingReportOf, customerSummaryOf } from "#domain/reports/totals.ts";
import { INVOICE_STATES } from "#domain/vocabulary.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import { rebuildTotals } from "../../functions/cli/totals.ts";
import { output } from "../support/cli.ts";
import { anInvoice, anInvoiceInput } from "../support/invoices.ts";

const NOW = new Date("2026-12-01T11:00:00.000Z");

let dynamo: LocalDynamo;
let store: InvoiceStore;
beforeAll(async () => {
  dynamo = await startDynalite();
  store = invoiceTable(dynamo.documents, dynamo.tableName, () => NOW);
});
afterAll(() => dynamo.close());

const NUMBERS = ["A-1", "A-2", "A-3", "A-4", "A-5", "A-6"];
const CUSTOMERS = [undefined, "C-1", "C-2", "C-3"];
const NAMES = ["Fjordlys AS", "Nordkapp Fisk AS", "Trattoria Da Lucia S.r.l."];
const ZONES = ["Europe/Oslo", "Pacific/Auckland", "America/Los_Angeles"];
const DUE_DATES = ["2026-08-01", "2026-10-15", "2026-11-20", "2026-12-01", "2027-01-10"];

type Change =
  | {
      kind: "create";
      number: string;
      customer: number;
      name: number;
      zone: number;
      due: number;
      currency: string;
      amount: number;
    }
  | { kind: "pay"; number: string; amount: number }
  | { kind: "status"; number: string; status: (typeof INVOICE_STATES)[number] }
  | { kind: "breakPromise"; number: string }
  | { kind: "customer"; number: string; customer: number; name: number; zone: number }
  | { kind: "issued"; number: string; issueDate: string };

const number = fc.constantFrom(...NUMBERS);
const change: fc.Arbitrary<Change> = fc.oneof(
  fc.record({
    kind: fc.constant("create" as const),
    number,
    customer: fc.nat(CUSTOMERS.length - 1),
    name: fc.nat(NAMES.length - 1),
    zone: fc.nat(ZONES.length - 1),
    due: fc.nat(DUE_DATES.length - 1),
    currency: fc.constantFrom("NOK", "EUR"),
    amount: fc.integer({ min: 1, max: 500_000 }),
  }),
  fc.record({ kind: fc.constant("pay" as const), number, amount: fc.integer({ min: 1, max: 300_000 }) }),
  fc.record({ kind: fc.constant("status" as const), number, status: fc.constantFrom(...INVOICE_STATES) }),
  fc.record({ kind: fc.constant("breakPromise" as const), number }),
  fc.record({
    kind: fc.constant("customer" as const),
    number,
    customer: fc.nat(CUSTOMERS.length - 1),
    name: fc.nat(NAMES.length - 1),
    zone: fc.nat(ZONES.length - 1),
  }),
  fc.record({
    kind: fc.constant("issued" as const),
    number,
    issueDate: fc.constantFrom("2026-10-01", "2026-10-02"),
  }),
);

/** The invoice as this change leaves it; undefined for a create. */
function changed(invoice: Invoice, change: Exclude<Change, { kind: "create" }>): Invoice {
  switch (change.kind) {
    case "pay": {
      const amountPaid = invoice.amountPaid + change.amount;
      return { ...invoice, amountPaid, status: amountPaid >= invoice.amount ? "paid" : "partially_paid" };
    }
    case "status":
      return { ...invoice, status: change.status };
    case "breakPromise":
      return { ...invoice, promiseBrokenAt: NOW.toISOString() };
    case "customer":
      return {
        ...invoice,
        customer: {
          ...invoice.customer,
          id: CUSTOMERS[change.customer],
          name: NAMES[change.name] ?? "",
          timeZone: ZONES[change.zone] ?? "Europe/Oslo",
        },
      };
    case "issued":
      return { ...invoice, issueDate: change.issueDate };
  }
}

function created(tenantId: string, change: Extract<Change, { kind: "create" }>): Invoice {
  const invoice = anInvoice(
    {
      invoiceNumber: change.number,
      currency: change.currency,
      amount: (change.amount / 100).toFixed(2),
      issueDate: "2026-07-01",
      dueDate: DUE_DATES[change.due] ?? "2026-12-01",
      customer: {
        ...anInvoiceInput().customer,
        id: CUSTOMERS[change.customer],
        name: NAMES[change.name] ?? "",
        timeZone: ZONES[change.zone] ?? "Europe/Oslo",
      },
    },
    tenantId,
  );
  return invoice;
}

/** One change as the application makes it: read, decide, write on the version read. */
async function apply(tenantId: string, change: Change, retries: Invoice[][]): Promise<void> {
  if (change.kind === "create") {
    await store.create(created(tenantId, change), [], undefined);
    return;
  }
  const stored = await store.get(tenantId, change.number);
  if (!stored) return;
  const after = changed(stored.invoice, change);
  const outcome = await store.save(stored.invoice, after, [], undefined);
  // A retry of a write that was made: its condition fails and it adds nothing twice.
  if (outcome === "ok") retries.push([stored.invoice, after]);
}

describe("the report totals", () => {
  it("equal the aging report and the customers computed over every invoice, under concurrency and retries", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(change, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
        async (rounds) => {
          // Prepare: a tenant of its own for each run.
          const tenantId = `tenant-${run++}`;
          const retries: Invoice[][] = [];

          // Act: each round's changes at once, racing one another; then the retries.
          for (const round of rounds) await Promise.all(round.map((each) => apply(tenantId, each, retries)));
          for (const [before, after] of retries) {
            if (before && after) expect(await store.save(before, after, [], undefined)).toBe("conflict");
          }

          // Assess
          const invoices = (await store.list(tenantId)).map((stored) => stored.invoice);
          expect(agingReportOf(await store.dueDateTotals(tenantId), NOW)).toEqual(agingReport(invoices, NOW));
          const oracle = customerSummaries(invoices);
          const totals = (await store.customerTotals(tenantId)).flatMap(
            (total) => customerSummaryOf(total) ?? [],
          );
          expect(totals).toEqual(oracle);
          for (const customer of oracle) {
            const one = await store.customerTotal(tenantId, customer.customerId);
            expect(one && customerSummaryOf(one)).toEqual(customer);
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);

  it("are rebuilt from the invoices stored before they were kept", async () => {
    // Prepare: invoices whose totals are gone, as they are for invoices stored before totals existed.
    const tenantId = "tenant-rebuilt";
    for (const [index, invoiceNumber] of NUMBERS.entries()) {
      const invoice = anInvoice(
        {
          invoiceNumber,
          customer: { ...anInvoiceInput().customer, id: CUSTOMERS[index % CUSTOMERS.length] },
        },
        tenantId,
      );
      await store.create(index % 2 === 0 ? invoice : { ...invoice, status: "collection" }, [], undefined);
    }
    await store.rebuildTotals(tenantId, []);
    expect(await store.dueDateTotals(tenantId)).toEqual([]);
    const invoices = (await store.list(tenantId)).map((stored) => stored.invoice);
    const out = output();

    // Act: `dun totals rebuild --tenant tenant-rebuilt`, as the operator runs it.
    await rebuildTotals({ invoices: store, out, json: false }, tenantId);

    // Assess
    expect(out.text).toBe("rebuilt the report totals of tenant tenant-rebuilt from its 6 invoices\n");
    expect(agingReportOf(await store.dueDateTotals(tenantId), NOW)).toEqual(agingReport(invoices, NOW));
    expect((await store.customerTotals(tenantId)).flatMap((total) => customerSummaryOf(total) ?? [])).toEqual(
      customerSummaries(invoices),
    );
  });
});
