/**
 * Reading a CSV file a chunk of records at a time from a stream that starts at a byte offset, so
 * that an upload job's worker never holds more of a large file than one chunk. Records are cut
 * where csv-parse ends them, with the options and the delimiter the synchronous upload reads the
 * file with (csv-invoices.ts): a quoted field may hold a line break, so a line is not a row.
 *
 * Each chunk becomes a file of its own for the synchronous upload code: the header, then as many
 * blank lines as put the chunk's first record on its line in the whole file (csv-parse skips blank
 * lines, and the upload numbers rows by line), then the records. So every row's answer, and every
 * message that names another row, speaks of lines of the file the user has.
 */
import { parse } from "csv-parse";
import { CSV_PARSE_OPTIONS, splitHeader } from "./csv-invoices.ts";

const LF = 0x0a;
const BOM = Buffer.from("\uFEFF", "utf8");
/** Bytes read before the delimiter is guessed from the header (as the synchronous reader does, from the whole file). */
const HEADER_PREFIX_BYTES = 64 * 1024;
/** A record this long is no invoice: most likely a quote left open, which would swallow the rest of the file. */
export const MAX_RECORD_BYTES = 1_000_000;

export type CsvChunkRead = {
  /** The header's bytes (from the file's start, without a BOM), when reading from the start. */
  header?: Buffer;
  /** The records' bytes, from the offset read from up to the end of the last record taken. */
  records: Buffer;
  /** Bytes from the offset read from to the end of `records` (the header and a BOM included). */
  consumed: number;
  /** Records taken (blank ones included: the upload skips them). */
  count: number;
  /** Whether the file ends after these records. */
  ended: boolean;
  /** csv-parse could not go on: the records hold what was read, for the upload to say why. */
  unreadable: boolean;
  /** A record ran past MAX_RECORD_BYTES: the line it starts on, counted within the records. */
  overlong: boolean;
};

export async function readCsvChunk(
  stream: AsyncIterable<Uint8Array> & { destroy(): void },
  options: { header?: string; maxRecords: number; maxBytes: number },
): Promise<CsvChunkRead> {
  const fromStart = options.header === undefined;
  const received: Buffer[] = [];
  let receivedBytes = 0;
  const iterator = stream[Symbol.asyncIterator]();
  const pull = async (): Promise<boolean> => {
    const next = await iterator.next();
    if (next.done) return false;
    const bytes = Buffer.from(next.value);
    received.push(bytes);
    receivedBytes += bytes.length;
    return true;
  };

  let more = true;
  if (fromStart) while (more && receivedBytes < HEADER_PREFIX_BYTES) more = await pull();
  const prefix = Buffer.concat(received);
  const bom = prefix.subarray(0, BOM.length).equals(BOM) ? BOM.length : 0;
  const headerBytes = fromStart ? prefix.subarray(bom) : Buffer.from(options.header ?? "", "utf8");
  const split = splitHeader(headerBytes);
  // A header no delimiter makes sense of is refused by the upload itself, in its own words.
  const delimiter = split.ok ? split.delimiter : ",";

  let headerEnd: number | undefined = fromStart ? undefined : 0;
  let lastEnd = 0;
  let count = 0;
  let full = false;
  let unreadable = false;
  const parser = parse({
    ...CSV_PARSE_OPTIONS,
    delimiter,
    on_record: (fields: string[], context: { bytes: number }) => {
      if (full) return null;
      if (headerEnd === undefined) {
        // The header is the first record with something in it, as the upload reads it.
        if (fields.every((field) => field.trim() === "")) return null;
        headerEnd = context.bytes;
        lastEnd = context.bytes;
        return null;
      }
      count += 1;
      lastEnd = context.bytes;
      if (count >= options.maxRecords || lastEnd >= options.maxBytes) full = true;
      return null;
    },
  });
  parser.on("error", () => {
    unreadable = true;
  });
  parser.resume();
  const parsed = new Promise<void>((resolve) => {
    parser.once("end", resolve);
    parser.once("error", () => resolve());
  });

  const feed = (bytes: Buffer) => {
    if (!unreadable) parser.write(bytes);
  };
  // Fed without the BOM, so that csv-parse's byte counts are offsets after it.
  feed(prefix.subarray(bom));
  let overlong = false;
  while (!full && !unreadable && more) {
    more = await pull();
    if (more) feed(received.at(-1) ?? Buffer.alloc(0));
    if (receivedBytes - bom - lastEnd > MAX_RECORD_BYTES) {
      overlong = true;
      break;
    }
  }
  const ended = !more && !full && !overlong;
  if (ended && !unreadable) parser.end();
  else stream.destroy();
  if (ended) await parsed;
  if (!ended) parser.destroy();

  const all = Buffer.concat(received).subarray(bom);
  const start = headerEnd ?? all.length;
  // Unreadable or overlong: everything read so far goes to the upload, which names the row.
  const end = unreadable || overlong ? all.length : lastEnd;
  return {
    ...(fromStart ? { header: all.subarray(0, start) } : {}),
    records: all.subarray(start, Math.max(start, end)),
    consumed: bom + Math.max(start, end),
    count,
    ended: ended && !unreadable,
    unreadable,
    overlong,
  };
}

export const lineBreaksIn = (bytes: Buffer): number => {
  let lines = 0;
  for (const byte of bytes) if (byte === LF) lines++;
  return lines;
};

/** A chunk as a file the synchronous upload reads: header, blank lines up to `line`, the records. */
export function chunkFile(header: string, line: number, records: Buffer): string {
  const head = header.endsWith("\n") ? header : `${header}\n`;
  const padding = Math.max(0, line - 1 - lineBreaksIn(Buffer.from(head, "utf8")));
  return `${head}${"\n".repeat(padding)}${records.toString("utf8")}`;
}
