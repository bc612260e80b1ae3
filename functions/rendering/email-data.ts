/**
 * What the renderer needs to write one email, validated at its boundary: the sender (and local
 * previews) hand in plain data; nothing in here reaches back into DynamoDB or the domain's state.
 * Amounts are minor units of the invoice's currency; dates are ISO dates.
 */
import * as z from "zod";
import { PaymentInstructionSchema } from "#domain/payment/payment-account.ts";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { CustomerTypeSchema } from "#domain/vocabulary.ts";

export const TEMPLATE_NAMES = [
  "courtesy",
  "reminder_1",
  "reminder_2",
  "final_notice",
  "collection",
  "payment_plan_installment",
  "payment_received",
  "owner_alert",
] as const;
export const TemplateNameSchema = z.enum(TEMPLATE_NAMES);
export type TemplateName = z.infer<typeof TemplateNameSchema>;

const Minor = z.number().int().nonnegative();

export const EmailDataSchema = z.object({
  tenant: z.object({
    name: z.string(),
    legalName: z.string().optional(),
    organisationNumber: z.string().optional(),
    /** ISO 3166-1: whose register the organisation number is from, which names it in the footer. */
    country: z.string().regex(/^[A-Z]{2}$/),
    address: z.array(z.string()).default([]),
    brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    logoUrl: z.string().optional(),
    replyTo: z.string(),
    defaultLanguage: z.string().default("en"),
    /** Who the claim goes to after the final notice, where the tenant named one. */
    collectionAgency: z.object({ name: z.string(), contact: z.string().optional() }).optional(),
  }),
  customer: z.object({
    name: z.string(),
    country: z.string(),
    timeZone: z.string(),
    /** A company is greeted and addressed unlike a person in most languages. */
    type: CustomerTypeSchema,
  }),
  invoice: z.object({
    invoiceNumber: z.string(),
    currency: z.string(),
    amount: Minor,
    amountPaid: Minor,
    /** The early-payment discount the debtor took (paid the discounted amount in time). */
    discountGranted: Minor.optional(),
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    paymentUrl: z.string().optional(),
  }),
  /**
   * The one account the email prints, chosen for this debtor and invoice, with the invoice's
   * reference only if it is payable with it (#domain/payment/payment-account.ts). Absent when no
   * account takes the invoice's currency: the email prints no bank details.
   */
  payTo: PaymentInstructionSchema.optional(),
  /** When the email goes out: "days overdue" counts to this moment. */
  sentAt: InstantSchema,
  /**
   * The amounts the email states, decided by the domain (#domain/invoice/amount-due.ts): the
   * invoice still owed, the reminder fees so far (this email's own among them), interest to sentAt
   * and the fixed compensation, and their sum. The renderer adds nothing.
   */
  outstanding: Minor,
  fees: Minor.default(0),
  /** The fee this email itself charges, part of `fees`. */
  stageFee: Minor.default(0),
  interest: Minor.default(0),
  /** The annual rate the interest ran at (basis points). */
  interestRateBp: z.number().int().nonnegative().optional(),
  compensation: Minor.default(0),
  amountDue: Minor,
  /** The pay-by date the email states (never before sentAt's day: the ladder decides it). */
  deadline: IsoDateSchema.optional(),
  /**
   * The final notice: the collection costs the law lets the creditor charge if its deadline passes
   * unpaid, which the notice must state exactly to be owed (NL consumers, the BIK scale).
   */
  collectionCosts: Minor.optional(),
  /** The hand-over letter: the deadline the final notice stated. */
  finalNoticeDeadline: IsoDateSchema.optional(),
  earlyPaymentDiscount: z
    .object({ rateBp: z.number().int(), until: IsoDateSchema, discountedAmount: Minor })
    .optional(),
  installment: z
    .object({
      index: z.number().int().min(1),
      count: z.number().int().min(1),
      dueDate: IsoDateSchema,
      amount: Minor,
    })
    .optional(),
  payment: z.object({ amount: Minor, date: IsoDateSchema }).optional(),
  alert: z
    .object({
      kind: z.enum(["bounce", "complaint", "dispute", "handover", "refused", "overdue"]),
      email: z.string().optional(),
      detail: z.string().optional(),
      invoiceUrl: z.string().optional(),
    })
    .optional(),
});
export type EmailData = z.input<typeof EmailDataSchema>;
export type ParsedEmailData = z.output<typeof EmailDataSchema>;

export type RenderedEmail = { subject: string; html: string; text: string; language: string };
