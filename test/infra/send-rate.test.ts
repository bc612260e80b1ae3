/**
 * The `sendRate` setting (the account's SES sending rate) as it reaches the sender: as many
 * senders as the rate needs at 20 a second each (never fewer than two), each paced to its share,
 * the Lambda's reserved concurrency the same, and batches that their paced sends fit in.
 */
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

/** The sender's environment, its reserved concurrency, its queue and that queue's event source mapping. */
function senderOf(template: Template): {
  environment: Record<string, unknown>;
  reservedConcurrency: unknown;
  mapping: Record<string, unknown>;
  visibilityTimeout: unknown;
} {
  const sender = Object.values(template.findResources("AWS::Lambda::Function")).find(
    (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === "dun-sender",
  );
  const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping")).filter(
    (mapping) => mapping.Properties.FunctionName.Ref.startsWith("SendingFunction"),
  );
  expect(mappings).toHaveLength(1);
  const queues = template.findResources("AWS::SQS::Queue");
  const queueId = mappings[0]?.Properties.EventSourceArn["Fn::GetAtt"][0];
  return {
    environment: sender?.Properties.Environment.Variables,
    reservedConcurrency: sender?.Properties.ReservedConcurrentExecutions,
    mapping: mappings[0]?.Properties,
    visibilityTimeout: queues[queueId]?.Properties.VisibilityTimeout,
  };
}

describe("the sendRate setting", () => {
  it("is the SES sandbox's 1 a second when not given: two senders at half a second each, five to a batch", () => {
    // Act
    const sender = senderOf(Template.fromStack(testStack()));

    // Assess
    expect(sender.environment.INSTANCE_SEND_RATE).toBe("0.5");
    expect(sender.reservedConcurrency).toBe(2);
    expect(sender.mapping).toMatchObject({ ScalingConfig: { MaximumConcurrency: 2 }, BatchSize: 5 });
    expect(sender.mapping.MaximumBatchingWindowInSeconds).toBeUndefined();
    expect(sender.visibilityTimeout).toBe(180);
  });

  it.each([
    // sendRate, senders, each one's rate, batch size (10 s of paced sends)
    [1, 2, "0.5", 5],
    [14, 2, "7", 70],
    [100, 5, "20", 200],
    [500, 25, "20", 200],
  ])(
    "at %s a second runs %s senders at %s a second each, %s to a batch",
    (sendRate, senders, rate, batch) => {
      // Act
      const sender = senderOf(Template.fromStack(testStack({ sendRate })));

      // Assess: together they send sendRate, and no more.
      expect(sender.environment.INSTANCE_SEND_RATE).toBe(rate);
      expect(senders * Number(rate)).toBeCloseTo(sendRate, 9);
      expect(sender.reservedConcurrency).toBe(senders);
      expect(sender.mapping).toMatchObject({
        ScalingConfig: { MaximumConcurrency: senders },
        BatchSize: batch,
      });
    },
  );

  it("gives a batch of more than ten a batching window, and the queue's visibility timeout room for it", () => {
    // Act
    const sender = senderOf(Template.fromStack(testStack({ sendRate: 14 })));

    // Assess
    expect(sender.mapping.MaximumBatchingWindowInSeconds).toBe(1);
    expect(sender.visibilityTimeout).toBe(181);
  });

  it("takes a fraction, and shrinks the batch to the sends that fit in 10 s", () => {
    // Act: 0.5 a second is 0.25 for each sender, one send every 4 s: two fit in 10 s.
    const sender = senderOf(Template.fromStack(testStack({ sendRate: 0.5 })));

    // Assess
    expect(sender.environment.INSTANCE_SEND_RATE).toBe("0.25");
    expect(sender.mapping).toMatchObject({ ScalingConfig: { MaximumConcurrency: 2 }, BatchSize: 2 });
  });

  it("goes down to 0.1 a second, one record to a batch (which waits up to 20 s for its slot)", () => {
    // Act
    const { mapping } = senderOf(Template.fromStack(testStack({ sendRate: 0.1 })));

    // Assess
    expect(mapping).toMatchObject({ BatchSize: 1 });
  });

  it.each([0, -1, 0.05, 501, 10_000, Number.NaN, Number.POSITIVE_INFINITY])(
    "refuses %s, naming sendRate and its bounds",
    (sendRate) => {
      // Act and assess
      expect(() => testStack({ sendRate })).toThrow(
        /^sendRate must be a number of emails a second from 0\.1 to 500/,
      );
    },
  );
});
