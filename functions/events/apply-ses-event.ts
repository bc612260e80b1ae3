/**
 * Where SES's news changes an invoice. A Send event completes the claim it carries; Delivery,
 * Open, Click, Bounce, Complaint, Reject, Rendering Failure and DeliveryDelay move the stage's
 * email forward (domain/invoice/delivery.ts), and a hard bounce or a complaint stops the ladder,
 * suppresses the address and tells the owner. Events find their invoice by their tags, or by the
 * message record when the tags are missing; an event for an email dun does not know is logged by
 * the caller, not an error.
 *
 * An event is retried until it is applied (the events queue), so each of its effects is written
 * so that a retry after any failed write completes it, and none happens twice: the address is
 * suppressed before the invoice changes (adding it again changes nothing); the timeline step is
 * keyed by the event and kept on the invoice in the same update as the change, so a retry that finds
 * the change made writes the step again; the owner's alert goes into the invoice's outbox in the same
 * update as the change, and a retry that finds the change made sends what still waits there.
 */
import { createHash } from "node:crypto";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { decodeTagValue } from "#adapters/ses/tag-values.ts";
import { addressesOf } from "#domain/invoice/customer.ts";
import { applyDeliveryReport, type DeliveryReport } from "#domain/invoice/delivery.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { StageSchema } from "#domain/vocabulary.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import type { StoredTenant, TenantStore } from "#ports/tenant-store.ts";
import { confirmSend, type SendConfirmation } from "#sending/complete-claim.ts";
import type { SenderConfig } from "#sending/compose-email.ts";
import { confirmAlertSent, flushOutbox } from "#sending/notify-owner.ts";
import { type Outbox, ownerAlertEntry, slotWithAlerts, withAlerts } from "#sending/owner-alert.ts";
import type { SesEvent } from "./ses-event.ts";

export type EventDeps = {
  invoices: InvoiceStore;
  tenants: TenantStore;
  /**
   * Where the ladder's policy is read from, if not `tenants`: a tenant a moment old will do for
   * deciding the next slot (the sender decides again, on the tenant as it is, before it sends). The
   * suppressed addresses an outbox email is sent by are always read from `tenants`.
   */
  policyTenants?: TenantStore;
  mailer: Mailer;
  config: SenderConfig;
};

export type EventOutcome =
  | "send_recorded"
  | "send_already_recorded"
  /** The Send event of a claim given up as stale: recorded now; the step may have gone twice. */
  | "send_recorded_late"
  /** The Send event of a claim nobody knows: only its message record was written. */
  | "send_unknown_claim"
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
  const step = first(event.tags, "step");
  return {
    tenantId: decodeTagValue(tenant),
    invoiceNumber: decodeTagValue(invoice),
    claimId: claim,
    ...(step === undefined ? {} : { step }),
    messageId: event.messageId,
    recipients: event.destination,
    at: new Date(event.at),
  };
}

/** The outbox entry (an owner alert, a receipt, a note) a Send event confirms, read from its tags. */
function alertSentOf(event: SesEvent) {
  const tenant = first(event.tags, "tenant");
  const invoice = first(event.tags, "invoice");
  const alertId = first(event.tags, "alert");
  const claimId = first(event.tags, "claim");
  if (!tenant || !invoice || !alertId || !claimId) return undefined;
  const step = first(event.tags, "step");
  return {
    tenantId: decodeTagValue(tenant),
    invoiceNumber: decodeTagValue(invoice),
    alertId,
    claimId,
    ...(step === undefined ? {} : { step }),
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
    const alert = alertSentOf(event);
    if (alert) return (await confirmAlertSent(deps.invoices, alert)) ? "recorded" : "unchanged";
    const confirmation = sendConfirmationOf(event);
    if (!confirmation) return "unchanged";
    const confirmed = await confirmSend(deps, confirmation);
    switch (confirmed) {
      case "recorded":
        return "send_recorded";
      case "recorded_late":
        return "send_recorded_late";
      case "unknown_claim":
        return "send_unknown_claim";
      case "no_such_invoice":
        return "unknown_message";
      case "already_recorded":
        return "send_already_recorded";
    }
  }
  // An outbox email (an owner alert, a receipt, a note) is no stage of the ladder: after its Send
  // event, nothing SES says about it changes the invoice (applyDeliveryReport), so nothing is read.
  if (first(event.tags, "alert") !== undefined && first(event.tags, "invoice") !== undefined)
    return "unchanged";
  const report = reportOf(event);
  if (report && (report.type === "open" || report.type === "click")) {
    const recorded = await readReceiptRecorded(deps, event, report);
    if (recorded) return recorded;
  }
  const target = await invoiceOf(deps, event);
  if (!report || !target) return "unknown_message";

  for (let attempt = 0; attempt < 5; attempt++) {
    // The policy may be a moment old (recent-tenants.ts); without that copy the tenant is read with
    // the invoice's addresses, which also asks which of them are suppressed.
    const [stored, recent] = await Promise.all([
      deps.invoices.get(target.tenantId, target.invoiceNumber),
      deps.policyTenants?.get(target.tenantId),
    ]);
    const tenantRecord =
      recent ?? (stored && (await deps.tenants.get(target.tenantId, addressesOf(stored.invoice.customer))));
    if (!stored || !tenantRecord) return "unknown_message";
    const { tenant } = tenantRecord;
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
    const stepKey = stepKeyOf(event);
    if (applied.events.length === 0) {
      // Applied already: a duplicate, another recipient's report, or a retry of this very event after a
      // write that failed. If it was this event, its step may be missing, and its alert may still wait.
      if (stored.lastEventStep?.key === stepKey)
        await deps.invoices.putEventStep(stored.invoice, stored.lastEventStep);
      return ownerAlertsSent(deps, tenantRecord, stored, now, "unchanged");
    }

    for (const effect of applied.effects) {
      if (effect.kind === "suppress") await deps.tenants.suppress(target.tenantId, effect.email);
    }
    const alerts: Outbox = {};
    for (const effect of applied.effects) {
      if (effect.kind !== "notify_owner") continue;
      alerts[alertIdOf(report, effect.alert, effect.email)] = ownerAlertEntry(
        { kind: effect.alert, email: effect.email, detail: effect.detail },
        report.at,
      );
    }
    const outbox = Object.keys(alerts).length > 0 ? withAlerts(stored.alerts, alerts) : undefined;
    const next = decideNextAction(applied.invoice, tenant.policy, now);
    const saved = await deps.invoices.save(
      stored.invoice,
      applied.invoice,
      applied.events,
      slotWithAlerts(next.kind === "none" ? undefined : next.at, outbox ?? stored.alerts, now),
      { whileClaimed: stored.claim !== undefined, alerts: outbox, eventStep: stepKey },
    );
    if (saved === "conflict") continue;
    const changed = {
      ...stored,
      invoice: { ...applied.invoice, version: stored.invoice.version + 1 },
      alerts: outbox ?? stored.alerts,
    };
    return ownerAlertsSent(deps, tenantRecord, changed, now, "recorded");
  }
  throw new Error(`${target.invoiceNumber} kept changing while ${event.type} ${event.messageId} was applied`);
}

/**
 * Sends what waits in the invoice's outbox. One SES would not take for now stays there, and the
 * invoice's due slot (slotWithAlerts) brings it to the sender, which sends it then.
 */
async function ownerAlertsSent(
  deps: EventDeps,
  tenantRecord: StoredTenant,
  stored: StoredInvoice,
  now: Date,
  outcome: "recorded" | "unchanged",
): Promise<EventOutcome> {
  if (!stored.alerts || Object.keys(stored.alerts).length === 0) return outcome;
  // The addresses it goes to must be the ones not suppressed now, not a moment ago.
  const current = deps.policyTenants
    ? await deps.tenants.get(tenantRecord.tenant.id, addressesOf(stored.invoice.customer))
    : tenantRecord;
  if (!current) return outcome;
  const flushed = await flushOutbox(deps, current, stored, now);
  if (flushed.notAlerted.length > 0) return "recorded_owner_not_alerted";
  return outcome;
}

/**
 * An open or a click of a stage's email, as its timeline step alone: one put, no read. The ladder
 * does not wait for them (a delivery that never came is presumed after 72 hours, see
 * domain/invoice/delivery.ts), so the invoice is neither read nor rewritten; the step is keyed by
 * the event, so a retry writes the same item, and the API reads a stage's first open and click
 * from the timeline. Undefined when the tags do not name a stage's email (an owner alert, an
 * installment reminder, an email sent without tags): the full path decides then.
 */
async function readReceiptRecorded(
  deps: EventDeps,
  event: SesEvent,
  report: Extract<DeliveryReport, { type: "open" | "click" }>,
): Promise<EventOutcome | undefined> {
  const tenant = first(event.tags, "tenant");
  const invoice = first(event.tags, "invoice");
  const stage = StageSchema.safeParse(first(event.tags, "step"));
  if (!tenant || !invoice || !stage.success || first(event.tags, "alert") !== undefined) return undefined;
  const common = { at: report.at, stage: stage.data, messageId: report.messageId };
  const step: TimelineEvent =
    report.type === "open"
      ? { ...common, type: "email_opened", ...(report.userAgent ? { userAgent: report.userAgent } : {}) }
      : { ...common, type: "email_clicked", link: report.link };
  await deps.invoices.putEventStep(
    { tenantId: decodeTagValue(tenant), invoiceNumber: decodeTagValue(invoice) },
    { key: stepKeyOf(event), events: [step] },
  );
  return "recorded";
}

/** The timeline step of an event: the same event, however often it is applied, is the same step. */
function stepKeyOf(event: SesEvent): string {
  const detail = createHash("sha256")
    .update(
      JSON.stringify([
        event.type,
        event.messageId,
        event.recipients,
        event.bounce?.feedbackId,
        event.click?.link,
      ]),
    )
    .digest("hex")
    .slice(0, 16);
  return `${event.at}#ses#${detail}`;
}

/** An alert's id, fixed by its cause: the same bounce or complaint, applied twice, is one alert. */
function alertIdOf(report: DeliveryReport, kind: string, email: string): string {
  const digest = createHash("sha256").update(`${report.messageId}\n${email}`).digest("hex").slice(0, 16);
  return `${kind}-${digest}`;
}
