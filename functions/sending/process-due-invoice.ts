/**
 * Where a reminder is sent. The sender Lambda calls this for each invoice the dispatcher found
 * due: re-read the invoice, decide again (it may have been paid a second ago), render, claim the
 * step, send through SES within the claim's send window, and record. The claim makes the step
 * exactly-once and the window makes "no email after an action's answer" hold: see
 * docs/DATA-MODEL.md, "The claim protocol".
 */
import { randomUUID } from "node:crypto";
import type { Mailer, SendFailure } from "#adapters/ses/mailer.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import { addressesOf } from "#domain/invoice/customer.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { blockedAgain } from "#domain/invoice/send-blocked.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { markContactFailed, refuseEmail } from "#domain/invoice/transitions.ts";
import { decideNextAction, type NextAction, type Step } from "#domain/ladder/ladder.ts";
import { applyDueTransitions } from "#domain/ladder/timed-transitions.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import type { RefusedMarker } from "#ports/claim-store.ts";
import type { InvoiceStore, NextSlot, StoredInvoice } from "#ports/invoice-store.ts";
import type { StoredTenant, TenantStore } from "#ports/tenant-store.ts";
import { type Claim, type ClaimedStep, isStale, staleAt, stepKey } from "./claim.ts";
import { recordSentEmail } from "./complete-claim.ts";
import { composeEmail, type SenderConfig } from "./compose-email.ts";
import { type Flushed, flushOutbox } from "./notify-owner.ts";
import { ownerAlertEntry, slotWithAlerts, withAlerts } from "./owner-alert.ts";
import { SEND_WINDOW, type SendWindow } from "./send-window.ts";
import { type DeadLetters, settleStaleClaim } from "./stale-claim.ts";

export type SenderDeps = {
  invoices: InvoiceStore;
  tenants: TenantStore;
  mailer: Mailer;
  config: SenderConfig;
  newId?: () => string;
  /** The claim's send window (send-window.ts); the deployed one unless a test shortens it. */
  sendWindow?: SendWindow;
  /** The clock the window is measured on, `performance.now` unless a test moves it. */
  monotonicNow?: () => number;
  /** The events dead-letter queue, which a stale claim waits for (stale-claim.ts); none locally. */
  deadLetters?: DeadLetters;
};

export type DueRef = { tenantId: string; invoiceNumber: string };

/**
 * What became of the invoice's owner alerts on the way (a hand-over, a refused email):
 * `ownerNotAlerted` says why SES refused one for good. One SES would not take for now waits in the
 * invoice's outbox, and the invoice's due slot brings it back here (owner-alert.ts, alertSlot).
 */
export type OwnerAlertsOutcome = { ownerNotAlerted?: string };

export type SendOutcome = (
  | { outcome: "sent"; step: string; messageId: string }
  /** Nothing to send now; the invoice waits for its next slot (or none). */
  | { outcome: "rescheduled"; next?: string }
  /** Another send of this invoice is under way (a claim stands): it, or its timeout, will finish. */
  | { outcome: "claim_pending" }
  /** A stale claim waits for the events dead-letter queue to be emptied (stale-claim.ts). */
  | { outcome: "claim_held"; until: string }
  | { outcome: "unknown_invoice" }
  /** SES would not send for now (its rate or quota, the account, the moment): tried again at `retryAt`. */
  | { outcome: "deferred"; scope: SendFailure["scope"]; code: string; reason: string; retryAt: string }
  /** SES refused this email for good: the invoice waits for a person, who is told. */
  | { outcome: "refused"; step: string; code: string; reason: string }
  /** The invoice kept changing under us: the queue brings it back. */
  | { outcome: "retry"; reason: string }
) &
  OwnerAlertsOutcome;

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
        compensation: step.compensation.amount,
        deadline: step.deadline,
        ...(step.notifyAccountManager ? { notifyAccountManager: true } : {}),
      }
    : { type: "installment", installment: step.installment };
}

export async function processDueInvoice(deps: SenderDeps, ref: DueRef, now: Date): Promise<SendOutcome> {
  const alerts: Flushed = { notAlerted: [], waiting: 0 };
  const withAlerts = (outcome: SendOutcome): SendOutcome =>
    alerts.notAlerted.length > 0 ? { ...outcome, ownerNotAlerted: alerts.notAlerted.join("; ") } : outcome;
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOnce(deps, ref, now, alerts);
    if (outcome !== "conflict") return withAlerts(outcome);
    if (attempt >= ATTEMPTS)
      return withAlerts({ outcome: "retry", reason: "the invoice kept changing under us" });
  }
}

async function attemptOnce(
  deps: SenderDeps,
  ref: DueRef,
  now: Date,
  alerts: Flushed,
): Promise<SendOutcome | "conflict"> {
  // The invoice first: the tenant's read also asks which of its addresses are suppressed.
  const read = await deps.invoices.get(ref.tenantId, ref.invoiceNumber);
  const tenantRecord = read && (await deps.tenants.get(ref.tenantId, addressesOf(read.invoice.customer)));
  if (!read || !tenantRecord) return { outcome: "unknown_invoice" };
  // Owner alerts left waiting (SES would not take them then) go first; the flush changes the item.
  const stored =
    read.alerts && Object.keys(read.alerts).length > 0
      ? await flushed(deps, tenantRecord, read, now, alerts)
      : read;
  if (!stored) return { outcome: "unknown_invoice" };
  if (stored.claim) return settleStandingClaim(deps, stored, stored.claim, tenantRecord, now, alerts);

  const { tenant } = tenantRecord;
  const { invoice, events } = applyDueTransitions(stored.invoice, tenant.policy, now);
  const action = decideNextAction(invoice, tenant.policy, now);
  if (action.kind !== "send" || action.at.getTime() > now.getTime()) {
    return reschedule(deps, stored, invoice, events, action, now);
  }
  const recipients = invoice.customer.emails.filter((email) => !tenantRecord.suppressed.has(email));
  if (recipients.length === 0) return stopForSuppressedAddress(deps, stored, invoice, events, tenant, now);
  return claimAndSend(
    deps,
    { stored, tenantRecord, invoice, events, step: action.step, recipients },
    now,
    alerts,
  );
}

/** Sends what waits in `stored`'s outbox, adds how that went to `alerts`; the invoice as it is then. */
async function flushed(
  deps: SenderDeps,
  tenantRecord: StoredTenant,
  stored: StoredInvoice,
  now: Date,
  alerts: Flushed,
): Promise<StoredInvoice | undefined> {
  const result = await flushOutbox(deps, tenantRecord, stored, now);
  alerts.notAlerted.push(...result.notAlerted);
  alerts.waiting += result.waiting;
  return deps.invoices.get(stored.invoice.tenantId, stored.invoice.invoiceNumber);
}

/**
 * A claim stands. While it is young, its sender (or SES's Send event) finishes it. Found young here,
 * its sender may have died (SQS brings a message back when its handler never finished): the due
 * slot moves to the claim's stale time, when the invoice comes back and the claim is settled.
 */
async function settleStandingClaim(
  deps: SenderDeps,
  stored: StoredInvoice,
  claim: Claim,
  tenantRecord: StoredTenant,
  now: Date,
  alerts: Flushed,
): Promise<SendOutcome | "conflict"> {
  const { tenantId, invoiceNumber } = stored.invoice;
  const { tenant } = tenantRecord;
  if (!isStale(claim, now)) {
    // A change saved while the claim stood may have moved the slot off the claim's stale time.
    const until = staleAt(claim);
    if (stored.slot !== until.toISOString())
      await deps.invoices.holdClaim(tenantId, invoiceNumber, claim.id, until);
    return { outcome: "claim_pending" };
  }
  const settled = await settleStaleClaim(deps, tenant, stored, claim, now);
  if (settled.settled === "held") return { outcome: "claim_held", until: settled.until.toISOString() };
  if (settled.settled === "refused") {
    const { code, reason } = settled.refused;
    const failure: SendFailure = { scope: "message", outcome: "not_sent", code, message: reason };
    return refuse(deps, stored, claim, tenantRecord, failure, now, alerts);
  }
  // Recorded or released: the invoice is free again, and may be due for its next step.
  return "conflict";
}

async function claimAndSend(
  deps: SenderDeps,
  input: {
    stored: StoredInvoice;
    tenantRecord: StoredTenant;
    invoice: Invoice;
    events: TimelineEvent[];
    step: Step;
    recipients: string[];
  },
  now: Date,
  alerts: Flushed,
): Promise<SendOutcome | "conflict"> {
  const { stored, invoice, step, recipients } = input;
  const { tenant } = input.tenantRecord;
  const claim: Claim = {
    id: (deps.newId ?? randomUUID)(),
    at: now.toISOString(),
    step: claimedStepOf(step),
  };
  // Rendered before the claim, so that nothing but the claim write stands between it and SES.
  const email = composeEmail({
    tenant,
    invoice,
    step,
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
  const window = deps.sendWindow ?? SEND_WINDOW;
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  // The window opens when the claim write starts: from then on an action may see the claim.
  const startBy = monotonicNow() + window.startWithinMs;
  if ((await deps.invoices.claim(stored.invoice, invoice, claim, input.events)) === "conflict")
    return "conflict";
  const claimed: StoredInvoice = {
    invoice: { ...invoice, version: stored.invoice.version + 1 },
    claim,
    alerts: stored.alerts,
    releasedClaims: stored.releasedClaims,
    slot: stored.slot,
  };

  const sent = await deps.mailer.send(email, { startBy, requestTimeoutMs: window.requestTimeoutMs });
  if (!sent.ok) {
    // "unknown": SES may have taken it. The claim stands until its Send event records it, or it goes
    // stale: the invoice comes back then.
    if (sent.error.outcome === "unknown") {
      await deps.invoices.holdClaim(invoice.tenantId, invoice.invoiceNumber, claim.id, staleAt(claim));
      return { outcome: "claim_pending" };
    }
    return sent.error.scope === "message"
      ? refuse(deps, claimed, claim, input.tenantRecord, sent.error, now, alerts)
      : defer(deps, claimed, claim, tenant, sent.error, now);
  }

  const sentOutcome: SendOutcome = {
    outcome: "sent",
    step: stepKey(claim.step),
    messageId: sent.value.messageId,
  };
  await recordSentEmail(deps.invoices, {
    tenant,
    stored: claimed,
    claim,
    messageId: sent.value.messageId,
    recipients: [...email.to, ...email.cc],
  });
  if (
    claim.step.type === "stage" &&
    (claim.step.stage === "collection" || claim.step.notifyAccountManager === true)
  ) {
    // The hand-over is the owner's to carry on: they send the claim and its timeline to their
    // agency. The account manager's note goes with the stage that calls for it.
    await flushAlertsOf(deps, input.tenantRecord, invoice, now, alerts);
  }
  return sentOutcome;
}

/** Sends what the record just put in the outbox; nothing needs the invoice afterwards. */
async function flushAlertsOf(
  deps: SenderDeps,
  tenantRecord: StoredTenant,
  invoice: Invoice,
  now: Date,
  alerts: Flushed,
) {
  const fresh = await deps.invoices.get(invoice.tenantId, invoice.invoiceNumber);
  if (!fresh?.alerts || Object.keys(fresh.alerts).length === 0) return;
  const result = await flushOutbox(deps, tenantRecord, fresh, now);
  alerts.notAlerted.push(...result.notAlerted);
  alerts.waiting += result.waiting;
}

type ClaimChange = {
  after: Invoice;
  events: TimelineEvent[];
  next: NextSlot;
  alerts?: StoredInvoice["alerts"];
  /** SES refused the email for good: its step is written as a refused marker first. */
  refused?: RefusedMarker;
};

/**
 * SES would not send for now: the claim is given up (SES certainly did not take the email) and the
 * invoice stays due, tried again after a backoff that its next action shows. Nothing is lost, and
 * nothing leaves the due index.
 */
async function defer(
  deps: SenderDeps,
  claimed: StoredInvoice,
  claim: Claim,
  tenant: Tenant,
  failure: SendFailure,
  now: Date,
): Promise<SendOutcome | "conflict"> {
  const scope = failure.scope === "message" ? "account" : failure.scope;
  const refusal = { scope, code: failure.code, reason: failure.message };
  let retryAt = "";
  const outcome = await settleOwnClaim(deps, claimed, claim, (current) => {
    const blocked = blockedAgain(
      current.invoice.sendBlocked,
      refusal,
      `${tenant.id}#${current.invoice.invoiceNumber}`,
      now,
    );
    retryAt = blocked.retryAt;
    const after: Invoice = { ...current.invoice, sendBlocked: blocked };
    const next = slotWithAlerts(slotOf(decideNextAction(after, tenant.policy, now)), current.alerts, now);
    return { after, events: [], next };
  });
  if (outcome === "conflict") return "conflict";
  return { outcome: "deferred", scope, code: failure.code, reason: failure.message, retryAt };
}

/** SES refused this email for good: recorded, the invoice waits for a new address, the owner is told. */
async function refuse(
  deps: SenderDeps,
  claimed: StoredInvoice,
  claim: Claim,
  tenantRecord: StoredTenant,
  failure: SendFailure,
  now: Date,
  alerts: Flushed,
): Promise<SendOutcome | "conflict"> {
  const { tenant } = tenantRecord;
  const step = stepKey(claim.step);
  const at = now.toISOString();
  const outcome = await settleOwnClaim(deps, claimed, claim, (current) => {
    const email = current.invoice.customer.emails[0] ?? "";
    const refused = refuseEmail(current.invoice, {
      step,
      code: failure.code,
      reason: failure.message,
      email,
      at,
    });
    // An invoice that cannot be marked unreachable (it stopped meanwhile) only records the refusal.
    const after = refused.ok ? refused.value.invoice : current.invoice;
    const events: TimelineEvent[] = refused.ok
      ? refused.value.events
      : [{ type: "email_refused", at, step, code: failure.code, reason: failure.message }];
    const alerts = withAlerts(current.alerts, {
      [`refused-${claim.id}`]: ownerAlertEntry({ kind: "refused", email, detail: failure.message }, at),
    });
    const next = slotWithAlerts(slotOf(decideNextAction(after, tenant.policy, now)), alerts, now);
    return { after, events, next, alerts, refused: { code: failure.code, reason: failure.message } };
  });
  if (outcome === "conflict") return "conflict";
  await flushAlertsOf(deps, tenantRecord, claimed.invoice, now, alerts);
  return { outcome: "refused", step, code: failure.code, reason: failure.message };
}

/**
 * Ends our own claim with a change computed from the invoice. Nobody else writes the invoice while
 * the claim is young, except an action that waited out the send window: then the change is computed
 * again on the invoice as it is now. `conflict` when the claim is gone (settled by someone else).
 */
async function settleOwnClaim(
  deps: SenderDeps,
  claimed: StoredInvoice,
  claim: Claim,
  change: (current: StoredInvoice) => ClaimChange,
): Promise<"ok" | "conflict"> {
  let current: StoredInvoice | undefined = claimed;
  for (let attempt = 0; attempt < ATTEMPTS && current?.claim?.id === claim.id; attempt++) {
    const { events, refused, ...changed } = change(current);
    // A refusal's timeline step goes first, keyed by the claim: should the settle fail after it, the
    // claim still stands, and whoever finds it stale finishes the refusal rather than send again.
    if (refused) await deps.invoices.putRefusedMarker(current.invoice, claim, events, refused);
    const outcome = await deps.invoices.settleClaim({
      before: current.invoice,
      claimId: claim.id,
      events: refused ? [] : events,
      ...changed,
    });
    if (outcome === "ok") return "ok";
    current = await deps.invoices.get(claimed.invoice.tenantId, claimed.invoice.invoiceNumber);
  }
  return "conflict";
}

async function reschedule(
  deps: SenderDeps,
  stored: StoredInvoice,
  invoice: Invoice,
  events: TimelineEvent[],
  action: NextAction,
  now: Date,
): Promise<SendOutcome | "conflict"> {
  const next = slotWithAlerts(slotOf(action), stored.alerts, now);
  // Nothing changed (a second message for a slot already handled, a slot that is not due yet): no write.
  const unchanged = events.length === 0 && next?.toISOString() === stored.slot && invoice === stored.invoice;
  if (!unchanged && (await deps.invoices.save(stored.invoice, invoice, events, next)) === "conflict") {
    return "conflict";
  }
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
    return reschedule(deps, stored, invoice, events, { kind: "none", reason: "contact_failed" }, now);
  const after = failed.value.invoice;
  const next = slotWithAlerts(slotOf(decideNextAction(after, tenant.policy, now)), stored.alerts, now);
  if (
    (await deps.invoices.save(stored.invoice, after, [...events, ...failed.value.events], next)) ===
    "conflict"
  ) {
    return "conflict";
  }
  return { outcome: "rescheduled", next: next?.toISOString() };
}
