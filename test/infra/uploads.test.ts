/** The upload bucket, its notification path and the worker: private, short-lived, and each part granted only its step. */
import { Match, Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_FILE_DAYS } from "../../functions/api/upload-limits.ts";
import { UPLOAD_WORKER_TIMEOUT_SECONDS } from "../../infra/constructs/uploads.ts";
import { testStack } from "./stack.ts";

let template: Template;
beforeAll(() => {
  template = Template.fromStack(testStack());
});

type Statement = { Action: string | string[]; Resource: unknown };
function actionsOf(prefix: string): string[] {
  return Object.entries(template.findResources("AWS::IAM::Policy"))
    .filter(([id]) => id.startsWith(prefix))
    .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement as Statement[])
    .flatMap((statement) => [statement.Action].flat())
    .sort();
}

describe("the upload bucket", () => {
  it("is encrypted, private, TLS only, tells EventBridge of new files and forgets them after a few days", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: "AES256" } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: {
        Rules: [Match.objectLike({ ExpirationInDays: UPLOAD_FILE_DAYS, Status: "Enabled" })],
      },
      CorsConfiguration: { CorsRules: [Match.objectLike({ AllowedMethods: ["PUT"] })] },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
  });

  it("has its new files' notifications put on the upload queue by an EventBridge rule", () => {
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: {
        source: ["aws.s3"],
        "detail-type": ["Object Created"],
        detail: { object: { key: [{ prefix: "uploads/" }] } },
      },
      Targets: [
        Match.objectLike({ Arn: { "Fn::GetAtt": [Match.stringLikeRegexp("^UploadsQueue"), "Arn"] } }),
      ],
    });
  });
});

describe("the upload queue and worker", () => {
  it("hides a message for six times the worker's timeout, gives up after five receives, one job per invocation", () => {
    template.hasResourceProperties("AWS::SQS::Queue", {
      VisibilityTimeout: 6 * UPLOAD_WORKER_TIMEOUT_SECONDS,
      RedrivePolicy: {
        deadLetterTargetArn: { "Fn::GetAtt": [Match.stringLikeRegexp("^UploadsDeadLetterQueue"), "Arn"] },
        maxReceiveCount: 5,
      },
      SqsManagedSseEnabled: true,
    });
    template.hasResourceProperties("AWS::Lambda::EventSourceMapping", {
      FunctionName: { Ref: Match.stringLikeRegexp("^UploadsFunction") },
      BatchSize: 1,
    });
    template.hasResourceProperties("AWS::Lambda::Function", {
      Timeout: UPLOAD_WORKER_TIMEOUT_SECONDS,
      Environment: {
        Variables: Match.objectLike({
          POWERTOOLS_SERVICE_NAME: "dun-upload-worker",
          UPLOAD_BUCKET: Match.anyValue(),
          UPLOAD_QUEUE_URL: Match.anyValue(),
        }),
      },
    });
  });

  it("may read upload files, write the table and send to its own queue, nothing else", () => {
    const actions = actionsOf("UploadsFunctionRole");
    expect(actions).toContain("s3:GetObject");
    expect(actions).toContain("sqs:SendMessage");
    expect(actions).not.toContain("s3:PutObject");
    expect(
      actions.filter((a) => !a.startsWith("dynamodb:") && !a.startsWith("logs:") && !a.startsWith("sqs:")),
    ).toEqual(["s3:GetObject"]);
  });

  it("tells the API where the bucket is, and names it in the outputs", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Environment: {
        Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: "dun-api", UPLOAD_BUCKET: Match.anyValue() }),
      },
    });
    template.hasOutput("UploadBucketName", Match.anyValue());
  });
});
