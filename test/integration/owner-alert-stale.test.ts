/**
 * An owner alert whose SES answer was lost: its claim goes stale without a marker, and only its Send
 * event can tell whether SES took it. That event may sit in the events dead-letter queue, or be on its
 * way back from it after `dun redrive events` emptied the queue. The sender gives the claim up only at
 * a second look, a quiet period after the first that found the queue empty, as it does a reminder's
 * (stale-claim.ts): so the owner is told once. Through DynamoDB (dynalite) and SES (aws-ses-v2-local).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { err } from "#domain/result.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import type { SesEvent } from "#events/ses-event.ts";
import { parseSesNotifications } from "#events/ses-event.ts";
import { CLAIM_TIMEOUT_MS } from "#sending/claim.ts";
import { processDueInvoice } from "#sending/process-due-invoice.ts";
import { QUIET_MS } from "#sending/stale-claim.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";
import { bounceNotificationFor } from "../support/ses-notifications.ts";

const MINUTE = 60_000;
const REF = { tenantId: "nordlys", invoiceNumber: "2026-1001" };

/** The first email to the owner loses SES's answer: taken by SES (`taken`) or not, the sender cannot tell. */
function losingTheOwnersAnswer(taken: boolean): (mailer: Mailer) => Mailer {
  let lost = false;
  return (mailer) => ({
    async send(email, limits) {
      if (lost || !email.to.includes(TENANT.ownerEmail)) return mailer.send(email, limits);
      lost = true;
      if (taken) await mailer.send(email, limits);
      return err({ scope: "transient", outcome: "unknown", code: "ECONNRESET", message: "socket hang up" });
    },
  });
}

async function bouncedReminder(taken: boolean): Promise<{ pipeline: Pipeline; sendEvents: SesEvent[] }> {
  const pipeline = await startPipeline({
    start: new Date("2026-11-23T09:00:00Z"),
    followUps: false,
    wrapMailer: losingTheOwnersAnswer(taken),
  });
  await pipeline.addTenant();
  await pipeline.addInvoice(anInvoiceInput());
  await pipeline.tick();
  const [reminder] = await pipeline.ses.store();
  if (!reminder) throw new Error("no reminder was sent");
  const [bounce] = parseSesNotifications(
    bounceNotificationFor(reminder.messageId, "faktura@fjordlys.example", ""),
  ).events;
  if (!bounce) throw new Error("the bounce did not parse");
  // The bounce calls for an alert; sending it loses SES's answer, and the claim stands.
  await applySesEvent(pipeline.deps, bounce, pipeline.clock.now);
  return { pipeline, sendEvents: await pipeline.sesEvents() };
}

const alertsIn = async (pipeline: Pipeline) =>
  (await pipeline.ses.store()).filter((email) => email.destination.to.includes(TENANT.ownerEmail));

describe("an owner alert whose SES answer was lost", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("goes once though its Send event comes back from the dead-letter queue after the queue was emptied", async () => {
    // Prepare: SES took the alert; its Send event is dead-lettered.
    const run = await bouncedReminder(true);
    pipeline = run.pipeline;
    const alertSend = run.sendEvents.find((event) => event.type === "send" && event.tags.alert);
    if (!alertSend) throw new Error("the alert has no Send event");
    const deadLettered = { holds: true };
    const deps = { ...pipeline.deps, deadLetters: { holdsAny: async () => deadLettered.holds } };
    const start = pipeline.clock.now.getTime();

    // Act: the sender looks at the stale claim while the event is dead-lettered; the operator replays
    // the queue, and the sender looks again before the replayed event is applied; then it is applied.
    const looks = [];
    looks.push(await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + MINUTE)));
    deadLettered.holds = false;
    looks.push(await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + 17 * MINUTE)));
    await applySesEvent(pipeline.deps, alertSend, new Date(start + CLAIM_TIMEOUT_MS + 18 * MINUTE));
    looks.push(await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + 40 * MINUTE)));

    // Assess: held, held again, then nothing left to send; the owner was told once, and it is recorded.
    expect(looks.map((look) => look.outcome)).toEqual(["rescheduled", "rescheduled", "rescheduled"]);
    const alerts = await alertsIn(pipeline);
    expect(alerts).toHaveLength(1);
    expect((await pipeline.invoices.findMessage(alerts[0]?.messageId ?? ""))?.step).toBe("owner_alert");
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts ?? {}).toEqual({});
  });

  it("goes again, once, a quiet period after the dead-letter queue was first seen empty, when SES never took it", async () => {
    // Prepare: SES did not take the alert: no Send event will ever come.
    const run = await bouncedReminder(false);
    pipeline = run.pipeline;
    const deps = { ...pipeline.deps, deadLetters: { holdsAny: async () => false } };
    const start = pipeline.clock.now.getTime();

    // Act: the sender looks at the stale claim, and again a quiet period later.
    const first = await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + MINUTE));
    const afterFirst = (await alertsIn(pipeline)).length;
    await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + MINUTE + QUIET_MS));
    await processDueInvoice(deps, REF, new Date(start + CLAIM_TIMEOUT_MS + 2 * MINUTE + QUIET_MS));

    // Assess: nothing at the first look; sent once at the second, and out of the outbox.
    expect(first.outcome).toBe("rescheduled");
    expect(afterFirst).toBe(0);
    expect(await alertsIn(pipeline)).toHaveLength(1);
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts ?? {}).toEqual({});
  });
});
