/**
 * An email SES refuses for good (an address it will not take) is a step of the invoice's timeline,
 * which is what a court or an agency reads. The refusal's step is written before the claim is
 * settled, so a write that fails between the two loses neither: the claim stands, and whoever finds
 * it stale finishes the refusal from its step instead of sending again; the timeline says it once. Through DynamoDB (dynalite) and SES (aws-ses-v2-local), SES's
 * refusal read by the real SDK.
 */
import type { SendRawEmailCommandInput } from "@aws-sdk/client-ses";
import { afterEach, describe, expect, it } from "vitest";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";
import { injectSesErrors, SES_REFUSALS } from "../support/ses-errors.ts";

const HOUR = 60 * 60_000;

describe("an email SES refuses for good", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  /** A pipeline whose SES refuses the debtor's address, and whose first write that `fails` matches is throttled. */
  async function refusingPipeline(fails: (command: string, written: string) => boolean) {
    const counts = { failed: 0, refusals: 0 };
    const started = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
      maxDynamoAttempts: 1,
      sesClient: (client) =>
        injectSesErrors(client, (input: SendRawEmailCommandInput) => {
          const raw = Buffer.from(input.RawMessage?.Data ?? []).toString("latin1");
          if (raw.includes(TENANT.ownerEmail)) return undefined;
          counts.refusals += 1;
          return SES_REFUSALS.illegalAddress;
        }),
      dynamoClient: (client) =>
        client.middlewareStack.add(
          (next, context) => async (args) => {
            if (counts.failed === 0 && fails(String(context.commandName), JSON.stringify(args.input ?? {}))) {
              counts.failed += 1;
              // As a throttled write surfaces after the SDK's retries.
              const error = new Error(`throttled: ${String(context.commandName)}`);
              error.name = "ProvisionedThroughputExceededException";
              throw error;
            }
            return next(args);
          },
          { step: "initialize", name: "throttleTheRefusal" },
        ),
    });
    await started.addTenant();
    await started.addInvoice(anInvoiceInput());
    return { pipeline: started, counts };
  }

  async function assessRefusedOnce(run: Pipeline) {
    const timeline = await run.invoices.timeline("nordlys", "2026-1001");
    expect(timeline.filter((event) => event.type === "email_refused")).toHaveLength(1);
    const stored = await run.invoices.get("nordlys", "2026-1001");
    expect(stored?.invoice.status).toBe("contact_failed");
    expect(stored?.claim).toBeUndefined();
    const alerts = (await run.ses.store()).filter((email) =>
      email.destination.to.includes(TENANT.ownerEmail),
    );
    expect(alerts).toHaveLength(1);
  }

  it("is in the timeline once, and the owner told once, though the write of its step failed", async () => {
    // Prepare: the refusal's step is throttled.
    const run = await refusingPipeline(
      (command, written) => command === "PutItemCommand" && written.includes("email_refused"),
    );
    pipeline = run.pipeline;

    // Act: the reminder falls due, and the pipeline runs on for a few hours.
    await pipeline.runUntil(new Date(pipeline.clock.now.getTime() + 3 * HOUR), 5 * 60_000);

    // Assess: the write did fail; nothing of the refusal was kept, so the stale claim was given up
    // and the reminder tried again, which SES refused again: recorded once, the owner told once.
    expect(run.counts).toEqual({ failed: 1, refusals: 2 });
    await assessRefusedOnce(pipeline);
  });

  it("is finished from its step, not sent again, when the settle after the step failed", async () => {
    // Prepare: the claim's settle, which takes the invoice to contact_failed, is throttled.
    const run = await refusingPipeline(
      (command, written) => command === "UpdateItemCommand" && written.includes("contact_failed"),
    );
    pipeline = run.pipeline;

    // Act
    await pipeline.runUntil(new Date(pipeline.clock.now.getTime() + 3 * HOUR), 5 * 60_000);

    // Assess: SES was asked once; the stale claim was settled from the refusal its step records.
    expect(run.counts).toEqual({ failed: 1, refusals: 1 });
    await assessRefusedOnce(pipeline);
  });
});
