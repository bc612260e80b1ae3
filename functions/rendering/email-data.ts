/**
 * What the renderer needs to write one email, validated at its boundary: the sender (and local
 * previews) hand in plain data; nothing in here reaches back into DynamoDB or the domain's state.
 * Amounts are minor units of the invoice's currency; dates are ISO dates.
 */
import * as z from "zod";
import { PaymentReferenceTypeSchema } from "#domain/payment/payment-reference.ts";
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
    address: z.array(z.string()).default([]),
    brandColor: z.string().regex(/^#[0-9a-fA-F]{6}$/),
    logoUrl: z.string().optional(),
    replyTo: z.string(),
    defaultLanguage: z.string().default("en"),
    payment: z
      .object({
        iban: z.string().optional(),
        bic: z.string().optional(),
        domesticAccount: z.string().optional(),
      })
      .default({}),
    /** Who the claim goes to after the final notice, where the tenant named one. */
    collectionAgency: z.object({ name: z.string(), contact: z.string().optional() }).optional(),
  }),
  customer: z.object({
    name: z.string(),
    country: z.string(),
    timeZone: z.string(),
    /** What the law lets the email say; without it the email claims what a consumer may be told. */
    type: CustomerTypeSchema.optional(),
  }),
  invoice: z.object({
    invoiceNumber: z.string(),
    currency: z.string(),
    amount: Minor,
    amountPaid: Minor,
    issueDate: IsoDateSchema,
    dueDate: IsoDateSchema,
    paymentUrl: z.string().optional(),
    paymentReference: z.object({ type: PaymentReferenceTypeSchema, display: z.string() }).optional(),
  }),
  /** When the email goes out: "days overdue" counts to this moment. */
  sentAt: InstantSchema,
  /** Reminder fees charged so far, this email's included. */
  fees: Minor.default(0),
  /** The fee this email itself charges, part of `fees`. */
  stageFee: Minor.default(0),
  /** Statutory interest accrued until sentAt, and the annual rate it ran at (basis points). */
  interest: Minor.default(0),
  interestRateBp: z.number().int().nonnegative().optional(),
  compensation: Minor.default(0),
  /** The pay-by date the email states. */
  deadline: IsoDateSchema.optional(),
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
      kind: z.enum(["bounce", "complaint", "dispute", "handover", "refused"]),
      email: z.string().optional(),
      detail: z.string().optional(),
      invoiceUrl: z.string().optional(),
    })
    .optional(),
});
export type EmailData = z.input<typeof EmailDataSchema>;
export type ParsedEmailData = z.output<typeof EmailDataSchema>;

export type RenderedEmail = { subject: string; html: string; text: string; language: string };
