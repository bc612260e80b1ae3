/**
 * An email to the tenant's owner that something needs them — a hand-over, a bounce, a complaint, a
 * dispute, an email SES refused — as it waits in the invoice's outbox. The change that calls for it
 * and the alert are written in one update (the alert under an id fixed by its cause), and the alert
 * is sent and taken out afterwards, so that a crash or a failed write between the two never loses
 * it, and a retry of the cause never adds it twice. Sending it is claimed like a reminder's step, so
 * it goes once (notify-owner.ts, flushOwnerAlerts).
 */
import * as z from "zod";
import { InstantSchema } from "#domain/text.ts";
import { CLAIM_TIMEOUT_MS } from "./claim.ts";

export const OWNER_ALERT_KINDS = ["bounce", "complaint", "dispute", "handover", "refused"] as const;

export const OwnerAlertSchema = z.object({
  kind: z.enum(OWNER_ALERT_KINDS),
  email: z.string().optional(),
  detail: z.string().optional(),
});
export type OwnerAlert = z.infer<typeof OwnerAlertSchema>;

export const PendingAlertSchema = OwnerAlertSchema.extend({
  at: InstantSchema,
  /**
   * Claimed for sending, as a reminder's step is claimed (claim.ts): nobody else sends it while this
   * stands, and SES's Send event for it (tagged with the alert and the claim) takes it out should the
   * sender fail to. A claim older than CLAIM_TIMEOUT_MS is given up and the alert sent again.
   */
  sending: z
    .object({
      claimId: z.string(),
      at: InstantSchema,
      /** When the stale claim was first seen with nothing dead-lettered (stale-claim.ts, lookForLateSendEvent). */
      quietSince: InstantSchema.optional(),
    })
    .optional(),
});
export type PendingAlert = z.infer<typeof PendingAlertSchema>;

/** The outbox after `alerts` join it (by id: the same cause twice is one alert). */
export function withAlerts(
  outbox: Readonly<Record<string, PendingAlert>> | undefined,
  alerts: Readonly<Record<string, PendingAlert>>,
): Record<string, PendingAlert> {
  return { ...(outbox ?? {}), ...alerts };
}

/** How soon an alert SES would not take is tried again. */
export const ALERT_RETRY_MS = 5 * 60_000;

/**
 * The due slot an invoice needs for its outbox: while an alert waits, the dispatcher must bring the
 * invoice back to the sender, which sends what waits before anything else (process-due-invoice.ts)
 * — soon for an alert nobody is sending, at its claim's stale time for one being sent. Every writer
 * of an invoice's slot takes the earlier of this and its own next action (slotWithAlerts), so an
 * alert is never left where nothing comes back for it.
 */
export function alertSlot(
  outbox: Readonly<Record<string, PendingAlert>> | undefined,
  now: Date,
): Date | undefined {
  let earliest: number | undefined;
  for (const alert of Object.values(outbox ?? {})) {
    const at = alert.sending
      ? Date.parse(alert.sending.at) + CLAIM_TIMEOUT_MS
      : now.getTime() + ALERT_RETRY_MS;
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

/** The earlier of the invoice's next action and what its outbox needs. */
export function slotWithAlerts(
  next: Date | undefined,
  outbox: Readonly<Record<string, PendingAlert>> | undefined,
  now: Date,
): Date | undefined {
  const forAlerts = alertSlot(outbox, now);
  if (!forAlerts) return next;
  return !next || forAlerts.getTime() < next.getTime() ? forAlerts : next;
}
