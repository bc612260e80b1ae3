/**
 * A customer's standing across all their invoices. A broken promise or an invoice handed to
 * collection puts the customer on credit hold, so the seller's own systems can stop deliveries;
 * the hold clears when those invoices are settled.
 *
 * A customer is known by the `customer.id` the seller uploads; invoices without one belong to no
 * customer here, since a name or an address is no safe key (two debtors can share an accounts
 * mailbox, one debtor can change it).
 */
import * as z from "zod";
import type { Invoice } from "./invoice.ts";

export const CreditHoldReasonSchema = z.object({
  invoiceNumber: z.string(),
  reason: z.enum(["broken_promise", "in_collection"]),
});
export type CreditHoldReason = z.infer<typeof CreditHoldReasonSchema>;

export const CustomerStandingSchema = z.object({
  creditHold: z.boolean().describe("true while any reason stands: stop delivering on credit"),
  reasons: z.array(CreditHoldReasonSchema),
});
export type CustomerStanding = z.infer<typeof CustomerStandingSchema>;

export const CustomerSummarySchema = CustomerStandingSchema.extend({
  customerId: z.string(),
  name: z
    .string()
    .describe(
      "the name on the customer's most recently issued invoice (of several issued that day, the first in alphabetical order)",
    ),
  openInvoices: z.number().int().describe("invoices not yet paid, cancelled or written off"),
});
export type CustomerSummary = z.infer<typeof CustomerSummarySchema>;

const SETTLED = new Set(["paid", "cancelled", "written_off"]);

/** Paid, cancelled or written off: no longer open, and no reason for a hold. */
export function isSettled(status: Invoice["status"]): boolean {
  return SETTLED.has(status);
}

export function customerStanding(invoices: readonly Invoice[]): CustomerStanding {
  const reasons: CreditHoldReason[] = [];
  for (const invoice of invoices) {
    if (invoice.status === "collection") {
      reasons.push({ invoiceNumber: invoice.invoiceNumber, reason: "in_collection" });
    } else if (invoice.promiseBrokenAt && !SETTLED.has(invoice.status)) {
      reasons.push({ invoiceNumber: invoice.invoiceNumber, reason: "broken_promise" });
    }
  }
  // In invoice-number order, whatever order the invoices came in: the same answer from the totals.
  reasons.sort((a, b) =>
    a.invoiceNumber < b.invoiceNumber ? -1 : a.invoiceNumber > b.invoiceNumber ? 1 : 0,
  );
  return { creditHold: reasons.length > 0, reasons };
}

/** Every customer with an id among `invoices`, in id order, with their standing. */
export function customerSummaries(invoices: readonly Invoice[]): CustomerSummary[] {
  const byCustomer = new Map<string, Invoice[]>();
  for (const invoice of invoices) {
    const id = invoice.customer.id;
    if (id === undefined) continue;
    const own = byCustomer.get(id);
    if (own) own.push(invoice);
    else byCustomer.set(id, [invoice]);
  }
  return [...byCustomer]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, own]) => {
      // The latest issue date; of one day's, the name first in alphabetical order, so that the
      // answer does not depend on the order the invoices are read in.
      const latest = own.reduce((a, b) =>
        b.issueDate > a.issueDate || (b.issueDate === a.issueDate && b.customer.name < a.customer.name)
          ? b
          : a,
      );
      return {
        customerId,
        name: latest.customer.name,
        openInvoices: own.filter((invoice) => !SETTLED.has(invoice.status)).length,
        ...customerStanding(own),
      };
    });
}
