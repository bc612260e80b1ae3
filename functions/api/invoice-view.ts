/**
 * An invoice as the API shows it: its state, the stage it has reached, what is due and when the
 * next action comes, and its whole timeline. Amounts go out as decimal strings, like they came in.
 */
import { countedStages } from "#domain/invoice/delivery.ts";
import { creditOf, type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Policy } from "#domain/ladder/policy.ts";
import { toDecimalString } from "#domain/money/money.ts";

export function invoiceView(invoice: Invoice, policy: Policy, now: Date, timeline?: TimelineEvent[]) {
  const money = (amount: number) => toDecimalString({ amount, currency: invoice.currency });
  const next = decideNextAction(invoice, policy, now);
  const stage = countedStages(invoice).at(-1);
  return {
    invoiceNumber: invoice.invoiceNumber,
    status: invoice.status,
    stage: stage?.stage ?? null,
    currency: invoice.currency,
    amount: money(invoice.amount),
    amountPaid: money(invoice.amountPaid),
    amountDue: money(outstandingOf(invoice)),
    credit: money(creditOf(invoice)),
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    overdue: invoice.amountPaid < invoice.amount && now.toISOString().slice(0, 10) > invoice.dueDate,
    customer: invoice.customer,
    paymentReference: invoice.paymentReference?.display ?? null,
    paymentUrl: invoice.paymentUrl ?? null,
    nextAction:
      next.kind === "send"
        ? {
            kind: "send",
            at: next.at.toISOString(),
            step: next.step.type === "stage" ? next.step.stage : `installment_${next.step.installment + 1}`,
          }
        : next.kind === "wake"
          ? { kind: "wait", at: next.at.toISOString(), reason: next.reason }
          : { kind: "none", reason: next.reason },
    emails: invoice.stagesSent.map((sent) => ({
      stage: sent.stage,
      sentAt: sent.at,
      delivery: sent.delivery,
      // A read receipt: shown, never proof (privacy proxies open every email).
      openedAt: sent.openedAt ?? null,
      clickedAt: sent.clickedAt ?? null,
      fee: money(sent.fee),
      interest: money(sent.interest),
    })),
    ...(timeline ? { timeline } : {}),
    updatedAt: invoice.updatedAt,
  };
}
