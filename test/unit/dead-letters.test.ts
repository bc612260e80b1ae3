import { GetQueueAttributesCommand, SQSClient } from "@aws-sdk/client-sqs";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { SqsDeadLetters } from "#adapters/sqs/dead-letters.ts";
import type { DeadLetters } from "#sending/stale-claim.ts";

const sqs = mockClient(SQSClient);
const QUEUE = "https://sqs.eu-north-1.amazonaws.com/123456789012/dun-events-dlq";

describe("the events dead-letter queue in SQS", () => {
  beforeEach(() => sqs.reset());

  it("asks SQS for the visible and the in-flight count of its own queue", async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: "0", ApproximateNumberOfMessagesNotVisible: "0" },
    });
    const deadLetters: DeadLetters = new SqsDeadLetters(new SQSClient({}), QUEUE);

    // Act
    const holdsAny = await deadLetters.holdsAny();

    // Assess
    expect(holdsAny).toBe(false);
    expect(sqs.commandCalls(GetQueueAttributesCommand).map((call) => call.args[0].input)).toEqual([
      {
        QueueUrl: QUEUE,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      },
    ]);
  });

  it.each([
    ["a visible message", "1", "0"],
    ["a message someone is looking at", "0", "1"],
    ["both", "3", "2"],
  ])("holds something when it has %s", async (_, visible, notVisible) => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: { ApproximateNumberOfMessages: visible, ApproximateNumberOfMessagesNotVisible: notVisible },
    });

    // Act and assess
    await expect(new SqsDeadLetters(new SQSClient({}), QUEUE).holdsAny()).resolves.toBe(true);
  });

  it("takes an attribute SQS leaves out as none", async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "0" } });

    // Act and assess
    await expect(new SqsDeadLetters(new SQSClient({}), QUEUE).holdsAny()).resolves.toBe(false);
  });

  it("fails, rather than answering no, when SQS cannot be asked", async () => {
    // Prepare
    sqs.on(GetQueueAttributesCommand).rejects(new Error("AccessDenied"));

    // Act and assess
    await expect(new SqsDeadLetters(new SQSClient({}), QUEUE).holdsAny()).rejects.toThrow("AccessDenied");
  });
});
