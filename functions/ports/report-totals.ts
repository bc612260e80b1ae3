/**
 * The running totals the aging report and the customers' standing are read from
 * (#domain/reports/totals.ts): kept exact by the invoice writes themselves, each of which changes
 * them in the same transaction as the invoice when it changes the invoice's contribution. What they
 * answer with is bounded by due dates, time zones, currencies and customers, never by invoices.
 */
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { CustomerTotal, DueDateTotal } from "#domain/reports/totals.ts";

export interface ReportTotals {
  /** What the tenant is owed by currency, due date and time zone. */
  dueDateTotals(tenantId: string): Promise<DueDateTotal[]>;
  /** Every customer any invoice names or named, by customer id. */
  customerTotals(tenantId: string): Promise<CustomerTotal[]>;
  customerTotal(tenantId: string, customerId: string): Promise<CustomerTotal | undefined>;
  /**
   * Replaces the tenant's totals with those of `invoices`, every invoice it has (read as they come,
   * so a large tenant's are never all in memory at once): the one-off rebuild
   * for invoices stored before the totals were kept. Run while nothing else writes the tenant's
   * invoices, since a change made meanwhile would be counted by the old totals only.
   */
  rebuildTotals(tenantId: string, invoices: Iterable<Invoice> | AsyncIterable<Invoice>): Promise<void>;
}
