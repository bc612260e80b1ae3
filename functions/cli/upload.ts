/**
 * `dun upload FILE`: invoices from a CSV or JSON file, through POST /v1/invoices. A big file goes
 * up in chunks (upload-plan.ts) with a progress bar; what comes back reads as one answer for the
 * whole file: every rejected row with its line in the file and the field at fault, then the count
 * of created, updated, unchanged and rejected invoices. Exit code 3 when any row was rejected.
 *
 * A file of more rows than UPLOAD_JOB_ABOVE_ROWS (several synchronous requests' worth) goes up whole as an
 * upload job instead (POST /v1/uploads, PUT to S3): the bar follows the job's rows read, and the
 * answer is the job's per-row results, read the same way.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { bodyText } from "#api/body-text.ts";
import { UPLOAD_JOB_ABOVE_ROWS } from "#api/upload-limits.ts";
import { ApiError, type DunApi, type UploadResult, type UploadSummary } from "./api-client.ts";
import { CliError, EXIT, type ExitCode, type Terminal, UsageError, writeJson } from "./command.ts";
import { progressOn } from "./progress.ts";
import {
  type Place,
  planCsvUpload,
  planJsonUpload,
  type UploadChunk,
  type UploadLimits,
} from "./upload-plan.ts";

export type UploadFormat = "csv" | "json";

type JobApi = Pick<DunApi, "startUploadJob" | "putUploadFile" | "getUploadJob" | "getUploadRows">;

export type UploadDeps = {
  /** Without the upload job's calls, every file goes up in chunks of synchronous requests. */
  api: Pick<DunApi, "uploadInvoices"> & Partial<JobApi>;
  terminal: Terminal;
  limits?: UploadLimits;
  /** Files of more rows than this go up as an upload job; UPLOAD_JOB_ABOVE_ROWS unless given. */
  jobAbove?: number;
  /** How often a job's progress is asked for. */
  pollMs?: number;
};

/** One invoice's answer, placed in the file: `row` is its line (CSV), `index` its place in the array (JSON). */
export type PlacedResult = UploadResult & Place;

export type UploadReport = { file: string; results: PlacedResult[]; summary: UploadSummary };

const CONTENT_TYPE = { csv: "text/csv", json: "application/json" } as const;

export async function uploadFile(
  deps: UploadDeps,
  file: string,
  options: { format?: UploadFormat } = {},
): Promise<ExitCode> {
  const { terminal } = deps;
  const format = options.format ?? formatOf(file);
  const text = utf8Text(file, await readBytes(file), format);
  const plan = format === "csv" ? planCsvUpload(text, deps.limits) : planJsonUpload(text, deps.limits);

  const unit = format === "csv" ? "rows" : "invoices";
  if (
    plan.items !== undefined &&
    plan.items > (deps.jobAbove ?? UPLOAD_JOB_ABOVE_ROWS) &&
    hasJobApi(deps.api)
  ) {
    const results = await uploadAsJob({ ...deps, api: deps.api }, file, format, text, plan.items);
    return answer(terminal, { file, results, summary: summarise(results) }, plan.items, unit);
  }

  const results: PlacedResult[] = [...plan.refused];
  const progress =
    plan.chunks.length > 1 && !terminal.json && plan.items !== undefined
      ? progressOn(
          terminal.err,
          `uploading ${path.basename(file)}`,
          plan.items,
          format === "csv" ? "rows" : "invoices",
        )
      : undefined;
  let done = plan.refused.length;
  progress?.update(done);
  for (const [number, chunk] of plan.chunks.entries()) {
    let answer: Awaited<ReturnType<UploadDeps["api"]["uploadInvoices"]>>;
    try {
      answer = await deps.api.uploadInvoices(chunk.body, CONTENT_TYPE[format]);
    } catch (error) {
      progress?.end();
      if (number > 0) {
        terminal.err.write(
          `dun: ${done} of ${plan.items} ${format === "csv" ? "rows" : "invoices"} were sent before this failure; ` +
            "uploads are idempotent, so sending the whole file again is safe\n",
        );
      }
      throw error instanceof ApiError ? inFileRows(error, chunk) : error;
    }
    answer.results.forEach((result, position) => {
      results.push(placed(result, chunk.placeOf(position, result.row)));
    });
    done += chunk.items;
    progress?.update(done);
  }
  progress?.end();

  results.sort(byPlace);
  return answer(terminal, { file, results, summary: summarise(results) }, plan.items ?? results.length, unit);
}

function answer(
  terminal: Terminal,
  report: UploadReport,
  count: number,
  unit: "rows" | "invoices",
): ExitCode {
  if (terminal.json) writeJson(terminal.out, report);
  else writeReport(terminal, report, count, unit);
  return report.summary.rejected + report.summary.conflict > 0 ? EXIT.refused : EXIT.ok;
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/**
 * The file as text, refused as the API refuses a body that is not UTF-8 (#api/body-text.ts): read
 * leniently, a Windows-1252 export would go up with "\uFFFD" for every letter outside ASCII, which
 * is valid UTF-8 that the API could no longer tell from the real thing.
 */
function utf8Text(file: string, bytes: Buffer, format: UploadFormat): string {
  const text = bodyText(bytes);
  if (text.ok) return text.text;
  const where = `${format === "csv" ? "row" : "line"} ${text.notUtf8.line}`;
  throw new CliError(
    `${file} is not UTF-8: ${where} holds a byte that is not (byte ${text.notUtf8.offset}); ` +
      (format === "csv"
        ? 'it was saved in another encoding, such as Excel\'s plain "CSV" (Windows-1252): save it as "CSV UTF-8"'
        : "save it as UTF-8"),
    EXIT.refused,
  );
}

function hasJobApi(api: UploadDeps["api"]): api is UploadDeps["api"] & JobApi {
  return (
    api.startUploadJob !== undefined &&
    api.putUploadFile !== undefined &&
    api.getUploadJob !== undefined &&
    api.getUploadRows !== undefined
  );
}

/** The whole file as one upload job: PUT to S3, the job's progress on the bar, then its rows. */
async function uploadAsJob(
  deps: UploadDeps & { api: JobApi },
  file: string,
  format: UploadFormat,
  text: string,
  items: number,
): Promise<PlacedResult[]> {
  const { api, terminal } = deps;
  const created = await api.startUploadJob(format);
  await api.putUploadFile(created.uploadUrl, created.headers, text);
  const unit = format === "csv" ? "rows" : "invoices";
  const progress = terminal.json
    ? undefined
    : progressOn(terminal.err, `uploading ${path.basename(file)}`, items, unit);
  let job = created.upload;
  try {
    for (;;) {
      job = await api.getUploadJob(job.id);
      progress?.update(job.counts.read);
      if (job.status === "done" || job.status === "failed") break;
      await sleep(deps.pollMs ?? 1000);
    }
  } finally {
    progress?.end();
  }
  if (job.status === "failed") {
    const problem = job.problem ?? { detail: "the upload job failed", errors: [] };
    throw new ApiError(`upload job ${job.id}`, {
      title: "Upload failed",
      status: 422,
      detail: `${problem.detail}; ${job.counts.read} ${unit} were read before it stopped`,
      errors: problem.errors,
      body: job,
    });
  }
  const results: PlacedResult[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.getUploadRows(job.id, cursor);
    for (const { index, row, ...result } of page.results) {
      // A CSV row is already its line in the file; a JSON invoice is its place in the array.
      results.push({ ...result, ...(format === "csv" ? { row } : { index }) });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return results.sort(byPlace);
}

function formatOf(file: string): UploadFormat {
  const extension = path.extname(file).toLowerCase();
  if (extension === ".csv") return "csv";
  if (extension === ".json") return "json";
  throw new UsageError(
    `cannot tell what ${file} holds from its name: use a .csv or .json file, or pass --format csv|json`,
  );
}

/** A refusal of a whole chunk, its "row 7: …" paths turned into lines of the file. */
function inFileRows(error: ApiError, chunk: UploadChunk): ApiError {
  const errors = error.problem.errors.map((field) => ({
    ...field,
    path: field.path.replace(/^row (\d+)/, (text, row) => {
      const line = chunk.placeOf(0, Number(row)).row;
      return line === undefined ? text : `row ${line}`;
    }),
  }));
  return new ApiError(error.request, { ...error.problem, errors });
}

/** The answer with the API's `row` (a line of the body it got) replaced by the line in the file. */
function placed(result: UploadResult, place: Place): PlacedResult {
  const { row: _bodyRow, ...rest } = result;
  return { ...rest, ...place };
}

function byPlace(a: PlacedResult, b: PlacedResult): number {
  return (a.row ?? a.index ?? 0) - (b.row ?? b.index ?? 0);
}

function summarise(results: readonly PlacedResult[]): UploadSummary {
  const summary: UploadSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0, conflict: 0 };
  for (const result of results) summary[result.status] += 1;
  return summary;
}

function writeReport(
  terminal: Terminal,
  report: UploadReport,
  count: number,
  unit: "rows" | "invoices",
): void {
  const { out } = terminal;
  for (const result of report.results) {
    if (result.status !== "rejected" && result.status !== "conflict") continue;
    const where = placeText(result);
    for (const error of result.errors) {
      const field = fieldOf(error.path, result.index);
      out.write(`${where}: ${field ? `${field}: ` : ""}${error.message}\n`);
    }
  }
  const { created, updated, unchanged, rejected, conflict } = report.summary;
  out.write(
    `${report.file}: ${count} ${count === 1 ? unit.slice(0, -1) : unit}: ` +
      `${created} created, ${updated} updated, ${unchanged} unchanged, ${rejected} rejected` +
      `${conflict > 0 ? `, ${conflict} in conflict (upload them again)` : ""}\n`,
  );
}

/** `row 7` in a CSV file, `[3] INV-1003` in a JSON array, the invoice number for a lone invoice. */
function placeText(result: PlacedResult): string {
  if (result.row !== undefined) return `row ${result.row}`;
  const number = result.invoiceNumber ?? "(no invoice number)";
  return result.index !== undefined ? `[${result.index}] ${number}` : number;
}

/** An error's path within its invoice: the API writes a repeat's as `[3].invoiceNumber`, placed in the upload. */
function fieldOf(path: string, index: number | undefined): string {
  const prefix = index === undefined ? undefined : `[${index}]`;
  if (prefix && path.startsWith(prefix)) return path.slice(prefix.length).replace(/^\./, "");
  return path;
}
