/**
 * The upload queue and its worker, in this process: S3's notifications (from s3rver) and the
 * worker's hand-ons go onto a queue in memory that behaves as the SQS queue does (memory-queue.ts),
 * and each message is worked on at once by the same code as the upload worker Lambda, with a
 * budget of time per message as a Lambda's timeout would give it. Not tied to local mode's
 * simulated clock: a file is read as soon as it is there, as in AWS.
 */
import { UploadJobTable } from "#adapters/dynamo/upload-job-table.ts";
import { S3UploadFiles } from "#adapters/s3/upload-files.ts";
import type { ApiDeps } from "#api/http-request.ts";
import { jobsOfMessage } from "#api/upload-job.ts";
import { runUploadJob, type UploadWorkerDeps, type WorkerOutcome } from "#api/upload-job-worker.ts";
import type { LocalDynamo } from "./local-dynamo.ts";
import type { LocalS3 } from "./local-s3.ts";
import { MemoryQueue } from "./memory-queue.ts";

export type LocalUploadOptions = {
  /** Rows per chunk; the deployed worker's unless given. */
  chunkRows?: number;
  /** Real milliseconds one message may be worked on, as the Lambda's timeout; 0 hands the job on after every chunk. */
  invocationMs?: number;
};

export class LocalUploads {
  readonly queue = new MemoryQueue<string>({ maxReceives: 5 });
  readonly jobs: UploadJobTable;
  readonly files: S3UploadFiles;
  /** Every worker invocation's outcome, for the tests and the bench. */
  readonly outcomes: (WorkerOutcome & { ms: number })[] = [];
  private draining: Promise<void> | undefined;
  private readonly deps: UploadWorkerDeps;

  constructor(
    api: ApiDeps,
    dynamo: LocalDynamo,
    s3: LocalS3,
    private readonly options: LocalUploadOptions = {},
  ) {
    this.jobs = new UploadJobTable(dynamo.documents, dynamo.tableName);
    this.files = new S3UploadFiles(s3.client, s3.bucket);
    this.deps = {
      api,
      jobs: this.jobs,
      files: this.files,
      queue: { continue: (job) => this.enqueue(JSON.stringify(job)) },
      ...(options.chunkRows ? { chunkRows: options.chunkRows } : {}),
    };
    s3.onObjectCreated((notification) => {
      void this.enqueue(notification);
    });
  }

  /** What the API needs to make jobs: where they are kept and the bucket. */
  get apiDeps(): NonNullable<ApiDeps["uploads"]> {
    return { jobs: this.jobs, files: this.files };
  }

  async enqueue(message: string): Promise<void> {
    await this.queue.enqueue([message]);
    this.draining ??= this.drain();
  }

  /** Resolves once no message waits: every job that had its file is finished (or failed). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      // A hand-on enqueued while a round runs is delivered in the next round.
      while (this.queue.size > 0) await this.queue.deliver((message) => this.work(message));
    } finally {
      // In the same turn as the last check: a message enqueued after it starts a new drain.
      this.draining = undefined;
    }
  }

  private async work(message: string): Promise<boolean> {
    const invocationMs = this.options.invocationMs ?? 60_000;
    for (const job of jobsOfMessage(message)) {
      const started = performance.now();
      const outcome = await runUploadJob(this.deps, job, {
        remainingMs: () => invocationMs - (performance.now() - started),
        stopBelowMs: invocationMs / 2,
      });
      this.outcomes.push({ ...outcome, ms: performance.now() - started });
    }
    return true;
  }
}
