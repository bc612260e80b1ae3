/** What upload jobs ask of wherever they are kept (#adapters/dynamo/upload-job-table.ts): the job and its result pages. */
import type { UploadJob, UploadJobRow } from "#api/upload-job.ts";

export interface UploadJobStore {
  /** A new job; its id is fresh, so it never overwrites one. */
  create(job: UploadJob): Promise<void>;
  /** The tenant's job, or undefined: another tenant's job is not found under this tenant. */
  get(tenantId: string, jobId: string): Promise<UploadJob | undefined>;
  /**
   * Takes the job for one worker (`leaseId`) until `untilMs` (epoch ms), unless another worker
   * holds it and its time has not run out: false then.
   */
  acquire(job: UploadJob, leaseId: string, untilMs: number, nowMs: number): Promise<boolean>;
  /** Gives the job up, if `leaseId` still holds it. */
  release(job: UploadJob, leaseId: string): Promise<void>;
  /**
   * `pages` of results stored as the job's pages `before.pages` on, then the job as `after` says,
   * on condition that the job is still `before` (its version) and `leaseId` still holds it:
   * "conflict" otherwise, and the job is left as it was.
   */
  save(
    before: UploadJob,
    after: UploadJob,
    pages: readonly UploadJobRow[][],
    leaseId: string,
  ): Promise<"ok" | "conflict">;
  /** One page of results, by its number. */
  page(tenantId: string, jobId: string, page: number): Promise<UploadJobRow[] | undefined>;
}

/** The S3 bucket uploads go to (#adapters/s3/upload-files.ts). */
export interface UploadFiles {
  /** A URL the client PUTs the file to, good for `seconds`. */
  uploadUrl(key: string, contentType: string, seconds: number): Promise<string>;
  /** The file's size in bytes, or undefined when there is none. */
  size(key: string): Promise<number | undefined>;
  /** The file's bytes from `from` on, as a stream that may be left unfinished. */
  read(key: string, from: number): Promise<AsyncIterable<Uint8Array> & { destroy(): void }>;
}

/** Where a worker hands on a job it has not finished within its time (#adapters/sqs/upload-job-queue.ts). */
export interface UploadJobQueue {
  continue(job: { tenantId: string; jobId: string }): Promise<void>;
}
