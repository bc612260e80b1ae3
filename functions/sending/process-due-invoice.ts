/**
 * Where a reminder is sent. The sender Lambda calls this for each invoice the dispatcher found
 * due: re-read the invoice, decide again (it may have been paid a second ago), claim the step,
 * render, send through SES, and record. The claim makes the step exactly-once: see
 * docs/DATA-MODEL.md, "The claim protocol".
 */
import { randomUUID } from "node:crypto";
import type { InvoiceTable, NextSlot, StoredInvoice } from "#adapters/dynamo/invoice-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { markContactFailed } from "#domain/invoice/transitions.ts";
import { decideNextAction, type NextAction, type Step } from "#domain/ladder/ladder.ts";
import { applyDueTransitions } from "#domain/ladder/timed-transitions.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import { type Claim, type ClaimedStep, isStale, stepKey } from "./claim.ts";
import { recordClaimedStep } from "./complete-claim.ts";
import { composeEmail, type SenderConfig } from "./compose-email.ts";
import { notifyOwner } from "./notify-owner.ts";

export type SenderDeps = {
  invoices: InvoiceTable;
  tenants: TenantTable;
  mailer: Mailer;
  config: SenderConfig;
  newId?: () => string;
};

export type DueRef = { tenantId: string; invoiceNumber: string };

export type SendOutcome =
  /** `ownerNotAlerted`: the hand-over went out, but SES refused the owner's alert (why). */
  | { outcome: "sent"; step: string; messageId: string; ownerNotAlerted?: string }
  /** Nothing to send now; the invoice was saved with its next slot (or none). */
  | { outcome: "rescheduled"; next?: string }
  /** Another send of this invoice is under way (a claim stands): it, or its timeout, will finish. */
  | { outcome: "claim_pending" }
  | { outcome: "unknown_invoice" }
  /** SES certainly did not send (throttled, unavailable before reaching it): try again later. */
  | { outcome: "retry"; reason: string }
  /** SES refused the email for good; the claim is given up and the invoice waits for a person. */
  | { outcome: "rejected"; reason: string };

/** Conflicts mean someone else changed the invoice between our read and our write: read and decide again. */
const ATTEMPTS = 3;

export function slotOf(action: NextAction): NextSlot {
  return action.kind === "none" ? undefined : action.at;
}

function claimedStepOf(step: Step): ClaimedStep {
  return step.type === "stage"
    ? {
        type: "stage",
        stage: step.stage,
        fee: step.fee.amount,
        interest: step.interest.amount,
        deadline: step.deadline,
      }
    : { type: "installment", installment: step.installment };
}

export async function processDueInvoice(deps: SenderDeps, ref: DueRef, now: Date): Promise<SendOutcome> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(deps, ref, now);
    if (outcome !== "conflict") return outcome;
    if (attempt >= ATTEMPTS) return { outcome: "retry", reason: "the invoice kept changing under us" };
  }
}

async function attemptOnce(deps: SenderDeps, ref: DueRef, now: Date): Promise<SendOutcome | "conflict"> {
  const [stored, tenantRecord] = await Promise.all([
    deps.invoices.get(ref.tenantId, ref.invoiceNumber),
    deps.tenants.get(ref.tenantId),
  ]);
  if (!stored || !tenantRecord) return { outcome: "unknown_invoice" };
  const { tenant, suppressed } = tenantRecord;

  if (stored.claim) {
    if (!isStale(stored.claim, now)) return { outcome: "claim_pending" };
    // No Send event came for this claim in time: SES never accepted the email, so the step is open again.
    const released = await deps.invoices.release(ref.tenantId, ref.invoiceNumber, stored.claim.id, now);
    return released === "conflict" ? "conflict" : attemptOnce(deps, ref, now);
  }

  const { invoice, events } = applyDueTransitions(stored.invoice, tenant.policy, now);
  const action = decideNextAction(invoice, tenant.policy, now);
  if (action.kind !== "send" || action.at.getTime() > now.getTime()) {
    return reschedule(deps, stored, invoice, events, action);
  }

  const recipients = invoice.customer.emails.filter((email) => !suppressed.has(email));
  if (recipients.length === 0) return stopForSuppressedAddress(deps, stored, invoice, events, tenant, now);

  const claim: Claim = {
    id: (deps.newId ?? randomUUID)(),
    at: now.toISOString(),
    step: claimedStepOf(action.step),
  };
  if ((await deps.invoices.claim(stored.invoice, invoice, claim, events)) === "conflict") return "conflict";
  const claimed = { ...invoice, version: stored.invoice.version + 1 };

  const email = composeEmail({
    tenant,
    invoice,
    step: action.step,
    recipients,
    claimId: claim.id,
    sentAt: now,
    config: deps.config,
    tags: {
      tenant: encodeTagValue(tenant.id),
      invoice: encodeTagValue(invoice.invoiceNumber),
      step: stepKey(claim.step),
      claim: claim.id,
    },
  });
  const sent = await deps.mailer.send(email);
  if (!sent.ok) {
    // "unknown": SES may have taken it. The claim stands until its Send event records it, or it goes stale.
    if (sent.error.outcome === "unknown") return { outcome: "claim_pending" };
    // Refusals of the account and of the email alike still stop the invoice, as every 4xx did.
    const refused = sent.error.scope === "message" || sent.error.scope === "account";
    await deps.invoices.release(ref.tenantId, ref.invoiceNumber, claim.id, refused ? undefined : now);
    return refused
      ? { outcome: "rejected", reason: sent.error.message }
      : { outcome: "retry", reason: sent.error.message };
  }

  const recorded = await recordClaimedStep(deps.invoices, {
    tenant,
    invoice: claimed,
    claim,
    messageId: sent.value.messageId,
    recipients: [...email.to, ...email.cc],
    at: now,
  });
  const sentOutcome: SendOutcome = {
    outcome: "sent",
    step: stepKey(claim.step),
    messageId: sent.value.messageId,
  };
  if (recorded === "recorded" && claim.step.type === "stage" && claim.step.stage === "collection") {
    // The hand-over is the owner's to carry on: they send the claim and its timeline to their agency.
    const alerted = await notifyOwner(deps, tenant, claimed, { kind: "handover" }, now);
    if (!alerted.sent) return { ...sentOutcome, ownerNotAlerted: alerted.reason };
  }
  return sentOutcome;
}

async function reschedule(
  deps: SenderDeps,
  stored: StoredInvoice,
  invoice: Invoice,
  events: TimelineEvent[],
  action: NextAction,
): Promise<SendOutcome | "conflict"> {
  const next = slotOf(action);
  if ((await deps.invoices.save(stored.invoice, invoice, events, next)) === "conflict") return "conflict";
  return { outcome: "rescheduled", next: next?.toISOString() };
}

/** Every address of the customer is suppressed (a complaint, a hard bounce): no email, a person must act. */
async function stopForSuppressedAddress(
  deps: SenderDeps,
  stored: StoredInvoice,
  invoice: Invoice,
  events: TimelineEvent[],
  tenant: Tenant,
  now: Date,
): Promise<SendOutcome | "conflict"> {
  const failed = markContactFailed(invoice, {
    reason: "complaint",
    email: invoice.customer.emails[0] ?? "",
    at: now.toISOString(),
  });
  if (!failed.ok)
    return reschedule(deps, stored, invoice, events, { kind: "none", reason: "contact_failed" });
  const after = failed.value.invoice;
  const next = slotOf(decideNextAction(after, tenant.policy, now));
  if (
    (await deps.invoices.save(stored.invoice, after, [...events, ...failed.value.events], next)) ===
    "conflict"
  ) {
    return "conflict";
  }
  return { outcome: "rescheduled", next: next?.toISOString() };
}
