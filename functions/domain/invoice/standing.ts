/**
 * A customer's standing across all their invoices. A broken promise or an invoice handed to
 * collection puts the customer on credit hold, so the seller's own systems can stop deliveries;
 * the hold clears when those invoices are settled.
 */
import type { Invoice } from "./invoice.ts";

export type CreditHoldReason = { invoiceNumber: string; reason: "broken_promise" | "in_collection" };
export type CustomerStanding = { creditHold: boolean; reasons: CreditHoldReason[] };

const SETTLED = new Set(["paid", "cancelled", "written_off"]);

export function customerStanding(invoices: readonly Invoice[]): CustomerStanding {
  const reasons: CreditHoldReason[] = [];
  for (const invoice of invoices) {
    if (invoice.status === "collection") {
      reasons.push({ invoiceNumber: invoice.invoiceNumber, reason: "in_collection" });
    } else if (invoice.promiseBrokenAt && !SETTLED.has(invoice.status)) {
      reasons.push({ invoiceNumber: invoice.invoiceNumber, reason: "broken_promise" });
    }
  }
  return { creditHold: reasons.length > 0, reasons };
}
