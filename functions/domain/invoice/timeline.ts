/**
 * The invoice's timeline: every step that happened to it, in the words a court or a collection
 * agency needs. Transitions produce these; adapters store them; nothing edits one afterwards.
 */
import * as z from "zod";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { InvoiceStateSchema, StageSchema } from "#domain/vocabulary.ts";

const base = {
  at: InstantSchema,
  /** The state before and after, where the event moved it. */
  from: InvoiceStateSchema.optional(),
  to: InvoiceStateSchema.optional(),
};

const Minor = z.number().int();

export const TimelineEventSchema = z.discriminatedUnion("type", [
  z.object({ ...base, type: z.literal("created"), amount: Minor, amountPaid: Minor }),
  z.object({ ...base, type: z.literal("amount_changed"), previousAmount: Minor, amount: Minor }),
  /** A later upload changed what the invoice says (due date, customer, lines …): which fields. */
  z.object({ ...base, type: z.literal("details_changed"), fields: z.array(z.string()) }),
  z.object({
    ...base,
    type: z.literal("payment_recorded"),
    amount: Minor,
    date: IsoDateSchema,
    reference: z.string().optional(),
    /** The early-payment discount this payment earned: paid in time, it settles the invoice. */
    discount: Minor.optional(),
    /** What is still owed after it; negative would be a credit, which `credit` holds instead. */
    outstanding: Minor,
    /** Paid beyond the invoice total: owed back to the customer or set off against later invoices. */
    credit: Minor,
  }),
  z.object({ ...base, type: z.literal("promise_made"), promisedDate: IsoDateSchema }),
  z.object({ ...base, type: z.literal("promise_broken"), promisedDate: IsoDateSchema }),
  z.object({ ...base, type: z.literal("dispute_opened"), reason: z.string() }),
  z.object({ ...base, type: z.literal("dispute_resolved"), note: z.string().optional() }),
  z.object({ ...base, type: z.literal("paused"), until: IsoDateSchema }),
  z.object({ ...base, type: z.literal("resumed") }),
  z.object({
    ...base,
    type: z.literal("payment_plan_started"),
    installments: z.array(z.object({ dueDate: IsoDateSchema, amount: Minor })),
  }),
  z.object({
    ...base,
    type: z.literal("payment_plan_broken"),
    installment: z.number().int(),
    dueDate: IsoDateSchema,
  }),
  z.object({ ...base, type: z.literal("payment_plan_completed") }),
  z.object({
    ...base,
    type: z.literal("contact_failed"),
    /** A hard bounce, a complaint, or SES refusing the email itself (refused). */
    reason: z.enum(["bounce", "complaint", "refused"]),
    email: z.string(),
  }),
  z.object({ ...base, type: z.literal("contact_updated"), emails: z.array(z.string()) }),
  z.object({
    ...base,
    type: z.literal("stage_sent"),
    stage: StageSchema,
    fee: Minor,
    interest: Minor,
    compensation: Minor.optional(),
    deadline: IsoDateSchema.optional(),
  }),
  z.object({ ...base, type: z.literal("installment_reminder_sent"), installment: z.number().int() }),
  /** SES refused the email itself (an address it will not take, a message it will not carry): it was not sent. */
  z.object({
    ...base,
    type: z.literal("email_refused"),
    /** "reminder_1", "installment_2". */
    step: z.string(),
    code: z.string(),
    reason: z.string(),
  }),
  // What SES reported about a stage's email. "Opened" is a read receipt, recorded and shown, never
  // proof: privacy proxies open every mail they fetch.
  z.object({ ...base, type: z.literal("email_delivered"), stage: StageSchema, messageId: z.string() }),
  z.object({ ...base, type: z.literal("email_delayed"), stage: StageSchema, messageId: z.string() }),
  z.object({
    ...base,
    type: z.literal("email_opened"),
    stage: StageSchema,
    messageId: z.string(),
    userAgent: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("email_clicked"),
    stage: StageSchema,
    messageId: z.string(),
    link: z.string(),
  }),
  z.object({
    ...base,
    type: z.literal("email_bounced"),
    stage: StageSchema,
    messageId: z.string(),
    bounceType: z.enum(["Permanent", "Transient", "Undetermined"]),
    recipients: z.array(z.string()),
    diagnostic: z.string().optional(),
  }),
  z.object({
    ...base,
    type: z.literal("email_complained"),
    stage: StageSchema,
    messageId: z.string(),
    recipients: z.array(z.string()),
  }),
  z.object({
    ...base,
    type: z.literal("email_rejected"),
    stage: StageSchema,
    messageId: z.string(),
    reason: z.string(),
  }),
  z.object({ ...base, type: z.literal("handed_to_collection") }),
  z.object({ ...base, type: z.literal("cancelled"), reason: z.string().optional(), refundDue: Minor }),
  z.object({ ...base, type: z.literal("written_off"), reason: z.string().optional(), amount: Minor }),
]);
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;
export type TimelineEventType = TimelineEvent["type"];
