/**
 * The Lambda handlers as AWS invokes them, wired by their environment alone: the SDK's
 * service-specific endpoint variables point them at dynalite and aws-ses-v2-local.
 */
import type { Context, SQSEvent } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, stubLambdaEnvironment } from "../support/pipeline.ts";

function sqsEvent(bodies: string[]): SQSEvent {
  return {
    Records: bodies.map((body, index) => ({
      messageId: `m-${index}`,
      receiptHandle: `r-${index}`,
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: "0",
        SenderId: "dispatcher",
        ApproximateFirstReceiveTimestamp: "0",
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-north-1:123456789012:dun-send",
      awsRegion: "eu-north-1",
    })),
  };
}

describe("the sender Lambda handler", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    pipeline = await startPipeline({ start: new Date("2026-11-17T08:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    stubLambdaEnvironment(pipeline);
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    vi.useRealTimers();
    await pipeline.close();
  });

  it("sends the due reminder and reports the malformed message alone as a failure", async () => {
    // Prepare: Monday 23 November 2026, 10:00 in Oslo: the first reminder is due.
    vi.useFakeTimers({ now: new Date("2026-11-23T09:00:00Z"), toFake: ["Date"] });
    const { handler } = await import("../../functions/handlers/sender.ts");

    // Act
    const response = await handler(
      sqsEvent([JSON.stringify({ tenantId: "nordlys", invoiceNumber: "2026-1001" }), '{"tenantId": 42}']),
      {} as Context,
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: "m-1" }] });
    const emails = await pipeline.ses.store();
    // The reminder, and the account manager's note that goes with the first stage a week overdue.
    expect(emails.map((email) => email.destination.to)).toEqual([
      ["faktura@fjordlys.example"],
      ["kari@seller.example"],
    ]);
    expect(
      (await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.stagesSent.map((s) => s.stage),
    ).toEqual(["reminder_1"]);
  });
});
