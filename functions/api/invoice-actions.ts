/**
 * What a business can do to one invoice through the API — record a payment, take a promise, open
 * or resolve a dispute, pause, resume, agree a payment plan, cancel, write off, give a new
 * address — each as a route, the body it takes (a zod schema, also published in the OpenAPI
 * document) and the state-machine function it calls. Amounts come in as decimal strings and are
 * read in the invoice's own currency, which only the stored invoice knows.
 */
import * as z from "zod";
import { SchedulableDateSchema } from "#domain/calendar/schedulable-date.ts";
import { EmailsSchema } from "#domain/invoice/customer.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { DecimalTextSchema } from "#domain/invoice/invoice-input.ts";
import {
  type Action,
  cancel,
  openDispute,
  pause,
  promisePayment,
  recordPayment,
  resolveDispute,
  resume,
  startPaymentPlan,
  type TransitionResult,
  updateContact,
  writeOff,
} from "#domain/invoice/transitions.ts";
import { parseAmount } from "#domain/money/money.ts";
import { err } from "#domain/result.ts";
import { IsoDateSchema, singleLineText } from "#domain/text.ts";

const ReasonSchema = singleLineText(1000);

export const PaymentBodySchema = z.strictObject({
  amount: DecimalTextSchema,
  /** The day the money arrived; today (UTC) when left out. */
  date: IsoDateSchema.optional(),
  reference: singleLineText(140).optional(),
});
export const PromiseBodySchema = z.strictObject({ date: SchedulableDateSchema });
export const DisputeBodySchema = z.strictObject({ reason: ReasonSchema });
export const ResolveDisputeBodySchema = z.strictObject({ note: ReasonSchema.optional() });
export const PauseBodySchema = z.strictObject({ until: SchedulableDateSchema });
export const ResumeBodySchema = z.strictObject({});
export const PaymentPlanBodySchema = z.strictObject({
  installments: z
    .array(z.strictObject({ dueDate: SchedulableDateSchema, amount: DecimalTextSchema }))
    .min(2, "must list 2 to 60 installments")
    .max(60, "must list 2 to 60 installments"),
});
export const CancelBodySchema = z.strictObject({ reason: ReasonSchema.optional() });
export const WriteOffBodySchema = z.strictObject({ reason: ReasonSchema.optional() });
/** A new address after a bounce: one address or a list, like the upload's `customer.email`. */
export const CustomerPatchBodySchema = z.strictObject({ email: EmailsSchema });

type ActionDefinition<Schema extends z.ZodType> = {
  method: "POST" | "PATCH";
  /** The last path segment: /v1/invoices/{n}/<segment>. */
  segment: string;
  summary: string;
  body: Schema;
  apply: (invoice: Invoice, body: z.output<Schema>, at: string) => TransitionResult;
};

/** Keeps each action's body type tied to its schema inside the list. */
function action<Schema extends z.ZodType>(definition: ActionDefinition<Schema>): InvoiceAction {
  return definition as unknown as InvoiceAction;
}

export type InvoiceAction = ActionDefinition<z.ZodType>;

/** A decimal string in the invoice's currency, or the transition error that names the field. */
function amountIn(
  invoice: Invoice,
  text: string,
  action: Action,
  field: string,
): { ok: true; value: number } | { ok: false; result: TransitionResult } {
  const parsed = parseAmount(text, invoice.currency);
  if (parsed.ok) return parsed;
  return {
    ok: false,
    result: err({
      code: "invalid_action",
      action,
      field,
      message: parsed.error.message,
    }),
  };
}

export const INVOICE_ACTIONS: readonly InvoiceAction[] = [
  action({
    method: "POST",
    segment: "payments",
    summary: "Record a payment (partial, full or over-payment); a payment settles any hold",
    body: PaymentBodySchema,
    apply: (invoice, body, at) => {
      const amount = amountIn(invoice, body.amount, "record_payment", "amount");
      if (!amount.ok) return amount.result;
      return recordPayment(invoice, {
        amount: amount.value,
        date: body.date ?? at.slice(0, 10),
        reference: body.reference,
        at,
      });
    },
  }),
  action({
    method: "POST",
    segment: "promise",
    summary: "Record the debtor's promise to pay by a date; reminders wait until then",
    body: PromiseBodySchema,
    apply: (invoice, body, at) => promisePayment(invoice, { date: body.date, at }),
  }),
  action({
    method: "POST",
    segment: "dispute",
    summary: "Open a dispute; reminders stop until it is resolved",
    body: DisputeBodySchema,
    apply: (invoice, body, at) => openDispute(invoice, { reason: body.reason, at }),
  }),
  action({
    method: "POST",
    segment: "resolve-dispute",
    summary: "Resolve the dispute; the ladder carries on where it stood",
    body: ResolveDisputeBodySchema,
    apply: (invoice, body, at) => resolveDispute(invoice, { note: body.note, at }),
  }),
  action({
    method: "POST",
    segment: "pause",
    summary: "Pause reminders until a date",
    body: PauseBodySchema,
    apply: (invoice, body, at) => pause(invoice, { until: body.until, at }),
  }),
  action({
    method: "POST",
    segment: "resume",
    summary: "End a pause now",
    body: ResumeBodySchema,
    apply: (invoice, _body, at) => resume(invoice, at),
  }),
  action({
    method: "POST",
    segment: "payment-plan",
    summary: "Agree a payment plan; the installments must add up to the amount due",
    body: PaymentPlanBodySchema,
    apply: (invoice, body, at) => {
      const installments: { dueDate: string; amount: number }[] = [];
      for (const [index, installment] of body.installments.entries()) {
        const amount = amountIn(
          invoice,
          installment.amount,
          "start_payment_plan",
          `installments[${index}].amount`,
        );
        if (!amount.ok) return amount.result;
        installments.push({ dueDate: installment.dueDate, amount: amount.value });
      }
      return startPaymentPlan(invoice, { installments, at });
    },
  }),
  action({
    method: "POST",
    segment: "cancel",
    summary: "Cancel the invoice (issued in error, credited); any payment becomes a refund due",
    body: CancelBodySchema,
    apply: (invoice, body, at) => cancel(invoice, { reason: body.reason, at }),
  }),
  action({
    method: "POST",
    segment: "write-off",
    summary: "Write the amount due off as lost",
    body: WriteOffBodySchema,
    apply: (invoice, body, at) => writeOff(invoice, { reason: body.reason, at }),
  }),
  action({
    method: "PATCH",
    segment: "customer",
    summary: "Give the customer a new address (after a bounce); reminders go there from now on",
    body: CustomerPatchBodySchema,
    apply: (invoice, body, at) => updateContact(invoice, { emails: body.email, at }),
  }),
];
