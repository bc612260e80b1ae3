/**
 * An invoice as the API shows it: its state, the stage it has reached, what is due and when the
 * next action comes, and its whole timeline. Amounts go out as decimal strings, like they came in.
 */
import * as z from "zod";
import { CustomerSchema } from "#domain/invoice/customer.ts";
import { countedStages } from "#domain/invoice/delivery.ts";
import { creditOf, DeliveryStateSchema, type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import { isOverdue } from "#domain/invoice/listing.ts";
import { SEND_BLOCK_SCOPES } from "#domain/invoice/send-blocked.ts";
import { type TimelineEvent, TimelineEventSchema } from "#domain/invoice/timeline.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Policy } from "#domain/ladder/policy.ts";
import { toDecimalString } from "#domain/money/money.ts";
import { INVOICE_STATES, STAGES } from "#domain/vocabulary.ts";

const Decimal = z.string().describe("an amount as a decimal string in the invoice's currency");

export const InvoiceViewSchema = z.object({
  invoiceNumber: z.string(),
  status: z.enum(INVOICE_STATES),
  stage: z.enum(STAGES).nullable().describe("the last stage emailed, if any"),
  currency: z.string(),
  amount: Decimal,
  amountPaid: Decimal,
  amountDue: Decimal,
  credit: Decimal.describe(
    "owed back to the customer: paid beyond the amount, or everything paid on a cancelled invoice",
  ),
  issueDate: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  customer: CustomerSchema,
  paymentReference: z.string().nullable(),
  paymentUrl: z.string().nullable(),
  nextAction: z.discriminatedUnion("kind", [
    z.object({
      kind: z.literal("send"),
      at: z.string(),
      step: z.string(),
      blocked: z
        .object({
          scope: z.enum(SEND_BLOCK_SCOPES),
          code: z.string(),
          reason: z.string(),
          since: z.string(),
          attempts: z.number().int(),
        })
        .optional()
        .describe(
          "SES would not send it lately (its sending rate or daily quota, the account or configuration set paused or not set up): tried again at `at`",
        ),
    }),
    z.object({ kind: z.literal("wait"), at: z.string(), reason: z.string() }),
    z.object({ kind: z.literal("none"), reason: z.string() }),
  ]),
  emails: z.array(
    z.object({
      stage: z.enum(STAGES),
      sentAt: z.string(),
      delivery: DeliveryStateSchema,
      openedAt: z.string().nullable(),
      clickedAt: z.string().nullable(),
      fee: Decimal,
      interest: Decimal,
      compensation: Decimal.describe("the fixed recovery compensation the email claimed"),
    }),
  ),
  timeline: z.array(TimelineEventSchema).optional().describe("every event, oldest first (one invoice only)"),
  updatedAt: z.string(),
});
export type InvoiceView = z.infer<typeof InvoiceViewSchema>;

/**
 * What an action answers: the invoice after it, and the reminder that was on its way to SES when
 * the action came, if one was. The action waited for it (#sending/standing-claim.ts): "sent" means
 * it went out just before the action took effect, "unconfirmed" that its sender stopped before it
 * could say; either way, no email leaves after this answer.
 */
export const ReminderInFlightSchema = z
  .object({
    step: z.string().describe("the stage (reminder_1) or installment (installment_2) being sent"),
    at: z.string(),
    outcome: z.enum(["sent", "unconfirmed"]),
  })
  .describe("a reminder that was being sent at the moment this change came");

export const ActionAnswerSchema = InvoiceViewSchema.extend({
  reminderInFlight: ReminderInFlightSchema.optional(),
});
export type ActionAnswer = z.infer<typeof ActionAnswerSchema>;

export function invoiceView(
  invoice: Invoice,
  policy: Policy,
  now: Date,
  timeline?: TimelineEvent[],
): InvoiceView {
  const money = (amount: number) => toDecimalString({ amount, currency: invoice.currency });
  const next = decideNextAction(invoice, policy, now);
  const stage = countedStages(invoice).at(-1);
  const settledForGood = invoice.status === "cancelled" || invoice.status === "written_off";
  return {
    invoiceNumber: invoice.invoiceNumber,
    status: invoice.status,
    stage: stage?.stage ?? null,
    currency: invoice.currency,
    amount: money(invoice.amount),
    amountPaid: money(invoice.amountPaid),
    // A cancelled invoice is owed by nobody, and whatever was paid on it is owed back; a written-off
    // one is no longer chased. Both leave `amount` and `amountPaid` as they were, for the record.
    amountDue: money(settledForGood ? 0 : outstandingOf(invoice)),
    credit: money(invoice.status === "cancelled" ? invoice.amountPaid : creditOf(invoice)),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    overdue: isOverdue(invoice, now.toISOString().slice(0, 10)),
    customer: invoice.customer,
    paymentReference: invoice.paymentReference?.display ?? null,
    paymentUrl: invoice.paymentUrl ?? null,
    nextAction:
      next.kind === "send"
        ? {
            kind: "send",
            at: next.at.toISOString(),
            step: next.step.type === "stage" ? next.step.stage : `installment_${next.step.installment + 1}`,
            ...(next.blocked
              ? {
                  blocked: {
                    scope: next.blocked.scope,
                    code: next.blocked.code,
                    reason: next.blocked.reason,
                    since: next.blocked.since,
                    attempts: next.blocked.attempts,
                  },
                }
              : {}),
          }
        : next.kind === "wake"
          ? { kind: "wait", at: next.at.toISOString(), reason: next.reason }
          : { kind: "none", reason: next.reason },
    emails: invoice.stagesSent.map((sent) => ({
      stage: sent.stage,
      sentAt: sent.at,
      delivery: sent.delivery,
      // A read receipt: shown, never proof (privacy proxies open every email).
      openedAt: earliestOf(sent.openedAt, timeline, "email_opened", sent.messageId),
      clickedAt: earliestOf(sent.clickedAt, timeline, "email_clicked", sent.messageId),
      fee: money(sent.fee),
      interest: money(sent.interest),
      compensation: money(sent.compensation),
    })),
    ...(timeline ? { timeline } : {}),
    updatedAt: invoice.updatedAt,
  };
}

/**
 * A stage's first open or click: the events Lambda records them on the timeline alone (one put, see
 * #events/apply-ses-event.ts), so they are read from there when the view has the timeline; an
 * invoice from before that keeps them on its stage.
 */
function earliestOf(
  onStage: string | undefined,
  timeline: TimelineEvent[] | undefined,
  type: "email_opened" | "email_clicked",
  messageId: string | undefined,
): string | null {
  let earliest = onStage;
  for (const event of timeline ?? [])
    if (
      event.type === type &&
      event.messageId === messageId &&
      (earliest === undefined || event.at < earliest)
    )
      earliest = event.at;
  return earliest ?? null;
}
