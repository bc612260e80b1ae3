/**
 * A 100 000-row CSV through an upload job in local mode, end to end: POST /v1/uploads, the PUT to
 * s3rver, the worker reading it a chunk per invocation through the synchronous upload code on
 * dynalite, and every per-row result read back through GET …/rows. Judged by whether every row was
 * answered, and by the worker's longest chunk against its Lambda timeout (it hands the job on once
 * half is spent, so a chunk must take well under half). dynalite does DynamoDB's work in this
 * process on the same shared cores, so the times are an upper bound.
 *
 * UPLOAD_JOB_BENCH_ROWS sets a smaller file while developing.
 */
import { JOB_CHUNK_ROWS } from "#api/upload-limits.ts";
import { startLocalStack } from "#local/local-stack.ts";
import { UPLOAD_WORKER_TIMEOUT_SECONDS } from "../infra/constructs/uploads.ts";
import { finishedJob, startUploadJob } from "../test/support/upload-jobs.ts";
import type { Figure, Suite } from "./figure.ts";

const ROWS = Number(process.env.UPLOAD_JOB_BENCH_ROWS ?? 100_000);
const HEADER =
  "invoiceNumber;currency;amount;issueDate;dueDate;customer.name;customer.email;customer.locale;customer.country;customer.type";

/** One row in a hundred has an impossible due date: rejected, naming the field. */
function csvOf(rows: number): string {
  const lines = [HEADER];
  for (let row = 1; row <= rows; row++) {
    const due = row % 100 === 0 ? "2026-11-31" : "2026-12-15";
    lines.push(
      `JOB-${row};NOK;1 250,00;2026-11-01;${due};Kunde ${row} AS;a${row}@example.com;nb-NO;NO;business`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export const uploadJobSuite: Suite = {
  title: "Upload jobs",
  async run(): Promise<Figure[]> {
    // One chunk per invocation, so that each invocation's time is one chunk's.
    const stack = await startLocalStack({ speed: 0, demo: false, uploads: { invocationMs: 0 } });
    try {
      const started = performance.now();
      const id = await startUploadJob(stack, stack.apiKey, "csv", csvOf(ROWS));
      const { job, rows } = await finishedJob(stack, stack.apiKey, id);
      const ms = performance.now() - started;
      const chunks = stack.uploads.outcomes.filter((o) => o.outcome === "continued" || o.outcome === "done");
      const longest = Math.max(...chunks.map((o) => o.ms));
      const median = chunks.map((o) => o.ms).sort((a, b) => a - b)[Math.floor(chunks.length / 2)] ?? 0;
      const answered = job.status === "done" && job.counts.read === ROWS && rows.length === ROWS;
      const rejected = rows.filter((row: { status: string }) => row.status === "rejected").length;
      const timeoutMs = UPLOAD_WORKER_TIMEOUT_SECONDS * 1000;
      return [
        {
          name: `upload_job.csv_${ROWS}_rows`,
          value: ms,
          unit: "ms",
          ratio: {
            value: answered ? rows.length / ROWS : 0,
            of: "rows answered in the job's per-row results / rows in the file",
            goal: "= 1",
            met: answered && rejected === Math.floor(ROWS / 100),
          },
          note: `${chunks.length} chunks of ${JOB_CHUNK_ROWS} rows, one per worker invocation, ${job.pages} result pages; ${rejected} rows rejected (every hundredth, as planted); on dynalite and s3rver in this process`,
        },
        {
          name: "upload_job.worker_longest_chunk",
          value: longest,
          unit: "ms",
          ratio: {
            value: longest / timeoutMs,
            of: `the longest chunk / the worker's ${UPLOAD_WORKER_TIMEOUT_SECONDS} s timeout`,
            goal: "≤ 0.5",
            met: longest / timeoutMs <= 0.5,
          },
          note: `median chunk ${Math.round(median)} ms (${((median / timeoutMs) * 100).toFixed(1)} % of the timeout): the worker takes another chunk while half its time is left`,
        },
      ];
    } finally {
      await stack.close();
    }
  },
};
