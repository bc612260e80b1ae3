/**
 * The invoice as dun holds it: what was uploaded, plus the state of its dunning. Amounts are
 * integer minor units of `currency`; dates are calendar dates in the debtor's zone; instants UTC.
 */
import * as z from "zod";
import { addDays, type IsoDate } from "#domain/calendar/iso-date.ts";
import { PaymentReferenceSchema } from "#domain/payment/payment-reference.ts";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { InvoiceStateSchema, StageSchema } from "#domain/vocabulary.ts";
import { CustomerSchema } from "./customer.ts";
import type { ParsedInvoiceInput } from "./invoice-input.ts";
import { SendBlockedSchema } from "./send-blocked.ts";
import type { TimelineEvent } from "./timeline.ts";

const Minor = z.number().int().nonnegative();

export const InstallmentSchema = z.object({
  dueDate: IsoDateSchema,
  amount: Minor,
  /** Filled in order as payments arrive, so the plan's progress is visible per installment. */
  paid: Minor,
  remindedAt: InstantSchema.optional(),
});
export type Installment = z.infer<typeof InstallmentSchema>;

/**
 * What SES told us about an email, ordered so that news only ever moves it forward: a Delivery
 * after a Bounce (events arrive out of order) leaves it bounced. A soft bounce and the last three
 * are failures: such a stage did not reach the debtor and does not count (delivery.ts).
 */
export const DELIVERY_STATES = [
  "sent",
  "delayed",
  // SES gave up for now (mailbox full, server down): the stage goes again later.
  "soft_bounced",
  "delivered",
  "rejected",
  "bounced",
  "complained",
] as const;
export const DeliveryStateSchema = z.enum(DELIVERY_STATES);
export type DeliveryState = z.infer<typeof DeliveryStateSchema>;

export const SentStageSchema = z.object({
  stage: StageSchema,
  at: InstantSchema,
  fee: Minor,
  interest: Minor,
  /** The fixed recovery compensation the stage claimed (its running total, not an addition). */
  compensation: Minor.default(0),
  deadline: IsoDateSchema.optional(),
  /** SES's id for the email, which its events carry. */
  messageId: z.string().optional(),
  delivery: DeliveryStateSchema.default("sent"),
  openedAt: InstantSchema.optional(),
  clickedAt: InstantSchema.optional(),
  /** Feedback ids of soft bounces: a set, so the same bounce reported twice counts once. */
  softBounces: z.array(z.string()).default([]),
});
export type SentStage = z.infer<typeof SentStageSchema>;

export const InvoiceSchema = z.object({
  tenantId: z.string().min(1),
  invoiceNumber: z.string(),
  currency: z.string(),
  amount: Minor,
  amountPaid: Minor,
  issueDate: IsoDateSchema,
  dueDate: IsoDateSchema,
  customer: CustomerSchema,
  paymentReference: PaymentReferenceSchema.optional(),
  paymentUrl: z.string().optional(),
  lines: z
    .array(z.object({ description: z.string(), quantity: z.string().optional(), amount: Minor }))
    .optional(),
  earlyPaymentDiscount: z.object({ rateBp: z.number().int(), withinDays: z.number().int() }).optional(),
  /** The early-payment discount the debtor took by paying the discounted amount in time. */
  discountGranted: Minor.optional(),
  reminderFeeAgreed: z.boolean(),
  status: InvoiceStateSchema,
  /** What interest is reckoned from; each payment's reference is in its timeline event (older invoices keep it here too). */
  payments: z.array(z.object({ amount: Minor, date: IsoDateSchema, reference: z.string().optional() })),
  /** The ladder so far: each stage sent, with the fee and interest it stated. */
  stagesSent: z.array(SentStageSchema),
  pausedUntil: IsoDateSchema.optional(),
  promisedDate: IsoDateSchema.optional(),
  /** Set when a promise was broken: the customer is on credit hold until this invoice is settled. */
  promiseBrokenAt: InstantSchema.optional(),
  dispute: z.object({ reason: z.string(), openedAt: InstantSchema }).optional(),
  installments: z.array(InstallmentSchema).optional(),
  /**
   * When the account manager was told of this invoice (the stage whose sending called for it): once
   * per invoice, so the ladder asks for it no more.
   */
  accountManagerToldAt: InstantSchema.optional(),
  /** SES will not send for now (its rate, its quota, the account): when the email is tried again. */
  sendBlocked: SendBlockedSchema.optional(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
  /** Optimistic locking: every stored update is conditional on the version it read. */
  version: z.number().int().nonnegative(),
});
export type Invoice = z.infer<typeof InvoiceSchema>;

type Balance = Pick<Invoice, "amount" | "amountPaid" | "discountGranted">;

/** What settles the invoice itself: its amount, less an early-payment discount the debtor took. */
export function payableOf(invoice: Balance): number {
  return invoice.amount - (invoice.discountGranted ?? 0);
}

/** What the debtor still owes of the invoice itself (fees and interest are claimed separately). */
export function outstandingOf(invoice: Balance): number {
  return Math.max(0, payableOf(invoice) - invoice.amountPaid);
}

/** Paid beyond what settles the invoice. Derived, never stored, so it cannot disagree with the payments. */
export function creditOf(invoice: Balance): number {
  return Math.max(0, invoice.amountPaid - payableOf(invoice));
}

/**
 * The state an invoice returns to when nothing holds it (no dispute, pause, promise or bounce):
 * decided by its balance and whether a payment plan runs.
 */
export function balanceState(invoice: Balance & Pick<Invoice, "installments">) {
  if (invoice.amountPaid >= payableOf(invoice)) return "paid" as const;
  if (invoice.installments) return "payment_plan" as const;
  return invoice.amountPaid > 0 ? ("partially_paid" as const) : ("open" as const);
}

/** The early-payment discount an invoice offers: the last day it holds, and what it takes off. */
export type DiscountOffer = { rateBp: number; until: IsoDate; amount: number };

export function discountOfferOf(
  invoice: Pick<Invoice, "amount" | "issueDate" | "earlyPaymentDiscount">,
): DiscountOffer | undefined {
  const discount = invoice.earlyPaymentDiscount;
  if (!discount || discount.rateBp <= 0) return undefined;
  return {
    rateBp: discount.rateBp,
    until: addDays(invoice.issueDate, discount.withinDays),
    amount: Math.round((invoice.amount * discount.rateBp) / 10_000),
  };
}

/** A new invoice from a validated upload. */
export function createInvoice(
  tenantId: string,
  input: ParsedInvoiceInput,
  at: string,
): { invoice: Invoice; events: TimelineEvent[] } {
  const { amountPaid, ...fields } = input;
  const invoice: Invoice = {
    ...fields,
    tenantId,
    amountPaid,
    status: "open",
    payments: amountPaid > 0 ? [{ amount: amountPaid, date: input.issueDate }] : [],
    stagesSent: [],
    createdAt: at,
    updatedAt: at,
    version: 0,
  };
  invoice.status = balanceState(invoice);
  return {
    invoice,
    events: [{ type: "created", at, to: invoice.status, amount: invoice.amount, amountPaid }],
  };
}
