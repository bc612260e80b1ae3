/**
 * How many invoices one synchronous upload (POST /v1/invoices) may hold: what the deployed API
 * Lambda (512 MB, 10 s: infra/constructs/api.ts) measurably finishes. Measured by
 * `api.sync_upload_cpu_per_row_real_sdk` in bench/api.bench.ts (bench/sync-upload-cpu.ts): the CPU
 * a CSV row costs the handler with the real AWS SDK, scaled to 512/1769 of a vCPU, gives the rows
 * that fit in 10 s with SYNC_UPLOAD_MARGIN to spare; this limit is that, rounded down. More rows
 * go through the asynchronous upload (POST /v1/uploads), and `dun upload` splits a file into
 * requests within it.
 */
export const MAX_SYNC_UPLOAD_ROWS = 500;

/** The share of the Lambda's timeout kept free: round trips, a colder process, a busier host. */
export const SYNC_UPLOAD_MARGIN = 0.5;
