/**
 * The accounts-receivable aging report: what customers still owe, grouped by how long it has been
 * overdue (current, 1–30, 31–60, 61–90, 90+ days), one row per currency, since dun never converts.
 *
 * What counts is what a bookkeeper reconciles against the ledger: the outstanding balance of every
 * invoice still owed, not its face amount. Paid, cancelled and written-off invoices are settled for
 * good and left out, as is any invoice with nothing outstanding (an overpayment is credit, not a
 * receivable). Invoices that are disputed, paused, promised, on a payment plan, in collection or
 * whose contact failed are still owed, and age like any other.
 *
 * Age is counted in calendar days from the due date to today's date in the customer's time zone,
 * the day the customer sees on the invoice: due today or later is current, one day late is 1–30.
 * An invoice on a payment plan ages by its own due date, not by its earliest unpaid installment:
 * the plan changes how the debt is collected, not when it fell due, which is the standard reading
 * and keeps the report comparable with the seller's ledger.
 */
import * as z from "zod";
import { daysBetween, type IsoDate } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import { toDecimalString } from "#domain/money/money.ts";
import { InstantSchema } from "#domain/text.ts";
import { TERMINAL_STATES } from "#domain/vocabulary.ts";

/** The buckets, youngest first; a bucket's name is its range of days overdue. */
export const AGING_BUCKETS = ["current", "1-30", "31-60", "61-90", "90+"] as const;
export type AgingBucket = (typeof AGING_BUCKETS)[number];

export const AgingCellSchema = z.object({
  count: z.number().int().nonnegative().describe("How many invoices"),
  amount: z.number().int().nonnegative().describe("Their outstanding balance, in minor units"),
  display: z.string().describe('The same amount as a decimal string, such as "12500.00"'),
});
export type AgingCell = z.infer<typeof AgingCellSchema>;

export const AgingCurrencySchema = z.object({
  currency: z.string().describe("ISO 4217 code"),
  buckets: z.object({
    current: AgingCellSchema.describe("Not yet due, or due today"),
    "1-30": AgingCellSchema.describe("1 to 30 days overdue"),
    "31-60": AgingCellSchema.describe("31 to 60 days overdue"),
    "61-90": AgingCellSchema.describe("61 to 90 days overdue"),
    "90+": AgingCellSchema.describe("More than 90 days overdue"),
  }),
  total: AgingCellSchema,
});
export type AgingCurrency = z.infer<typeof AgingCurrencySchema>;

export const AgingReportSchema = z.object({
  asOf: InstantSchema.describe("The instant the report was computed for"),
  currencies: z
    .array(AgingCurrencySchema)
    .describe("One entry per currency with money owed, by currency code; never summed together"),
});
export type AgingReport = z.infer<typeof AgingReportSchema>;

/** Whether the invoice is a receivable at all: not settled for good, and something still owed. */
export function isOwed(invoice: Pick<Invoice, "status" | "amount" | "amountPaid">): boolean {
  return !TERMINAL_STATES.has(invoice.status) && outstandingOf(invoice) > 0;
}

/**
 * Calendar days from the due date to the customer's date at `now`: 0 or less when not yet overdue.
 * An invoice due 1 December becomes 1 day overdue at 11:00 UTC on 1 December for a customer in
 * Auckland, and at 08:00 UTC on 2 December for one in Los Angeles.
 */
export function daysOverdue(invoice: Pick<Invoice, "dueDate" | "customer">, now: Date): number {
  return daysBetween(invoice.dueDate, localDateOf(now, invoice.customer.timeZone));
}

export function agingBucketOf(daysOverdue: number): AgingBucket {
  if (daysOverdue <= 0) return "current";
  if (daysOverdue <= 30) return "1-30";
  if (daysOverdue <= 60) return "31-60";
  if (daysOverdue <= 90) return "61-90";
  return "90+";
}

/** The tenant's invoices aged as of `now`; see the module comment for what counts and how. */
export function agingReport(invoices: readonly Invoice[], now: Date): AgingReport {
  const amounts = new Map<string, Record<AgingBucket, { count: number; amount: number }>>();
  // Many invoices share a handful of zones; one local date per zone spares repeated Intl formatting.
  const todays = new Map<string, IsoDate>();
  for (const invoice of invoices) {
    if (!isOwed(invoice)) continue;
    // daysOverdue, with the customer's date looked up once per zone.
    const zone = invoice.customer.timeZone;
    let today = todays.get(zone);
    if (today === undefined) {
      today = localDateOf(now, zone);
      todays.set(zone, today);
    }
    let row = amounts.get(invoice.currency);
    if (row === undefined) {
      row = emptyRow();
      amounts.set(invoice.currency, row);
    }
    const cell = row[agingBucketOf(daysBetween(invoice.dueDate, today))];
    cell.count += 1;
    cell.amount += outstandingOf(invoice);
  }

  return { asOf: now.toISOString(), currencies: agingRows(amounts) };
}

/** The report's rows from the counts and amounts by currency and bucket, by currency code. */
export function agingRows(
  amounts: ReadonlyMap<string, Record<AgingBucket, { count: number; amount: number }>>,
): AgingCurrency[] {
  return [...amounts.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((currency) => currencyRow(currency, amounts.get(currency) ?? emptyRow()));
}

function emptyRow(): Record<AgingBucket, { count: number; amount: number }> {
  return {
    current: { count: 0, amount: 0 },
    "1-30": { count: 0, amount: 0 },
    "31-60": { count: 0, amount: 0 },
    "61-90": { count: 0, amount: 0 },
    "90+": { count: 0, amount: 0 },
  };
}

function currencyRow(currency: string, row: Record<AgingBucket, { count: number; amount: number }>) {
  // toDecimalString rejects an amount beyond Number.MAX_SAFE_INTEGER, so a sum that lost
  // precision fails loudly instead of being reported.
  const cell = ({ count, amount }: { count: number; amount: number }): AgingCell => ({
    count,
    amount,
    display: toDecimalString({ amount, currency }),
  });
  const total = AGING_BUCKETS.reduce(
    (sum, bucket) => ({ count: sum.count + row[bucket].count, amount: sum.amount + row[bucket].amount }),
    { count: 0, amount: 0 },
  );
  return {
    currency,
    buckets: {
      current: cell(row.current),
      "1-30": cell(row["1-30"]),
      "31-60": cell(row["31-60"]),
      "61-90": cell(row["61-90"]),
      "90+": cell(row["90+"]),
    },
    total: cell(total),
  } satisfies AgingCurrency;
}
