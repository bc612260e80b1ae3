/**
 * What an email about an invoice states the debtor owes, decided once from the invoice and the
 * step being sent: the renderer prints these numbers and adds nothing of its own. Fees count only
 * for stages that reached the debtor (a bounced reminder charged nothing), plus this stage's own;
 * interest and the fixed compensation are as the latest stage stated them (each stage states them
 * anew to its send date).
 */
import type { StageStep } from "#domain/ladder/ladder.ts";
import { countedStages } from "./delivery.ts";
import { type Invoice, outstandingOf } from "./invoice.ts";

export type AmountDue = {
  /** The invoice itself, less what was paid and any early-payment discount taken. */
  outstanding: number;
  /** Reminder fees charged so far, this stage's included. */
  fees: number;
  /** This stage's own fee. */
  stageFee: number;
  interest: number;
  compensation: number;
  /** outstanding + fees + interest + compensation: what the email asks for. */
  total: number;
};

export function amountDueOf(
  invoice: Invoice,
  step?: Pick<StageStep, "fee" | "interest" | "compensation">,
): AmountDue {
  const counted = countedStages(invoice);
  const outstanding = outstandingOf(invoice);
  const feesBefore = counted.reduce((sum, sent) => sum + sent.fee, 0);
  const latest = counted.at(-1);
  const stageFee = step?.fee.amount ?? 0;
  const fees = feesBefore + stageFee;
  const interest = step ? step.interest.amount : (latest?.interest ?? 0);
  const compensation = step ? step.compensation.amount : (latest?.compensation ?? 0);
  return {
    outstanding,
    fees,
    stageFee,
    interest,
    compensation,
    total: outstanding + fees + interest + compensation,
  };
}
