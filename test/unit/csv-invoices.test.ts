import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, type CsvRead, MAX_CSV_ROWS, readInvoiceCsv } from "#api/csv-invoices.ts";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";

// The required columns only, and one row for them, as most tests need no more.
const HEADER =
  "invoiceNumber;currency;amount;issueDate;dueDate;customer.name;customer.email;customer.locale;customer.country;customer.type";
const FJORDLYS_ROW =
  "2026-1001;NOK;12 500,00;2026-11-01;2026-11-15;Fjordlys AS;faktura@fjordlys.example;nb-NO;NO;business";
const FJORDLYS = {
  invoiceNumber: "2026-1001",
  currency: "NOK",
  amount: "12 500,00",
  issueDate: "2026-11-01",
  dueDate: "2026-11-15",
  customer: {
    name: "Fjordlys AS",
    email: "faktura@fjordlys.example",
    locale: "nb-NO",
    country: "NO",
    type: "business",
  },
};

const lines = (...text: string[]) => text.join("\n");
const withComma = (line: string) => line.replaceAll(";", ",");

function rowsOf(read: CsvRead) {
  if (!read.ok)
    throw new Error(`expected the file to be read, got ${read.reason}: ${JSON.stringify(read.problems)}`);
  return read.rows;
}

describe("reading a CSV of invoices", () => {
  it("reads a ;-delimited file into the JSON upload shape, the header being line 1", () => {
    // Act
    const read = readInvoiceCsv(lines(HEADER, FJORDLYS_ROW));

    // Assess
    expect(read).toEqual({ ok: true, rows: [{ row: 2, input: FJORDLYS }], problems: [] });
  });

  it("reads a ,-delimited file, where a decimal comma sits in quotes", () => {
    const row = withComma(FJORDLYS_ROW).replace("12 500,00", '"12 500,00"');

    const read = readInvoiceCsv(lines(withComma(HEADER), row));

    expect(rowsOf(read)).toEqual([{ row: 2, input: FJORDLYS }]);
  });

  it("strips a byte order mark, as Excel writes one", () => {
    const read = readInvoiceCsv(`\uFEFF${lines(HEADER, FJORDLYS_ROW)}`);

    expect(rowsOf(read)).toEqual([{ row: 2, input: FJORDLYS }]);
  });

  it("reads CRLF line ends", () => {
    const second = FJORDLYS_ROW.replace("2026-1001", "2026-1002");

    const read = readInvoiceCsv(`${HEADER}\r\n${FJORDLYS_ROW}\r\n${second}\r\n`);

    expect(rowsOf(read).map(({ row, input }) => [row, input.invoiceNumber])).toEqual([
      [2, "2026-1001"],
      [3, "2026-1002"],
    ]);
    expect(rowsOf(read)[1]?.input.customer).toEqual(FJORDLYS.customer);
  });

  it("reads quoted fields holding the delimiter, doubled quotes and a line break, and numbers rows by line", () => {
    // Prepare: the name holds the delimiter and quotes; the address cell was typed with Alt+Enter
    const quoted = withComma(FJORDLYS_ROW)
      .replace("12 500,00", '"12 500,00"')
      .replace("Fjordlys AS", '"Fjordlys, ""Nord"" AS"')
      .replace("faktura@fjordlys.example", '"faktura@fjordlys.example\r\nkari@fjordlys.example"');
    const next = withComma(FJORDLYS_ROW).replace("2026-1001", "2026-1002").replace("12 500,00", "980");

    // Act
    const read = readInvoiceCsv(lines(withComma(HEADER), quoted, next));

    // Assess: the quoted row spans lines 2 and 3, so the next one is line 4
    expect(rowsOf(read).map(({ row, input }) => [row, input.customer])).toEqual([
      [
        2,
        {
          ...FJORDLYS.customer,
          name: 'Fjordlys, "Nord" AS',
          email: ["faktura@fjordlys.example", "kari@fjordlys.example"],
        },
      ],
      [4, FJORDLYS.customer],
    ]);
  });

  it("passes decimal-comma amounts through as text, for the upload schema to read", () => {
    const read = readInvoiceCsv(lines(`${HEADER};amountPaid`, `${FJORDLYS_ROW};2.000,50`));

    const [row] = rowsOf(read);
    expect(row?.input).toMatchObject({ amount: "12 500,00", amountPaid: "2.000,50" });
    expect(InvoiceInputSchema.parse(row?.input)).toMatchObject({ amount: 1_250_000, amountPaid: 200_050 });
  });

  it("nests dotted headers and reads the number of days as a number", () => {
    const read = readInvoiceCsv(
      lines(
        `${HEADER};customer.id;earlyPaymentDiscount.percent;earlyPaymentDiscount.withinDays`,
        `${FJORDLYS_ROW};C-17;2,5;10`,
      ),
    );

    expect(rowsOf(read)[0]?.input).toEqual({
      ...FJORDLYS,
      customer: { ...FJORDLYS.customer, id: "C-17" },
      earlyPaymentDiscount: { percent: "2.5", withinDays: 10 },
    });
  });

  it.each([
    ['"a@fjordlys.example; b@fjordlys.example"', ["a@fjordlys.example", "b@fjordlys.example"]],
    ['"a@fjordlys.example,b@fjordlys.example"', ["a@fjordlys.example", "b@fjordlys.example"]],
    [
      "a@fjordlys.example b@fjordlys.example  c@fjordlys.example",
      ["a@fjordlys.example", "b@fjordlys.example", "c@fjordlys.example"],
    ],
    ["  a@fjordlys.example  ", "a@fjordlys.example"],
  ])("reads several addresses in one email cell: %s", (cell, email) => {
    const read = readInvoiceCsv(lines(HEADER, FJORDLYS_ROW.replace("faktura@fjordlys.example", cell)));

    expect(rowsOf(read)[0]?.input.customer).toEqual({ ...FJORDLYS.customer, email });
  });

  it("leaves empty optional cells out, so that the upload schema sees them as absent", () => {
    // Prepare: every column, and only the required ones filled in (amountPaid holds a space)
    const row =
      "2026-1001;NOK;12 500,00; ;2026-11-01;2026-11-15;;;;;;Fjordlys AS;faktura@fjordlys.example;nb-NO;NO;;business;;;";

    // Act
    const read = readInvoiceCsv(lines(CSV_COLUMNS.join(";"), row));

    // Assess
    const [first] = rowsOf(read);
    expect(first?.input).toEqual(FJORDLYS);
    expect(first?.input).not.toHaveProperty("earlyPaymentDiscount");
    expect(InvoiceInputSchema.safeParse(first?.input).success).toBe(true);
  });

  it.each([
    ["true", true],
    ["Yes", true],
    ["JA", true],
    ["1", true],
    ["false", false],
    ["no", false],
    ["Nei", false],
    ["0", false],
  ])("reads reminderFeeAgreed %s as %s", (cell, agreed) => {
    const read = readInvoiceCsv(lines(`${HEADER};reminderFeeAgreed`, `${FJORDLYS_ROW};${cell}`));

    expect(rowsOf(read)[0]?.input.reminderFeeAgreed).toBe(agreed);
  });

  it("keeps a row with an unreadable yes/no or number of days out, naming each cell", () => {
    // Prepare
    const header = `${HEADER};reminderFeeAgreed;earlyPaymentDiscount.percent;earlyPaymentDiscount.withinDays`;
    const good = `${FJORDLYS_ROW.replace("2026-1001", "2026-1002")};yes;2;10`;

    // Act
    const read = readInvoiceCsv(lines(header, `${FJORDLYS_ROW};maybe;2;ten`, good));

    // Assess
    expect(rowsOf(read).map(({ row }) => row)).toEqual([3]);
    expect(read.problems).toEqual([
      {
        row: 2,
        path: "reminderFeeAgreed",
        message: 'must be yes or no (true/false, yes/no, ja/nei, 1/0), not "maybe"',
      },
      {
        row: 2,
        path: "earlyPaymentDiscount.withinDays",
        message: 'must be a whole number of days, such as 10, not "ten"',
      },
    ]);
  });
});

describe("refusing a file whose header is wrong", () => {
  it("names an unknown column and suggests the one it was close to", () => {
    const read = readInvoiceCsv(lines(HEADER.replace("customer.email", "customer.emial"), FJORDLYS_ROW));

    expect(read).toEqual({
      ok: false,
      reason: "unknown_columns",
      problems: [
        {
          row: null,
          path: "customer.emial",
          message: '"customer.emial" is not a known column; did you mean "customer.email"?',
        },
        {
          row: null,
          path: "customer.email",
          message: 'the required column "customer.email" is missing from the header',
        },
      ],
    });
  });

  it("suggests a column written in other case or without its prefix", () => {
    const read = readInvoiceCsv(lines(`${HEADER};Due Date;accountManagerEmail`, `${FJORDLYS_ROW};;`));

    expect(read.problems.map(({ message }) => message)).toEqual([
      '"Due Date" is not a known column; did you mean "dueDate"?',
      '"accountManagerEmail" is not a known column; did you mean "customer.accountManagerEmail"?',
    ]);
  });

  it("names every missing required column", () => {
    const header = HEADER.replace("currency;", "").replace(";customer.type", "");
    const read = readInvoiceCsv(
      lines(header, "2026-1001;12 500,00;2026-11-01;2026-11-15;Fjordlys AS;a@b.example;nb-NO;NO"),
    );

    expect(read).toEqual({
      ok: false,
      reason: "missing_columns",
      problems: [
        { row: null, path: "currency", message: 'the required column "currency" is missing from the header' },
        {
          row: null,
          path: "customer.type",
          message: 'the required column "customer.type" is missing from the header',
        },
      ],
    });
  });

  it("refuses a column given twice", () => {
    const read = readInvoiceCsv(lines(`${HEADER};currency`, `${FJORDLYS_ROW};EUR`));

    expect(read).toEqual({
      ok: false,
      reason: "malformed",
      problems: [
        {
          row: null,
          path: "currency",
          message: 'the column "currency" appears more than once in the header (columns 2, 11)',
        },
      ],
    });
  });

  it("refuses a header that splits into known columns at neither delimiter, or at both", () => {
    const neither = readInvoiceCsv(lines("Invoice no|Amount", "1|2"));
    const both = readInvoiceCsv(lines(HEADER.replace("invoiceNumber;", "invoiceNumber,"), FJORDLYS_ROW));

    expect(neither).toMatchObject({ ok: false, reason: "malformed" });
    expect(neither.problems[0]?.message).toContain(
      'the header line "Invoice no|Amount" names no known column',
    );
    expect(both).toMatchObject({ ok: false, reason: "malformed" });
    expect(both.problems[0]?.message).toContain("use one delimiter throughout the file");
  });

  it("points at a header name that holds the other delimiter", () => {
    const read = readInvoiceCsv(lines(HEADER.replace("amount;", "amount,"), FJORDLYS_ROW));

    expect(read.problems[0]).toEqual({
      row: null,
      path: "amount,issueDate",
      message:
        '"amount,issueDate" is not a known column: it joins "amount" and "issueDate" with "," where the header uses ";"',
    });
  });

  it("refuses a __proto__ header as unknown, and no object gains a property", () => {
    const read = readInvoiceCsv(
      lines(
        `${HEADER};__proto__;__proto__.polluted;constructor.prototype.polluted`,
        `${FJORDLYS_ROW};{};yes;yes`,
      ),
    );

    expect(read).toMatchObject({ ok: false, reason: "unknown_columns" });
    expect(read.problems.map(({ path }) => path)).toEqual([
      "__proto__",
      "__proto__.polluted",
      "constructor.prototype.polluted",
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("problems with single rows", () => {
  it("lets the first row with an invoice number stand and refuses every later one", () => {
    const again = FJORDLYS_ROW.replace("12 500,00", "13 000,00");
    const other = FJORDLYS_ROW.replace("2026-1001", "2026-1002");

    const read = readInvoiceCsv(lines(HEADER, FJORDLYS_ROW, other, again, again));

    expect(rowsOf(read).map(({ row }) => row)).toEqual([2, 3]);
    expect(read.problems).toEqual([
      { row: 4, path: "invoiceNumber", message: "invoiceNumber 2026-1001 is already on row 2" },
      { row: 5, path: "invoiceNumber", message: "invoiceNumber 2026-1001 is already on row 2" },
    ]);
  });

  it("refuses a row with too many or too few fields, naming both counts, and reads the others", () => {
    const tooMany = `${FJORDLYS_ROW.replace("2026-1001", "2026-1002")};extra`;
    const tooFew = FJORDLYS_ROW.replace("2026-1001", "2026-1003").replace(";business", "");
    const fine = FJORDLYS_ROW.replace("2026-1001", "2026-1004");

    const read = readInvoiceCsv(lines(HEADER, tooMany, tooFew, fine));

    expect(rowsOf(read).map(({ row }) => row)).toEqual([4]);
    expect(read.problems).toEqual([
      { row: 2, path: "", message: "expected 10 fields, as in the header, but found 11" },
      { row: 3, path: "", message: "expected 10 fields, as in the header, but found 9" },
    ]);
  });

  it("refuses a row written with the other delimiter, not the file", () => {
    const read = readInvoiceCsv(
      lines(HEADER, FJORDLYS_ROW, withComma(FJORDLYS_ROW.replace("2026-1001", "2026-1002"))),
    );

    expect(rowsOf(read).map(({ row }) => row)).toEqual([2]);
    expect(read.problems).toEqual([
      {
        row: 3,
        path: "",
        message:
          'expected 10 fields, as in the header, but found 1: this row seems to use "," where the header uses ";"',
      },
    ]);
  });

  it("skips blank lines without renumbering the rows after them", () => {
    const second = FJORDLYS_ROW.replace("2026-1001", "2026-1002");

    const read = readInvoiceCsv(lines(";;;", HEADER, "", FJORDLYS_ROW, "   ", ";;;;;;;;;", second, "", ""));

    expect(rowsOf(read).map(({ row }) => row)).toEqual([4, 7]);
    expect(read.problems).toEqual([]);
  });

  it("refuses the file when a quote is never closed, naming the row where it opens", () => {
    const open = FJORDLYS_ROW.replace("Fjordlys AS", '"Fjordlys AS');

    const read = readInvoiceCsv(
      lines(HEADER, FJORDLYS_ROW.replace("2026-1001", "2026-1000"), open, FJORDLYS_ROW),
    );

    expect(read).toMatchObject({ ok: false, reason: "malformed", problems: [{ row: 3, path: "" }] });
  });
});

describe("the size of a file", () => {
  it(`refuses more than ${MAX_CSV_ROWS} rows, naming the limit`, () => {
    const rows = Array.from({ length: MAX_CSV_ROWS + 1 }, (_, i) =>
      FJORDLYS_ROW.replace("2026-1001", `2026-${i}`),
    );

    const read = readInvoiceCsv(lines(HEADER, ...rows));

    expect(read).toEqual({
      ok: false,
      reason: "too_many_rows",
      problems: [
        {
          row: null,
          path: "",
          message: "the file has more than 10000 rows, the most one request may hold",
        },
      ],
    });
  });

  it(`reads exactly ${MAX_CSV_ROWS} rows`, () => {
    const rows = Array.from({ length: MAX_CSV_ROWS }, (_, i) =>
      FJORDLYS_ROW.replace("2026-1001", `2026-${i}`),
    );

    const read = readInvoiceCsv(lines(HEADER, ...rows));

    expect(rowsOf(read)).toHaveLength(MAX_CSV_ROWS);
  });

  it.each([
    ["nothing", ""],
    ["a BOM and blank lines", "\uFEFF\r\n  \n"],
  ])("calls a file of %s empty", (_, text) => {
    expect(readInvoiceCsv(text)).toMatchObject({ ok: false, reason: "empty", problems: [{ row: null }] });
  });

  it("calls a header without rows empty", () => {
    expect(readInvoiceCsv(`${HEADER}\n\n`)).toEqual({
      ok: false,
      reason: "empty",
      problems: [{ row: null, path: "", message: "the file has a header line but no rows of invoices" }],
    });
  });
});

describe("any text at all", () => {
  it("is answered with a reading or a refusal, never an exception", () => {
    // Prepare: the characters CSV is made of, after a valid header, and arbitrary text on its own
    const csvish = fc.string({ unit: fc.constantFrom(...'a1;," \r\n\uFEFF'), maxLength: 200 });
    const anyText = fc.oneof(
      csvish.map((body) => `${HEADER}\n${body}`),
      fc.string({ maxLength: 300 }),
    );

    // Act, Assess
    fc.assert(
      fc.property(anyText, (text) => {
        expect(typeof readInvoiceCsv(text).ok).toBe("boolean");
      }),
    );
  });
});

describe("the example file in docs/examples/invoices.csv", () => {
  const example = readFileSync(new URL("../../docs/examples/invoices.csv", import.meta.url), "utf8");

  it("reads without problems, one row for each of five debtors", () => {
    const read = readInvoiceCsv(example);

    expect(read.problems).toEqual([]);
    expect(rowsOf(read).map(({ input }) => (input.customer as { country: string }).country)).toEqual([
      "NO",
      "DK",
      "DE",
      "SE",
      "IT",
    ]);
  });

  it("is a valid upload: every row passes the upload schema", () => {
    for (const { row, input } of rowsOf(readInvoiceCsv(example))) {
      const parsed = InvoiceInputSchema.safeParse(input);

      expect(parsed.error?.issues ?? [], `row ${row}`).toEqual([]);
    }
  });
});
