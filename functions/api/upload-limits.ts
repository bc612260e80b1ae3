/**
 * How much one upload may hold, on each path: the synchronous POST /v1/invoices answers within the
 * API Lambda's 10 s at 512 MB; anything bigger goes through an upload job (upload-jobs.ts), which a
 * worker Lambda reads from S3 in chunks, each within its own timeout.
 */

import { MAX_SYNC_UPLOAD_ROWS } from "./sync-upload-limit.ts";

/**
 * Rows (or invoices) above which `dun upload` sends a file as one upload job instead of as
 * synchronous requests of at most MAX_SYNC_UPLOAD_ROWS each: up to a few such requests answer
 * sooner than a job is picked up, and beyond that a job holds no connection open for minutes.
 */
export const UPLOAD_JOB_ABOVE_ROWS = 6 * MAX_SYNC_UPLOAD_ROWS;

/**
 * Rows an upload job's worker hands to the synchronous upload code at once: the synchronous limit,
 * so that a chunk is exactly what one request may hold, takes a few seconds of the worker's timeout,
 * and its per-row results fit one result page (well under 400 KB).
 */
export const JOB_CHUNK_ROWS = MAX_SYNC_UPLOAD_ROWS;

/** The largest file an upload job takes: a CSV is read a chunk at a time, a JSON array whole. */
export const MAX_JOB_CSV_BYTES = 512 * 1024 * 1024;
export const MAX_JOB_JSON_BYTES = 64 * 1024 * 1024;

/** How long the presigned URL of a new job may be used, and how long a job and its results are kept. */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const UPLOAD_JOB_TTL_SECONDS = 7 * 24 * 60 * 60;
/** S3 deletes an uploaded file after this many days (infra/constructs/uploads.ts). */
export const UPLOAD_FILE_DAYS = 3;
