/**
 * What SES reports about a stage's email, applied to the invoice. Every report only moves an
 * email's state forward (sent → delayed → soft_bounced → delivered → rejected | bounced |
 * complained) and keeps
 * the earliest open and click, so the same report twice, or reports in any order, end in the same
 * state. A stage whose email bounced, was refused or drew a complaint never reached the debtor: it
 * does not count toward the ladder, its fees or its spacing, and goes again once there is a good
 * address.
 */

import { DELIVERY_STATES, type DeliveryState, type Invoice, type SentStage } from "./invoice.ts";
import type { TimelineEvent } from "./timeline.ts";
import { markContactFailed } from "./transitions.ts";

/** Soft-bounced attempts at one stage after which dun treats the address as bad. */
export const SOFT_BOUNCE_LIMIT = 3;

/** How long after a soft-bounced attempt the stage goes again (from the first business moment of that day on). */
export const SOFT_BOUNCE_RETRY_MS = 24 * 3_600_000;

/**
 * How long after sending an email counts as delivered without SES saying so. SES gives up on a
 * soft-bouncing address within a day and reports it; beyond that, silence means it arrived.
 */
export const DELIVERY_PRESUMED_AFTER_MS = 72 * 3_600_000;

/** Failed for good: the address (or the email) is bad. */
const FAILED: ReadonlySet<DeliveryState> = new Set(["rejected", "bounced", "complained"]);
/** Did not reach the debtor: does not count toward the ladder. */
const NOT_RECEIVED: ReadonlySet<DeliveryState> = new Set([...FAILED, "soft_bounced"]);

export type DeliveryReport =
  | { type: "delivery" | "delivery_delay" | "reject"; messageId: string; at: string; reason?: string }
  | { type: "open"; messageId: string; at: string; userAgent?: string }
  | { type: "click"; messageId: string; at: string; link: string }
  | {
      type: "bounce";
      messageId: string;
      at: string;
      bounceType: "Permanent" | "Transient" | "Undetermined";
      feedbackId: string;
      recipients: string[];
      diagnostic?: string;
    }
  | { type: "complaint"; messageId: string; at: string; recipients: string[] };

/** What the caller must do besides saving the invoice. */
export type DeliveryEffect =
  | { kind: "suppress"; email: string }
  | { kind: "notify_owner"; alert: "bounce" | "complaint"; email: string; detail?: string };

export type DeliveryApplied = { invoice: Invoice; events: TimelineEvent[]; effects: DeliveryEffect[] };

/** The stages that reached (or may still reach) the debtor: the ones the ladder counts. */
export function countedStages(invoice: Pick<Invoice, "stagesSent">): SentStage[] {
  return invoice.stagesSent.filter((sent) => !NOT_RECEIVED.has(sent.delivery));
}

/** When a stage whose last attempt soft-bounced may go again; undefined when nothing holds it back. */
export function retryNotBefore(
  invoice: Pick<Invoice, "stagesSent">,
  stage: SentStage["stage"],
): Date | undefined {
  const lastAttempt = invoice.stagesSent.filter((sent) => sent.stage === stage).at(-1);
  if (lastAttempt?.delivery !== "soft_bounced") return undefined;
  return new Date(Date.parse(lastAttempt.at) + SOFT_BOUNCE_RETRY_MS);
}

/** Whether the debtor can be taken to have the stage's email by `now`. */
export function isDelivered(sent: SentStage, now: Date): boolean {
  if (sent.delivery === "delivered") return true;
  if (NOT_RECEIVED.has(sent.delivery)) return false;
  return now.getTime() - Date.parse(sent.at) >= DELIVERY_PRESUMED_AFTER_MS;
}

const rank = (state: DeliveryState) => DELIVERY_STATES.indexOf(state);
const later = (a: DeliveryState, b: DeliveryState) => (rank(b) > rank(a) ? b : a);
const earliest = (a: string | undefined, b: string) => (a === undefined || b < a ? b : a);

function stateReportedBy(report: DeliveryReport): DeliveryState {
  switch (report.type) {
    case "delivery":
    case "open":
    case "click":
      // An open or a click can only come from an email that arrived.
      return "delivered";
    case "delivery_delay":
      return "delayed";
    case "reject":
      return "rejected";
    case "complaint":
      return "complained";
    case "bounce":
      return report.bounceType === "Permanent" ? "bounced" : "soft_bounced";
  }
}

export function applyDeliveryReport(invoice: Invoice, report: DeliveryReport): DeliveryApplied {
  const index = invoice.stagesSent.findIndex((sent) => sent.messageId === report.messageId);
  const sent = invoice.stagesSent[index];
  // Not a stage's email (an owner alert, an installment reminder) or not this invoice's: nothing to move.
  if (!sent) return { invoice, events: [], effects: [] };

  let delivery = later(sent.delivery, stateReportedBy(report));
  if (delivery === "soft_bounced") {
    // The limit counts this stage's attempts that soft-bounced, this one included.
    const softAttempts = invoice.stagesSent.filter(
      (entry, i) => entry.stage === sent.stage && (i === index || entry.delivery === "soft_bounced"),
    ).length;
    if (softAttempts >= SOFT_BOUNCE_LIMIT) delivery = "bounced";
  }
  const updated: SentStage = {
    ...sent,
    delivery,
    openedAt: report.type === "open" ? earliest(sent.openedAt, report.at) : sent.openedAt,
    clickedAt: report.type === "click" ? earliest(sent.clickedAt, report.at) : sent.clickedAt,
    softBounces:
      report.type === "bounce" &&
      report.bounceType !== "Permanent" &&
      !sent.softBounces.includes(report.feedbackId)
        ? [...sent.softBounces, report.feedbackId].sort() // sorted: a set, whatever order the bounces came in
        : sent.softBounces,
  };
  const changed =
    updated.delivery !== sent.delivery ||
    updated.openedAt !== sent.openedAt ||
    updated.clickedAt !== sent.clickedAt ||
    updated.softBounces.length !== sent.softBounces.length;
  if (!changed) return { invoice, events: [], effects: [] };

  const stagesSent = invoice.stagesSent.map((entry, i) => (i === index ? updated : entry));
  let next: Invoice = { ...invoice, stagesSent };
  const events: TimelineEvent[] = [timelineEventOf(report, sent)];
  const effects: DeliveryEffect[] = [];

  const failedNow = FAILED.has(updated.delivery) && !FAILED.has(sent.delivery);
  if (failedNow && (updated.delivery === "bounced" || updated.delivery === "complained")) {
    const bad =
      "recipients" in report && report.recipients.length > 0 ? report.recipients : invoice.customer.emails;
    for (const email of bad) effects.push({ kind: "suppress", email });
    // Only an address the invoice still uses makes it unreachable; a bounce for an address already
    // replaced is history.
    const current = bad.find((email) => invoice.customer.emails.includes(email));
    if (current) {
      const reason = updated.delivery === "bounced" ? "bounce" : "complaint";
      const failed = markContactFailed(next, { reason, email: current, at: report.at });
      if (failed.ok) {
        next = failed.value.invoice;
        events.push(...failed.value.events);
        effects.push({
          kind: "notify_owner",
          alert: reason,
          email: current,
          detail: report.type === "bounce" ? report.diagnostic : undefined,
        });
      }
    }
  }
  // The latest news, whatever order it came in: reports applied in any order end the same.
  const updatedAt = report.at > invoice.updatedAt ? report.at : invoice.updatedAt;
  return { invoice: { ...next, updatedAt }, events, effects };
}

function timelineEventOf(report: DeliveryReport, sent: SentStage): TimelineEvent {
  const common = { at: report.at, stage: sent.stage, messageId: report.messageId };
  switch (report.type) {
    case "delivery":
      return { ...common, type: "email_delivered" };
    case "delivery_delay":
      return { ...common, type: "email_delayed" };
    case "reject":
      return { ...common, type: "email_rejected", reason: report.reason ?? "rejected" };
    case "open":
      return { ...common, type: "email_opened", userAgent: report.userAgent };
    case "click":
      return { ...common, type: "email_clicked", link: report.link };
    case "bounce":
      return {
        ...common,
        type: "email_bounced",
        bounceType: report.bounceType,
        recipients: report.recipients,
        diagnostic: report.diagnostic,
      };
    case "complaint":
      return { ...common, type: "email_complained", recipients: report.recipients };
  }
}
