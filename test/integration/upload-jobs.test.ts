/**
 * Uploads of any size through local mode's real HTTP, s3rver and dynalite: a job, its file PUT to
 * the presigned URL, the worker reading it in chunks and handing the job on between them, and the
 * per-row results paged — row for row what the synchronous upload answers for the same file.
 */

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SYNC_UPLOAD_ROWS } from "#api/sync-upload-limit.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { DunApi } from "../../functions/cli/api-client.ts";
import { EXIT } from "../../functions/cli/command.ts";
import { type UploadReport, uploadFile } from "../../functions/cli/upload.ts";
import { terminal } from "../support/cli.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { apiRequest, finishedJob, startUploadJob } from "../support/upload-jobs.ts";

let stack: LocalStack;
let otherKey: string;

const HEADER =
  "invoiceNumber;currency;amount;issueDate;dueDate;reminderFeeAgreed;customer.name;customer.email;customer.locale;customer.country;customer.type";

/** A CSV export with a blank line after the header, quoted line breaks and a bad row every so often. */
function csvFile(rows: number, prefix: string): string {
  const lines = [HEADER, ""];
  for (let row = 1; row <= rows; row++) {
    const number = row === 30 ? `${prefix}-00003` : `${prefix}-${String(row).padStart(5, "0")}`;
    const email = row % 7 === 0 ? `"a${row}@example.com\nb${row}@example.com"` : `a${row}@example.com`;
    const due = row % 97 === 0 ? "2026-11-31" : "2026-11-15";
    const fee = row % 211 === 0 ? "kanskje" : "nei";
    const cells = [
      number,
      "NOK",
      "1 250,00",
      "2026-11-01",
      due,
      fee,
      `Kunde ${row} AS`,
      email,
      "nb-NO",
      "NO",
      "business",
    ];
    lines.push(row % 503 === 0 ? cells.slice(0, -2).join(";") : cells.join(";"));
  }
  return `${lines.join("\n")}\n`;
}

beforeAll(async () => {
  stack = await startLocalStack({
    start: new Date("2026-11-23T08:00:00Z"),
    speed: 0,
    demo: false,
    // Small chunks, and every invocation hands the job on after one: many chunks and hand-ons.
    uploads: { chunkRows: 70, invocationMs: 0 },
  });
  const key = await fetch(`${stack.apiUrl}/_local/keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ tenant: "other" }),
  });
  otherKey = ((await key.json()) as { apiKey: string }).apiKey;
});

afterAll(async () => stack?.close());

describe("an upload job", () => {
  it("reads a CSV in chunks and answers each row as the synchronous upload does", async () => {
    // Prepare: as many rows as the synchronous upload takes, so that it can answer the same file
    const rows = MAX_SYNC_UPLOAD_ROWS;
    const before = stack.uploads.outcomes.length;

    // Act
    const id = await startUploadJob(stack, stack.apiKey, "csv", csvFile(rows, "JOB"));
    const { job, rows: results, pages } = await finishedJob(stack, stack.apiKey, id);
    const sync = await fetch(`${stack.apiUrl}/v1/invoices`, {
      method: "POST",
      headers: { authorization: `Bearer ${otherKey}`, "content-type": "text/csv" },
      body: csvFile(rows, "JOB"),
    });
    const syncAnswer = (await sync.json()) as { results: unknown[]; summary: Record<string, number> };

    // Assess
    expect(job.status).toBe("done");
    expect(results).toEqual(syncAnswer.results);
    expect(job.counts).toEqual({ read: rows, ...syncAnswer.summary });
    expect(job.counts.rejected).toBeGreaterThan(5);
    expect(pages).toBe(job.pages);
    const invocations = stack.uploads.outcomes.slice(before);
    expect(invocations.filter((o) => o.outcome === "continued").length).toBeGreaterThanOrEqual(6);
    expect(invocations.at(-1)?.outcome).toBe("done");
    // A rejected row names its line in the file and the field.
    const bad = results.find((row: { row: number }) => row.row === 97 + 2 + Math.floor(97 / 7));
    expect(bad).toMatchObject({ status: "rejected", errors: [{ path: "dueDate" }] });
  }, 240_000);

  it("counts a chunk once however many times it is delivered, and writes no invoice twice", async () => {
    // Prepare
    const rows = 450;
    const id = await startUploadJob(stack, stack.apiKey, "csv", csvFile(rows, "DUP"));

    // Act: the same message three times at once, as SQS may deliver it, and again once finished.
    const message = JSON.stringify({ tenantId: stack.tenantId, jobId: id });
    await Promise.all([1, 2, 3].map(() => stack.uploads.enqueue(message)));
    await stack.uploads.idle();
    await stack.uploads.enqueue(message);
    const { job, rows: results } = await finishedJob(stack, stack.apiKey, id);

    // Assess
    expect(job.status).toBe("done");
    expect(job.counts.read).toBe(rows);
    expect(results).toHaveLength(rows);
    expect(new Set(results.map((row: { row: number }) => row.row)).size).toBe(rows);
    expect(results.filter((row: { status: string }) => row.status === "created")).toHaveLength(
      job.counts.created,
    );
  }, 240_000);

  it("reads a JSON array, refusing an invoice number given twice across chunks by its place", async () => {
    // Prepare
    const invoices = Array.from({ length: 450 }, (_, i) =>
      anInvoiceInput({ invoiceNumber: `J-${i}`, ...(i === 10 ? { amount: "-5" } : {}) }),
    );
    invoices[440] = anInvoiceInput({ invoiceNumber: "J-3" });

    // Act
    const id = await startUploadJob(stack, stack.apiKey, "json", JSON.stringify(invoices));
    const { job, rows } = await finishedJob(stack, stack.apiKey, id);

    // Assess
    expect(job).toMatchObject({ status: "done", counts: { read: 450, created: 448, rejected: 2 } });
    expect(rows.map((row: { index: number }) => row.index)).toEqual(invoices.map((_, i) => i));
    expect(rows[10]).toMatchObject({ status: "rejected", errors: [{ path: "amount" }] });
    expect(rows[440]).toMatchObject({
      status: "rejected",
      errors: [{ path: "[440].invoiceNumber", message: "J-3 is already at [3] in this upload" }],
    });
  }, 240_000);

  it("fails a file whose header names an unknown column, saying which", async () => {
    const id = await startUploadJob(stack, stack.apiKey, "csv", `${HEADER};colour\nX;NOK\n`);
    const { job } = await finishedJob(stack, stack.apiKey, id);
    expect(job.status).toBe("failed");
    expect(job.problem.errors).toContainEqual(expect.objectContaining({ path: "colour" }));
  });

  it("waits for its file, and is not found under another tenant's key", async () => {
    // Prepare
    const created = await apiRequest(stack, stack.apiKey, "POST", "/v1/uploads", { format: "csv" });
    const id = created.body.upload.id;

    // Act
    const own = await apiRequest(stack, stack.apiKey, "GET", `/v1/uploads/${id}`);
    const other = await apiRequest(stack, otherKey, "GET", `/v1/uploads/${id}`);
    const otherRows = await apiRequest(stack, otherKey, "GET", `/v1/uploads/${id}/rows`);

    // Assess
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ method: "PUT", headers: { "content-type": "text/csv" } });
    expect(own.body).toMatchObject({ status: "waiting_for_file", counts: { read: 0 } });
    expect(other.status).toBe(404);
    expect(otherRows.status).toBe(404);
  });

  it("refuses a job request without a format, and a cursor it never gave out", async () => {
    const created = await apiRequest(stack, stack.apiKey, "POST", "/v1/uploads", { format: "xlsx" });
    const id = (await apiRequest(stack, stack.apiKey, "POST", "/v1/uploads", { format: "csv" })).body.upload
      .id;
    const rows = await apiRequest(stack, stack.apiKey, "GET", `/v1/uploads/${id}/rows?cursor=7`);
    expect(created.status).toBe(422);
    expect(created.body.errors[0].path).toBe("format");
    expect(rows.status).toBe(400);
  });
});

describe("dun upload, a file above the synchronous limit", () => {
  it("goes up as an upload job, with progress on stderr, and answers as the chunked upload does", async () => {
    // Prepare
    const dir = await mkdtemp(path.join(tmpdir(), "dun-upload-job-"));
    const file = path.join(dir, "invoices.csv");
    await writeFile(file, csvFile(450, "CLI"));
    const api = (key: string) => new DunApi({ url: stack.apiUrl, key, source: "--api" });
    const asJob = terminal({ json: true });
    const chunked = terminal({ json: true });
    const shown = terminal();

    // Act
    const code = await uploadFile(
      { api: api(stack.apiKey), terminal: asJob, jobAbove: 100, pollMs: 50 },
      file,
    );
    const inChunks = await uploadFile(
      {
        api: api(otherKey),
        terminal: chunked,
        jobAbove: 10_000,
        limits: { rowsPerChunk: 100, maxChunkBytes: 4_000_000 },
      },
      file,
    );
    await uploadFile({ api: api(stack.apiKey), terminal: shown, jobAbove: 100, pollMs: 50 }, file);
    await rm(dir, { recursive: true, force: true });

    // Assess
    const job = JSON.parse(asJob.out.text) as UploadReport;
    const sync = JSON.parse(chunked.out.text) as UploadReport;
    expect(code).toBe(EXIT.refused);
    expect(inChunks).toBe(EXIT.refused);
    expect(job.results).toEqual(sync.results);
    expect(job.summary).toEqual(sync.summary);
    expect(shown.err.text).toContain("uploading invoices.csv: 450/450 rows");
    expect(shown.out.text).toContain("450 rows: 0 created, 0 updated,");
    expect(shown.out.text).toMatch(/^row \d+: dueDate: /m);
  }, 240_000);
});
