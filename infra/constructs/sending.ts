import { Duration, RemovalPolicy, Stack } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { type IGrantable, PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key } from "aws-cdk-lib/aws-kms";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import {
  ConfigurationSet,
  ConfigurationSetEventDestination,
  EmailSendingEvent,
  EventDestination,
  SuppressionReasons,
} from "aws-cdk-lib/aws-ses";
import { Topic } from "aws-cdk-lib/aws-sns";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { type SendingPlan, sendingPlan } from "../../functions/adapters/ses/send-pacer.ts";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { DunFunction } from "./dun-function.ts";

export interface SendingProps {
  readonly table: ITableV2;
  readonly production: boolean;
  /** The SES identity dun sends from: a verified domain (example.com). */
  readonly senderDomain: string;
  /** The From address, at the sender domain. */
  readonly fromAddress: string;
  /** Emails a second the account's SES quota allows (SendQuota.MaxSendRate); the sender keeps under it. */
  readonly sendRate: number;
}

/** The sender's timeout; the queue's visibility timeout is six times it, as Lambda advises for SQS sources. */
const SENDER_TIMEOUT = Duration.seconds(30);

/*
 * How the sender keeps to the account's SES sending rate, and up to it. SES refuses a send over
 * it, and a refused send costs the message one of its five receives (it comes back as a batch item
 * failure), so the senders pace themselves instead of finding the limit by being refused; and a
 * quota that is paid for should be used. The plan (sendingPlan in functions/adapters/ses/send-pacer.ts)
 * follows sendRate:
 * - as many senders as sendRate needs at 20 emails a second each (at least 2, the least AWS
 *   allows): the event source's maximum concurrency, and the Lambda's reserved concurrency set to
 *   the same number, so that nothing else can start a sender beside them (a console test, a stray
 *   invocation) and the account's other functions cannot take the senders' concurrency away.
 *   Never less than the maximum concurrency: Lambda's pollers would keep taking messages for
 *   invocations it then throttles, and those receives count towards the dead-letter queue;
 * - each sender instance sends at most sendRate / concurrency emails a second
 *   (INSTANCE_SEND_RATE, paced by functions/adapters/ses/send-pacer.ts), so together they stay at
 *   or under sendRate;
 * - a batch holds as many records as its paced sends fit in 10 s (one at the slowest rates, which
 *   waits at most 20 s of the 30 s timeout), so pacing alone never makes the sender time out, and
 *   the gap between an instance's batches is a few per cent of its time. Over ten records the event source needs a batching window (1 s; under a
 *   backlog a batch fills at once). The records of a batch are worked on at once, each sent when
 *   the pacer gives it its slot.
 * What this leaves: an instance Lambda has just started knows nothing of the sends of the one it
 * takes over from, so its first send can come early. SES allows short bursts over the rate ("but
 * not for sustained periods"), and a send it refuses anyway is tried again. The owner alerts of
 * the events Lambda are not paced either: there is one per bounce, complaint or dispute.
 */

/**
 * From the send queue to SES: the queue the dispatcher fills (and its dead-letter queue), the
 * sender Lambda that renders and sends each due reminder, and the SES configuration set whose
 * events (open and click tracking included) go to an SNS topic for the events Lambda.
 */
export class Sending extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly function: DunFunction;
  readonly configurationSet: ConfigurationSet;
  /** SES events (send, delivery, open, click, bounce, complaint, reject, delay). */
  readonly sesEvents: Topic;
  /** Encrypts dun's SNS topics; SES and CloudWatch may use it to publish. */
  readonly topicKey: Key;
  /** The SES identity (the sender domain) and the configuration set: the only resources dun may send through. */
  readonly sendResources: string[];
  /** How the senders share sendRate: concurrency, each one's rate, batch size and window. */
  readonly plan: SendingPlan;

  constructor(scope: Construct, id: string, props: SendingProps) {
    super(scope, id);
    // Refuses a sendRate out of its bounds with an error that names it.
    const plan = sendingPlan(props.sendRate);
    this.plan = plan;

    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", { of: "the send queue" });
    this.queue = new Queue(this, "Queue", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // A message stays hidden while the sender may still be working on it, with room for retries
      // inside one invocation, and while its batch fills (Lambda's advice for SQS sources).
      visibilityTimeout: Duration.seconds(SENDER_TIMEOUT.toSeconds() * 6 + plan.batchingWindowSeconds),
      // Five tries: SES throttling is retried by SQS, a reminder that fails five times is a bug to look at.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 5 },
    });

    this.topicKey = new Key(this, "TopicKey", {
      description: "dun: encrypts the SES events and alarm topics",
      enableKeyRotation: true,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.sesEvents = new Topic(this, "SesEvents", {
      displayName: "dun SES events",
      masterKey: this.topicKey,
      enforceSSL: true,
    });

    this.configurationSet = new ConfigurationSet(this, "ConfigurationSet", {
      reputationMetrics: true,
      suppressionReasons: SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    // Open and click tracking are on for a configuration set whose event destination takes OPEN and CLICK.
    new ConfigurationSetEventDestination(this, "EventDestination", {
      configurationSet: this.configurationSet,
      destination: EventDestination.snsTopic(this.sesEvents),
      events: [
        EmailSendingEvent.SEND,
        EmailSendingEvent.DELIVERY,
        EmailSendingEvent.OPEN,
        EmailSendingEvent.CLICK,
        EmailSendingEvent.BOUNCE,
        EmailSendingEvent.COMPLAINT,
        EmailSendingEvent.REJECT,
        EmailSendingEvent.DELIVERY_DELAY,
      ],
    });
    this.topicKey.grant(new ServicePrincipal("ses.amazonaws.com"), "kms:GenerateDataKey*", "kms:Decrypt");

    const stack = Stack.of(this);
    this.sendResources = [
      stack.formatArn({ service: "ses", resource: "identity", resourceName: props.senderDomain }),
      stack.formatArn({
        service: "ses",
        resource: "configuration-set",
        resourceName: this.configurationSet.configurationSetName,
      }),
    ];

    this.function = new DunFunction(this, "Function", {
      handler: "sender",
      description: "dun sender: renders and sends each due reminder",
      tableName: props.table.tableName,
      production: props.production,
      timeout: SENDER_TIMEOUT,
      // Rendering is CPU-bound; more memory is more CPU.
      memorySize: 512,
      environment: {
        SES_CONFIGURATION_SET: this.configurationSet.configurationSetName,
        FROM_ADDRESS: props.fromAddress,
        INSTANCE_SEND_RATE: String(plan.instanceSendRate),
      },
    });
    // DunFunction takes no reserved concurrency of its own; the sender is the one Lambda that needs it.
    (this.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions = plan.concurrency;
    // The sender claims a stage, records the message and completes it.
    this.function.grantTable(props.table, "readWrite");
    this.grantSend(this.function);
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: plan.batchSize,
        ...(plan.batchingWindowSeconds > 0
          ? { maxBatchingWindow: Duration.seconds(plan.batchingWindowSeconds) }
          : {}),
        maxConcurrency: plan.concurrency,
        // A throttled send comes back alone; the rest of the batch is not sent again.
        reportBatchItemFailures: true,
      }),
    );
  }

  /** ses:SendRawEmail through the configured identity and configuration set, and nothing else. */
  grantSend(grantee: IGrantable): void {
    grantee.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ["ses:SendRawEmail"], resources: this.sendResources }),
    );
  }
}
