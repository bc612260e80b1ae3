/**
 * The stable words of the domain. They are API values and DynamoDB attribute values, so a rename
 * here is a breaking change.
 */
import * as z from "zod";

/** The ladder, in the order it is climbed. */
export const STAGES = ["courtesy", "reminder_1", "reminder_2", "final_notice", "collection"] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

export const INVOICE_STATES = [
  "open",
  "partially_paid",
  "paid",
  "disputed",
  "paused",
  "payment_plan",
  "promised",
  "contact_failed",
  "collection",
  "written_off",
  "cancelled",
] as const;
export const InvoiceStateSchema = z.enum(INVOICE_STATES);
export type InvoiceState = z.infer<typeof InvoiceStateSchema>;

/** States nothing can leave: the invoice is settled for good. */
export const TERMINAL_STATES: ReadonlySet<InvoiceState> = new Set(["paid", "written_off", "cancelled"]);

export const CustomerTypeSchema = z.enum(["business", "consumer"]);
export type CustomerType = z.infer<typeof CustomerTypeSchema>;
