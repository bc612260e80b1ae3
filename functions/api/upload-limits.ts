/**
 * How much one upload may hold, on each path: the synchronous POST /v1/invoices answers within the
 * API Lambda's 10 s at 512 MB; anything bigger goes through an upload job (upload-jobs.ts), which a
 * worker Lambda reads from S3 in chunks, each within its own timeout.
 */

/**
 * Rows (or invoices) the CLI sends through the synchronous path before it switches to an upload
 * job. Provisional: about 3 000 rows fit the API Lambda's 10 s at 512 MB with the real SDK (issue
 * 15); the synchronous path's measured limit replaces this number when it is measured.
 */
export const SYNC_UPLOAD_MAX_ROWS = 3_000;

/**
 * Rows an upload job's worker hands to the synchronous upload code at once. Small enough that one
 * chunk takes a few seconds of the worker's timeout and that its per-row results, written with the
 * job's progress in one transaction, stay under DynamoDB's 4 MB per transaction.
 */
export const JOB_CHUNK_ROWS = 500;

/** The largest file an upload job takes: a CSV is read a chunk at a time, a JSON array whole. */
export const MAX_JOB_CSV_BYTES = 512 * 1024 * 1024;
export const MAX_JOB_JSON_BYTES = 64 * 1024 * 1024;

/** How long the presigned URL of a new job may be used, and how long a job and its results are kept. */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const UPLOAD_JOB_TTL_SECONDS = 7 * 24 * 60 * 60;
/** S3 deletes an uploaded file after this many days (infra/constructs/uploads.ts). */
export const UPLOAD_FILE_DAYS = 3;
