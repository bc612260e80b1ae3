/**
 * `dun upload` against the real API over HTTP (dynalite behind it): a big CSV file goes up in
 * chunks and its answer reads as if it had gone up whole — every rejected row named by its line in
 * the file, across chunks, quoted line breaks, a byte order mark and blank lines notwithstanding.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readInvoiceCsv } from "#api/csv-invoices.ts";
import { ApiError, DunApi, type UploadAnswer } from "../../functions/cli/api-client.ts";
import { EXIT } from "../../functions/cli/command.ts";
import { runCommand } from "../../functions/cli/run.ts";
import { type UploadReport, uploadFile } from "../../functions/cli/upload.ts";
import { planCsvUpload } from "../../functions/cli/upload-plan.ts";
import { type Api, startApi } from "../support/api.ts";
import { terminal } from "../support/cli.ts";
import { anInvoiceInput } from "../support/invoices.ts";

let api: Api<"a" | "b" | "c">;
let url: string;
let dir: string;

function client(who: "a" | "b" | "c"): DunApi {
  return new DunApi({ url, key: api.keys[who], source: "--api" });
}

async function file(name: string, content: string): Promise<string> {
  const at = path.join(dir, name);
  await writeFile(at, content);
  return at;
}

const HEADER = [
  "invoiceNumber",
  "currency",
  "amount",
  "issueDate",
  "dueDate",
  "reminderFeeAgreed",
  "customer.name",
  "customer.email",
  "customer.locale",
  "customer.country",
  "customer.type",
].join(";");

type Fault = "dueDate" | "yesNo" | "fields" | "repeat";

/**
 * A CSV file as an accounting program might export it — BOM, CRLF, a blank line after the header,
 * some e-mail cells quoted across two lines — with `faults` at the given rows (1-based, of data
 * rows), and the file line each data row starts on, counted as the file is written.
 */
function csvFile(rows: number, faults: Record<number, Fault>, prefix = "INV") {
  const lines: string[] = [HEADER, ""];
  const lineOfRow: number[] = [];
  for (let row = 1; row <= rows; row++) {
    lineOfRow[row] = lines.length + 1;
    const fault = faults[row];
    const number = `${prefix}-${String(fault === "repeat" ? 3 : row).padStart(5, "0")}`;
    // Every seventh row holds two addresses on two lines of one quoted cell.
    const email =
      row % 7 === 0 ? `"billing${row}@example.com\r\nowner${row}@example.com"` : `billing${row}@example.com`;
    const cells = [
      number,
      "NOK",
      "1 250,00",
      "2026-11-01",
      fault === "dueDate" ? "2026-11-31" : "2026-11-15",
      fault === "yesNo" ? "kanskje" : "nei",
      `Kunde ${row} AS`,
      email,
      "nb-NO",
      "NO",
      "business",
    ];
    const text = fault === "fields" ? cells.slice(0, -2).join(";") : cells.join(";");
    lines.push(...text.split("\r\n"));
  }
  return { text: `\uFEFF${lines.join("\r\n")}\r\n`, lineOfRow };
}

beforeAll(async () => {
  api = await startApi({ now: new Date("2026-11-20T10:00:00Z"), tenants: ["a", "b", "c"] });
  url = await api.listen();
  dir = await mkdtemp(path.join(tmpdir(), "dun-cli-upload-"));
});

afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("dun upload, a CSV file bigger than one request", () => {
  it("names each rejected row by its line in the file, across chunks, and exits with 3", async () => {
    // Prepare: 130 rows in chunks of 40; faults on both sides of chunk borders and on quoted rows.
    const faults: Record<number, Fault> = {
      7: "dueDate",
      40: "yesNo",
      41: "fields",
      84: "dueDate",
      97: "repeat",
    };
    const { text, lineOfRow } = csvFile(130, faults);
    const at = await file("invoices.csv", text);
    const io = terminal();

    // Act
    const code = await uploadFile(
      { api: client("a"), terminal: io, limits: { rowsPerChunk: 40, maxChunkBytes: 4_000_000 } },
      at,
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    const errors = io.out.text.split("\n").filter((line) => line.startsWith("row "));
    expect(errors).toEqual([
      expect.stringMatching(new RegExp(`^row ${lineOfRow[7]}: dueDate: `)),
      expect.stringMatching(new RegExp(`^row ${lineOfRow[40]}: reminderFeeAgreed: must be yes or no`)),
      expect.stringMatching(
        new RegExp(`^row ${lineOfRow[41]}: expected 11 fields, as in the header, but found 9`),
      ),
      expect.stringMatching(new RegExp(`^row ${lineOfRow[84]}: dueDate: `)),
      `row ${lineOfRow[97]}: invoiceNumber: invoiceNumber INV-00003 is already on row ${lineOfRow[3]}`,
    ]);
    // Header, blank line, 83 rows, and 11 of them (rows 7, 14, … 77) two lines long.
    expect(lineOfRow[84]).toBe(2 + 83 + 11 + 1);
    expect(io.out.text).toMatch(
      /invoices\.csv: 130 rows: 125 created, 0 updated, 0 unchanged, 5 rejected\n$/,
    );
    expect((await api.call("GET", "/v1/invoices/INV-00130")).status).toBe(200);
    expect((await api.call("GET", "/v1/invoices/INV-00084")).status).toBe(404);
    // Plain progress lines on a stderr that is no terminal, one per chunk.
    expect(io.err.text).toBe(
      // The repeat of INV-00003 is answered before anything is sent.
      ["1/130", "41/130", "81/130", "121/130", "130/130"]
        .map((n) => `uploading invoices.csv: ${n} rows\n`)
        .join(""),
    );
  });

  it("answers exactly as the same file sent whole would be answered", async () => {
    // Prepare
    const { text } = csvFile(95, { 5: "dueDate", 50: "fields", 51: "repeat", 90: "yesNo" });
    const at = await file("same.csv", text);
    const chunked = terminal({ json: true });
    const whole = terminal({ json: true });

    // Act
    await uploadFile(
      { api: client("b"), terminal: chunked, limits: { rowsPerChunk: 20, maxChunkBytes: 4_000_000 } },
      at,
    );
    await uploadFile(
      { api: client("c"), terminal: whole, limits: { rowsPerChunk: 1000, maxChunkBytes: 4_000_000 } },
      at,
    );

    // Assess
    const chunkedReport = JSON.parse(chunked.out.text) as UploadReport;
    const wholeReport = JSON.parse(whole.out.text) as UploadReport;
    expect(chunkedReport.results).toHaveLength(95);
    expect(chunkedReport).toEqual(wholeReport);
    expect(chunkedReport.summary).toEqual({
      created: 91,
      updated: 0,
      unchanged: 0,
      rejected: 4,
      conflict: 0,
    });
    expect(chunked.err.text).toBe("");
  });

  it("draws a progress bar on a terminal, and leaves stdout to the answer", async () => {
    // Prepare
    const { text } = csvFile(30, {}, "TTY");
    const at = await file("tty.csv", text);
    const io = terminal({ tty: true });

    // Act
    const code = await uploadFile(
      { api: client("a"), terminal: io, limits: { rowsPerChunk: 10, maxChunkBytes: 4_000_000 } },
      at,
    );

    // Assess
    expect(code).toBe(EXIT.ok);
    expect(io.err.text).toContain("\r\x1b[2Kuploading tty.csv ██████████");
    expect(io.err.text).toMatch(/ 100% 30\/30 rows\n$/);
    expect(io.out.text).toBe(`${at}: 30 rows: 30 created, 0 updated, 0 unchanged, 0 rejected\n`);
  });
});

describe("dun upload, when a chunk fails", () => {
  it("stops, says how far it got, and names the refused chunk's rows by their lines in the file", async () => {
    // Prepare: the second request is refused whole, naming the first row of its body.
    const { text, lineOfRow } = csvFile(30, {});
    const at = await file("refused.csv", text);
    let requests = 0;
    const refusing = {
      async uploadInvoices(body: string, contentType: "text/csv" | "application/json") {
        requests += 1;
        if (requests === 1) return client("a").uploadInvoices(body, contentType);
        throw new ApiError("POST /v1/invoices", {
          title: "Malformed request",
          status: 400,
          detail: "the CSV file cannot be read",
          errors: [{ path: "row 2: ", message: "something the API did not like" }],
          body: {},
        });
      },
    };
    const io = terminal();

    // Act
    const code = await runCommand(io, () =>
      uploadFile({ api: refusing, terminal: io, limits: { rowsPerChunk: 10, maxChunkBytes: 4_000_000 } }, at),
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(requests).toBe(2);
    expect(io.err.text).toMatch(
      new RegExp(
        "dun: 10 of 30 rows were sent before this failure; uploads are idempotent, so sending the whole file again is safe\n" +
          "dun: POST /v1/invoices answered 400 Malformed request: the CSV file cannot be read\n" +
          `  row ${lineOfRow[11]}: something the API did not like\n$`,
      ),
    );
    expect(io.out.text).toBe("");
  });
});

describe("cutting a CSV file into chunks", () => {
  it("repeats the header without the BOM, and cuts only between records", () => {
    // Prepare
    const { text } = csvFile(15, {});

    // Act
    const plan = planCsvUpload(text, { rowsPerChunk: 4, maxChunkBytes: 4_000_000 });

    // Assess
    expect(plan.items).toBe(15);
    expect(plan.chunks.map((chunk) => chunk.items)).toEqual([4, 4, 4, 3]);
    for (const chunk of plan.chunks) {
      expect(chunk.body.startsWith(`${HEADER}\r\n`)).toBe(true);
      expect(chunk.body).not.toContain("\uFEFF");
    }
    // Row 7's quoted cell spans two lines and stays whole in the second chunk.
    expect(plan.chunks[1]?.body).toContain('"billing7@example.com\r\nowner7@example.com"');
    expect(plan.chunks.map((chunk) => chunk.body.slice(HEADER.length + 2)).join("")).toBe(
      text.slice(1 + HEADER.length + 2),
    );
  });

  it("maps every row of every chunk back to its line in the file, as the API's own reader numbers them", () => {
    const blank = fc.constantFrom("", "   ", ";;;;;;;;;;");
    const file = fc.record({
      bom: fc.boolean(),
      lineEnd: fc.constantFrom("\n", "\r\n"),
      rowsPerChunk: fc.integer({ min: 1, max: 6 }),
      rows: fc.array(
        fc.record({ before: fc.array(blank, { maxLength: 2 }), lines: fc.integer({ min: 1, max: 3 }) }),
        {
          minLength: 1,
          maxLength: 25,
        },
      ),
    });
    fc.assert(
      fc.property(file, ({ bom, lineEnd, rowsPerChunk, rows }) => {
        // Prepare: a file whose rows start where `lineOf` says, some names spanning several lines.
        const lines = [HEADER];
        const lineOf = new Map<string, number>();
        rows.forEach(({ before, lines: nameLines }, index) => {
          lines.push(...before);
          // The lines so far, a name's inner line breaks included, and this row on the next.
          lineOf.set(`N-${index}`, lines.join(lineEnd).split(lineEnd).length + 1);
          const name = Array.from({ length: nameLines }, (_, part) => `Kunde ${index}.${part}`).join(lineEnd);
          lines.push(
            `N-${index};NOK;100,00;2026-11-01;2026-11-15;nei;"${name}";a@b.example;nb-NO;NO;business`,
          );
        });
        const text = `${bom ? "\uFEFF" : ""}${lines.join(lineEnd)}${lineEnd}`;

        // Act
        const plan = planCsvUpload(text, { rowsPerChunk, maxChunkBytes: 4_000_000 });

        // Assess
        const placed = new Map<string, number | undefined>();
        for (const chunk of plan.chunks) {
          const read = readInvoiceCsv(chunk.body);
          if (!read.ok) throw new Error(`a chunk the API cannot read: ${JSON.stringify(read.problems)}`);
          read.rows.forEach(({ row, input }, position) => {
            placed.set(String(input.invoiceNumber), chunk.placeOf(position, row).row ?? row);
          });
        }
        expect(placed).toEqual(lineOf);
      }),
    );
  });

  it("sends a small file as it is, BOM and all", () => {
    const { text } = csvFile(3, {});
    const plan = planCsvUpload(text);
    expect(plan.chunks.map((chunk) => chunk.body)).toEqual([text]);
  });

  it("cuts by size too, and sends a file it cannot read whole, for the API to explain", () => {
    const { text } = csvFile(20, {});
    expect(planCsvUpload(text, { rowsPerChunk: 1000, maxChunkBytes: 1000 }).chunks.length).toBeGreaterThan(2);
    const broken = `${HEADER}\n1;"never closed\n`;
    expect(planCsvUpload(broken, { rowsPerChunk: 1, maxChunkBytes: 10 }).chunks.map((c) => c.body)).toEqual([
      broken,
    ]);
  });
});

describe("dun upload, JSON", () => {
  it("uploads an array, naming a rejected invoice by its place and number", async () => {
    // Prepare
    const invoices = [
      anInvoiceInput({ invoiceNumber: "J-1" }),
      anInvoiceInput({ invoiceNumber: "J-2", amount: "12,50,0" }),
      anInvoiceInput({ invoiceNumber: "J-1", amount: "99.00" }),
    ];
    const at = await file("invoices.json", JSON.stringify(invoices));
    const io = terminal();

    // Act
    const code = await uploadFile({ api: client("a"), terminal: io }, at);

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.out.text).toBe(
      [
        `[1] J-2: amount: ${(await rejectionOf(invoices[1])).errors[0]?.message}`,
        "[2] J-1: invoiceNumber: J-1 is already at [0] in this upload",
        `${at}: 3 invoices: 1 created, 0 updated, 0 unchanged, 2 rejected`,
        "",
      ].join("\n"),
    );
  });

  it("slices a long array and places every answer at its index in the file", async () => {
    // Prepare
    const invoices = Array.from({ length: 25 }, (_, i) =>
      anInvoiceInput({ invoiceNumber: `JS-${i}`, ...(i === 17 ? { dueDate: "2026-02-30" } : {}) }),
    );
    invoices.push(anInvoiceInput({ invoiceNumber: "JS-3" }));
    const at = await file("many.json", JSON.stringify(invoices, null, 2));
    const io = terminal({ json: true });

    // Act
    const code = await uploadFile(
      { api: client("a"), terminal: io, limits: { rowsPerChunk: 10, maxChunkBytes: 4_000_000 } },
      at,
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    const report = JSON.parse(io.out.text) as UploadReport;
    expect(report.results.map((result) => result.index)).toEqual([...Array(26).keys()]);
    expect(report.results[17]).toMatchObject({ invoiceNumber: "JS-17", status: "rejected", index: 17 });
    expect(report.results[25]).toMatchObject({
      invoiceNumber: "JS-3",
      status: "rejected",
      errors: [{ path: "invoiceNumber", message: "JS-3 is already at [3] in this upload" }],
    });
    expect(report.summary).toEqual({ created: 24, updated: 0, unchanged: 0, rejected: 2, conflict: 0 });
  });

  it("uploads a lone invoice, and a rejected one is a rejected row, not a failure of the command", async () => {
    // Prepare
    const good = await file(
      "one.json",
      `\uFEFF${JSON.stringify(anInvoiceInput({ invoiceNumber: "ONE-1" }))}`,
    );
    const bad = await file(
      "bad.json",
      JSON.stringify(anInvoiceInput({ invoiceNumber: "ONE-2", currency: "EURO" })),
    );
    const ok = terminal();
    const refused = terminal();

    // Act
    const okCode = await runCommand(ok, () => uploadFile({ api: client("a"), terminal: ok }, good));
    const refusedCode = await runCommand(refused, () =>
      uploadFile({ api: client("a"), terminal: refused }, bad),
    );

    // Assess
    expect(okCode).toBe(EXIT.ok);
    expect(ok.out.text).toBe(`${good}: 1 invoice: 1 created, 0 updated, 0 unchanged, 0 rejected\n`);
    expect(refusedCode).toBe(EXIT.refused);
    expect(refused.out.text).toMatch(/^ONE-2: currency: must be an ISO 4217 currency code/);
    expect(refused.err.text).toBe("");
  });

  it("refuses a file whose kind it cannot tell, or cannot read", async () => {
    const io = terminal();
    expect(
      await runCommand(io, () => uploadFile({ api: client("a"), terminal: io }, path.join(dir, "x.txt"))),
    ).toBe(EXIT.usage);
    expect(io.err.text).toMatch(
      /^dun: cannot tell what .*x\.txt holds from its name: use a \.csv or \.json file/,
    );
    const missing = terminal();
    const code = await runCommand(missing, () =>
      uploadFile({ api: client("a"), terminal: missing }, path.join(dir, "missing.csv")),
    );
    expect(code).toBe(EXIT.failed);
    expect(missing.err.text).toMatch(/^dun: cannot read .*missing\.csv: ENOENT/);
  });

  it("refuses a file that is not UTF-8, naming its row, and sends none of it", async () => {
    // Prepare: Excel's plain "CSV" (Windows-1252) of a German customer's name on line 2
    const at = path.join(dir, "excel-1252.csv");
    const text = `${HEADER}\r\nW1252-1;EUR;100,00;2026-11-01;2026-11-16;nein;M\u00fcller & S\u00f6hne GmbH;ap@mueller.example;de-DE;DE;business\r\n`;
    await writeFile(
      at,
      Uint8Array.from(text, (character) => character.charCodeAt(0)),
    );
    const io = terminal();

    // Act
    const code = await runCommand(io, () => uploadFile({ api: client("a"), terminal: io }, at));

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toMatch(
      /^dun: .*excel-1252\.csv is not UTF-8: row 2 holds a byte that is not .*"CSV UTF-8"/,
    );
    expect((await api.call("GET", "/v1/invoices/W1252-1")).status).toBe(404);
  });
});

/** What the API itself says about one invoice: the oracle for the CLI's messages. */
async function rejectionOf(invoice: unknown): Promise<UploadAnswer["results"][number]> {
  const answer = await api.call("POST", "/v1/invoices", { body: [invoice], who: "c" });
  return answer.body.results[0];
}
