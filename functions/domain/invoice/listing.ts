/**
 * What a list of invoices can be filtered by, and whether an invoice passes: one definition for
 * the list index, which filters on the few attributes it holds, and for the API's own view.
 */
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import type { InvoiceState } from "#domain/vocabulary.ts";
import { type Invoice, outstandingOf } from "./invoice.ts";

/** A list's filters; `today` (the caller's date, UTC) is what "overdue" is judged against. */
export type ListFilter = { status?: InvoiceState; overdue?: boolean; today: IsoDate };

/**
 * Whether anything is still chased on the invoice: something outstanding, and neither cancelled
 * nor written off (both leave the amounts as they were, for the record).
 */
export function isOwing(invoice: Invoice): boolean {
  const settledForGood = invoice.status === "cancelled" || invoice.status === "written_off";
  return !settledForGood && outstandingOf(invoice) > 0;
}

/** Owing, and its due date is behind `today`. */
export function isOverdue(invoice: Invoice, today: IsoDate): boolean {
  return isOwing(invoice) && today > invoice.dueDate;
}

export function matchesFilter(invoice: Invoice, filter: ListFilter): boolean {
  return (
    (filter.status === undefined || invoice.status === filter.status) &&
    (filter.overdue === undefined || isOverdue(invoice, filter.today) === filter.overdue)
  );
}
