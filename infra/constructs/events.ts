import { Duration, RemovalPolicy } from "aws-cdk-lib";
import type { ITableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Key } from "aws-cdk-lib/aws-kms";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { SqsSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { DeadLetterQueue } from "./dead-letter-queue.ts";
import { DunFunction } from "./dun-function.ts";
import type { Sending } from "./sending.ts";

/** The events Lambda's timeout: a batch of ten events, each a few table writes and at most one owner alert. */
const EVENTS_TIMEOUT_SECONDS = 20;

/**
 * How long the events queue keeps trying an SES event before it dead-letters it: `receives`
 * deliveries (maxReceiveCount), each hidden for `visibilitySeconds` — six times the events Lambda's
 * timeout, as Lambda advises for an SQS source, so a batch still running is never handed out twice.
 */
export const EVENTS_RETRY = {
  receives: 5,
  visibilitySeconds: 6 * EVENTS_TIMEOUT_SECONDS,
} as const;

/**
 * The longest an SES event can spend in the events queue before it is applied or dead-lettered:
 * every receive may hold it for a whole visibility timeout. A claim (functions/sending/claim.ts)
 * must outlive this, or a Send event still being retried would find its claim already released
 * and the stage sent again (test/infra/claim-timeout.test.ts).
 */
export function eventsRetryBudgetMs(): number {
  return EVENTS_RETRY.receives * EVENTS_RETRY.visibilitySeconds * 1000;
}

export interface EventsProps {
  readonly table: ITableV2;
  readonly production: boolean;
  readonly sending: Sending;
  readonly fromAddress: string;
}

/**
 * The SES events path: SES → the SES events topic → the events queue (raw message delivery, so
 * each message body is one SES event record) → the events Lambda, which advances each event's
 * invoice and records it on the timeline (hard bounces and complaints also alert the owner).
 *
 * Through a queue rather than SNS invoking the Lambda, because then what fails every retry lands
 * in an SQS dead-letter queue of an SQS queue, which SQS can move back (`dun redrive events`);
 * a Lambda's own dead-letter queue cannot be redriven. The Lambda reports batch item failures,
 * so only the events that failed come back.
 */
export class Events extends Construct {
  readonly function: DunFunction;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  /** Encrypts the events queue; SNS may use it to deliver to the queue. */
  readonly queueKey: Key;

  constructor(scope: Construct, id: string, props: EventsProps) {
    super(scope, id);
    this.deadLetterQueue = new DeadLetterQueue(this, "DeadLetterQueue", { of: "the events queue" });
    this.queueKey = new Key(this, "QueueKey", {
      description: "dun: encrypts the SES events queue",
      enableKeyRotation: true,
      removalPolicy: props.production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
    this.queue = new Queue(this, "Queue", {
      // Its own key, not SQS's: SNS can only deliver to a queue whose key policy lets it encrypt.
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.queueKey,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(EVENTS_RETRY.visibilitySeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: EVENTS_RETRY.receives },
    });
    // The subscription adds the queue policy and the key policy statement for this topic alone.
    props.sending.sesEvents.addSubscription(new SqsSubscription(this.queue, { rawMessageDelivery: true }));

    this.function = new DunFunction(this, "Function", {
      handler: "events",
      description: "dun events: SES events advance invoices and their timelines",
      tableName: props.table.tableName,
      production: props.production,
      timeout: Duration.seconds(EVENTS_TIMEOUT_SECONDS),
      environment: {
        SES_CONFIGURATION_SET: props.sending.configurationSet.configurationSetName,
        FROM_ADDRESS: props.fromAddress,
      },
    });
    // Applying an event writes the invoice, its timeline and the message record.
    this.function.grantTable(props.table, "readWrite");
    // Owner alerts (hard bounce, complaint) are sent through the same identity and configuration set.
    props.sending.grantSend(this.function);
    this.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 10,
        // An event that failed comes back alone; the events applied beside it are not applied again.
        reportBatchItemFailures: true,
      }),
    );
  }

  /**
   * Lets a function ask whether the events dead-letter queue holds anything: the queue's URL in
   * EVENTS_DEAD_LETTER_QUEUE_URL and sqs:GetQueueAttributes on that queue, nothing more (it can
   * neither read nor delete the events in it). The sender asks before it treats a stale claim as
   * never sent, since its Send event may be waiting there.
   */
  watchDeadLetters(fn: DunFunction): void {
    fn.addEnvironment("EVENTS_DEAD_LETTER_QUEUE_URL", this.deadLetterQueue.queueUrl);
    this.deadLetterQueue.grant(fn, "sqs:GetQueueAttributes");
  }
}
