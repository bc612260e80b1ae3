/**
 * An upload job: a file too large for one request, uploaded to S3 and read by a worker in chunks
 * (upload-job-worker.ts). What the job holds is what GET /v1/uploads/{id} shows: its status, its
 * counts, where the worker goes on from, and why it failed; the per-row results are kept beside it
 * in pages (#ports/upload-job-store.ts).
 */
import * as z from "zod";
import { FieldErrorSchema } from "./problem.ts";
import { UploadResultSchema, UploadSummarySchema } from "./upload-invoices.ts";

export const UPLOAD_JOB_STATUSES = ["waiting_for_file", "processing", "done", "failed"] as const;
export const UploadFormatSchema = z.enum(["csv", "json"]);
export type UploadFormat = z.infer<typeof UploadFormatSchema>;

export const UploadJobRequestSchema = z.strictObject({
  format: UploadFormatSchema.describe("what the file holds: a CSV file, or a JSON array of invoices"),
});

export const UploadCountsSchema = UploadSummarySchema.extend({
  read: z
    .number()
    .int()
    .describe("rows (or invoices) read so far: created + updated + unchanged + rejected + conflict"),
});
export type UploadCounts = z.infer<typeof UploadCountsSchema>;

/**
 * Where the worker goes on from: for a CSV file the byte offset of the next record, the line it
 * is on and the header (so that every chunk reads as a file of its own); for JSON the index of
 * the next invoice in the array.
 */
export const UploadPositionSchema = z.object({
  next: z.number().int().nonnegative(),
  line: z.number().int().positive(),
  header: z.string().optional(),
});
export type UploadPosition = z.infer<typeof UploadPositionSchema>;

export const UploadJobProblemSchema = z.object({
  detail: z.string(),
  errors: z.array(FieldErrorSchema),
});

export const UploadJobSchema = z.object({
  id: z.uuid(),
  tenantId: z.string(),
  format: UploadFormatSchema,
  status: z.enum(UPLOAD_JOB_STATUSES),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: UploadCountsSchema,
  /** Pages of per-row results stored so far, numbered from 0. */
  pages: z.number().int().nonnegative(),
  position: UploadPositionSchema,
  problem: UploadJobProblemSchema.optional(),
  /** Bumped by every write, which is conditional on the one read: a chunk is recorded once. */
  version: z.number().int().nonnegative(),
});
export type UploadJob = z.infer<typeof UploadJobSchema>;

/** One row's answer, as the synchronous upload gives it, with its place in a JSON array. */
export const UploadJobRowSchema = UploadResultSchema.extend({
  index: z.number().int().optional().describe("the invoice's place in the JSON array, for JSON uploads"),
});
export type UploadJobRow = z.infer<typeof UploadJobRowSchema>;

export const EMPTY_COUNTS: UploadCounts = {
  read: 0,
  created: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  conflict: 0,
};

export function newUploadJob(tenantId: string, id: string, format: UploadFormat, now: Date): UploadJob {
  const at = now.toISOString();
  return {
    id,
    tenantId,
    format,
    status: "waiting_for_file",
    createdAt: at,
    updatedAt: at,
    counts: EMPTY_COUNTS,
    pages: 0,
    position: { next: 0, line: 1 },
    version: 0,
  };
}

export function countsAfter(counts: UploadCounts, rows: readonly UploadJobRow[]): UploadCounts {
  const next = { ...counts, read: counts.read + rows.length };
  for (const row of rows) next[row.status] += 1;
  return next;
}

/** Where an uploaded file is kept in the bucket: the tenant and the job are named by the key alone. */
export const uploadObjectKey = (tenantId: string, jobId: string) => `uploads/${tenantId}/${jobId}`;

export function jobOfObjectKey(key: string): { tenantId: string; jobId: string } | undefined {
  const match = /^uploads\/([a-z0-9][a-z0-9-]{1,62})\/([0-9a-f-]{36})$/.exec(key);
  return match?.[1] && match[2] ? { tenantId: match[1], jobId: match[2] } : undefined;
}

/** Per-row results cut into pages below this many UTF-8 bytes of JSON: a DynamoDB item holds 400 KB. */
export const RESULT_PAGE_BYTES = 300_000;

export function resultPages(rows: readonly UploadJobRow[], limit = RESULT_PAGE_BYTES): UploadJobRow[][] {
  const pages: UploadJobRow[][] = [];
  let page: UploadJobRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    const size = Buffer.byteLength(JSON.stringify(row), "utf8") + 1;
    if (page.length > 0 && bytes + size > limit) {
      pages.push(page);
      page = [];
      bytes = 0;
    }
    page.push(row);
    bytes += size;
  }
  if (page.length > 0) pages.push(page);
  return pages;
}

const ContinueMessageSchema = z.object({ tenantId: z.string(), jobId: z.string() });
/** S3's Object Created event as EventBridge delivers it (infra/constructs/uploads.ts). */
const S3EventBridgeSchema = z.object({
  "detail-type": z.literal("Object Created"),
  detail: z.object({ object: z.object({ key: z.string() }) }),
});
/** S3's own notification shape, as s3rver (local mode) publishes it. */
const S3NotificationSchema = z.object({
  Records: z.array(
    z.object({ eventName: z.string(), s3: z.object({ object: z.object({ key: z.string() }) }) }),
  ),
});

/**
 * The jobs an upload-queue message names: S3's Object Created event (through EventBridge, or as an
 * S3 notification with its key URL-encoded) names the file, a worker's hand-on names the job. Any
 * other message, and a key that is not an upload's, name none. Upload keys hold only [a-z0-9-/],
 * which no encoding changes.
 */
export function jobsOfMessage(body: string): { tenantId: string; jobId: string }[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return [];
  }
  const hand = ContinueMessageSchema.safeParse(parsed);
  if (hand.success) return [hand.data];
  const bridged = S3EventBridgeSchema.safeParse(parsed);
  if (bridged.success) {
    const job = jobOfObjectKey(bridged.data.detail.object.key);
    return job ? [job] : [];
  }
  const notification = S3NotificationSchema.safeParse(parsed);
  if (!notification.success) return [];
  return notification.data.Records.flatMap((record) => {
    if (!record.eventName.startsWith("ObjectCreated:")) return [];
    const job = jobOfObjectKey(decodeURIComponent(record.s3.object.key.replaceAll("+", " ")));
    return job ? [job] : [];
  });
}
