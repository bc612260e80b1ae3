/**
 * Emails the tenant (the seller) when something needs a person: an invoice handed over to
 * collection, an email SES refused; bounces, complaints and disputes from the events path. In the
 * tenant's own language, to the owner's address.
 *
 * Alerts go through the invoice's outbox (owner-alert.ts): the change that calls for one writes it
 * there, and flushOwnerAlerts sends what waits, each under a claim of its own, as a reminder is sent:
 * claim, send, mark, take out. Should taking it out fail after SES took it, the alert's Send event
 * (tagged with the alert and the claim) takes it out instead (confirmAlertSent), nobody sends it
 * again while the claim is young, and whoever finds the claim stale finds the marker and takes it
 * out; a stale claim without a marker is given up only as a reminder's is (stale-claim.ts: never
 * while the events dead-letter queue holds anything, and only a quiet period after it was emptied). (Only a sender that dies between SES and the marker, whose Send event is lost as well, makes
 * an alert go twice.) An alert SES will not take for now (its rate, the account paused, a
 * failure of the moment) stays for the next flush; one SES refuses for good is taken out and
 * reported, and the caller logs it as LOG_OWNER_NOT_ALERTED, which has an alarm of its own
 * (infra/constructs/alarms.ts). The alert's cause is in the invoice's timeline either way.
 */

import { randomUUID } from "node:crypto";
import type { InvoiceTable, StoredInvoice } from "#adapters/dynamo/invoice-table.ts";
import type { Mailer, SendFailure } from "#adapters/ses/mailer.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import { amountDueOf } from "#domain/invoice/amount-due.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { CLAIM_TIMEOUT_MS } from "./claim.ts";
import { emailAmountsOf, emailSubjectOf, type SenderConfig } from "./compose-email.ts";
import { type OwnerAlert, type PendingAlert, slotWithAlerts } from "./owner-alert.ts";
import { type DeadLetters, lookForLateSendEvent } from "./stale-claim.ts";

export type OwnerAlertDeps = {
  invoices: InvoiceTable;
  mailer: Mailer;
  config: SenderConfig;
  newId?: () => string;
  /** The events dead-letter queue, for stale alert claims; without it they are left to the sender. */
  deadLetters?: DeadLetters;
};

export type OwnerAlerted = { sent: true } | { sent: false; failure: SendFailure };

export async function notifyOwner(
  deps: OwnerAlertDeps,
  tenant: Tenant,
  invoice: Invoice,
  alert: OwnerAlert,
  at: Date,
  claim?: { alertId: string; claimId: string },
): Promise<OwnerAlerted> {
  const rendered = renderEmail("owner_alert", tenant.defaultLanguage, {
    ...emailSubjectOf(tenant, invoice),
    sentAt: at.toISOString(),
    // The whole claim as the debtor was last told it: fees, interest and compensation included.
    ...emailAmountsOf(amountDueOf(invoice)),
    alert,
  });
  const result = await deps.mailer.send({
    from: `dun <${deps.config.fromAddress}>`,
    to: [tenant.ownerEmail],
    cc: [],
    replyTo: tenant.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: {
      tenant: encodeTagValue(tenant.id),
      invoice: encodeTagValue(invoice.invoiceNumber),
      step: "owner_alert",
      ...(claim ? { alert: claim.alertId, claim: claim.claimId } : {}),
    },
  });
  if (!result.ok) return { sent: false, failure: result.error };
  if (claim)
    await deps.invoices.putAlertMarker(tenant.id, invoice.invoiceNumber, claim.claimId, {
      messageId: result.value.messageId,
      recipients: [tenant.ownerEmail],
    });
  await deps.invoices.putMessage({
    messageId: result.value.messageId,
    tenantId: tenant.id,
    invoiceNumber: invoice.invoiceNumber,
    step: "owner_alert",
    ...(claim ? { claimId: claim.claimId } : {}),
    recipients: [tenant.ownerEmail],
    sentAt: at.toISOString(),
  });
  return { sent: true };
}

export type Flushed = {
  /** Alerts SES refused for good (why), now out of the outbox: the caller logs LOG_OWNER_NOT_ALERTED. */
  notAlerted: string[];
  /** Alerts left in the outbox for the next flush (SES would not take them for now). */
  waiting: number;
};

/** Sends the owner alerts waiting in the invoice's outbox, as `stored` was read. */
export async function flushOwnerAlerts(
  deps: OwnerAlertDeps,
  tenant: Tenant,
  stored: StoredInvoice,
  now: Date,
): Promise<Flushed> {
  const flushed: Flushed = { notAlerted: [], waiting: 0 };
  const { tenantId, invoiceNumber } = stored.invoice;
  const staleBefore = new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString();
  // What is left in the outbox as this flush goes, and the version its writes have brought the
  // invoice to: so that settling the last alert also puts the slot where the invoice's own next
  // action wants it, and an invoice does not come back for an alert already sent.
  const outbox: Record<string, PendingAlert> = { ...(stored.alerts ?? {}) };
  const own = decideNextAction(stored.invoice, tenant.policy, now);
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
    const { at: _at, sending: _sending, ...alert } = pending;
    const alerted = await notifyOwner(deps, tenant, stored.invoice, alert, now, { alertId, claimId });
    if (alerted.sent) {
      await settle(alertId, claimId, true);
    } else if (alerted.failure.outcome === "unknown") {
      // SES may have taken it: the claim stands until its Send event, or its timeout.
    } else if (alerted.failure.scope === "message") {
      flushed.notAlerted.push(`${alert.kind}: ${alerted.failure.message}`);
      await settle(alertId, claimId, true);
    } else {
      flushed.waiting += 1;
      await settle(alertId, claimId, false);
    }
  }
  return flushed;
}

/** The outbox without the `sending: undefined` left where a claim was taken back in memory. */
function withoutUnset(outbox: Record<string, PendingAlert>): Record<string, PendingAlert> {
  return Object.fromEntries(
    Object.entries(outbox).map(([id, alert]) => {
      const { sending, ...rest } = alert;
      return [id, sending ? alert : rest];
    }),
  );
}

/**
 * An owner alert's Send event: the alert went, so it is recorded (its message record, which the
 * sender may have died before writing) and leaves the outbox (if its sender could not take it out).
 */
export async function confirmAlertSent(
  invoices: InvoiceTable,
  sent: {
    tenantId: string;
    invoiceNumber: string;
    alertId: string;
    claimId: string;
    messageId: string;
    recipients: string[];
    at: Date;
  },
): Promise<boolean> {
  await invoices.putMessage({
    messageId: sent.messageId,
    tenantId: sent.tenantId,
    invoiceNumber: sent.invoiceNumber,
    step: "owner_alert",
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
