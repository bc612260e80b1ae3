import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { sendingPlan } from "../../functions/adapters/ses/send-pacer.ts";
import {
  LOG_EMAIL_REFUSED,
  LOG_OWNER_NOT_ALERTED,
  LOG_SENDING_BLOCKED,
  LOG_SENDING_THROTTLED,
} from "../../functions/handlers/log-messages.ts";
import { testStack } from "./stack.ts";

let template: Template;
beforeAll(() => {
  template = Template.fromStack(testStack({ alarmEmail: "ops@example.com", tickMinutes: 2 }));
});

describe("the Lambdas", () => {
  it("are five, Node.js 22 on arm64, with a log group that has a retention", () => {
    const functions = template.findResources("AWS::Lambda::Function");
    expect(Object.keys(functions)).toHaveLength(5);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe("nodejs22.x");
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.LoggingConfig.LogGroup).toBeDefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({
        TABLE_NAME: { Ref: expect.stringMatching(/^DataTable/) },
        POWERTOOLS_SERVICE_NAME: expect.stringMatching(/^dun-/),
        LOG_LEVEL: expect.any(String),
      });
    }
    template.allResourcesProperties("AWS::Logs::LogGroup", { RetentionInDays: Match.anyValue() });
  });

  it("give the sender and the events Lambda the configuration set and the From address", () => {
    for (const service of ["dun-sender", "dun-events"]) {
      template.hasResourceProperties("AWS::Lambda::Function", {
        Environment: {
          Variables: Match.objectLike({
            POWERTOOLS_SERVICE_NAME: service,
            SES_CONFIGURATION_SET: Match.anyValue(),
            FROM_ADDRESS: "reminders@example.com",
          }),
        },
      });
    }
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: "dun-dispatcher",
          SEND_QUEUE_URL: Match.anyValue(),
        }),
      },
    });
  });
});

describe("the send queue", () => {
  it("hides a message for six times the sender's timeout and gives up after five receives", () => {
    const sender = Object.values(template.findResources("AWS::Lambda::Function")).find(
      (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === "dun-sender",
    );
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: sender?.Properties.Timeout * 6,
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
      SqsManagedSseEnabled: true,
    });
  });

  it("feeds the sender in batches of the plan for the sandbox's rate that report item failures", () => {
    // The stack without a sendRate deploys for the SES sandbox's 1 email a second.
    const plan = sendingPlan(1);
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: Match.stringLikeRegexp("^SendingFunction") },
      BatchSize: plan.batchSize,
      FunctionResponseTypes: ["ReportBatchItemFailures"],
      ScalingConfig: { MaximumConcurrency: plan.concurrency },
    });
  });
});

describe("the dispatcher tick", () => {
  it("is a rate schedule in dun's group with a retry policy and a dead-letter queue", () => {
    template.resourceCountIs("AWS::Scheduler::ScheduleGroup", 1);
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(2 minutes)",
      GroupName: Match.anyValue(),
      Target: Match.objectLike({
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 120 },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });

  it("names the schedule and its group in the outputs", () => {
    template.hasOutput("ScheduleName", Match.anyValue());
    template.hasOutput("ScheduleGroupName", Match.anyValue());
  });

  it("names in the outputs what `dun redrive` needs, with the environment variable each is", () => {
    const outputs = template.findOutputs("*");
    expect(outputs.SendDeadLetterQueueArn).toEqual({
      Value: { "Fn::GetAtt": [expect.stringMatching(/^SendingDeadLetterQueue/), "Arn"] },
      Description: "DUN_SEND_DLQ_ARN (dun redrive send)",
    });
    expect(outputs.EventsDeadLetterQueueArn).toEqual({
      Value: { "Fn::GetAtt": [expect.stringMatching(/^EventsDeadLetterQueue/), "Arn"] },
      Description: "DUN_EVENTS_DLQ_ARN (dun redrive events)",
    });
    expect(outputs.TickDeadLetterQueueUrl).toEqual({
      Value: { Ref: expect.stringMatching(/^DispatchDeadLetterQueue/) },
      Description: "DUN_TICK_DLQ_URL (dun redrive tick)",
    });
    expect(outputs.DispatcherFunctionName).toEqual({
      Value: { Ref: expect.stringMatching(/^DispatchFunction/) },
      Description: "DUN_DISPATCHER_FUNCTION (dun redrive tick)",
    });
    expect(outputs.EventsQueueUrl?.Value).toEqual({ Ref: expect.stringMatching(/^EventsQueue/) });
  });
});

describe("SES", () => {
  it("tracks opens and clicks and sends every event to an encrypted SNS topic", () => {
    template.hasResourceProperties("AWS::SES::ConfigurationSet", {
      ReputationOptions: { ReputationMetricsEnabled: true },
    });
    template.hasResourceProperties("AWS::SES::ConfigurationSetEventDestination", {
      EventDestination: Match.objectLike({
        Enabled: true,
        MatchingEventTypes: Match.arrayWith(["send", "delivery", "open", "click", "bounce", "complaint"]),
        SnsDestination: { TopicARN: Match.anyValue() },
      }),
    });
    template.allResourcesProperties("AWS::SNS::Topic", { KmsMasterKeyId: Match.anyValue() });
  });
});

describe("the SES events path", () => {
  it("goes from the topic to its own queue, raw, so each message is one SES event record", () => {
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "sqs",
      RawMessageDelivery: true,
      Endpoint: { "Fn::GetAtt": [Match.stringLikeRegexp("^EventsQueue"), "Arn"] },
    });
    template.resourcePropertiesCountIs("AWS::SNS::Subscription", { Protocol: "lambda" }, 0);
  });

  it("keeps the queue encrypted with its own key, which SNS may use for the SES events topic only", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: { "Fn::GetAtt": [Match.stringLikeRegexp("^EventsQueueKey"), "Arn"] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue(), maxReceiveCount: 5 },
    });
    template.hasResourceProperties("AWS::KMS::Key", {
      Description: "dun: encrypts the SES events queue",
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          {
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Condition: {
              ArnEquals: { "aws:SourceArn": { Ref: Match.stringLikeRegexp("^SendingSesEvents") } },
            },
            Effect: "Allow",
            Principal: { Service: "sns.amazonaws.com" },
            Resource: "*",
          },
        ]),
      },
    });
  });

  it("hides an event for six times the events Lambda's timeout", () => {
    const events = Object.values(template.findResources("AWS::Lambda::Function")).find(
      (fn) => fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME === "dun-events",
    );
    template.hasResourceProperties("AWS::SQS::Queue", {
      KmsMasterKeyId: Match.anyValue(),
      VisibilityTimeout: events?.Properties.Timeout * 6,
    });
  });

  it("feeds the events Lambda in batches that report item failures, with no Lambda dead-letter queue", () => {
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      EventSourceArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^EventsQueue"), "Arn"] },
      FunctionName: { Ref: Match.stringLikeRegexp("^EventsFunction") },
      FunctionResponseTypes: ["ReportBatchItemFailures"],
    });
    for (const fn of Object.values(template.findResources("AWS::Lambda::Function")))
      expect(fn.Properties.DeadLetterConfig).toBeUndefined();
  });
});

describe("the HTTP API", () => {
  it("sends every route to the Lambda without an authorizer, throttled and access-logged", () => {
    template.hasResourceProperties("AWS::ApiGatewayV2::Route", {
      RouteKey: "$default",
      AuthorizationType: "NONE",
    });
    template.hasResourceProperties("AWS::ApiGatewayV2::Stage", {
      StageName: "$default",
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp("requestId") },
    });
  });
});

describe("the alarms", () => {
  it("watch each dead-letter queue and each Lambda, SES's refusals, and the SES reputation rates", () => {
    const alarms = Object.values(template.findResources("AWS::CloudWatch::Alarm"));
    // 4 dead-letter queues, 5 Lambdas, owner alerts, sending blocked, emails refused, sends
    // throttled, bounce and complaint rate.
    expect(alarms).toHaveLength(15);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SES",
      MetricName: "Reputation.BounceRate",
      Threshold: 0.05,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "AWS/SES",
      MetricName: "Reputation.ComplaintRate",
      Threshold: 0.001,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
    for (const alarm of alarms) expect(alarm.Properties.AlarmActions).toHaveLength(1);
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "email",
      Endpoint: "ops@example.com",
    });
  });

  it("count the owner alerts SES refused, from the sender's and the events Lambda's logs", () => {
    // Prepare: the log line the handlers write (functions/handlers/log-messages.ts).
    const filters = template.findResources("AWS::Logs::MetricFilter", {
      Properties: { MetricTransformations: [Match.objectLike({ MetricName: "OwnerAlertsNotSent" })] },
    });

    // Assess
    expect(Object.values(filters)).toHaveLength(2);
    for (const filter of Object.values(filters)) {
      expect(filter.Properties.FilterPattern).toBe(`{ $.message = "${LOG_OWNER_NOT_ALERTED}" }`);
      expect(filter.Properties.MetricTransformations).toEqual([
        { MetricNamespace: "dun", MetricName: "OwnerAlertsNotSent", MetricValue: "1" },
      ]);
    }
    const logGroups = Object.values(filters).map((filter) => filter.Properties.LogGroupName.Ref);
    expect(logGroups.sort()).toEqual([
      expect.stringMatching(/^EventsFunctionLogs/),
      expect.stringMatching(/^SendingFunctionLogs/),
    ]);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "dun",
      MetricName: "OwnerAlertsNotSent",
      Threshold: 1,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
    });
  });

  it.each([
    [LOG_SENDING_BLOCKED, "SendingBlocked", 1],
    [LOG_EMAIL_REFUSED, "EmailsRefused", 1],
    [LOG_SENDING_THROTTLED, "SendsThrottled", 10],
  ])('count the sender\'s "%s" lines and alarm at %s ≥ %i in 5 minutes', (message, metricName, threshold) => {
    // Prepare
    const filters = Object.values(
      template.findResources("AWS::Logs::MetricFilter", {
        Properties: { MetricTransformations: [Match.objectLike({ MetricName: metricName })] },
      }),
    );

    // Assess: one filter, on the sender's log group.
    expect(filters).toHaveLength(1);
    expect(filters[0]?.Properties).toEqual({
      LogGroupName: { Ref: expect.stringMatching(/^SendingFunctionLogs/) },
      FilterPattern: `{ $.message = "${message}" }`,
      MetricTransformations: [{ MetricNamespace: "dun", MetricName: metricName, MetricValue: "1" }],
    });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "dun",
      MetricName: metricName,
      Statistic: "Sum",
      Period: 300,
      Threshold: threshold,
      ComparisonOperator: "GreaterThanOrEqualToThreshold",
      AlarmActions: [Match.anyValue()],
    });
  });
});
