/**
 * A claim that stood too long without a record (CLAIM_TIMEOUT_MS): its sender died, or SES's answer
 * was lost, somewhere between the claim and the record. Whoever finds it — the sender, when the due
 * index brings the invoice back at the claim's stale time — settles it by what can be known:
 *
 * 1. The marker (the claim's timeline step with SES's message id) is there: SES accepted the email
 *    and the sender died while recording it. The record is completed; nothing is sent again. Or
 *    the step says SES refused the email for good: the refusal is finished, nothing is sent again.
 * 2. No marker, and SES events wait in the events dead-letter queue: one of them may be this claim's
 *    Send event, the only other proof that SES took the email. The claim is held until the queue is
 *    empty (an operator replays or removes what is there; its alarm has fired).
 * 3. Neither, and neither again a quiet period later: the Send event would have come within the
 *    events path's retry budget, which the claim timeout is longer than. SES never accepted the
 *    email; the claim is released, remembered among the invoice's last released claims (so a Send
 *    event that still comes is recorded, not lost), and the step may go again. The second look is
 *    for a replay: `dun redrive events` empties the dead-letter queue into the events queue, and the
 *    events it moved are applied within the retry budget, which the quiet period is longer than.
 */

import type { Tenant } from "#domain/tenant/tenant.ts";
import type { RefusedMarker } from "#ports/claim-store.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import type { Claim } from "./claim.ts";
import { recordSentEmail } from "./complete-claim.ts";

/** Whether messages wait in the events dead-letter queue (#adapters/sqs/dead-letters.ts). */
export interface DeadLetters {
  holdsAny(): Promise<boolean>;
}

/** How long a held claim waits before it is looked at again. */
export const HOLD_MS = 15 * 60_000;
/**
 * Between the two looks that find the events dead-letter queue empty before a claim is released:
 * longer than the events path's retry budget (10 minutes: eventsRetryBudgetMs in
 * infra/constructs/events.ts; test/infra/claim-timeout.test.ts keeps this and the claim timeout above it).
 */
export const QUIET_MS = 20 * 60_000;

export type StaleClaimSettled =
  | { settled: "recorded"; messageId: string }
  | { settled: "held"; until: Date }
  | { settled: "released" }
  /** SES refused the email for good (its refused marker says so): the refusal is to be finished. */
  | { settled: "refused"; refused: RefusedMarker }
  /** Someone else settled or changed it first: read the invoice again. */
  | { settled: "conflict" };

export async function settleStaleClaim(
  deps: { invoices: InvoiceStore; deadLetters?: DeadLetters },
  tenant: Tenant,
  stored: StoredInvoice,
  claim: Claim,
  now: Date,
): Promise<StaleClaimSettled> {
  const { tenantId, invoiceNumber } = stored.invoice;
  const outcome = await deps.invoices.claimOutcome(tenantId, invoiceNumber, claim);
  if (outcome && "sent" in outcome) {
    await recordSentEmail(deps.invoices, { tenant, stored, claim, ...outcome.sent });
    return { settled: "recorded", messageId: outcome.sent.messageId };
  }
  // SES refused it, and the sender stopped before the refusal was settled: the caller finishes it.
  if (outcome) return { settled: "refused", refused: outcome.refused };
  if (deps.deadLetters) {
    const look = await lookForLateSendEvent(deps.deadLetters, claim.quietSince, now);
    if (look.verdict === "hold") {
      const held = await deps.invoices.holdClaim(
        tenantId,
        invoiceNumber,
        claim.id,
        look.until,
        look.quietSince,
      );
      return held === "ok" ? { settled: "held", until: look.until } : { settled: "conflict" };
    }
  }
  const released = await deps.invoices.settleClaim({
    before: stored.invoice,
    after: stored.invoice,
    events: [],
    next: now,
    claimId: claim.id,
    releasedClaims: [...(stored.releasedClaims ?? []), claim],
  });
  return released === "ok" ? { settled: "released" } : { settled: "conflict" };
}

export type LateSendEventLook =
  | { verdict: "hold"; until: Date; quietSince: string | null }
  | { verdict: "release" };

/**
 * Steps 2 and 3 above, for any stale claim without its marker (a reminder's, an owner alert's):
 * held while the events dead-letter queue holds anything (and the quiet period forgotten), held
 * again at the first look that finds it empty, released only at a look a quiet period later.
 */
export async function lookForLateSendEvent(
  deadLetters: DeadLetters,
  quietSince: string | undefined,
  now: Date,
): Promise<LateSendEventLook> {
  if (await deadLetters.holdsAny()) {
    return { verdict: "hold", until: new Date(now.getTime() + HOLD_MS), quietSince: null };
  }
  const since = quietSince ? Date.parse(quietSince) : now.getTime();
  if (quietSince !== undefined && now.getTime() - since >= QUIET_MS) return { verdict: "release" };
  return { verdict: "hold", until: new Date(since + QUIET_MS), quietSince: new Date(since).toISOString() };
}
