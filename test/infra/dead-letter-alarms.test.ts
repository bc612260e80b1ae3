/**
 * Whatever fails every retry must be heard of: every SQS queue that something in the stack uses
 * as its dead-letter queue (a queue's redrive policy, a schedule's or a Lambda's dead-letter
 * config, a subscription's or an event source's on-failure destination) has an alarm on its depth.
 * The queues are found in the template, not listed, so a new dead-letter queue without an alarm fails here.
 */
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

let template: Template;
beforeAll(() => {
  template = Template.fromStack(testStack({ alarmEmail: "ops@example.com" }));
});

/** Where CloudFormation names a dead-letter target: RedrivePolicy.deadLetterTargetArn, DeadLetterConfig, OnFailure. */
const DEAD_LETTER_KEY = /^(deadLetterTargetArn|DeadLetterConfig|OnFailure)$/;

/** The logical ids of the SQS queues referred to ({ "Fn::GetAtt": [id, "Arn"] }) anywhere under `value`. */
function queuesIn(value: unknown, queues: Set<string>): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => queuesIn(item, queues));
  if (typeof value !== "object" || value === null) return [];
  const getAtt = (value as Record<string, unknown>)["Fn::GetAtt"];
  if (Array.isArray(getAtt) && getAtt[1] === "Arn" && queues.has(getAtt[0])) return [getAtt[0]];
  return Object.values(value).flatMap((item) => queuesIn(item, queues));
}

/** Every queue some resource sends what it gave up on to. */
function deadLetterQueues(): string[] {
  const queues = new Set(Object.keys(template.findResources("AWS::SQS::Queue")));
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value !== "object" || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (DEAD_LETTER_KEY.test(key)) for (const id of queuesIn(inner, queues)) found.add(id);
      else visit(inner);
    }
  };
  for (const resource of Object.values(template.toJSON().Resources)) visit(resource);
  return [...found].sort();
}

describe("every dead-letter queue", () => {
  it("is found: the send queue's, the events queue's, the tick schedule's and the upload queue's", () => {
    expect(deadLetterQueues()).toEqual([
      expect.stringMatching(/^DispatchDeadLetterQueue/),
      expect.stringMatching(/^EventsDeadLetterQueue/),
      expect.stringMatching(/^SendingDeadLetterQueue/),
      expect.stringMatching(/^UploadsDeadLetterQueue/),
    ]);
  });

  it("has an alarm that fires on its first visible message and tells someone", () => {
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm"));
    for (const queue of deadLetterQueues()) {
      const watching = alarms.filter(
        (alarm) =>
          alarm.Properties.Namespace === "AWS/SQS" &&
          alarm.Properties.MetricName === "ApproximateNumberOfMessagesVisible" &&
          JSON.stringify(alarm.Properties.Dimensions) ===
            JSON.stringify([{ Name: "QueueName", Value: { "Fn::GetAtt": [queue, "QueueName"] } }]),
      );
      expect(watching, `an alarm on ${queue}`).toHaveLength(1);
      expect(watching[0]?.Properties).toMatchObject({
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
        EvaluationPeriods: 1,
        AlarmActions: [{ Ref: expect.stringMatching(/^AlarmsTopic/) }],
      });
    }
  });
});
