import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Rule } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { Effect, PolicyStatement } from "aws-cdk-lib/aws-iam";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { BlockPublicAccess, Bucket, BucketEncryption, CfnBucket, HttpMethods } from "aws-cdk-lib/aws-s3";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import { Construct } from "constructs";
import { UPLOAD_FILE_DAYS } from "../../functions/api/upload-limits.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { DunFunction } from "./dun-function.ts";

/** The worker's timeout: it stops once half is spent, and a chunk takes a few seconds. */
export const UPLOAD_WORKER_TIMEOUT_SECONDS = 120;

export interface UploadsProps {
  readonly table: ITableV2;
  readonly production: boolean;
  /** The API function, which makes jobs and signs the URLs their files are PUT to. */
  readonly api: DunFunction;
}

/**
 * Uploads too large for one request (functions/api/upload-job-worker.ts): the client PUTs the file
 * to the bucket through a URL the API presigned; S3 tells EventBridge, whose rule puts the
 * notification on the upload queue; the worker reads the file in chunks and, when it runs out of
 * time, puts the job back on the same queue to go on. Through EventBridge rather than S3's own
 * notifications, which CloudFormation can only configure through a custom-resource Lambda.
 */
export class Uploads extends Construct {
  readonly bucket: Bucket;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: DunFunction;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, "Bucket", {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      // An uploaded file is read within minutes; what stays is a copy nobody needs.
      lifecycleRules: [
        {
          expiration: Duration.days(UPLOAD_FILE_DAYS),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      // A browser may PUT a file straight to its presigned URL.
      cors: [{ allowedMethods: [HttpMethods.PUT], allowedOrigins: ["*"], allowedHeaders: ["content-type"] }],
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    // Set on the CloudFormation resource, which takes it natively: the Bucket's eventBridgeEnabled
    // would configure it through a custom-resource Lambda with a managed policy.
    const cfnBucket = this.bucket.node.defaultChild;
    if (!(cfnBucket instanceof CfnBucket)) throw new Error("the upload bucket has no CfnBucket");
    cfnBucket.notificationConfiguration = { eventBridgeConfiguration: { eventBridgeEnabled: true } };
    NagSuppressions.addResourceSuppressions(this.bucket, [
      {
        id: "AwsSolutions-S1",
        reason:
          "Every file is PUT through a URL the API signed for one job, and deleted after a few days; the API's access logs record who asked for it.",
      },
    ]);

    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", { of: "the upload queue" });
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Six times the worker's timeout, as Lambda advises for an SQS source.
      visibilityTimeout: Duration.seconds(6 * UPLOAD_WORKER_TIMEOUT_SECONDS),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });
    new Rule(this, "FileUploaded", {
      description: "dun: a file PUT for an upload job starts its worker",
      eventPattern: {
        source: ["aws.s3"],
        detailType: ["Object Created"],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: "uploads/" }] } },
      },
      targets: [new SqsQueue(this.queue)],
    });

    this.function = new DunFunction(this, "Function", {
      handler: "upload-worker",
      description: "dun upload worker: reads a large upload in chunks through the synchronous upload",
      tableName: props.table.tableName,
      production: props.production,
      timeout: Duration.seconds(UPLOAD_WORKER_TIMEOUT_SECONDS),
      memorySize: 1024,
      environment: { UPLOAD_BUCKET: this.bucket.bucketName, UPLOAD_QUEUE_URL: this.queue.queueUrl },
    });
    // Writing invoices as an upload does, and the job with its results.
    this.function.grantTable(props.table, "readWrite");
    this.function.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["s3:GetObject"],
        resources: [this.bucket.arnForObjects("uploads/*")],
      }),
    );
    // Handing a job on to the next invocation.
    this.queue.grantSendMessages(this.function);
    // One job per invocation: each has the whole timeout for itself.
    this.function.addEventSource(new SqsEventSource(this.queue, { batchSize: 1 }));

    props.api.addEnvironment("UPLOAD_BUCKET", this.bucket.bucketName);
    // Signing a PUT URL takes the right to PUT: the URL can do what the API's role may.
    props.api.addToRolePolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ["s3:PutObject"],
        resources: [this.bucket.arnForObjects("uploads/*")],
      }),
    );
    for (const fn of [props.api, this.function]) {
      NagSuppressions.addResourceSuppressions(
        fn.role ?? fn,
        [
          {
            id: "AwsSolutions-IAM5",
            reason:
              "The wildcard is the upload files under uploads/ in dun's own upload bucket, each named by its job.",
            appliesTo: [{ regex: "/^Resource::<.*UploadsBucket.*\\.Arn>\\/uploads\\/\\*$/g" }],
          },
        ],
        true,
      );
    }
  }
}
