/**
 * How a file of invoices goes up: in one request when it is small, else in chunks of at most
 * `rowsPerChunk` invoices (and `maxChunkBytes`), each chunk a file the API reads on its own. The
 * answers must read as if the whole file had gone up at once, so each chunk carries a map back to
 * the file: the API numbers a CSV row by its line in the body it got, and the user wants the line
 * in their file.
 *
 * A CSV file is cut at record boundaries that csv-parse finds, with the options the API reads it
 * with (functions/api/csv-invoices.ts): a quoted field may hold a line break, so a line is not a
 * row. Every chunk repeats the header; a byte order mark is dropped first, and never repeated.
 *
 * An invoice number given twice in one file is refused from its second row on, as the API does
 * within one body; across chunks the API cannot see it, so the refusal is made here, with the
 * API's own words, and the repeat is never sent.
 */
import { parse } from "csv-parse/sync";
import { CSV_PARSE_OPTIONS, splitHeader } from "#api/csv-invoices.ts";
import { MAX_SYNC_UPLOAD_ROWS } from "#api/sync-upload-limit.ts";
import type { UploadResult } from "./api-client.ts";

export type UploadLimits = {
  /** Invoices per request: the API takes up to MAX_SYNC_UPLOAD_ROWS, and a smaller request shows progress sooner. */
  rowsPerChunk: number;
  /** Bytes per request, kept under the API's 5 500 000 with room to spare. */
  maxChunkBytes: number;
};

export const DEFAULT_LIMITS: UploadLimits = { rowsPerChunk: MAX_SYNC_UPLOAD_ROWS, maxChunkBytes: 4_000_000 };

/** Where an answer about one invoice points in the file: a CSV line, or a JSON array's index. */
export type Place = { row?: number; index?: number };

export type UploadChunk = {
  body: string;
  /** Invoices in the body, for the progress bar. */
  items: number;
  /** Where the `position`-th answer to this body, saying `row` (CSV) or nothing (JSON), is in the file. */
  placeOf(position: number, row: number | undefined): Place;
};

export type UploadPlan = {
  /** Invoices in the file, when it could be read here; otherwise the API says what is wrong with it. */
  items: number | undefined;
  chunks: UploadChunk[];
  /** Invoices refused without being sent: repeats of an invoice number, placed in the file. */
  refused: (UploadResult & Place)[];
};

// ——— CSV ———

type CsvRecord = { fields: string[]; start: number; end: number };

const LF = 0x0a;

export function planCsvUpload(text: string, limits: UploadLimits = DEFAULT_LIMITS): UploadPlan {
  // The API drops a BOM itself; a chunk after the first must not start with one mid-file.
  const content = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const bytes = Buffer.from(content, "utf8");
  const records = readRecords(bytes);
  const headerAt = records?.findIndex((record) => !isBlank(record));
  const header = headerAt === undefined ? undefined : records?.[headerAt];
  // A file that cannot be read here goes up whole, for the API to say what is wrong with it.
  if (!records || headerAt === undefined || !header) return whole(text, undefined);

  const lines = new LineCounter(bytes);
  const rows: (CsvRecord & { row: number; lineAtStart: number })[] = [];
  for (const record of records.slice(headerAt + 1)) {
    if (isBlank(record)) continue;
    // A record ends after its line break (csv-parse counts it in), except the file's last one.
    if (record.end < bytes.length && bytes[record.end - 1] !== LF) return whole(text, undefined);
    const lineAtStart = lines.lineOf(record.start);
    rows.push({ ...record, lineAtStart, row: lines.firstLineWithTextFrom(record.start) });
  }
  if (rows.length <= limits.rowsPerChunk && bytes.length <= limits.maxChunkBytes) {
    return whole(text, rows.length);
  }

  const columns = header.fields.map((field) => field.trim());
  const numberAt = columns.indexOf("invoiceNumber");
  const firstRowOf = new Map<string, number>();
  const refused: UploadPlan["refused"] = [];
  const sent: typeof rows = [];
  for (const row of rows) {
    // Only a row the API would read at all registers its invoice number (csv-invoices.ts readRow).
    const number = row.fields.length === columns.length ? row.fields[numberAt]?.trim() : undefined;
    if (number) {
      const first = firstRowOf.get(number);
      if (first !== undefined) {
        refused.push({
          // As the API answers a row it refuses while reading the file: before any invoice is made of it.
          invoiceNumber: null,
          status: "rejected",
          row: row.row,
          errors: [
            {
              path: "invoiceNumber",
              message: `invoiceNumber ${clip(number, 64)} is already on row ${first}`,
            },
          ],
        });
        continue;
      }
      firstRowOf.set(number, row.row);
    }
    sent.push(row);
  }

  let headerBytes = bytes.subarray(0, header.end);
  if (headerBytes.at(-1) !== LF) headerBytes = Buffer.concat([headerBytes, Buffer.from("\n")]);
  const headerLines = countLines(headerBytes);
  const chunks: UploadChunk[] = [];
  let batch: typeof rows = [];
  let batchBytes = headerBytes.length;
  const flush = () => {
    if (batch.length > 0) chunks.push(csvChunk(bytes, headerBytes, headerLines, batch));
    batch = [];
    batchBytes = headerBytes.length;
  };
  for (const row of sent) {
    const size = row.end - row.start;
    if (
      batch.length >= limits.rowsPerChunk ||
      (batch.length > 0 && batchBytes + size > limits.maxChunkBytes)
    ) {
      flush();
    }
    batch.push(row);
    batchBytes += size;
  }
  flush();
  return { items: rows.length, chunks, refused };
}

/**
 * The header, then each record's bytes from where the record before it ended (blank lines and
 * all), so that every record starts on a line of the body that maps to a line of the file.
 */
function csvChunk(
  bytes: Buffer,
  header: Buffer,
  headerLines: number,
  rows: readonly (CsvRecord & { lineAtStart: number })[],
): UploadChunk {
  const segments: { bodyLine: number; fileLine: number }[] = [];
  const parts: Buffer[] = [header];
  let bodyLine = headerLines + 1;
  for (const row of rows) {
    const part = bytes.subarray(row.start, row.end);
    segments.push({ bodyLine, fileLine: row.lineAtStart });
    parts.push(part);
    bodyLine += countLines(part);
  }
  const fileLineOf = (line: number): number => {
    // The last segment starting at or before the line: segments are in body order.
    let low = 0;
    let high = segments.length - 1;
    let found: (typeof segments)[number] | undefined;
    while (low <= high) {
      const middle = (low + high) >> 1;
      const segment = segments[middle];
      if (segment && segment.bodyLine <= line) {
        found = segment;
        low = middle + 1;
      } else high = middle - 1;
    }
    // Lines of the header are the file's own first lines.
    return found ? found.fileLine + (line - found.bodyLine) : line;
  };
  return {
    body: Buffer.concat(parts).toString("utf8"),
    items: rows.length,
    placeOf: (_position, row) => (row === undefined ? {} : { row: fileLineOf(row) }),
  };
}

/** Every record of the file, with the bytes it spans; undefined when the file is not CSV the API reads. */
function readRecords(bytes: Buffer): CsvRecord[] | undefined {
  const header = splitHeader(bytes);
  if (!header.ok) return undefined;
  const records: CsvRecord[] = [];
  let start = 0;
  try {
    // The options and the delimiter the API reads the file with: the same records, the same rows.
    parse(bytes, {
      ...CSV_PARSE_OPTIONS,
      delimiter: header.delimiter,
      on_record: (fields: string[], context: { bytes: number }) => {
        records.push({ fields, start, end: context.bytes });
        start = context.bytes;
        return null;
      },
    });
  } catch {
    return undefined;
  }
  return records;
}

function isBlank(record: CsvRecord): boolean {
  return record.fields.every((field) => field.trim() === "");
}

/** Line numbers of byte offsets that only grow, counted in one pass over the file. */
class LineCounter {
  private position = 0;
  private line = 1;

  constructor(private readonly bytes: Buffer) {}

  /** The line the byte at `offset` is on. */
  lineOf(offset: number): number {
    for (; this.position < offset; this.position++) if (this.bytes[this.position] === LF) this.line++;
    return this.line;
  }

  /** The line where text starts at or after `offset`: the row the API names a record by. */
  firstLineWithTextFrom(offset: number): number {
    let at = offset;
    while (at < this.bytes.length && isBlankByte(this.bytes[at])) at++;
    return this.lineOf(at);
  }
}

// Space, tab, LF, CR: ASCII, so never part of a multi-byte UTF-8 character.
const isBlankByte = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x09 || byte === LF || byte === 0x0d;

function countLines(bytes: Buffer): number {
  let count = 0;
  for (const byte of bytes) if (byte === LF) count++;
  return count;
}

// ——— JSON ———

/** A JSON file: an array of many invoices goes up in slices, an object or a short array whole. */
export function planJsonUpload(text: string, limits: UploadLimits = DEFAULT_LIMITS): UploadPlan {
  // JSON has no byte order mark, and the API's JSON.parse refuses one; an editor may have written it.
  const content = text.startsWith("\uFEFF") ? text.slice(1) : text;
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return whole(content, undefined, true);
  }
  if (!Array.isArray(json)) return whole(content, 1, false);
  if (json.length <= limits.rowsPerChunk && Buffer.byteLength(content) <= limits.maxChunkBytes) {
    return whole(content, json.length, true);
  }

  const firstIndexOf = new Map<string, number>();
  const refused: UploadPlan["refused"] = [];
  const sent: { item: unknown; index: number; size: number }[] = [];
  for (const [index, item] of json.entries()) {
    const number = (item as { invoiceNumber?: unknown } | null)?.invoiceNumber;
    const first = typeof number === "string" ? firstIndexOf.get(number) : undefined;
    if (typeof number === "string" && first !== undefined) {
      refused.push({
        invoiceNumber: number,
        status: "rejected",
        index,
        errors: [{ path: "invoiceNumber", message: `${number} is already at [${first}] in this upload` }],
      });
      continue;
    }
    if (typeof number === "string") firstIndexOf.set(number, index);
    sent.push({ item, index, size: Buffer.byteLength(JSON.stringify(item)) + 1 });
  }

  const chunks: UploadChunk[] = [];
  let batch: typeof sent = [];
  let batchBytes = 2;
  const flush = () => {
    if (batch.length === 0) return;
    const indexes = batch.map(({ index }) => index);
    chunks.push({
      body: JSON.stringify(batch.map(({ item }) => item)),
      items: batch.length,
      placeOf: (position) => ({ index: indexes[position] ?? position }),
    });
    batch = [];
    batchBytes = 2;
  };
  for (const entry of sent) {
    if (
      batch.length >= limits.rowsPerChunk ||
      (batch.length > 0 && batchBytes + entry.size > limits.maxChunkBytes)
    ) {
      flush();
    }
    batch.push(entry);
    batchBytes += entry.size;
  }
  flush();
  return { items: json.length, chunks, refused };
}

// ——— both ———

/** The file as it is, in one request: the API's row numbers are already the file's lines. */
function whole(text: string, items: number | undefined, array = false): UploadPlan {
  return {
    items,
    chunks: [
      {
        body: text,
        items: items ?? 0,
        placeOf: (position, row) => (row !== undefined ? { row } : array ? { index: position } : {}),
      },
    ],
    refused: [],
  };
}

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}
