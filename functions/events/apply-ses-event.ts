/**
 * Where SES's news changes an invoice. A Send event completes the claim it carries; Delivery,
 * Open, Click, Bounce, Complaint, Reject, Rendering Failure and DeliveryDelay move the stage's
 * email forward (domain/invoice/delivery.ts), and a hard bounce or a complaint stops the ladder,
 * suppresses the address and tells the owner. Events find their invoice by their tags, or by the
 * message record when the tags are missing; an event for an email dun does not know is logged by
 * the caller, not an error.
 */

import type { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { decodeTagValue } from "#adapters/ses/tag-values.ts";
import { applyDeliveryReport, type DeliveryReport } from "#domain/invoice/delivery.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { confirmSend, type SendConfirmation } from "#sending/complete-claim.ts";
import type { SenderConfig } from "#sending/compose-email.ts";
import { notifyOwner } from "#sending/notify-owner.ts";
import type { SesEvent } from "./ses-event.ts";

export type EventDeps = {
  invoices: InvoiceTable;
  tenants: TenantTable;
  mailer: Mailer;
  config: SenderConfig;
};

export type EventOutcome =
  | "send_recorded"
  | "send_already_recorded"
  | "recorded"
  /** Recorded, but SES refused the owner's alert about it (see notify-owner.ts). */
  | "recorded_owner_not_alerted"
  | "unchanged"
  | "unknown_message";

const first = (tags: Record<string, string[]>, name: string) => tags[name]?.[0];

/** The claim a Send event confirms, read from the tags dun put on the email. */
export function sendConfirmationOf(event: SesEvent): SendConfirmation | undefined {
  const tenant = first(event.tags, "tenant");
  const invoice = first(event.tags, "invoice");
  const claim = first(event.tags, "claim");
  if (event.type !== "send" || !tenant || !invoice || !claim) return undefined;
  return {
    tenantId: decodeTagValue(tenant),
    invoiceNumber: decodeTagValue(invoice),
    claimId: claim,
    messageId: event.messageId,
    recipients: event.destination,
    at: new Date(event.at),
  };
}

function reportOf(event: SesEvent): DeliveryReport | undefined {
  const { messageId, at } = event;
  switch (event.type) {
    case "delivery":
    case "delivery_delay":
      return { type: event.type, messageId, at };
    case "reject":
      return { type: "reject", messageId, at, reason: event.reject?.reason };
    case "rendering_failure":
      // SES could not build the email: it never left, like a rejected one.
      return {
        type: "reject",
        messageId,
        at,
        reason: event.renderingFailure?.errorMessage ?? "rendering failure",
      };
    case "open":
      return { type: "open", messageId, at, userAgent: event.open?.userAgent };
    case "click":
      return event.click ? { type: "click", messageId, at, link: event.click.link } : undefined;
    case "bounce":
      return event.bounce
        ? {
            type: "bounce",
            messageId,
            at,
            bounceType: event.bounce.type,
            feedbackId: event.bounce.feedbackId,
            recipients: event.recipients,
            diagnostic: event.bounce.diagnostic,
          }
        : undefined;
    case "complaint":
      return { type: "complaint", messageId, at, recipients: event.recipients };
    case "send":
      return undefined;
  }
}

async function invoiceOf(
  deps: EventDeps,
  event: SesEvent,
): Promise<{ tenantId: string; invoiceNumber: string } | undefined> {
  const tenant = first(event.tags, "tenant");
  const invoice = first(event.tags, "invoice");
  if (tenant && invoice) return { tenantId: decodeTagValue(tenant), invoiceNumber: decodeTagValue(invoice) };
  const record = await deps.invoices.findMessage(event.messageId);
  return record && { tenantId: record.tenantId, invoiceNumber: record.invoiceNumber };
}

export async function applySesEvent(deps: EventDeps, event: SesEvent, now: Date): Promise<EventOutcome> {
  if (event.type === "send") {
    const confirmation = sendConfirmationOf(event);
    if (!confirmation) return "unchanged";
    const recorded = await confirmSend(deps, confirmation);
    return recorded === "recorded" ? "send_recorded" : "send_already_recorded";
  }
  const report = reportOf(event);
  const target = await invoiceOf(deps, event);
  if (!report || !target) return "unknown_message";

  for (let attempt = 0; attempt < 5; attempt++) {
    const [stored, tenantRecord] = await Promise.all([
      deps.invoices.get(target.tenantId, target.invoiceNumber),
      deps.tenants.get(target.tenantId),
    ]);
    if (!stored || !tenantRecord) return "unknown_message";
    const claimId = first(event.tags, "claim");
    if (stored.claim && stored.claim.id === claimId) {
      // The Delivery overtook its Send event: the claim it belongs to is recorded first.
      await confirmSend(deps, {
        ...target,
        claimId,
        messageId: event.messageId,
        recipients: event.destination,
        at: new Date(event.at),
      });
      continue;
    }
    const applied = applyDeliveryReport(stored.invoice, report);
    if (applied.events.length === 0) return "unchanged";
    const { policy } = tenantRecord.tenant;
    const next = decideNextAction(applied.invoice, policy, now);
    const saved = await deps.invoices.save(
      stored.invoice,
      applied.invoice,
      applied.events,
      next.kind === "none" ? undefined : next.at,
      { whileClaimed: stored.claim !== undefined },
    );
    if (saved === "conflict") continue;
    let everyOwnerAlertSent = true;
    for (const effect of applied.effects) {
      if (effect.kind === "suppress") await deps.tenants.suppress(target.tenantId, effect.email);
      else {
        const alerted = await notifyOwner(
          deps,
          tenantRecord.tenant,
          applied.invoice,
          { kind: effect.alert, email: effect.email, detail: effect.detail },
          now,
        );
        everyOwnerAlertSent &&= alerted.sent;
      }
    }
    return everyOwnerAlertSent ? "recorded" : "recorded_owner_not_alerted";
  }
  throw new Error(`${target.invoiceNumber} kept changing while ${event.type} ${event.messageId} was applied`);
}
