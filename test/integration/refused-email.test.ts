/**
 * An email SES refuses for good (an address it will not take) is a step of the invoice's timeline,
 * which is what a court or an agency reads. The refusal's step is written before the claim is
 * settled, so a write that fails between the two loses neither: the claim stands, is settled again,
 * and the timeline says it once. Through DynamoDB (dynalite) and SES (aws-ses-v2-local), SES's
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

  it("is in the timeline once, and the owner told once, though the first write of its step failed", async () => {
    // Prepare: SES refuses the debtor's address; the first write carrying the refusal is throttled
    // (as it surfaces after the SDK's retries).
    let failed = 0;
    pipeline = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
      maxDynamoAttempts: 1,
      sesClient: (client) =>
        injectSesErrors(client, (input: SendRawEmailCommandInput) => {
          const raw = Buffer.from(input.RawMessage?.Data ?? []).toString("latin1");
          return raw.includes(TENANT.ownerEmail) ? undefined : SES_REFUSALS.illegalAddress;
        }),
      dynamoClient: (client) =>
        client.middlewareStack.add(
          (next) => async (args) => {
            const written = JSON.stringify(
              (args.input as { Item?: unknown; ExpressionAttributeValues?: unknown }) ?? {},
            );
            if (failed === 0 && written.includes("email_refused")) {
              failed += 1;
              const error = new Error("throttled: the refusal's first write");
              error.name = "ProvisionedThroughputExceededException";
              throw error;
            }
            return next(args);
          },
          { step: "initialize", name: "throttleTheRefusal" },
        ),
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());

    // Act: the reminder falls due, and the pipeline runs on for a few hours.
    await pipeline.runUntil(new Date(pipeline.clock.now.getTime() + 3 * HOUR), 5 * 60_000);

    // Assess: the write did fail once; the refusal is recorded once, the invoice waits for a new
    // address, and the owner was told once.
    expect(failed).toBe(1);
    const timeline = await pipeline.invoices.timeline("nordlys", "2026-1001");
    expect(timeline.filter((event) => event.type === "email_refused")).toHaveLength(1);
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(stored?.invoice.status).toBe("contact_failed");
    expect(stored?.claim).toBeUndefined();
    const alerts = (await pipeline.ses.store()).filter((email) =>
      email.destination.to.includes(TENANT.ownerEmail),
    );
    expect(alerts).toHaveLength(1);
  });
});
