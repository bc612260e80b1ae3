/**
 * The upload job's worker: reads the job's file from where it got to, a chunk at a time, hands each
 * chunk to the synchronous upload (POST /v1/invoices' own handler, so that every row is validated,
 * written and answered exactly as a small upload's are), and records the chunk's per-row results
 * with the job's new position and counts in one conditional write. It stops while it still has
 * time and hands the job on to the next invocation through the queue.
 *
 * One worker at a time holds a job (its lease, #ports/upload-job-store.ts): a duplicate message
 * finds it held and leaves it to the holder. A chunk processed twice (a worker that died after
 * writing invoices but before recording the chunk, retried once its lease ran out) writes no
 * invoice twice — an upload of the same rows again finds them unchanged — and is recorded once,
 * from the position the job last recorded, so no row is counted twice. The rows of such a chunk
 * are then answered `unchanged`, which is what they are by then.
 */
import { randomUUID } from "node:crypto";
import type { Tenant } from "#domain/tenant/tenant.ts";
import type { UploadFiles, UploadJobQueue, UploadJobStore } from "#ports/upload-job-store.ts";
import { chunkFile, lineBreaksIn, readCsvChunk } from "./csv-chunks.ts";
import type { ApiDeps } from "./http-request.ts";
import { postInvoices } from "./invoice-routes.ts";
import { type FieldError, ProblemSchema } from "./problem.ts";
import {
  countsAfter,
  resultPages,
  type UploadJob,
  type UploadJobRow,
  UploadJobRowSchema,
  type UploadPosition,
  uploadObjectKey,
} from "./upload-job.ts";
import { JOB_CHUNK_ROWS, MAX_JOB_CSV_BYTES, MAX_JOB_JSON_BYTES } from "./upload-limits.ts";

/** A chunk's body stays well under the synchronous route's 5 500 000 bytes. */
const CHUNK_BYTES = 4_000_000;

export type UploadWorkerDeps = {
  /** What the synchronous upload is given: the invoice store, the tenants, the clock. */
  api: ApiDeps;
  jobs: UploadJobStore;
  files: UploadFiles;
  queue: UploadJobQueue;
  chunkRows?: number;
};

/** How long this invocation may go on: it stops once fewer than `stopBelowMs` are left. */
export type WorkBudget = { remainingMs(): number; stopBelowMs: number };

export type WorkerOutcome =
  | { outcome: "done" | "failed" | "continued"; job: UploadJob; chunks: number }
  /** The job is finished already, or is not there (expired), or waits for its file: nothing to do. */
  | { outcome: "nothing"; chunks: 0 }
  /** Another worker holds the job, or took it over: it goes on with it. */
  | { outcome: "held"; chunks: number };

/** A lease outlives the invocation that took it by this much, so that it never runs past its lease. */
const LEASE_MARGIN_MS = 30_000;

type ChunkRead =
  | { kind: "rows"; rows: UploadJobRow[]; position: UploadPosition; ended: boolean }
  | { kind: "failed"; detail: string; errors: FieldError[] };

export async function runUploadJob(
  deps: UploadWorkerDeps,
  ref: { tenantId: string; jobId: string },
  budget: WorkBudget,
): Promise<WorkerOutcome> {
  const job = await deps.jobs.get(ref.tenantId, ref.jobId);
  if (!job || job.status === "done" || job.status === "failed") return { outcome: "nothing", chunks: 0 };
  const key = uploadObjectKey(job.tenantId, job.id);
  const size = await deps.files.size(key);
  if (size === undefined) return { outcome: "nothing", chunks: 0 };
  const stored = await deps.api.tenants.get(job.tenantId);
  const limit = job.format === "csv" ? MAX_JOB_CSV_BYTES : MAX_JOB_JSON_BYTES;
  if (!stored) return { outcome: "nothing", chunks: 0 };
  const lease = randomUUID();
  const nowMs = deps.api.now().getTime();
  if (!(await deps.jobs.acquire(job, lease, nowMs + budget.remainingMs() + LEASE_MARGIN_MS, nowMs))) {
    return { outcome: "held", chunks: 0 };
  }
  let outcome: WorkerOutcome;
  try {
    // Read again under the lease: the worker before may have recorded a chunk since.
    const held = await deps.jobs.get(job.tenantId, job.id);
    outcome = !held
      ? { outcome: "nothing", chunks: 0 }
      : held.status === "done" || held.status === "failed"
        ? { outcome: "nothing", chunks: 0 }
        : size > limit
          ? await fail(deps, held, lease, {
              detail: `the file is larger than the limit of ${limit} bytes for ${held.format}`,
              errors: [],
            })
          : await work(deps, held, lease, stored.tenant, size, budget);
  } finally {
    await deps.jobs.release(job, lease);
  }
  // Handed on only once the lease is given up, so that the next invocation can take the job.
  if (outcome.outcome === "continued") await deps.queue.continue(ref);
  return outcome;
}

async function work(
  deps: UploadWorkerDeps,
  first: UploadJob,
  lease: string,
  tenant: Tenant,
  size: number,
  budget: WorkBudget,
): Promise<WorkerOutcome> {
  let job = first;
  const key = uploadObjectKey(job.tenantId, job.id);
  const chunkRows = deps.chunkRows ?? JOB_CHUNK_ROWS;
  const json = job.format === "json" ? await readJsonArray(deps.files, key) : undefined;
  let chunks = 0;
  for (;;) {
    const read: ChunkRead =
      json === undefined
        ? await nextCsvChunk(deps, tenant, job, key, size, chunkRows)
        : json.ok
          ? await nextJsonChunk(deps, tenant, job, json.items, chunkRows)
          : { kind: "failed", detail: json.detail, errors: [] };
    if (read.kind === "failed") return fail(deps, job, lease, read, chunks);
    const pages = resultPages(read.rows);
    const after: UploadJob = {
      ...job,
      status: read.ended ? "done" : "processing",
      updatedAt: deps.api.now().toISOString(),
      counts: countsAfter(job.counts, read.rows),
      pages: job.pages + pages.length,
      position: read.position,
      version: job.version + 1,
    };
    if ((await deps.jobs.save(job, after, pages, lease)) === "conflict") return { outcome: "held", chunks };
    job = after;
    chunks += 1;
    if (read.ended) return { outcome: "done", job, chunks };
    if (budget.remainingMs() < budget.stopBelowMs) return { outcome: "continued", job, chunks };
  }
}

async function fail(
  deps: UploadWorkerDeps,
  job: UploadJob,
  lease: string,
  problem: { detail: string; errors: FieldError[] },
  chunks = 0,
): Promise<WorkerOutcome> {
  const after: UploadJob = {
    ...job,
    status: "failed",
    updatedAt: deps.api.now().toISOString(),
    problem: { detail: problem.detail, errors: problem.errors },
    version: job.version + 1,
  };
  if ((await deps.jobs.save(job, after, [], lease)) === "conflict") return { outcome: "held", chunks };
  return { outcome: "failed", job: after, chunks };
}

/** The synchronous upload's answer to one chunk: its per-row results, or why it refused the whole chunk. */
async function uploadChunk(
  deps: UploadWorkerDeps,
  tenant: Tenant,
  body: string,
  contentType: "text/csv" | "application/json",
): Promise<{ ok: true; rows: UploadJobRow[] } | { ok: false; detail: string; errors: FieldError[] }> {
  const response = await postInvoices(
    deps.api,
    tenant,
    { method: "POST", rawPath: "/v1/invoices", query: {}, headers: { "content-type": contentType }, body },
    [],
  );
  const answer: unknown = JSON.parse(response.body);
  // 422 with results: every row of the chunk was rejected, each with its own answer.
  const results = (answer as { results?: unknown } | null)?.results;
  if (response.statusCode === 200 || (response.statusCode === 422 && Array.isArray(results))) {
    return { ok: true, rows: UploadJobRowSchema.array().parse(results) };
  }
  const problem = ProblemSchema.parse(answer);
  return { ok: false, detail: problem.detail ?? problem.title, errors: problem.errors ?? [] };
}

async function nextCsvChunk(
  deps: UploadWorkerDeps,
  tenant: Tenant,
  job: UploadJob,
  key: string,
  size: number,
  chunkRows: number,
): Promise<ChunkRead> {
  const { position } = job;
  if (position.header !== undefined && position.next >= size) {
    return { kind: "rows", rows: [], position, ended: true };
  }
  const stream = await deps.files.read(key, position.next);
  const read = await readCsvChunk(stream, {
    header: position.header,
    maxRecords: chunkRows,
    maxBytes: CHUNK_BYTES,
  });
  const header = position.header ?? read.header?.toString("utf8") ?? "";
  const line =
    position.header === undefined ? 1 + lineBreaksIn(read.header ?? Buffer.alloc(0)) : position.line;
  const nextPosition: UploadPosition = {
    next: position.next + read.consumed,
    line: line + lineBreaksIn(read.records),
    header,
  };
  if (read.overlong) {
    return {
      kind: "failed",
      detail: "the CSV file cannot be read",
      errors: [
        { path: `row ${line}`, message: "this row is too long to be one invoice; is a quote left open?" },
      ],
    };
  }
  // A chunk after the first with no records: the file ended at the last one.
  if (read.count === 0 && position.header !== undefined && !read.unreadable) {
    return { kind: "rows", rows: [], position: nextPosition, ended: true };
  }
  const answer = await uploadChunk(deps, tenant, chunkFile(header, line, read.records), "text/csv");
  if (!answer.ok) return { kind: "failed", detail: answer.detail, errors: answer.errors };
  if (read.unreadable) {
    // The upload read what csv-parse could not: it only ever stops at the same place or later.
    return { kind: "failed", detail: "the CSV file cannot be read past this chunk", errors: [] };
  }
  return { kind: "rows", rows: answer.rows, position: nextPosition, ended: read.ended };
}

type JsonItems = { ok: true; items: unknown[] } | { ok: false; detail: string };

/** A JSON upload is read whole, once per invocation: JSON has no record boundaries to resume at. */
async function readJsonArray(files: UploadFiles, key: string): Promise<JsonItems> {
  const parts: Buffer[] = [];
  for await (const part of await files.read(key, 0)) parts.push(Buffer.from(part));
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(parts).toString("utf8"));
  } catch (error) {
    return { ok: false, detail: `the file is not valid JSON: ${(error as Error).message}` };
  }
  if (Array.isArray(parsed)) return { ok: true, items: parsed };
  if (parsed !== null && typeof parsed === "object") return { ok: true, items: [parsed] };
  return { ok: false, detail: "the file must hold an invoice object or an array of invoices" };
}

async function nextJsonChunk(
  deps: UploadWorkerDeps,
  tenant: Tenant,
  job: UploadJob,
  items: readonly unknown[],
  chunkRows: number,
): Promise<ChunkRead> {
  const start = job.position.next;
  if (items.length === 0) return { kind: "failed", detail: "the upload holds no invoices", errors: [] };
  // An invoice number given twice is refused from its second place on, across chunks, as within one body.
  const firstAt = new Map<string, number>();
  items.forEach((item, index) => {
    const number = invoiceNumberOf(item);
    if (number !== undefined && !firstAt.has(number)) firstAt.set(number, index);
  });
  const rows: (UploadJobRow | undefined)[] = [];
  const fresh: { item: unknown; at: number }[] = [];
  let bytes = 0;
  let end = start;
  for (; end < items.length && end - start < chunkRows && bytes < CHUNK_BYTES; end++) {
    const item = items[end];
    const number = invoiceNumberOf(item);
    const first = number === undefined ? undefined : firstAt.get(number);
    if (number !== undefined && first !== undefined && first < end) {
      rows.push({
        invoiceNumber: number,
        status: "rejected",
        index: end,
        errors: [
          { path: `[${end}].invoiceNumber`, message: `${number} is already at [${first}] in this upload` },
        ],
      });
      continue;
    }
    rows.push(undefined);
    fresh.push({ item, at: end });
    bytes += Buffer.byteLength(JSON.stringify(item) ?? "", "utf8");
  }
  if (fresh.length > 0) {
    const answer = await uploadChunk(
      deps,
      tenant,
      JSON.stringify(fresh.map(({ item }) => item)),
      "application/json",
    );
    if (!answer.ok) return { kind: "failed", detail: answer.detail, errors: answer.errors };
    fresh.forEach(({ at }, position) => {
      const result = answer.rows[position];
      if (result) rows[at - start] = { ...result, index: at };
    });
  }
  const answered = rows.filter((row): row is UploadJobRow => row !== undefined);
  if (answered.length !== end - start) throw new Error("an uploaded invoice went unanswered");
  return { kind: "rows", rows: answered, position: { next: end, line: 1 }, ended: end >= items.length };
}

function invoiceNumberOf(item: unknown): string | undefined {
  const number = (item as { invoiceNumber?: unknown } | null)?.invoiceNumber;
  return typeof number === "string" ? number : undefined;
}
