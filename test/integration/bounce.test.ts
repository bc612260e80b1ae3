/**
 * A bounce from start to end, through the real events Lambda: a reminder goes out through
 * aws-ses-v2-local, SES's Bounce notification for its message id arrives wrapped in SNS, the
 * invoice stops on contact_failed, the owner is told, and once the customer has a new address the
 * ladder sends the bounced reminder again, to it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { updateContact } from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, stubLambdaEnvironment } from "../support/pipeline.ts";
import { bounceNotificationFor } from "../support/ses-notifications.ts";

describe("a bounced reminder, end to end", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({ start: new Date("2026-11-23T09:00:00Z"), followUps: false });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    stubLambdaEnvironment(pipeline);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await pipeline.close();
  });

  it("stops the ladder, tells the owner, and resumes it at the new address", async () => {
    // Prepare: the first reminder goes out (Monday 23 November, 10:00 in Oslo).
    await pipeline.tick();
    const [reminder] = await pipeline.ses.store();
    if (!reminder) throw new Error("no reminder was sent");
    const record = await pipeline.invoices.findMessage(reminder.messageId);
    expect(record?.step).toBe("reminder_1");

    // Act: SES reports a hard bounce for it, through SNS, to the events Lambda.
    const { handler } = await import("../../functions/handlers/events.ts");
    await handler(
      bounceNotificationFor(reminder.messageId, "faktura@fjordlys.example", record?.claimId ?? ""),
    );

    // Assess: the invoice waits for a new address, the address is suppressed, the owner knows.
    const bounced = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(bounced?.invoice.status).toBe("contact_failed");
    expect(bounced?.invoice.stagesSent.map((s) => [s.stage, s.delivery])).toEqual([
      ["reminder_1", "bounced"],
    ]);
    expect(await pipeline.tenants.listSuppressed("nordlys")).toEqual(["faktura@fjordlys.example"]);
    const alerts = (await pipeline.ses.store()).filter((email) =>
      email.destination.to.includes("eier@nordlys.example"),
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.subject).toContain("Fjordlys AS");
    const timeline = (await pipeline.invoices.timeline("nordlys", "2026-1001")).map((event) => event.type);
    expect(timeline).toEqual(expect.arrayContaining(["stage_sent", "email_bounced", "contact_failed"]));

    // The same notification again changes nothing and tells nobody twice.
    await handler(
      bounceNotificationFor(reminder.messageId, "faktura@fjordlys.example", record?.claimId ?? ""),
    );
    expect(
      (await pipeline.ses.store()).filter((e) => e.destination.to.includes("eier@nordlys.example")),
    ).toHaveLength(1);

    // Act: the seller gives the customer's new address (what PATCH /v1/invoices/{n}/customer will do).
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    const tenant = (await pipeline.tenants.get("nordlys"))?.tenant;
    if (!stored || !tenant) throw new Error("gone");
    pipeline.clock.now = new Date("2026-11-24T09:00:00Z");
    const updated = updateContact(stored.invoice, {
      emails: ["regnskap@fjordlys.example"],
      at: pipeline.clock.now.toISOString(),
    });
    if (!updated.ok) throw new Error(updated.error.message);
    const next = decideNextAction(updated.value.invoice, tenant.policy, pipeline.clock.now);
    await pipeline.invoices.save(
      stored.invoice,
      updated.value.invoice,
      updated.value.events,
      next.kind === "none" ? undefined : next.at,
    );
    await pipeline.tick();

    // Assess: the bounced reminder goes again, to the new address, and only there.
    const resent = (await pipeline.ses.store()).filter((email) =>
      email.destination.to.includes("regnskap@fjordlys.example"),
    );
    expect(resent).toHaveLength(1);
    expect((await pipeline.invoices.findMessage(resent[0]?.messageId ?? ""))?.step).toBe("reminder_1");
    const after = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(after?.invoice.status).toBe("open");
    expect(after?.invoice.stagesSent.map((s) => [s.stage, s.delivery])).toEqual([
      ["reminder_1", "bounced"],
      ["reminder_1", "sent"],
    ]);
  });
});
