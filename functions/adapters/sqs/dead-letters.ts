/**
 * The events dead-letter queue, as the sender asks about it: does it hold any SES event? A claim
 * gone stale with no record may still have had its email accepted by SES, if that email's Send
 * event failed every retry and waits in the events dead-letter queue for `dun redrive events`.
 */
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DeadLetters } from "#sending/stale-claim.ts";

/** The dead-letter queue at `queueUrl`; needs sqs:GetQueueAttributes on it and nothing else. */
export class SqsDeadLetters implements DeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * SQS's approximate counts, which lag a message's arrival by up to a minute or so. A message
   * received by someone looking at it (not visible) is still there, so it counts too.
   */
  async holdsAny(): Promise<boolean> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
      }),
    );
    const count = (name: "ApproximateNumberOfMessages" | "ApproximateNumberOfMessagesNotVisible") => {
      const value = Number(Attributes[name] ?? "0");
      if (!Number.isFinite(value)) throw new Error(`SQS gave ${name} as "${Attributes[name]}", not a number`);
      return value;
    };
    return count("ApproximateNumberOfMessages") + count("ApproximateNumberOfMessagesNotVisible") > 0;
  }
}
