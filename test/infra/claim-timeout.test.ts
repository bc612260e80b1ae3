/**
 * A claim must outlive every retry of the SES events path: the Send event of an email SES took
 * completes its claim, and while that event is still being retried by the events queue, the claim
 * must not go stale and let the stage be sent again.
 */
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { CLAIM_TIMEOUT_MS } from "../../functions/sending/claim.ts";
import { QUIET_MS } from "../../functions/sending/stale-claim.ts";
import { EVENTS_RETRY, eventsRetryBudgetMs } from "../../infra/constructs/events.ts";
import { testStack } from "./stack.ts";

describe("the claim timeout", () => {
  it("is longer than the events path's whole retry budget", () => {
    expect(CLAIM_TIMEOUT_MS).toBeGreaterThan(eventsRetryBudgetMs());
  });

  it("is released only after a quiet period longer than that budget, so a replayed Send event comes first", () => {
    expect(QUIET_MS).toBeGreaterThan(eventsRetryBudgetMs());
  });
});

describe("the events path's retry budget", () => {
  it("is every receive held for a whole visibility timeout, and within a quarter of an hour", () => {
    expect(eventsRetryBudgetMs()).toBe(EVENTS_RETRY.receives * EVENTS_RETRY.visibilitySeconds * 1000);
    expect(eventsRetryBudgetMs()).toBeLessThanOrEqual(15 * 60_000);
  });

  it("is the one the events queue is deployed with", () => {
    // Prepare: the queue the SES events topic delivers to.
    const template = Template.fromStack(testStack());
    const subscriptions = Object.values(template.findResources("AWS::SNS::Subscription")).filter(
      (subscription) => subscription.Properties.Protocol === "sqs",
    );
    expect(subscriptions).toHaveLength(1);
    const queueId = subscriptions[0]?.Properties.Endpoint["Fn::GetAtt"][0];

    // Act
    const queue = template.findResources("AWS::SQS::Queue")[queueId];

    // Assess
    expect(queue?.Properties.VisibilityTimeout).toBe(EVENTS_RETRY.visibilitySeconds);
    expect(queue?.Properties.RedrivePolicy.maxReceiveCount).toBe(EVENTS_RETRY.receives);
  });
});
