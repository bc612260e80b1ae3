import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "#domain/calendar/iso-date.ts";
import { type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import { toDecimalString } from "#domain/money/money.ts";
import {
  AGING_BUCKETS,
  type AgingBucket,
  AgingReportSchema,
  agingBucketOf,
  agingReport,
  daysOverdue,
} from "#domain/reports/aging.ts";
import { INVOICE_STATES, type InvoiceState } from "#domain/vocabulary.ts";
import { anInvoice, anInvoiceInput } from "../support/invoices.ts";

// Noon in Oslo, where anInvoice's customer lives: the UTC date and the local date agree.
const NOW = new Date("2026-12-01T11:00:00.000Z");
const TODAY = "2026-12-01";

/** A NOK 1 000 invoice for the Oslo customer, `days` days overdue today, on 14 days' terms. */
function overdueBy(days: number, overrides: Partial<Invoice> = {}): Invoice {
  const dueDate = addDays(TODAY, -days);
  return { ...anInvoice({ amount: "1000.00", issueDate: addDays(dueDate, -14), dueDate }), ...overrides };
}

function customerIn(country: string, timeZone: string) {
  return { ...anInvoiceInput().customer, country, timeZone };
}

/** The one bucket of the only currency that holds anything. */
function bucketsHolding(report: ReturnType<typeof agingReport>): AgingBucket[] {
  const [row] = report.currencies;
  return AGING_BUCKETS.filter((bucket) => (row?.buckets[bucket].count ?? 0) > 0);
}

describe("agingBucketOf", () => {
  it.each([
    [-5, "current"],
    [0, "current"],
    [1, "1-30"],
    [30, "1-30"],
    [31, "31-60"],
    [60, "31-60"],
    [61, "61-90"],
    [90, "61-90"],
    [91, "90+"],
    [400, "90+"],
  ] as const)("puts %i days overdue in %s", (days, bucket) => {
    expect(agingBucketOf(days)).toBe(bucket);
  });
});

describe("agingReport", () => {
  it.each([
    [0, "current"],
    [1, "1-30"],
    [30, "1-30"],
    [31, "31-60"],
    [60, "31-60"],
    [61, "61-90"],
    [90, "61-90"],
    [91, "90+"],
  ] as const)("ages an invoice due %i days ago into %s", (days, bucket) => {
    // Prepare
    const invoice = overdueBy(days);

    // Act
    const report = agingReport([invoice], NOW);

    // Assess
    expect(bucketsHolding(report)).toEqual([bucket]);
    expect(report.currencies[0]?.buckets[bucket]).toEqual({ count: 1, amount: 100_000, display: "1000.00" });
  });

  it("counts an invoice not yet due as current", () => {
    expect(bucketsHolding(agingReport([overdueBy(-14)], NOW))).toEqual(["current"]);
  });

  it("shows every bucket, empty ones too, with the total, and stamps the instant", () => {
    // Prepare
    const invoices = [overdueBy(3), overdueBy(45, { amount: 250_050 })];

    // Act
    const report = agingReport(invoices, NOW);

    // Assess
    const empty = { count: 0, amount: 0, display: "0.00" };
    expect(report).toEqual({
      asOf: "2026-12-01T11:00:00.000Z",
      currencies: [
        {
          currency: "NOK",
          buckets: {
            current: empty,
            "1-30": { count: 1, amount: 100_000, display: "1000.00" },
            "31-60": { count: 1, amount: 250_050, display: "2500.50" },
            "61-90": empty,
            "90+": empty,
          },
          total: { count: 2, amount: 350_050, display: "3500.50" },
        },
      ],
    });
    expect(AgingReportSchema.parse(report)).toEqual(report);
  });

  it.each(["paid", "cancelled", "written_off"] as const)("leaves out a %s invoice", (status) => {
    expect(agingReport([overdueBy(40, { status })], NOW).currencies).toEqual([]);
  });

  it.each([
    "open",
    "partially_paid",
    "disputed",
    "paused",
    "promised",
    "payment_plan",
    "contact_failed",
    "collection",
  ] as const)("counts a %s invoice, which is still owed", (status) => {
    expect(agingReport([overdueBy(40, { status })], NOW).currencies[0]?.total.amount).toBe(100_000);
  });

  it("leaves out an invoice with nothing outstanding, whatever its status says", () => {
    // Prepare: settled in full, and overpaid, before the status caught up.
    const settled = overdueBy(10, { status: "open", amountPaid: 100_000 });
    const overpaid = overdueBy(10, { status: "partially_paid", amountPaid: 120_000 });

    // Act
    const report = agingReport([settled, overpaid], NOW);

    // Assess
    expect(report.currencies).toEqual([]);
  });

  it("counts what is still outstanding after a partial payment, not the face amount", () => {
    // Prepare
    const invoice = overdueBy(20, { status: "partially_paid", amountPaid: 40_000 });

    // Act
    const report = agingReport([invoice], NOW);

    // Assess
    expect(report.currencies[0]?.buckets["1-30"]).toEqual({ count: 1, amount: 60_000, display: "600.00" });
    expect(report.currencies[0]?.total.amount).toBe(60_000);
  });

  it("ages a payment plan by the invoice's own due date, not its installments", () => {
    // Prepare: due 70 days ago, the next installment due next week.
    const invoice = overdueBy(70, {
      status: "payment_plan",
      installments: [
        { dueDate: addDays(TODAY, -20), amount: 50_000, paid: 50_000 },
        { dueDate: addDays(TODAY, 7), amount: 50_000, paid: 0 },
      ],
      amountPaid: 50_000,
    });

    // Act
    const report = agingReport([invoice], NOW);

    // Assess
    expect(report.currencies[0]?.buckets["61-90"]).toEqual({ count: 1, amount: 50_000, display: "500.00" });
  });

  it("keeps currencies apart, sorted by code, each in its own minor units", () => {
    // Prepare
    const invoices = [
      overdueBy(5, { currency: "SEK", amount: 70_000 }),
      overdueBy(5),
      overdueBy(100, { currency: "EUR", amount: 12_345 }),
      overdueBy(5, { currency: "JPY", amount: 5_000 }),
      overdueBy(35),
    ];

    // Act
    const report = agingReport(invoices, NOW);

    // Assess
    expect(report.currencies.map((row) => [row.currency, row.total])).toEqual([
      ["EUR", { count: 1, amount: 12_345, display: "123.45" }],
      ["JPY", { count: 1, amount: 5_000, display: "5000" }],
      ["NOK", { count: 2, amount: 200_000, display: "2000.00" }],
      ["SEK", { count: 1, amount: 70_000, display: "700.00" }],
    ]);
    expect(report.currencies.find((row) => row.currency === "EUR")?.buckets["90+"].amount).toBe(12_345);
  });

  it("reports no currencies when nothing is owed", () => {
    expect(agingReport([], NOW)).toEqual({ asOf: NOW.toISOString(), currencies: [] });
  });

  describe("counts days in the customer's time zone", () => {
    it("an Auckland customer is a day overdue while it is still the due date in UTC", () => {
      // Prepare: 11:30 UTC on 1 December is 00:30 on 2 December in Auckland (NZDT, UTC+13).
      const now = new Date("2026-12-01T11:30:00.000Z");
      const invoice = anInvoice({ dueDate: "2026-12-01", customer: customerIn("NZ", "Pacific/Auckland") });

      // Act
      const report = agingReport([invoice], now);

      // Assess
      expect(daysOverdue(invoice, now)).toBe(1);
      expect(bucketsHolding(report)).toEqual(["1-30"]);
    });

    it("a Los Angeles customer is still current when the UTC date has moved past the due date", () => {
      // Prepare: 03:00 UTC on 1 December is 19:00 on 30 November in Los Angeles (PST, UTC−8).
      const now = new Date("2026-12-01T03:00:00.000Z");
      const invoice = anInvoice({ dueDate: "2026-11-30", customer: customerIn("US", "America/Los_Angeles") });

      // Act
      const report = agingReport([invoice], now);

      // Assess
      expect(daysOverdue(invoice, now)).toBe(0);
      expect(bucketsHolding(report)).toEqual(["current"]);
    });

    it("the same due date lands in different buckets for customers on either side of the date line", () => {
      // Prepare: 30 days after 1 November in Los Angeles, 31 in Auckland.
      const now = new Date("2026-12-01T12:00:00.000Z");
      const dueDate = "2026-11-01";
      const auckland = anInvoice({ dueDate, customer: customerIn("NZ", "Pacific/Auckland") });
      const losAngeles = anInvoice({ dueDate, customer: customerIn("US", "America/Los_Angeles") });

      // Act
      const [row] = agingReport([auckland, losAngeles], now).currencies;

      // Assess
      expect(row?.buckets["1-30"].count).toBe(1);
      expect(row?.buckets["31-60"].count).toBe(1);
    });
  });
});

describe("agingReport, for any invoices", () => {
  const CURRENCIES = ["NOK", "EUR", "JPY", "KWD"] as const;
  const ZONES = ["Europe/Oslo", "Pacific/Auckland", "America/Los_Angeles", "Asia/Kolkata", "UTC"] as const;
  const base = anInvoice();

  const anyInvoice = fc
    .record({
      currency: fc.constantFrom(...CURRENCIES),
      status: fc.constantFrom<InvoiceState>(...INVOICE_STATES),
      amount: fc.integer({ min: 0, max: 10_000_000_000 }),
      paidShare: fc.oneof(fc.constant(0), fc.constant(1), fc.double({ min: 0, max: 1.2, noNaN: true })),
      dueInDays: fc.integer({ min: -200, max: 200 }),
      timeZone: fc.constantFrom(...ZONES),
    })
    .map(
      ({ currency, status, amount, paidShare, dueInDays, timeZone }): Invoice => ({
        ...base,
        currency,
        status,
        amount,
        amountPaid: Math.floor(amount * paidShare),
        dueDate: addDays(TODAY, dueInDays),
        customer: { ...base.customer, timeZone },
      }),
    );
  const anyNow = fc.date({
    min: new Date("2026-11-29T00:00:00.000Z"),
    max: new Date("2026-12-03T00:00:00.000Z"),
    noInvalidDate: true,
  });
  const excluded = new Set<InvoiceState>(["paid", "cancelled", "written_off"]);

  it("adds the buckets up to the total, and the total to what the included invoices still owe", () => {
    fc.assert(
      fc.property(fc.array(anyInvoice, { maxLength: 30 }), anyNow, (invoices, now) => {
        const report = agingReport(invoices, now);

        const included = invoices.filter(
          (invoice) => !excluded.has(invoice.status) && outstandingOf(invoice) > 0,
        );
        expect(report.currencies.map((row) => row.currency)).toEqual(
          [...new Set(included.map((invoice) => invoice.currency))].sort(),
        );
        for (const row of report.currencies) {
          const cells = AGING_BUCKETS.map((bucket) => row.buckets[bucket]);
          expect(cells.reduce((sum, cell) => sum + cell.amount, 0)).toBe(row.total.amount);
          expect(cells.reduce((sum, cell) => sum + cell.count, 0)).toBe(row.total.count);

          const owed = included.filter((invoice) => invoice.currency === row.currency);
          expect(row.total.amount).toBe(owed.reduce((sum, invoice) => sum + outstandingOf(invoice), 0));
          expect(row.total.count).toBe(owed.length);
          for (const cell of [...cells, row.total]) {
            expect(cell.display).toBe(toDecimalString({ amount: cell.amount, currency: row.currency }));
          }
        }
        expect(AgingReportSchema.safeParse(report).success).toBe(true);
      }),
    );
  });
});
