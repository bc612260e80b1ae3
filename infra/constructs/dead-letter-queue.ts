import { Duration } from "aws-cdk-lib";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import { NagSuppressions } from "cdk-nag";
import type { Construct } from "constructs";

/**
 * Where dun puts what failed every retry (a reminder, a tick, an SES event), as every such queue
 * is: encrypted, TLS only, and kept 14 days, long enough to look into a failure after a holiday.
 * Its depth has an alarm (alarms.ts).
 */
export class DeadLetterQueue extends Queue {
  /** `of`: whose failures it holds, for the cdk-nag reason ("the tick schedule"). */
  constructor(scope: Construct, id: string, props: { of: string }) {
    super(scope, id, {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    NagSuppressions.addResourceSuppressions(this, [
      { id: "AwsSolutions-SQS3", reason: `This queue is itself ${props.of}'s dead-letter queue.` },
    ]);
  }
}
