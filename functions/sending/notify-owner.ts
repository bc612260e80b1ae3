/**
 * Sends what waits in an invoice's outbox (owner-alert.ts): the owner's alerts (an invoice handed
 * over to collection, an email SES refused; bounces, complaints and disputes from the events path),
 * the debtor's receipts for payments, the account manager's note. Owner mail (the alerts and the
 * manager's note) is written in the tenant's language with the tenant's country's formats; a
 * receipt in the debtor's, as every debtor email is.
 *
 * flushOutbox sends each entry under a claim of its own, as a reminder is sent: claim, send, mark,
 * take out. Should taking it out fail after SES took it, the entry's Send event (tagged with the
 * entry and the claim) takes it out instead (confirmAlertSent), nobody sends it again while the
 * claim is young, and whoever finds the claim stale finds the marker and takes it out; a stale claim
 * without a marker is given up only as a reminder's is (stale-claim.ts: never while the events
 * dead-letter queue holds anything, and only a quiet period after it was emptied). (Only a sender
 * that dies between SES and the marker, whose Send event is lost as well, makes an entry go twice.)
 * An entry SES will not take for now (its rate, the account paused, a failure of the moment) stays
 * for the next flush; one SES refuses for good is taken out and reported, and the caller logs it as
 * LOG_OWNER_NOT_ALERTED, which has an alarm of its own (infra/constructs/alarms.ts). An entry with
 * nobody left to write to (a receipt whose debtor's addresses are all suppressed, a note whose
 * manager was taken off the invoice) is taken out unsent. Its cause is in the timeline either way.
 */

import { randomUUID } from "node:crypto";
import type { Mailer, SendFailure } from "#adapters/ses/mailer.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import { amountDueOf } from "#domain/invoice/amount-due.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import type { StoredTenant } from "#ports/tenant-store.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { CLAIM_TIMEOUT_MS } from "./claim.ts";
import { emailAmountsOf, emailSubjectOf, ownerMailOf, type SenderConfig } from "./compose-email.ts";
import { type Outbox, type OutboxEntry, outboxStepOf, slotWithAlerts } from "./owner-alert.ts";
import { type DeadLetters, lookForLateSendEvent } from "./stale-claim.ts";

export type OwnerAlertDeps = {
  invoices: InvoiceStore;
  mailer: Mailer;
  config: SenderConfig;
  newId?: () => string;
  /** The events dead-letter queue, for stale entry claims; without it they are left to the sender. */
  deadLetters?: DeadLetters;
};

export type OwnerAlerted =
  | { sent: true }
  /** Nobody left to write to: the entry is done without an email. */
  | { sent: "nobody" }
  | { sent: false; failure: SendFailure };

/** Who an outbox entry goes to, as the invoice and the tenant's suppressions stand now. */
function recipientsOf(tenantRecord: StoredTenant, invoice: Invoice, entry: OutboxEntry): string[] {
  const unsuppressed = (addresses: readonly (string | undefined)[]) =>
    addresses.filter(
      (address): address is string => address !== undefined && !tenantRecord.suppressed.has(address),
    );
  switch (entry.to) {
    case "owner":
      // The owner is told even of a complaint about their own mail: the tenant's mailbox is never suppressed.
      return [tenantRecord.tenant.ownerEmail];
    case "debtor":
      return unsuppressed(invoice.customer.emails);
    case "account_manager":
      return unsuppressed([invoice.customer.accountManagerEmail]);
  }
}

/** Renders and sends one outbox entry; with `claim`, marks it sent and records it. */
export async function sendOutboxEntry(
  deps: OwnerAlertDeps,
  tenantRecord: StoredTenant,
  invoice: Invoice,
  entry: OutboxEntry,
  at: Date,
  claim?: { alertId: string; claimId: string },
): Promise<OwnerAlerted> {
  const { tenant } = tenantRecord;
  const recipients = recipientsOf(tenantRecord, invoice, entry);
  if (recipients.length === 0) return { sent: "nobody" };
  const step = outboxStepOf(entry);
  const common = {
    ...emailSubjectOf(tenant, invoice),
    sentAt: at.toISOString(),
    // The whole claim as the debtor was last told it: fees, interest and compensation included.
    ...emailAmountsOf(amountDueOf(invoice)),
  };
  const rendered =
    entry.to === "debtor"
      ? renderEmail("payment_received", invoice.customer.locale, { ...common, payment: entry.payment })
      : renderEmail("owner_alert", ...ownerMailOf(tenant, invoice, common, entry));
  const result = await deps.mailer.send({
    // The debtor hears from the seller; owner mail comes from dun itself.
    from:
      entry.to === "debtor"
        ? `${tenant.name} <${deps.config.fromAddress}>`
        : `dun <${deps.config.fromAddress}>`,
    to: recipients,
    cc: [],
    replyTo: tenant.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: {
      tenant: encodeTagValue(tenant.id),
      invoice: encodeTagValue(invoice.invoiceNumber),
      step,
      ...(claim ? { alert: claim.alertId, claim: claim.claimId } : {}),
    },
  });
  if (!result.ok) return { sent: false, failure: result.error };
  const message = {
    messageId: result.value.messageId,
    tenantId: tenant.id,
    invoiceNumber: invoice.invoiceNumber,
    step,
    ...(claim ? { claimId: claim.claimId } : {}),
    recipients,
    sentAt: at.toISOString(),
  };
  if (claim)
    await deps.invoices.putAlertMarker(
      tenant.id,
      invoice.invoiceNumber,
      claim.claimId,
      { messageId: result.value.messageId, recipients },
      message,
    );
  else await deps.invoices.putMessage(message);
  return { sent: true };
}

export type Flushed = {
  /** Entries SES refused for good (why), now out of the outbox: the caller logs LOG_OWNER_NOT_ALERTED. */
  notAlerted: string[];
  /** Entries left in the outbox for the next flush (SES would not take them for now). */
  waiting: number;
};

/** Sends what waits in the invoice's outbox, as `stored` was read. */
export async function flushOutbox(
  deps: OwnerAlertDeps,
  tenantRecord: StoredTenant,
  stored: StoredInvoice,
  now: Date,
): Promise<Flushed> {
  const flushed: Flushed = { notAlerted: [], waiting: 0 };
  const { tenantId, invoiceNumber } = stored.invoice;
  const staleBefore = new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString();
  // What is left in the outbox as this flush goes, and the version its writes have brought the
  // invoice to: so that settling the last alert also puts the slot where the invoice's own next
  // action wants it, and an invoice does not come back for an alert already sent.
  const outbox: Outbox = { ...(stored.alerts ?? {}) };
  const own = decideNextAction(stored.invoice, tenantRecord.tenant.policy, now);
  const ownSlot = own.kind === "none" ? undefined : own.at;
  let version = stored.invoice.version;
  const settle = async (alertId: string, claimId: string, sent: boolean) => {
    const pending = outbox[alertId];
    if (sent) delete outbox[alertId];
    else if (pending) outbox[alertId] = { ...pending, sending: undefined };
    const next = slotWithAlerts(ownSlot, withoutUnset(outbox), now);
    const outcome = await deps.invoices.settleAlert(tenantId, invoiceNumber, alertId, claimId, sent, {
      version,
      next,
    });
    if (outcome === "ok") version += 1;
  };
  for (const [alertId, pending] of Object.entries(stored.alerts ?? {})) {
    // Someone is sending it right now (or died doing so; its Send event or the timeout settles that).
    if (pending.sending && pending.sending.at >= staleBefore) continue;
    // A stale claim whose marker is there: SES took the alert and only taking it out failed.
    const marker =
      pending.sending && (await deps.invoices.alertMarker(tenantId, invoiceNumber, pending.sending.claimId));
    if (pending.sending && marker) {
      await settle(alertId, pending.sending.claimId, true);
      continue;
    }
    if (pending.sending) {
      // No marker: SES took it only if its Send event says so, and that event may wait in the events
      // dead-letter queue, or be on its way back from it. Only a sender, which can ask that queue,
      // gives the claim up, as it gives up a reminder's (stale-claim.ts).
      if (!deps.deadLetters) continue;
      const look = await lookForLateSendEvent(deps.deadLetters, pending.sending.quietSince, now);
      if (look.verdict === "hold") {
        const held = await deps.invoices.holdAlert(
          tenantId,
          invoiceNumber,
          alertId,
          pending.sending.claimId,
          {
            until: look.until,
            quietSince: look.quietSince,
          },
        );
        if (held === "ok") version += 1;
        continue;
      }
    }
    const claimId = (deps.newId ?? randomUUID)();
    const at = now.toISOString();
    const claimed = await deps.invoices.claimAlert(
      tenantId,
      invoiceNumber,
      alertId,
      { claimId, at },
      staleBefore,
    );
    if (claimed === "conflict") continue;
    version += 1;
    outbox[alertId] = { ...pending, sending: { claimId, at } };
    const alerted = await sendOutboxEntry(deps, tenantRecord, stored.invoice, pending, now, {
      alertId,
      claimId,
    });
    if (alerted.sent !== false) {
      await settle(alertId, claimId, true);
    } else if (alerted.failure.outcome === "unknown") {
      // SES may have taken it: the claim stands until its Send event, or its timeout.
    } else if (alerted.failure.scope === "message") {
      const what = pending.to === "owner" ? pending.kind : outboxStepOf(pending);
      flushed.notAlerted.push(`${what}: ${alerted.failure.message}`);
      await settle(alertId, claimId, true);
    } else {
      flushed.waiting += 1;
      await settle(alertId, claimId, false);
    }
  }
  return flushed;
}

/** The outbox without the `sending: undefined` left where a claim was taken back in memory. */
function withoutUnset(outbox: Outbox): Outbox {
  return Object.fromEntries(
    Object.entries(outbox).map(([id, alert]) => {
      const { sending, ...rest } = alert;
      return [id, sending ? alert : rest];
    }),
  );
}

/**
 * An outbox entry's Send event: the email went, so it is recorded (its message record, which the
 * sender may have died before writing) and leaves the outbox (if its sender could not take it out).
 */
export async function confirmAlertSent(
  invoices: InvoiceStore,
  sent: {
    tenantId: string;
    invoiceNumber: string;
    alertId: string;
    claimId: string;
    /** The step its tags name ("owner_alert", "payment_received", "account_manager_note"). */
    step?: string;
    messageId: string;
    recipients: string[];
    at: Date;
  },
): Promise<boolean> {
  await invoices.putMessage({
    messageId: sent.messageId,
    tenantId: sent.tenantId,
    invoiceNumber: sent.invoiceNumber,
    step: sent.step ?? "owner_alert",
    claimId: sent.claimId,
    recipients: sent.recipients,
    sentAt: sent.at.toISOString(),
  });
  const settled = await invoices.settleAlert(
    sent.tenantId,
    sent.invoiceNumber,
    sent.alertId,
    sent.claimId,
    true,
  );
  return settled === "ok";
}
