/**
 * The `sendRate` setting (the account's SES sending rate) as it reaches the sender: at most two
 * senders at once, each paced to half the rate, with batches that their paced sends fit in.
 */
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

/** The sender's environment and its queue's event source mapping. */
function senderOf(template: Template): {
  environment: Record<string, unknown>;
  mapping: Record<string, unknown>;
} {
  const sender = Object.values(template.findResources("AWS::Lambda::Function")).find(
    (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === "dun-sender",
  );
  const mappings = Object.values(template.findResources("AWS::Lambda::EventSourceMapping")).filter(
    (mapping) => mapping.Properties.FunctionName.Ref.startsWith("SendingFunction"),
  );
  expect(mappings).toHaveLength(1);
  return { environment: sender?.Properties.Environment.Variables, mapping: mappings[0]?.Properties };
}

describe("the sendRate setting", () => {
  it("is the SES sandbox's 1 a second when not given: two senders at half a second each, ten to a batch", () => {
    // Act
    const { environment, mapping } = senderOf(Template.fromStack(testStack()));

    // Assess
    expect(environment.INSTANCE_SEND_RATE).toBe("0.5");
    expect(mapping).toMatchObject({ ScalingConfig: { MaximumConcurrency: 2 }, BatchSize: 10 });
  });

  it("splits a production quota between the two senders", () => {
    // Act
    const { environment, mapping } = senderOf(Template.fromStack(testStack({ sendRate: 14 })));

    // Assess
    expect(environment.INSTANCE_SEND_RATE).toBe("7");
    expect(mapping).toMatchObject({ ScalingConfig: { MaximumConcurrency: 2 }, BatchSize: 10 });
  });

  it("takes a fraction, and shrinks the batch so that its paced sends fit in the sender's timeout", () => {
    // Act: 0.5 a second is 0.25 for each sender, one send every 4 s: five fit in the 20 s budget.
    const { environment, mapping } = senderOf(Template.fromStack(testStack({ sendRate: 0.5 })));

    // Assess
    expect(environment.INSTANCE_SEND_RATE).toBe("0.25");
    expect(mapping).toMatchObject({ ScalingConfig: { MaximumConcurrency: 2 }, BatchSize: 5 });
  });

  it("goes down to 0.1 a second, one record to a batch", () => {
    // Act
    const { mapping } = senderOf(Template.fromStack(testStack({ sendRate: 0.1 })));

    // Assess
    expect(mapping).toMatchObject({ BatchSize: 1 });
  });

  it.each([0, -1, 0.05, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s, naming sendRate", (sendRate) => {
    // Act and assess
    expect(() => testStack({ sendRate })).toThrow(
      /^sendRate must be a number of emails a second, at least 0\.1/,
    );
  });
});
