/**
 * The upload worker Lambda: one message of the upload queue at a time (S3's notification that a
 * job's file is there, or a worker's hand-on of a job it did not finish), worked on until half of
 * its time is left (#api/upload-job-worker.ts). A message that fails comes back after the queue's
 * visibility timeout; the job goes on from the position last recorded.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSEvent } from "aws-lambda";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { documentClient } from "#adapters/dynamo/client.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { UploadJobTable } from "#adapters/dynamo/upload-job-table.ts";
import { S3UploadFiles } from "#adapters/s3/upload-files.ts";
import { SqsUploadJobQueue } from "#adapters/sqs/upload-job-queue.ts";
import { jobsOfMessage } from "#api/upload-job.ts";
import { runUploadJob, type UploadWorkerDeps } from "#api/upload-job-worker.ts";
import { readEnvironment, required } from "./environment.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-upload-worker");
const documents = documentClient();
const deps: UploadWorkerDeps = {
  api: {
    invoices: invoiceTable(documents, env.TABLE_NAME),
    tenants: new TenantTable(documents, env.TABLE_NAME),
    apiKeys: new ApiKeyTable(documents, env.TABLE_NAME),
    now: () => new Date(),
  },
  jobs: new UploadJobTable(documents, env.TABLE_NAME),
  files: new S3UploadFiles(new S3Client({}), required(env, "UPLOAD_BUCKET")),
  queue: new SqsUploadJobQueue(new SQSClient({}), required(env, "UPLOAD_QUEUE_URL")),
};

export async function handler(event: SQSEvent, context: Context): Promise<void> {
  // Half the invocation's time is kept back: a chunk takes a few seconds, and the last must finish.
  const stopBelowMs = context.getRemainingTimeInMillis() / 2;
  for (const record of event.Records) {
    for (const job of jobsOfMessage(record.body)) {
      const outcome = await runUploadJob(deps, job, {
        remainingMs: () => context.getRemainingTimeInMillis(),
        stopBelowMs,
      });
      logger.info("upload job", { ...job, outcome: outcome.outcome, chunks: outcome.chunks });
    }
  }
}
