/**
 * Bad input and contention on the synchronous upload and the JSON routes, over real HTTP to the
 * local server on dynalite: each once answered 500 or stored something half-written, and is now a
 * 4xx naming what is wrong (or a per-row answer), with nothing half-written left behind.
 */
import { DynamoDBServiceException, TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_SYNC_UPLOAD_ROWS } from "#api/sync-upload-limit.ts";
import { HOLIDAY_TABLE } from "#domain/calendar/holidays.ts";
import { startPaymentPlan } from "#domain/invoice/transitions.ts";
import { type Api, startApi } from "../support/api.ts";
import { anInvoice, anInvoiceInput } from "../support/invoices.ts";

const NOW = new Date("2026-11-20T10:00:00Z");
const LAST_YEAR = HOLIDAY_TABLE.lastYear;
const PAST_TABLE = `${LAST_YEAR + 1}-03-02`;

let api: Api<"a">;
let url: string;

beforeAll(async () => {
  api = await startApi({ now: NOW, tenants: ["a"] });
  url = await api.listen();
});
afterAll(async () => api?.close());

type Answer = {
  status: number;
  body: Record<string, unknown> & { errors?: { path: string; message: string }[] };
};

/** A request over HTTP with tenant A's key; `body` goes as it is when a string or bytes. */
async function send(
  method: string,
  path: string,
  body: string | Uint8Array | unknown,
  contentType = "application/json",
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.keys.a}`, "content-type": contentType },
    body: typeof body === "string" || body instanceof Uint8Array ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

const paths = (answer: Answer) => (answer.body.errors ?? []).map((error) => error.path);

describe("a body nested too deep", () => {
  const deep = `${"[".repeat(10_000)}${"]".repeat(10_000)}`;

  it.each([
    ["POST", "/v1/invoices"],
    ["PUT", "/v1/policy"],
    ["POST", "/v1/invoices/DEEP-1/pause"],
  ])("is a 400 naming the body on %s %s", async (method, path) => {
    // Act
    const answer = await send(method, path, deep);

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/nested deeper than 64/);
    expect(paths(answer)).toEqual([""]);
  });
});

describe("a CSV file that is not UTF-8", () => {
  const header =
    "invoiceNumber;currency;amount;issueDate;dueDate;customer.name;customer.email;customer.locale;customer.country;customer.type";
  const row = (number: string, name: string) =>
    `${number};EUR;100,00;2026-11-01;2026-11-16;${name};ap@mueller.example;de-DE;DE;business`;

  it("is refused with the line of the first byte that is not UTF-8 and a hint to export as CSV UTF-8", async () => {
    // Prepare: what Excel's "CSV" (Windows-1252) makes of "Müller & Söhne GmbH" on line 3
    const text = [
      header,
      row("W1252-1", "Fjordlys AS"),
      row("W1252-2", "M\u00fcller & S\u00f6hne GmbH"),
    ].join("\r\n");
    const bytes = Uint8Array.from(text, (character) => character.charCodeAt(0));

    // Act
    const answer = await send("POST", "/v1/invoices", bytes, "text/csv");

    // Assess
    expect(answer.status).toBe(422);
    expect(paths(answer)).toEqual(["row 3"]);
    expect(answer.body.errors?.[0]?.message).toMatch(/CSV UTF-8/);
    expect((await send("GET", "/v1/invoices/W1252-1", undefined)).status).toBe(404);
  });

  it("is read when it is UTF-8 with a byte order mark", async () => {
    // Act
    const answer = await send(
      "POST",
      "/v1/invoices",
      `\uFEFF${header}\n${row("BOM-1", "Müller & Söhne GmbH")}\n`,
      "text/csv",
    );

    // Assess
    expect(answer.status).toBe(200);
    const stored = await send("GET", "/v1/invoices/BOM-1", undefined);
    expect((stored.body.customer as { name: string }).name).toBe("Müller & Söhne GmbH");
  });

  it("is a 400 on a JSON route", async () => {
    // Act
    const answer = await send(
      "PUT",
      "/v1/policy",
      Uint8Array.from([0x7b, 0x22, 0xfc, 0x22, 0x3a, 0x31, 0x7d]),
    );

    // Assess
    expect(answer.status).toBe(400);
    expect(answer.body.detail).toMatch(/UTF-8/);
  });
});

describe("a date past the holiday table", () => {
  it("is a rejected row naming dueDate in a CSV-sized upload, the other rows stored", async () => {
    // Prepare
    const invoices = Array.from({ length: 30 }, (_, index) =>
      anInvoiceInput({ invoiceNumber: `FAR-${index}`, dueDate: index === 7 ? PAST_TABLE : "2026-11-16" }),
    );

    // Act
    const answer = await send("POST", "/v1/invoices", invoices);

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.summary).toEqual({ created: 29, updated: 0, unchanged: 0, rejected: 1, conflict: 0 });
    const rejected = (
      answer.body.results as {
        invoiceNumber: string;
        status: string;
        errors: { path: string; message: string }[];
      }[]
    ).find((result) => result.status === "rejected");
    expect(rejected).toMatchObject({ invoiceNumber: "FAR-7", errors: [{ path: "dueDate" }] });
    expect(rejected?.errors[0]?.message).toContain(`dun schedules up to ${LAST_YEAR}`);
  });

  it.each([
    [
      "payment-plan",
      {
        installments: [
          { dueDate: "2027-01-15", amount: "6250.00" },
          { dueDate: PAST_TABLE, amount: "6250.00" },
        ],
      },
      "installments[1].dueDate",
    ],
    ["pause", { until: PAST_TABLE }, "until"],
    ["promise", { date: PAST_TABLE }, "date"],
  ])("is a 422 naming the field on /%s", async (segment, body, field) => {
    // Prepare
    const number = `FAR-ACTION-${segment}`;
    expect((await send("POST", "/v1/invoices", anInvoiceInput({ invoiceNumber: number }))).status).toBe(200);

    // Act
    const answer = await send("POST", `/v1/invoices/${number}/${segment}`, body);

    // Assess
    expect(answer.status).toBe(422);
    expect(paths(answer)).toEqual([field]);
    expect(answer.body.errors?.[0]?.message).toContain(`dun schedules up to ${LAST_YEAR}`);
    const payment = await send("POST", `/v1/invoices/${number}/payments`, { amount: "100.00" });
    expect(payment.status).toBe(200);
  });

  it("leaves a plan stored with an installment past the table taking payments, nextAction saying why it waits", async () => {
    // Prepare: a plan as the API once accepted it, its second installment past the table
    const number = "FAR-PLAN";
    const planned = startPaymentPlan(anInvoice({ invoiceNumber: number }), {
      installments: [
        { dueDate: "2027-01-15", amount: 625_000 },
        { dueDate: `${LAST_YEAR + 2}-01-15`, amount: 625_000 },
      ],
      at: NOW.toISOString(),
    });
    if (!planned.ok) throw new Error(planned.error.message);
    expect(await api.deps.invoices.create(planned.value.invoice, planned.value.events, NOW)).toBe("ok");

    // Act
    const payment = await send("POST", `/v1/invoices/${number}/payments`, { amount: "6250.00" });

    // Assess
    expect(payment.status).toBe(200);
    expect(payment.body.nextAction).toEqual({ kind: "none", reason: "beyond_holiday_table" });
  });
});

describe("uploads of the same invoice numbers at once", () => {
  it("each answer every row, exactly one creating each invoice, the others finding it or in conflict, never a 500", async () => {
    // Prepare: eight uploads of the same 20 invoices, each with its own amount
    const batch = (upload: number) =>
      Array.from({ length: 20 }, (_, index) =>
        anInvoiceInput({ invoiceNumber: `RACE-${index}`, amount: `${12_000 + upload}.00` }),
      );

    // Act
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, upload) => send("POST", "/v1/invoices", batch(upload))),
    );

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(8).fill(200));
    const statuses = new Map<string, string[]>();
    for (const answer of answers) {
      for (const result of answer.body.results as { invoiceNumber: string; status: string }[]) {
        statuses.set(result.invoiceNumber, [...(statuses.get(result.invoiceNumber) ?? []), result.status]);
      }
    }
    expect(statuses.size).toBe(20);
    for (const seen of statuses.values()) {
      expect(seen).toHaveLength(8);
      expect(seen.filter((status) => status === "created")).toHaveLength(1);
      for (const status of seen) expect(["created", "updated", "conflict"]).toContain(status);
    }
  });
});

describe("a synchronous upload over the limit", () => {
  it.each([
    ["a CSV file", "text/csv"],
    ["a JSON array", "application/json"],
  ])("is a 413 naming the limit and the asynchronous upload, for %s", async (_kind, contentType) => {
    // Prepare
    const invoices = Array.from({ length: MAX_SYNC_UPLOAD_ROWS + 1 }, (_, index) =>
      anInvoiceInput({ invoiceNumber: `LIMIT-${index}` }),
    );
    const csv = [
      "invoiceNumber;currency;amount;issueDate;dueDate;customer.name;customer.email;customer.locale;customer.country;customer.type",
      ...invoices.map(
        (invoice) =>
          `${invoice.invoiceNumber};NOK;100,00;2026-11-01;2026-11-16;Kunde AS;ap@kunde.example;nb-NO;NO;business`,
      ),
    ].join("\n");

    // Act
    const answer = await send(
      "POST",
      "/v1/invoices",
      contentType === "text/csv" ? csv : invoices,
      contentType,
    );

    // Assess
    expect(answer.status).toBe(413);
    expect(answer.body.limit).toBe(MAX_SYNC_UPLOAD_ROWS);
    expect(answer.body.detail).toContain("POST /v1/uploads");
    expect((await send("GET", "/v1/invoices/LIMIT-0", undefined)).status).toBe(404);
  });
});

describe("an upload that fails half-way", () => {
  it("rejects the one invoice DynamoDB will not store and stores the rest, each with its created step", async () => {
    // Prepare: DynamoDB refuses one invoice's item as too large (what a 400 KB item gets)
    const invoices = Array.from({ length: 60 }, (_, index) =>
      anInvoiceInput({ invoiceNumber: `BIG-${index}` }),
    );
    api.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        const put = context.commandName === "PutCommand" || context.commandName === "PutItemCommand";
        const transaction =
          context.commandName === "TransactWriteCommand" ||
          context.commandName === "TransactWriteItemsCommand";
        const refused = JSON.stringify(args.input).includes('"invoiceNumber":"BIG-13"');
        // A new invoice is written with its report totals in one transaction, which DynamoDB
        // cancels with a ValidationError reason for the item it will not store.
        if (transaction && refused) {
          const items = (args.input as { TransactItems: unknown[] }).TransactItems;
          throw new TransactionCanceledException({
            $metadata: {},
            message:
              "Transaction cancelled, please refer cancellation reasons for specific reasons [ValidationError]",
            CancellationReasons: items.map((_, index) =>
              index === 0
                ? { Code: "ValidationError", Message: "Item size has exceeded the maximum allowed size" }
                : { Code: "None" },
            ),
          });
        }
        if (put && refused) {
          throw new DynamoDBServiceException({
            name: "ValidationException",
            $fault: "client",
            $metadata: {},
            message: "Item size has exceeded the maximum allowed size",
          });
        }
        return next(args);
      },
      { step: "initialize", name: "refuseOneInvoice" },
    );

    // Act
    let answer: Answer;
    try {
      answer = await send("POST", "/v1/invoices", invoices);
    } finally {
      api.dynamo.client.middlewareStack.remove("refuseOneInvoice");
    }

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.summary).toEqual({ created: 59, updated: 0, unchanged: 0, rejected: 1, conflict: 0 });
    const results = answer.body.results as {
      invoiceNumber: string;
      status: string;
      errors: { path: string; message: string }[];
    }[];
    expect(results.find((result) => result.invoiceNumber === "BIG-13")).toMatchObject({
      status: "rejected",
      errors: [{ path: "", message: expect.stringContaining("too large") }],
    });
    expect((await send("GET", "/v1/invoices/BIG-13", undefined)).status).toBe(404);
    for (const number of ["BIG-0", "BIG-59"]) {
      const stored = await send("GET", `/v1/invoices/${number}`, undefined);
      expect((stored.body.timeline as { type: string }[]).map((event) => event.type)).toEqual(["created"]);
    }
  });

  it("leaves invoices whose timeline write failed for the next upload to complete, which answers created for them", async () => {
    // Prepare: the timeline's BatchWriteItem fails after the invoices are stored
    const invoices = Array.from({ length: 40 }, (_, index) =>
      anInvoiceInput({ invoiceNumber: `HALF-${index}` }),
    );
    api.dynamo.client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === "BatchWriteItemCommand") throw new Error("the connection was reset");
        return next(args);
      },
      { step: "initialize", name: "failTimelineWrites" },
    );
    let failed: Answer;
    try {
      failed = await send("POST", "/v1/invoices", invoices);
    } finally {
      api.dynamo.client.middlewareStack.remove("failTimelineWrites");
    }
    expect(failed.status).toBe(500);
    const timelineOf = async (number: string) =>
      ((await send("GET", `/v1/invoices/${number}`, undefined)).body.timeline as { type: string }[]).map(
        (event) => event.type,
      );
    expect(await timelineOf("HALF-0")).toEqual([]);

    // Act: a minute later, once the failed upload could no longer be writing
    const now = api.deps.now;
    api.deps.now = () => new Date(NOW.getTime() + 60_001);
    let retry: Answer;
    let again: Answer;
    try {
      retry = await send("POST", "/v1/invoices", invoices);
      again = await send("POST", "/v1/invoices", invoices);
    } finally {
      api.deps.now = now;
    }

    // Assess
    expect(retry.status).toBe(200);
    expect(retry.body.summary).toEqual({ created: 40, updated: 0, unchanged: 0, rejected: 0, conflict: 0 });
    for (let index = 0; index < 40; index++) expect(await timelineOf(`HALF-${index}`)).toEqual(["created"]);
    expect(again.body.summary).toEqual({ created: 0, updated: 0, unchanged: 40, rejected: 0, conflict: 0 });
  });
});
