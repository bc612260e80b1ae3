/** Each function's role may do what its handler does, on its own resources, and nothing more. */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

type Statement = { Effect: string; Action: string | string[]; Resource: unknown };

let template: Template;
beforeAll(() => {
  template = Template.fromStack(testStack());
});

function statementsOf(policyLogicalIdPrefix: string): Statement[] {
  const policies = template.findResources("AWS::IAM::Policy");
  return Object.entries(policies)
    .filter(([id]) => id.startsWith(policyLogicalIdPrefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOf(prefix: string): string[] {
  return statementsOf(prefix)
    .flatMap((statement) => [statement.Action].flat())
    .sort();
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);

describe("every IAM policy in the stack", () => {
  it("grants no '*' action and no '*' resource", () => {
    // No exception is needed: every action dun uses (DynamoDB, SQS, SES, logs, Lambda invoke,
    // KMS for the topics) can be limited to named resources.
    const policies = Object.values(template.findResources("AWS::IAM::Policy"));
    expect(policies.length).toBeGreaterThan(0);
    for (const policy of policies) {
      for (const statement of policy.Properties.PolicyDocument.Statement as Statement[]) {
        for (const action of asArray(statement.Action)) expect(action).not.toMatch(/^\*$|:\*$/);
        expect(asArray(statement.Resource)).not.toContain("*");
      }
    }
  });

  it("attaches no managed policy (AWSLambdaBasicExecutionRole could write to every log group)", () => {
    for (const role of Object.values(template.findResources("AWS::IAM::Role")))
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
  });
});

describe("the API function", () => {
  it("reads and writes the table, writes its own logs and may PUT upload files (to sign their URLs), nothing else", () => {
    const actions = actionsOf("ApiFunctionRole");
    expect(actions).toContain("dynamodb:PutItem");
    expect(actions.filter((a) => !a.startsWith("dynamodb:") && !a.startsWith("logs:"))).toEqual([
      "s3:PutObject",
    ]);
  });
});

describe("the dispatcher", () => {
  it("only reads the table, writes only its cursor and only sends to the queue", () => {
    const actions = actionsOf("DispatchFunctionRole");
    expect(actions.filter((a) => a.startsWith("dynamodb:"))).not.toContain("dynamodb:UpdateItem");
    const puts = statementsOf("DispatchFunctionRole").filter((s) =>
      [s.Action].flat().includes("dynamodb:PutItem"),
    );
    expect(puts).toHaveLength(1);
    expect([puts[0]?.Action].flat()).toEqual(["dynamodb:PutItem"]);
    expect((puts[0] as { Condition?: unknown }).Condition).toEqual({
      "ForAllValues:StringEquals": { "dynamodb:LeadingKeys": ["DISPATCH"] },
    });
    expect(actions).toContain("dynamodb:Query");
    expect(actions.filter((a) => a.startsWith("sqs:"))).toEqual([
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:SendMessage",
    ]);
    expect(actions.filter((a) => !/^(dynamodb|sqs|logs):/.test(a))).toEqual([]);
  });
});

describe("the sender and the events function", () => {
  it.each(["SendingFunctionRole", "EventsFunctionRole"])(
    "%s may send raw email only through the identity and the configuration set",
    (role) => {
      const send = statementsOf(role).filter((statement) =>
        [statement.Action].flat().includes("ses:SendRawEmail"),
      );
      expect(send).toHaveLength(1);
      expect([send[0]?.Action].flat()).toEqual(["ses:SendRawEmail"]);
      const resources = JSON.stringify(send[0]?.Resource);
      expect(resources).toContain(":identity/example.com");
      expect(resources).toContain(":configuration-set/");
      expect(asArray(send[0]?.Resource)).toHaveLength(2);
    },
  );

  it("the sender only receives from the send queue; the events function only from the events queue", () => {
    const sender = actionsOf("SendingFunctionRole");
    expect(sender).toContain("sqs:ReceiveMessage");
    expect(sender).not.toContain("sqs:SendMessage");
    const receiving = statementsOf("EventsFunctionRole").filter((statement) =>
      [statement.Action].flat().includes("sqs:ReceiveMessage"),
    );
    expect(receiving).toHaveLength(1);
    expect(receiving[0]?.Resource).toEqual({ "Fn::GetAtt": [expect.stringMatching(/^EventsQueue/), "Arn"] });
    expect(actionsOf("EventsFunctionRole")).not.toContain("sqs:SendMessage");
  });

  it("the events function may decrypt with the events queue's key alone", () => {
    const decrypting = statementsOf("EventsFunctionRole").filter((statement) =>
      [statement.Action].flat().includes("kms:Decrypt"),
    );
    expect(decrypting).toHaveLength(1);
    expect(decrypting[0]?.Resource).toEqual({
      "Fn::GetAtt": [expect.stringMatching(/^EventsQueueKey/), "Arn"],
    });
  });
});

describe("the sender and the events dead-letter queue", () => {
  it("knows where the events dead-letter queue is", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: "dun-sender",
          EVENTS_DEAD_LETTER_QUEUE_URL: { Ref: Match.stringLikeRegexp("^EventsDeadLetterQueue") },
        }),
      },
    });
  });

  it("may only read its attributes: not receive, delete or send its messages, nor touch another queue that way", () => {
    const onDeadLetters = statementsOf("SendingFunctionRole").filter((statement) =>
      JSON.stringify(statement.Resource).includes("EventsDeadLetterQueue"),
    );
    expect(onDeadLetters).toHaveLength(1);
    expect(onDeadLetters[0]?.Action).toBe("sqs:GetQueueAttributes");
    expect(onDeadLetters[0]?.Resource).toEqual({
      "Fn::GetAtt": [expect.stringMatching(/^EventsDeadLetterQueue/), "Arn"],
    });
  });
});

describe("the tick's scheduler role", () => {
  it("may invoke the dispatcher and write to the tick's dead-letter queue", () => {
    expect([...new Set(actionsOf("DispatchSchedulerRole"))]).toEqual([
      "lambda:InvokeFunction",
      "sqs:SendMessage",
    ]);
  });
});
