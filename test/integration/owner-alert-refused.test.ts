/**
 * When SES refuses an email to the tenant's owner, the debtor's side goes on as recorded. A refusal
 * for good is reported, not dropped: the sender's outcome and the events path's outcome say so, and
 * the handlers log it as LOG_OWNER_NOT_ALERTED, which an alarm watches (test/infra/resources.test.ts).
 * A refusal for now (throttled) leaves the alert in the invoice's outbox, and the invoice on the due
 * index until the sender sends it — once. Through DynamoDB (dynalite) and SES (aws-ses-v2-local).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Mailer, SendFailure } from "#adapters/ses/mailer.ts";
import { err } from "#domain/result.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { parseSesNotifications } from "#events/ses-event.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";
import { bounceNotificationFor } from "../support/ses-notifications.ts";

const REFUSED: SendFailure = {
  scope: "message",
  outcome: "not_sent",
  code: "MessageRejected",
  message: "MessageRejected: Illegal address",
};
const THROTTLED: SendFailure = {
  scope: "rate",
  outcome: "not_sent",
  code: "Throttling",
  message: "Throttling: Maximum sending rate exceeded.",
};

/** SES refusing the owner's address only, as `failure` says, while `refusing.on`. */
function refusingTheOwner(failure: SendFailure, refusing = { on: true }): (mailer: Mailer) => Mailer {
  return (mailer) => ({
    send: (email, limits) =>
      refusing.on && email.to.includes(TENANT.ownerEmail)
        ? Promise.resolve(err(failure))
        : mailer.send(email, limits),
  });
}

function bounceFor(messageId: string, recipient: string, claimId: string) {
  const [event] = parseSesNotifications(bounceNotificationFor(messageId, recipient, claimId)).events;
  if (!event) throw new Error("the bounce did not parse");
  return event;
}

describe("an owner alert SES refuses", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("leaves the bounce recorded and says the owner was not told", async () => {
    // Prepare: the first reminder goes out.
    pipeline = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
      wrapMailer: refusingTheOwner(REFUSED),
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    await pipeline.tick();
    const [reminder] = await pipeline.ses.store();
    const record = reminder && (await pipeline.invoices.findMessage(reminder.messageId));
    if (!reminder || !record) throw new Error("no reminder was sent");

    // Act: SES reports a hard bounce.
    const outcome = await applySesEvent(
      pipeline.deps,
      bounceFor(reminder.messageId, "faktura@fjordlys.example", record.claimId ?? ""),
      pipeline.clock.now,
    );

    // Assess: the bounce is in the invoice; the refused alert is reported, not silently dropped.
    expect(outcome).toBe("recorded_owner_not_alerted");
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.status).toBe("contact_failed");
    expect(
      (await pipeline.ses.store()).filter((email) => email.destination.to.includes(TENANT.ownerEmail)),
    ).toEqual([]);
  });

  it("sends the hand-over to the debtor all the same, and says the owner was not told", async () => {
    // Prepare: an invoice due on 16 November, its ladder run twice a day until it is handed over.
    pipeline = await startPipeline({
      start: new Date("2026-11-10T00:00:00Z"),
      wrapMailer: refusingTheOwner(REFUSED),
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());

    // Act
    const end = new Date("2027-06-01T00:00:00Z").getTime();
    while (
      !pipeline.outcomes.some((outcome) => outcome.outcome === "sent" && outcome.step === "collection") &&
      pipeline.clock.now.getTime() < end
    ) {
      await pipeline.tick();
      pipeline.clock.now = new Date(pipeline.clock.now.getTime() + 12 * 3_600_000);
    }

    // Assess
    const handover = pipeline.outcomes.find(
      (outcome) => outcome.outcome === "sent" && outcome.step === "collection",
    );
    expect(handover).toMatchObject({
      outcome: "sent",
      step: "collection",
      ownerNotAlerted: "handover: MessageRejected: Illegal address",
    });
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.status).toBe("collection");
    const earlier = pipeline.outcomes.filter(
      (outcome) => outcome.outcome === "sent" && outcome.step !== "collection",
    );
    for (const outcome of earlier) expect(outcome).not.toHaveProperty("ownerNotAlerted");
  }, 120_000);

  it("keeps an alert SES throttles in the outbox, and sends it once when the invoice comes back", async () => {
    // Prepare: the first reminder goes out; SES then throttles the owner's address.
    const refusing = { on: true };
    pipeline = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
      wrapMailer: refusingTheOwner(THROTTLED, refusing),
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    await pipeline.tick();
    const [reminder] = await pipeline.ses.store();
    if (!reminder) throw new Error("no reminder was sent");
    const bounce = bounceFor(reminder.messageId, "faktura@fjordlys.example", "");

    // Act: the bounce, while SES throttles, and the same bounce again (SES repeats itself); then, SES
    // taking email again, the ticks of the next quarter of an hour.
    const first = await applySesEvent(pipeline.deps, bounce, pipeline.clock.now);
    const again = await applySesEvent(pipeline.deps, bounce, pipeline.clock.now);
    const waiting = await pipeline.invoices.get("nordlys", "2026-1001");
    refusing.on = false;
    await pipeline.runUntil(new Date(pipeline.clock.now.getTime() + 15 * 60_000), 60_000);

    // Assess: recorded once, the invoice kept on the due index for its alert, the owner told once.
    expect([first, again]).toEqual(["recorded", "unchanged"]);
    expect(Object.keys(waiting?.alerts ?? {})).toHaveLength(1);
    expect(waiting?.slot).toBeDefined();
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(stored?.invoice.status).toBe("contact_failed");
    expect(stored?.alerts ?? {}).toEqual({});
    expect(stored?.slot).toBeUndefined();
    const alerts = (await pipeline.ses.store()).filter((email) =>
      email.destination.to.includes(TENANT.ownerEmail),
    );
    expect(alerts).toHaveLength(1);
    const timeline = await pipeline.invoices.timeline("nordlys", "2026-1001");
    expect(timeline.filter((event) => event.type === "email_bounced")).toHaveLength(1);
  });
});
