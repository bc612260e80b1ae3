/**
 * Changes that happen by the passing of time rather than by anyone's action: a pause ends, a
 * promised date passes unpaid, an installment goes unpaid past its grace. The dispatcher wakes
 * an invoice at the moment the ladder named and applies them here before deciding what to send.
 */
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import {
  breakPaymentPlan,
  breakPromise,
  resume,
  type TransitionResult,
} from "#domain/invoice/transitions.ts";
import { decideNextAction, type WakeReason } from "./ladder.ts";
import type { Policy } from "./policy.ts";

/** What changes when the ladder wakes an invoice; waiting for a delivery changes nothing but the time. */
const TRANSITION_ON_WAKE: Readonly<
  Partial<Record<WakeReason, (invoice: Invoice, at: string) => TransitionResult>>
> = {
  pause_ends: resume,
  promise_due: breakPromise,
  installment_overdue: breakPaymentPlan,
};

export function applyDueTransitions(
  invoice: Invoice,
  policy: Policy,
  now: Date,
): { invoice: Invoice; events: TimelineEvent[] } {
  let current = invoice;
  const events: TimelineEvent[] = [];
  // Each wake moves the invoice to a state that no longer wakes for the same reason, so a few
  // rounds suffice; the bound only guards against a future state machine bug looping forever.
  for (let round = 0; round < 4; round++) {
    const action = decideNextAction(current, policy, now);
    if (action.kind !== "wake" || action.at.getTime() > now.getTime()) break;
    const transition = TRANSITION_ON_WAKE[action.reason];
    if (!transition) break;
    const result = transition(current, now.toISOString());
    if (!result.ok) {
      // The wake reason is derived from the very state the transition requires.
      throw new Error(`ladder woke ${invoice.invoiceNumber} for ${action.reason}: ${result.error.message}`);
    }
    current = result.value.invoice;
    events.push(...result.value.events);
  }
  return { invoice: current, events };
}
