/**
 * Reads a CSV upload of invoices into the JSON upload shape, one object per row, so that the route
 * can hand every row to InvoiceInputSchema like any JSON invoice. This file only reads the CSV:
 * whether an amount, a date or an address is valid is the schema's call, not this one's.
 *
 * What is refused here is what the schema cannot see: a file whose columns are unknown or missing,
 * a row whose cells do not line up with the header, a cell that cannot become the JSON type its
 * field needs (a yes/no, a number of days), and a second row for an invoice number already given.
 */
import { CsvError, parse } from "csv-parse/sync";

/** Rows one CSV file may hold, unless the reader is given fewer (the synchronous upload takes fewer). */
export const MAX_CSV_ROWS = 10_000;

type CellKind = "text" | "yesNo" | "days" | "percent" | "emails";
type Column = { readonly name: string; readonly kind: CellKind; readonly required: boolean };

// The order is the order docs/CSV.md lists them in and a template spreadsheet would use.
const COLUMNS: readonly Column[] = [
  { name: "invoiceNumber", kind: "text", required: true },
  { name: "currency", kind: "text", required: true },
  { name: "amount", kind: "text", required: true },
  { name: "amountPaid", kind: "text", required: false },
  { name: "issueDate", kind: "text", required: true },
  { name: "dueDate", kind: "text", required: true },
  { name: "paymentReference", kind: "text", required: false },
  { name: "paymentReferenceType", kind: "text", required: false },
  { name: "paymentUrl", kind: "text", required: false },
  { name: "reminderFeeAgreed", kind: "yesNo", required: false },
  { name: "customer.id", kind: "text", required: false },
  { name: "customer.name", kind: "text", required: true },
  { name: "customer.email", kind: "emails", required: true },
  { name: "customer.locale", kind: "text", required: true },
  { name: "customer.country", kind: "text", required: true },
  { name: "customer.timeZone", kind: "text", required: false },
  { name: "customer.type", kind: "text", required: true },
  { name: "customer.accountManagerEmail", kind: "text", required: false },
  { name: "earlyPaymentDiscount.percent", kind: "percent", required: false },
  { name: "earlyPaymentDiscount.withinDays", kind: "days", required: false },
];

export const CSV_COLUMNS: readonly string[] = COLUMNS.map((column) => column.name);

const COLUMN_BY_NAME: ReadonlyMap<string, Column> = new Map(COLUMNS.map((column) => [column.name, column]));

export type CsvRow = { row: number; input: Record<string, unknown> };
export type CsvProblem = { row: number | null; path: string; message: string };
export type CsvRead =
  | { ok: true; rows: CsvRow[]; problems: CsvProblem[] }
  | {
      ok: false;
      reason: "empty" | "unknown_columns" | "missing_columns" | "too_many_rows" | "malformed";
      problems: CsvProblem[];
    };

type Delimiter = "," | ";";
const DELIMITERS: readonly Delimiter[] = [",", ";"];

/**
 * Reads `text` (UTF-8, with or without a BOM; "," or ";" between fields; quotes per RFC 4180; CRLF
 * or LF line ends). Row numbers are line numbers in the file, the header usually being 1, so that
 * the person who uploaded it finds the row in their editor. Never throws, whatever the text.
 */
export function readInvoiceCsv(text: string, maxRows: number = MAX_CSV_ROWS): CsvRead {
  const content = text.startsWith("\uFEFF") ? text.slice(1) : text;
  if (content.trim() === "") {
    return refuse("empty", fileProblem("", "the file is empty: it needs a header line and at least one row"));
  }
  // csv-parse reports positions in bytes; line numbers are counted over the same bytes.
  const bytes = Buffer.from(content, "utf8");

  const header = readHeader(bytes, content);
  if (!header.ok) return header;
  const { delimiter, columns } = header;

  const parsed = parseRecords(bytes, delimiter, maxRows);
  if (!parsed.ok) return parsed;
  // The first record is the header itself.
  const dataRecords = parsed.records.slice(1);
  if (dataRecords.length === 0) {
    return refuse("empty", fileProblem("", "the file has a header line but no rows of invoices"));
  }

  const rows: CsvRow[] = [];
  const problems: CsvProblem[] = [];
  const rowOfInvoiceNumber = new Map<string, number>();
  for (const record of dataRecords) {
    const read = readRow(record, columns, delimiter, rowOfInvoiceNumber);
    if (read.problems.length === 0) rows.push({ row: record.line, input: read.input });
    else problems.push(...read.problems);
  }
  return { ok: true, rows, problems };
}

// ——— the header ———

type Header = { ok: true; delimiter: Delimiter; columns: readonly Column[] };

function readHeader(bytes: Buffer, content: string): Header | Extract<CsvRead, { ok: false }> {
  const split = splitHeader(bytes);
  if (!split.ok) {
    const why =
      split.why === "no_known_column"
        ? `names no known column when split at "," or at ";"; it should read like ${CSV_COLUMNS.slice(0, 4).join(";")};…`
        : `splits into known columns both at "," and at ";": use one delimiter throughout the file`;
    return refuse(
      "malformed",
      fileProblem("", `the header line ${quoteCell(firstLine(content), 120)} ${why}`),
    );
  }
  const fields = split.fields.map((field) => field.trim());

  const duplicates = duplicateNames(fields);
  if (duplicates.length > 0) {
    return refuse(
      "malformed",
      ...duplicates.map(({ name, positions }) =>
        fileProblem(
          name,
          `the column ${quoteCell(name)} appears more than once in the header (columns ${positions.join(", ")})`,
        ),
      ),
    );
  }

  const unknown = fields.flatMap((name, index) =>
    COLUMN_BY_NAME.has(name)
      ? []
      : [fileProblem(name, unknownColumnMessage(name, index + 1, split.delimiter))],
  );
  const missing = COLUMNS.filter((column) => column.required && !fields.includes(column.name)).map((column) =>
    fileProblem(column.name, `the required column ${quoteCell(column.name)} is missing from the header`),
  );
  // Both lists at once, so that one round of corrections fixes the header.
  if (unknown.length > 0) return refuse("unknown_columns", ...unknown, ...missing);
  if (missing.length > 0) return refuse("missing_columns", ...missing);

  const columns = fields.map((name) => COLUMN_BY_NAME.get(name)).filter((column) => column !== undefined);
  return { ok: true, delimiter: split.delimiter, columns };
}

export type HeaderSplit =
  | { ok: true; delimiter: Delimiter; fields: string[] }
  | { ok: false; why: "no_known_column" | "both_delimiters" };

/**
 * The delimiter the file is written with: the one that splits the header (`bytes`, without a BOM)
 * into known columns, and the header's fields as it splits them. dun's CLI cuts a big file into
 * chunks with the same decision (functions/cli/upload-plan.ts).
 */
export function splitHeader(bytes: Buffer): HeaderSplit {
  const splits = DELIMITERS.map((delimiter) => ({ delimiter, fields: firstRecord(bytes, delimiter) }));
  const working = splits.filter(({ fields }) => fields?.some((field) => COLUMN_BY_NAME.has(field.trim())));
  const [first, second] = working;
  if (first?.fields === undefined) return { ok: false, why: "no_known_column" };
  // A header without either delimiter splits the same both ways: one column, no ambiguity.
  if (second !== undefined && !sameFields(first.fields, second.fields)) {
    return { ok: false, why: "both_delimiters" };
  }
  return { ok: true, delimiter: first.delimiter, fields: first.fields };
}

// Thrown from inside csv-parse to stop it once the header is read.
const HEADER_FOUND = new Error("header found");

/**
 * The header's fields as `delimiter` splits them, or undefined when the quoting does not hold up.
 * The header is the first record with something in it, as parseRecords counts records.
 */
function firstRecord(bytes: Buffer, delimiter: Delimiter): string[] | undefined {
  let header: string[] | undefined;
  try {
    parse(bytes, {
      ...CSV_PARSE_OPTIONS,
      delimiter,
      on_record: (fields) => {
        if (fields.every((field) => field.trim() === "")) return null;
        header = fields;
        // Guessing the delimiter need not read the whole file.
        throw HEADER_FOUND;
      },
    });
  } catch (error) {
    if (error !== HEADER_FOUND) return undefined;
  }
  return header;
}

function sameFields(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return a !== undefined && b !== undefined && a.length === b.length && a.every((field, i) => field === b[i]);
}

/** The first line with something on it, found without splitting a file of thousands of lines. */
function firstLine(text: string): string {
  return /^[ \t]*\S[^\r\n]*/m.exec(text)?.[0] ?? "";
}

function duplicateNames(names: readonly string[]): { name: string; positions: number[] }[] {
  const positions = new Map<string, number[]>();
  names.forEach((name, index) => {
    // Columns without a name are refused one by one, as unknown.
    if (name !== "") positions.set(name, [...(positions.get(name) ?? []), index + 1]);
  });
  return [...positions].filter(([, at]) => at.length > 1).map(([name, at]) => ({ name, positions: at }));
}

function unknownColumnMessage(name: string, position: number, delimiter: Delimiter): string {
  if (name === "") return `column ${position} has no name in the header; name it or remove the column`;
  const other = delimiter === "," ? ";" : ",";
  const parts = name.split(other).map((part) => part.trim());
  if (parts.length > 1 && parts.every((part) => COLUMN_BY_NAME.has(part))) {
    return `${quoteCell(name)} is not a known column: it joins ${listOf(
      parts.map((part) => quoteCell(part)),
      "and",
    )} with "${other}" where the header uses "${delimiter}"`;
  }
  const matches = closeMatches(name);
  const hint =
    matches.length > 0
      ? `did you mean ${listOf(
          matches.map((match) => quoteCell(match)),
          "or",
        )}?`
      : `the columns are ${CSV_COLUMNS.join(", ")}`;
  return `${quoteCell(name)} is not a known column; ${hint}`;
}

// ——— the rows ———

type RawRecord = { fields: string[]; line: number };

// Cell text is trimmed afterwards as well; `trim` here lets spaces sit around a quoted field.
// `relax_quotes` keeps a stray quote inside an unquoted field ("12" pipe") as text instead of
// refusing the whole file for it. Record delimiters are listed so a file that mixes CRLF and LF
// (two exports pasted together) still splits at every line end.
export const CSV_PARSE_OPTIONS = {
  relax_column_count: true,
  relax_quotes: true,
  skip_empty_lines: true,
  trim: true,
  record_delimiter: ["\r\n", "\n"],
};

// Thrown from inside csv-parse to stop it: a file over the limit is refused without reading the rest.
const TOO_MANY_ROWS = new Error("too many rows");

/** The records with something in them (a row of empty cells is a blank line that a spreadsheet kept). */
function parseRecords(
  bytes: Buffer,
  delimiter: Delimiter,
  maxRows: number,
): { ok: true; records: RawRecord[] } | Extract<CsvRead, { ok: false }> {
  const lines = lineCounter(bytes);
  const records: RawRecord[] = [];
  let end = 0;
  try {
    parse(bytes, {
      ...CSV_PARSE_OPTIONS,
      delimiter,
      on_record: (fields, context) => {
        const line = lines.at(end);
        end = context.bytes;
        if (fields.every((field) => field.trim() === "")) return null;
        // The header and maxRows rows fit; one more is one too many.
        if (records.length > maxRows) throw TOO_MANY_ROWS;
        records.push({ fields, line });
        return null;
      },
    });
  } catch (error) {
    if (error === TOO_MANY_ROWS) {
      return refuse(
        "too_many_rows",
        fileProblem("", `the file has more than ${maxRows} rows, the most one request may hold`),
      );
    }
    // A quote out of place leaves no telling where the following rows begin, so the whole file is
    // refused, naming the row where reading stopped making sense.
    return refuse("malformed", { row: lines.at(end), path: "", message: csvErrorMessage(error) });
  }
  return { ok: true, records };
}

/**
 * The line a record starts on, from the byte offset where the previous one ended: the first line
 * after it with something on it. Offsets only grow, so the bytes are scanned once in all.
 */
function lineCounter(bytes: Buffer): { at: (offset: number) => number } {
  let position = 0;
  let line = 1;
  return {
    at(offset) {
      let start = offset;
      while (start < bytes.length && isBlankByte(bytes[start])) start++;
      for (; position < start; position++) if (bytes[position] === 0x0a) line++;
      return line;
    },
  };
}

// Space, tab, LF, CR: ASCII, so never part of a multi-byte UTF-8 character.
const isBlankByte = (byte: number | undefined) =>
  byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;

function csvErrorMessage(error: unknown): string {
  const code = error instanceof CsvError ? error.code : undefined;
  switch (code) {
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field opens in this row and is never closed: every field that starts with a quote must end with one";
    case "CSV_INVALID_CLOSING_QUOTE":
    case "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE":
      return 'a quoted field goes on after its closing quote: write a quote inside a quoted field as two quotes ("")';
    case "CSV_MAX_RECORD_SIZE":
      return "this row is too long to be one invoice; is a quote left open?";
    default:
      return `the file cannot be read as CSV: ${error instanceof Error ? error.message : String(error)}`;
  }
}

type RowRead = { input: Record<string, unknown>; problems: CsvProblem[] };

function readRow(
  record: RawRecord,
  columns: readonly Column[],
  delimiter: Delimiter,
  rowOfInvoiceNumber: Map<string, number>,
): RowRead {
  const { fields, line: row } = record;
  if (fields.length !== columns.length) {
    return {
      input: {},
      problems: [{ row, path: "", message: fieldCountMessage(fields, columns.length, delimiter) }],
    };
  }
  const input: Record<string, unknown> = {};
  const problems: CsvProblem[] = [];
  columns.forEach((column, index) => {
    const cell = fields[index]?.trim() ?? "";
    if (cell === "") return;
    const value = readCell(column.kind, cell);
    if (!value.ok) {
      problems.push({ row, path: column.name, message: value.message });
      return;
    }
    // Keys come from the column table, never from the file, so no header can name "__proto__".
    const [group = column.name, field] = column.name.split(".");
    if (field === undefined) input[group] = value.value;
    else input[group] = { ...(input[group] as Record<string, unknown> | undefined), [field]: value.value };
  });

  const invoiceNumber = input.invoiceNumber;
  if (typeof invoiceNumber === "string") {
    const firstRow = rowOfInvoiceNumber.get(invoiceNumber);
    if (firstRow === undefined) rowOfInvoiceNumber.set(invoiceNumber, row);
    else {
      problems.push({
        row,
        path: "invoiceNumber",
        message: `invoiceNumber ${clip(invoiceNumber, 64)} is already on row ${firstRow}`,
      });
    }
  }
  return { input, problems };
}

function fieldCountMessage(fields: readonly string[], expected: number, delimiter: Delimiter): string {
  const found = `expected ${expected} fields, as in the header, but found ${fields.length}`;
  const other = delimiter === "," ? ";" : ",";
  // Enough of the other delimiter to separate every column: the row was written with it. A few
  // are only decimal commas.
  const othersInRow = fields.reduce((count, field) => count + field.split(other).length - 1, 0);
  if (fields.length < expected && othersInRow >= expected - 1) {
    return `${found}: this row seems to use "${other}" where the header uses "${delimiter}"`;
  }
  if (fields.length > expected && delimiter === ",") {
    return `${found}: a value holding a comma, such as a decimal comma, must be in quotes ("12 500,00")`;
  }
  return found;
}

type CellValue = { ok: true; value: unknown } | { ok: false; message: string };

// "ja" is Norwegian, Danish, Swedish and German for yes; their noes follow.
const YES = new Set(["true", "yes", "ja", "1"]);
const NO = new Set(["false", "no", "nei", "nej", "nein", "0"]);

function readCell(kind: CellKind, cell: string): CellValue {
  switch (kind) {
    case "text":
      return { ok: true, value: cell };
    case "yesNo": {
      const word = cell.toLowerCase();
      if (YES.has(word)) return { ok: true, value: true };
      if (NO.has(word)) return { ok: true, value: false };
      return {
        ok: false,
        message: `must be yes or no (true/false, yes/no, ja/nei, 1/0), not ${quoteCell(cell)}`,
      };
    }
    case "days":
      // The schema's own range check (1–365) speaks once the value is a number; nine digits keep it exact.
      return /^\d{1,9}$/.test(cell)
        ? { ok: true, value: Number(cell) }
        : { ok: false, message: `must be a whole number of days, such as 10, not ${quoteCell(cell)}` };
    case "percent":
      // A file written with decimal commas writes the percentage that way too; the schema reads a point.
      return { ok: true, value: /^\d+,\d+$/.test(cell) ? cell.replace(",", ".") : cell };
    case "emails": {
      // Spreadsheets hold several addresses in one cell however the writer separated them.
      const addresses = cell.split(/[\s,;]+/).filter((address) => address !== "");
      return { ok: true, value: addresses.length === 1 ? addresses[0] : addresses };
    }
  }
}

// ——— close matches for an unknown column ———

/** Known columns that `name` was probably meant to be: a typo, another case, or a missing prefix. */
function closeMatches(name: string): string[] {
  const wanted = normalized(name);
  // Nothing much longer than the longest column is a typo of one, and the distance costs length².
  if (wanted === "" || wanted.length > 40) return [];
  const limit = wanted.length <= 4 ? 1 : wanted.length <= 10 ? 2 : 3;
  return CSV_COLUMNS.map((column) => {
    const full = normalized(column);
    const last = normalized(column.split(".").at(-1) ?? column);
    const distance = wanted === last ? 0.5 : editDistance(wanted, full);
    return { column, distance };
  })
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance)
    .slice(0, 3)
    .map(({ column }) => column);
}

// "Customer Email", "customer_email" and "customer.email" mean the same to the person typing them.
const normalized = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, "");

/** Edits to turn a into b, counting a swap of neighbours as one (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  const at = (i: number, j: number) => rows[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, at(i - 2, j - 2) + 1);
      const row = rows[i];
      if (row) row[j] = best;
    }
  }
  return at(a.length, b.length);
}

// ——— messages ———

function refuse(reason: Extract<CsvRead, { ok: false }>["reason"], ...problems: CsvProblem[]) {
  return { ok: false as const, reason, problems };
}

function fileProblem(path: string, message: string): CsvProblem {
  return { row: null, path, message };
}

/** A value from the file, quoted and cut short, for a message: a cell may hold anything, at any length. */
function quoteCell(text: string, max = 60): string {
  return JSON.stringify(clip(text, max));
}

function clip(text: string, max: number): string {
  const characters = [...text];
  return characters.length <= max ? text : `${characters.slice(0, max - 1).join("")}…`;
}

function listOf(items: readonly string[], conjunction: "and" | "or"): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${conjunction} ${items.at(-1)}`;
}
