/** The send queue in SQS: due invoices go out in batches of ten, the most SendMessageBatch takes. */
import { SendMessageBatchCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { DueMessage, DueQueue } from "#dispatching/due-message.ts";

const BATCH = 10;

export class SqsDueQueue implements DueQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async enqueue(messages: readonly DueMessage[]): Promise<void> {
    for (let start = 0; start < messages.length; start += BATCH) {
      let batch = messages.slice(start, start + BATCH).map((message, index) => ({
        Id: String(index),
        MessageBody: JSON.stringify(message),
      }));
      // Entries SQS turned down (throttled, for one) are tried once more; the next tick finds the rest.
      for (let attempt = 0; attempt < 2 && batch.length > 0; attempt++) {
        const result = await this.client.send(
          new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: batch }),
        );
        const failed = new Set((result.Failed ?? []).map((failure) => failure.Id));
        batch = batch.filter((entry) => failed.has(entry.Id));
      }
      if (batch.length > 0) throw new Error(`SQS refused ${batch.length} due messages twice`);
    }
  }
}
