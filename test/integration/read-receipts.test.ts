/**
 * Opens, through the real events Lambda: SES's Open notification of a reminder is its timeline
 * step and nothing else (the invoice is not rewritten; bench/reminder-life.ts counts the one put),
 * a retry of it writes the same step, and the API shows the reminder's first open, read from the
 * timeline.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, stubLambdaEnvironment } from "../support/pipeline.ts";
import { openNotificationFor } from "../support/ses-notifications.ts";

describe("an opened reminder", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    stubLambdaEnvironment(pipeline);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await pipeline.close();
  });

  it("is one timeline step, written again by a retry, and the API shows the first open", async () => {
    // Prepare: the first reminder goes out (Monday 23 November, 10:00 in Oslo).
    await pipeline.tick();
    const [reminder] = await pipeline.ses.store();
    if (!reminder) throw new Error("no reminder was sent");
    const record = await pipeline.invoices.findMessage(reminder.messageId);
    const before = await pipeline.invoices.get("nordlys", "2026-1001");
    const { handler } = await import("../../functions/handlers/events.ts");
    const open = (at: string) =>
      openNotificationFor(reminder.messageId, "faktura@fjordlys.example", record?.claimId ?? "", at);

    // Act: SES reports two opens, out of order, and the earlier one again (a retry).
    await handler(open("2026-11-23T11:00:00.000Z"));
    await handler(open("2026-11-23T10:30:00.000Z"));
    await handler(open("2026-11-23T10:30:00.000Z"));

    // Assess: the invoice item is as it was, the timeline has each open once, the API the first.
    const after = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(after?.invoice.version).toBe(before?.invoice.version);
    const opens = (await pipeline.invoices.timeline("nordlys", "2026-1001")).filter(
      (event) => event.type === "email_opened",
    );
    expect(opens.map((event) => event.at)).toEqual(["2026-11-23T10:30:00.000Z", "2026-11-23T11:00:00.000Z"]);
    const view = await pipeline.call("GET", "/v1/invoices/2026-1001");
    expect(view.body.emails).toEqual([
      expect.objectContaining({ stage: "reminder_1", openedAt: "2026-11-23T10:30:00.000Z" }),
    ]);
  });
});
