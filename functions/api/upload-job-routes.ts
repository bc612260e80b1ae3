/**
 * Upload jobs over HTTP: POST /v1/uploads makes a job and gives the presigned URL its file is PUT
 * to; GET /v1/uploads/{id} tells how far the worker got; GET /v1/uploads/{id}/rows gives the
 * per-row results a page at a time. A job is found under the tenant of the key only, so another
 * tenant's job id answers 404, as an unknown one does.
 */
import { randomUUID } from "node:crypto";
import * as z from "zod";
import type { RouteHandler } from "./http-request.ts";
import { json, problem } from "./problem.ts";
import { MAX_ACTION_BODY_BYTES, readJsonBody } from "./request-body.ts";
import {
  newUploadJob,
  UPLOAD_JOB_STATUSES,
  UploadCountsSchema,
  UploadFormatSchema,
  type UploadJob,
  UploadJobProblemSchema,
  UploadJobRequestSchema,
  UploadJobRowSchema,
  uploadObjectKey,
} from "./upload-job.ts";
import { UPLOAD_URL_SECONDS } from "./upload-limits.ts";

const CONTENT_TYPES = { csv: "text/csv", json: "application/json" } as const;

export const UploadJobViewSchema = z.object({
  id: z.string(),
  format: UploadFormatSchema,
  status: z
    .enum(UPLOAD_JOB_STATUSES)
    .describe("waiting_for_file until the file is PUT; processing; done or failed (see problem)"),
  createdAt: z.string(),
  updatedAt: z.string(),
  counts: UploadCountsSchema,
  pages: z.number().int().describe("pages of per-row results so far (GET …/rows)"),
  problem: UploadJobProblemSchema.optional().describe("failed: why the file could not be read on"),
});

export const UploadJobCreatedSchema = z.object({
  upload: UploadJobViewSchema,
  uploadUrl: z.string().describe("PUT the file here, with the Content-Type below, before expiresAt"),
  method: z.literal("PUT"),
  headers: z.object({ "content-type": z.string() }),
  expiresAt: z.string(),
});

export const UploadRowsPageSchema = z.object({
  results: z.array(UploadJobRowSchema),
  nextCursor: z
    .string()
    .optional()
    .describe("the next page of results; absent on the last page stored so far"),
});

const viewOf = (job: UploadJob): z.infer<typeof UploadJobViewSchema> => ({
  id: job.id,
  format: job.format,
  status: job.status,
  createdAt: job.createdAt,
  updatedAt: job.updatedAt,
  counts: job.counts,
  pages: job.pages,
  ...(job.problem ? { problem: job.problem } : {}),
});

const NOT_SET_UP = "uploads through S3 are not set up where this API runs";
const isJobId = (id: string | undefined): id is string => z.uuid().safeParse(id).success;

export const postUpload: RouteHandler = async (deps, tenant, request) => {
  const body = readJsonBody(request, UploadJobRequestSchema, MAX_ACTION_BODY_BYTES);
  if (!body.ok) return body.error;
  if (!deps.uploads) return problem(404, NOT_SET_UP);
  const now = deps.now();
  const job = newUploadJob(tenant.id, randomUUID(), body.value.format, now);
  await deps.uploads.jobs.create(job);
  const contentType = CONTENT_TYPES[job.format];
  const uploadUrl = await deps.uploads.files.uploadUrl(
    uploadObjectKey(tenant.id, job.id),
    contentType,
    UPLOAD_URL_SECONDS,
  );
  const expiresAt = new Date(now.getTime() + UPLOAD_URL_SECONDS * 1000).toISOString();
  return json(
    201,
    { upload: viewOf(job), uploadUrl, method: "PUT", headers: { "content-type": contentType }, expiresAt },
    { Location: `/v1/uploads/${job.id}` },
  );
};

export const getUpload: RouteHandler = async (deps, tenant, _request, [id]) => {
  if (!deps.uploads) return problem(404, NOT_SET_UP);
  const job = isJobId(id) ? await deps.uploads.jobs.get(tenant.id, id) : undefined;
  if (!job) return problem(404, `no upload ${id ?? ""}`);
  return json(200, viewOf(job));
};

export const getUploadRows: RouteHandler = async (deps, tenant, request, [id]) => {
  if (!deps.uploads) return problem(404, NOT_SET_UP);
  const job = isJobId(id) ? await deps.uploads.jobs.get(tenant.id, id) : undefined;
  if (!job) return problem(404, `no upload ${id ?? ""}`);
  const { cursor } = request.query;
  const page = cursor === undefined ? 0 : /^\d{1,6}$/.test(cursor) ? Number(cursor) : Number.NaN;
  if (!Number.isInteger(page) || (page >= job.pages && page > 0)) {
    return problem(400, "cursor is not a cursor this API gave out", {
      errors: [{ path: "cursor", message: "is not a cursor this API gave out" }],
    });
  }
  const results = page < job.pages ? await deps.uploads.jobs.page(tenant.id, job.id, page) : [];
  if (!results) throw new Error(`upload ${job.id} counts page ${page}, which is not stored`);
  return json(200, { results, ...(page + 1 < job.pages ? { nextCursor: String(page + 1) } : {}) });
};
