/**
 * Where a sent reminder is recorded. An email SES accepted becomes "sent" here — by the sender right
 * after SES answered, by SES's Send event (which carries the claim id in its tags) if the sender died
 * before it could, or by whoever finds the claim stale and its marker written (stale-claim.ts).
 * Whichever comes first records it; the others find it recorded and change nothing.
 *
 * The record is written in the order that makes a crash at any point harmless: first the marker
 * (the claim's timeline step, with SES's message id) and the message record, in one request, then
 * the invoice.
 * From the marker on, the send is known, and nobody sends the step again.
 */

import type { Invoice } from "#domain/invoice/invoice.ts";
import {
  recordInstallmentReminder,
  recordStageSent,
  type TransitionResult,
} from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import type { MessageRecord } from "#ports/message-log.ts";
import type { TenantStore } from "#ports/tenant-store.ts";
import type { Claim } from "./claim.ts";
import { stepKey } from "./claim.ts";
import { type Outbox, ownerAlertEntry, slotWithAlerts, withAlerts } from "./owner-alert.ts";

export type Recorded = "recorded" | "already_recorded";

/** Attempts at the invoice update while others change the invoice (an event, an alert sent). */
const ATTEMPTS = 8;

export class RecordNotWritten extends Error {
  override readonly name = "RecordNotWritten";
}

/** The claimed step as the invoice records it: the domain's transition for a stage or an installment. */
function recordStep(invoice: Invoice, claim: Claim, messageId: string): TransitionResult {
  const { step } = claim;
  return step.type === "stage"
    ? recordStageSent(invoice, {
        stage: step.stage,
        at: claim.at,
        fee: step.fee,
        interest: step.interest,
        compensation: step.compensation,
        deadline: step.deadline,
        messageId,
        notifyAccountManager: step.notifyAccountManager,
      })
    : recordInstallmentReminder(invoice, { installment: step.installment, at: claim.at });
}

function alreadyIn(invoice: Invoice, claim: Claim, messageId: string): boolean {
  const { step } = claim;
  return step.type === "stage"
    ? invoice.stagesSent.some((sent) => sent.messageId === messageId)
    : invoice.installments?.[step.installment]?.remindedAt === claim.at;
}

/**
 * Records the email SES accepted (`messageId`) for `claim`, on the invoice as it is now: in its
 * stages sent, its message record and its timeline, whatever happened to the invoice meanwhile
 * (paid, disputed, paused: the email went out all the same). `stored` is the invoice as last read.
 * The claim is removed if it still stands; a claim that was given up as stale (and perhaps
 * followed by another) is recorded all the same, and the claim that stands now is left alone.
 */
export async function recordSentEmail(
  invoices: InvoiceStore,
  input: { tenant: Tenant; stored: StoredInvoice; claim: Claim; messageId: string; recipients: string[] },
): Promise<Recorded> {
  const { tenant, claim, messageId, recipients } = input;
  const first = input.stored.invoice;
  if (alreadyIn(first, claim, messageId)) return "already_recorded";
  const sent = recordStep(first, claim, messageId);
  if (!sent.ok)
    throw new RecordNotWritten(`${stepKey(claim.step)} on ${first.invoiceNumber}: ${sent.error.message}`);
  await invoices.putSentMarker(
    first,
    claim,
    sent.value.events,
    { messageId, recipients },
    messageRecordOf(first, claim, messageId, recipients),
  );

  let stored: StoredInvoice | undefined = input.stored;
  for (let attempt = 0; attempt < ATTEMPTS && stored; attempt++) {
    const current = stored.invoice;
    if (alreadyIn(current, claim, messageId)) return "already_recorded";
    const result = recordStep(current, claim, messageId);
    if (!result.ok)
      throw new RecordNotWritten(
        `${stepKey(claim.step)} on ${current.invoiceNumber}: ${result.error.message}`,
      );
    const after = result.value.invoice;
    const ours = stored.claim?.id === claim.id;
    // What the step calls for goes into the outbox in the same update: the owner's hand-over alert,
    // and the account manager's note the first time a stage asks for it (recordStageSent).
    const handover: Outbox =
      claim.step.type === "stage" && claim.step.stage === "collection"
        ? { [`handover-${claim.id}`]: ownerAlertEntry({ kind: "handover" }, claim.at) }
        : {};
    if (claim.step.type === "stage" && after.accountManagerToldAt && !current.accountManagerToldAt)
      handover["account-manager"] = {
        to: "account_manager",
        template: "owner_alert",
        kind: "overdue",
        stage: claim.step.stage,
        at: claim.at,
      };
    const outbox = withAlerts(stored.alerts, handover);
    // Another claim that stands keeps its slot: it is how that claim comes back to be settled.
    const next =
      ours || !stored.claim
        ? slotWithAlerts(slotAfter(after, tenant, new Date(claim.at)), outbox, new Date(claim.at))
        : slotOf(stored);
    const outcome = await invoices.settleClaim({
      before: current,
      after,
      // The marker is this step's timeline entry.
      events: [],
      next,
      claimId: ours ? claim.id : undefined,
      alerts: Object.keys(handover).length > 0 ? outbox : undefined,
    });
    if (outcome === "ok") return "recorded";
    stored = await invoices.get(current.tenantId, current.invoiceNumber);
  }
  throw new RecordNotWritten(
    `${stepKey(claim.step)} on ${first.invoiceNumber} is marked sent (${messageId}) but not yet recorded: the invoice kept changing`,
  );
}

function slotAfter(invoice: Invoice, tenant: Tenant, at: Date): Date | undefined {
  const next = decideNextAction(invoice, tenant.policy, at);
  return next.kind === "none" ? undefined : next.at;
}

function slotOf(stored: StoredInvoice): Date | undefined {
  return stored.slot === undefined ? undefined : new Date(stored.slot);
}

function messageRecordOf(
  invoice: Invoice,
  claim: Claim,
  messageId: string,
  recipients: string[],
): MessageRecord {
  return {
    messageId,
    tenantId: invoice.tenantId,
    invoiceNumber: invoice.invoiceNumber,
    step: stepKey(claim.step),
    claimId: claim.id,
    recipients,
    sentAt: claim.at,
  };
}

/** What dun needs of an SES Send event: whose claim it confirms, and the message id SES gave it. */
export type SendConfirmation = {
  tenantId: string;
  invoiceNumber: string;
  claimId: string;
  /** The step named in the email's tags ("reminder_1"), for an email whose claim nobody knows any more. */
  step?: string;
  messageId: string;
  recipients: string[];
  at: Date;
};

export type Confirmed =
  | Recorded
  /** The claim had been given up as stale: the email is recorded now, though the step may have gone twice. */
  | "recorded_late"
  /** Neither the invoice nor its last claims know this claim: only the message record is written. */
  | "unknown_claim";

/**
 * Completes a claim from SES's Send event. The claim that stands, or one given up as stale whose
 * email SES accepted after all: either way the email went out, so it is recorded. One already
 * recorded changes nothing.
 */
export async function confirmSend(
  deps: { invoices: InvoiceStore; tenants: TenantStore },
  confirmation: SendConfirmation,
): Promise<Confirmed | "no_such_invoice"> {
  // The invoice alone first: nearly always the sender recorded the email before its Send event came,
  // and the invoice says so; the tenant is read only when there is something to record.
  const stored = await deps.invoices.get(confirmation.tenantId, confirmation.invoiceNumber);
  if (!stored) return "no_such_invoice";
  const { claimId, messageId, recipients } = confirmation;
  const standing = stored.claim?.id === claimId ? stored.claim : undefined;
  const released = stored.releasedClaims?.find((claim) => claim.id === claimId);
  const claim = standing ?? released;
  if (claim) {
    const tenantRecord = await deps.tenants.get(confirmation.tenantId);
    if (!tenantRecord) return "no_such_invoice";
    const recorded = await recordSentEmail(deps.invoices, {
      tenant: tenantRecord.tenant,
      stored,
      claim,
      messageId,
      recipients,
    });
    return recorded === "recorded" && !standing ? "recorded_late" : recorded;
  }
  // A stage's email is in stagesSent under SES's message id; an installment's is known by its message record.
  if (stored.invoice.stagesSent.some((sent) => sent.messageId === messageId)) return "already_recorded";
  if (await deps.invoices.findMessage(messageId)) return "already_recorded";
  // An email SES accepted that dun has no claim for any more: at least its later events (a bounce,
  // a complaint) must find their invoice.
  await deps.invoices.putMessage({
    messageId,
    tenantId: confirmation.tenantId,
    invoiceNumber: confirmation.invoiceNumber,
    step: confirmation.step ?? "unknown",
    claimId,
    recipients,
    sentAt: confirmation.at.toISOString(),
  });
  return "unknown_claim";
}
