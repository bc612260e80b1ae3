/**
 * The events Lambda on a batch from the events queue: every record is applied on its own, and the
 * answer names only the records that failed (a partial batch response), so that SQS brings back
 * those and not the ones already applied.
 */

import { ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, stubLambdaEnvironment } from "../support/pipeline.ts";
import { bounceNotificationFor, deliveryNotificationFor } from "../support/ses-notifications.ts";
import { rawDelivered, sqsEventOf, sqsRecordOf } from "../support/sqs-events.ts";

describe("the events Lambda on a batch of the events queue", () => {
  let pipeline: Pipeline;
  /** invoice number → the message id and claim of its first reminder */
  const reminders = new Map<string, { messageId: string; claimId: string; to: string }>();

  beforeAll(async () => {
    pipeline = await startPipeline({ start: new Date("2026-11-23T09:00:00Z"), followUps: false });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    await pipeline.addInvoice(
      anInvoiceInput({
        invoiceNumber: "2026-1002",
        customer: { ...anInvoiceInput().customer, id: "C-18", email: "post@havbris.example" },
      }),
    );
    stubLambdaEnvironment(pipeline, "CRITICAL");
    // Both first reminders go out (Monday 23 November, 10:00 in Oslo).
    await pipeline.tick();
    for (const email of await pipeline.ses.store()) {
      const record = await pipeline.invoices.findMessage(email.messageId);
      if (!record) throw new Error(`no message record for ${email.messageId}`);
      // The account manager's note goes with each first reminder; only the reminders are bounced here.
      if (record.step !== "reminder_1") continue;
      reminders.set(record.invoiceNumber, {
        messageId: email.messageId,
        claimId: record.claimId ?? "",
        to: email.destination.to[0] ?? "",
      });
    }
    expect([...reminders.keys()].sort()).toEqual(["2026-1001", "2026-1002"]);
  });

  afterAll(async () => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
    await pipeline.close();
  });

  function reminderOf(invoiceNumber: string) {
    const reminder = reminders.get(invoiceNumber);
    if (!reminder) throw new Error(`no reminder for ${invoiceNumber}`);
    return reminder;
  }

  it("applies the good records and names only the unreadable and the failed ones", async () => {
    // Prepare: a hard bounce of 2026-1001, an unreadable message, and the delivery of 2026-1002,
    // whose invoice cannot be read from the table for now (DynamoDB throttles it).
    const first = reminderOf("2026-1001");
    const second = reminderOf("2026-1002");
    const batch = sqsEventOf(
      rawDelivered("m-bounce", bounceNotificationFor(first.messageId, first.to, first.claimId)),
      sqsRecordOf("m-garbled", "{ this is not an SES event"),
      rawDelivered(
        "m-delivery",
        deliveryNotificationFor(second.messageId, second.to, second.claimId, "2026-1002"),
      ),
    );
    // DynamoDB throttles the read of 2026-1002's invoice item, whichever client asks for it.
    const send = DynamoDBDocumentClient.prototype.send;
    const throttled = vi.spyOn(DynamoDBDocumentClient.prototype, "send").mockImplementation(function (
      this: DynamoDBDocumentClient,
      command: unknown,
    ) {
      const key = command instanceof GetCommand ? command.input.Key : undefined;
      if (key?.sk === "INVOICE" && String(key.pk).endsWith("#INVOICE#2026-1002")) {
        return Promise.reject(
          new ProvisionedThroughputExceededException({ message: "Rate exceeded", $metadata: {} }),
        );
      }
      return (send as (command: unknown) => Promise<unknown>).call(this, command);
    } as never);
    const { handler } = await import("../../functions/handlers/events.ts");

    // Act
    const response = await handler(batch);
    throttled.mockRestore();

    // Assess
    expect(response).toEqual({
      batchItemFailures: [{ itemIdentifier: "m-garbled" }, { itemIdentifier: "m-delivery" }],
    });
    const bounced = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(bounced?.invoice.status).toBe("contact_failed");
    const delivered = await pipeline.invoices.get("nordlys", "2026-1002");
    expect(delivered?.invoice.stagesSent.map((s) => [s.stage, s.delivery])).toEqual([["reminder_1", "sent"]]);
  });

  it("applies a failed record when SQS brings it back, and the bounce applied before changes nothing twice", async () => {
    // Prepare: SQS redelivers what was named; the bounce comes again too, as a duplicate.
    const first = reminderOf("2026-1001");
    const second = reminderOf("2026-1002");
    const alertsBefore = (await pipeline.ses.store()).filter((e) =>
      e.destination.to.includes("eier@nordlys.example"),
    );
    const { handler } = await import("../../functions/handlers/events.ts");

    // Act
    const response = await handler(
      sqsEventOf(
        rawDelivered(
          "m-delivery",
          deliveryNotificationFor(second.messageId, second.to, second.claimId, "2026-1002"),
        ),
        rawDelivered("m-bounce-again", bounceNotificationFor(first.messageId, first.to, first.claimId)),
      ),
    );

    // Assess
    expect(response).toEqual({ batchItemFailures: [] });
    const delivered = await pipeline.invoices.get("nordlys", "2026-1002");
    expect(delivered?.invoice.stagesSent.map((s) => [s.stage, s.delivery])).toEqual([
      ["reminder_1", "delivered"],
    ]);
    const alertsAfter = (await pipeline.ses.store()).filter((e) =>
      e.destination.to.includes("eier@nordlys.example"),
    );
    expect(alertsAfter).toHaveLength(alertsBefore.length);
  });
});
