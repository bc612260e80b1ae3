/**
 * When SES refuses an email to the tenant's owner (throttled, say), the debtor's side goes on as
 * recorded and the refusal is reported, not dropped: the sender's outcome and the events path's
 * outcome say so, and the handlers log it as LOG_OWNER_NOT_ALERTED, which an alarm watches
 * (test/infra/resources.test.ts). Through DynamoDB (dynalite) and SES (aws-ses-v2-local).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { err } from "#domain/result.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { parseSesNotifications } from "#events/ses-event.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";
import { bounceNotificationFor } from "../support/ses-notifications.ts";

/** SES as it answers when the account's sending rate is used up, for the owner's address only. */
function refusingTheOwner(mailer: Mailer): Mailer {
  return {
    send: (email) =>
      email.to.includes(TENANT.ownerEmail)
        ? Promise.resolve(
            err({
              scope: "rate",
              outcome: "not_sent",
              code: "Throttling",
              message: "Throttling: Maximum sending rate exceeded.",
            }),
          )
        : mailer.send(email),
  };
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
      wrapMailer: refusingTheOwner,
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
    pipeline = await startPipeline({ start: new Date("2026-11-10T00:00:00Z"), wrapMailer: refusingTheOwner });
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
      ownerNotAlerted: "Throttling: Maximum sending rate exceeded.",
    });
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.status).toBe("collection");
    const earlier = pipeline.outcomes.filter(
      (outcome) => outcome.outcome === "sent" && outcome.step !== "collection",
    );
    for (const outcome of earlier) expect(outcome).not.toHaveProperty("ownerNotAlerted");
  }, 120_000);
});
