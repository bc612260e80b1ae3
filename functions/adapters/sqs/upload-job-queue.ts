/** The upload queue in SQS, which S3's notifications come through too: a job handed on to the next worker. */
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import type { UploadJobQueue } from "#ports/upload-job-store.ts";

export class SqsUploadJobQueue implements UploadJobQueue {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async continue(job: { tenantId: string; jobId: string }): Promise<void> {
    await this.client.send(
      new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }),
    );
  }
}
