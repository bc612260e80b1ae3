/**
 * The invoice item stays far from DynamoDB's 400 KB (counted in UTF-8 bytes) at its largest
 * ordinary shape, so that the write recording a reminder SES took always fits beside the claim: a
 * 60-installment plan, and the most action answers it remembers (IDEMPOTENCY_KEYS_KEPT), each under
 * its own Idempotency-Key, as a bookkeeping system posting many payments a day would leave it.
 */
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceKey } from "#adapters/dynamo/keys.ts";
import { IDEMPOTENCY_KEYS_KEPT } from "#api/action-routes.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { MAX_LINES_BYTES } from "#domain/invoice/invoice-input.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ start: new Date("2026-11-20T09:00:00Z") });
  await pipeline.addTenant();
  await pipeline.addInvoice(anInvoiceInput({ amount: "6000.00" }));
});
afterAll(async () => pipeline?.close());

/** The invoice item as stored, and its size in UTF-8 bytes of its JSON (no smaller than DynamoDB's count). */
async function storedItem(number = "2026-1001") {
  const { Item } = await pipeline.dynamo.documents.send(
    new GetCommand({ TableName: pipeline.dynamo.tableName, Key: invoiceKey("nordlys", number) }),
  );
  const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value ?? {}), "utf8");
  return { bytes: bytes(Item), keys: Object.keys(Item?.requests ?? {}) };
}

describe("the invoice item's size", () => {
  it("stays below a quarter of 400 KB with a 60-installment plan and every answer it remembers", async () => {
    const plan = await pipeline.call(
      "POST",
      "/v1/invoices/2026-1001/payment-plan",
      {
        installments: Array.from({ length: 60 }, (_, i) => ({
          dueDate: addDays("2026-12-01", i * 7),
          amount: "100.00",
        })),
      },
      { "idempotency-key": "plan" },
    );
    expect(plan.status).toBe(200);
    const answers = [];
    for (let i = 0; i < 30; i++) {
      answers.push(
        await pipeline.call(
          "POST",
          "/v1/invoices/2026-1001/payments",
          { amount: "1.00", reference: `bank line ${i}` },
          { "idempotency-key": `payment-${i}` },
        ),
      );
    }
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    const item = await storedItem();

    // The newest answer is replayed, not booked again.
    const again = await pipeline.call(
      "POST",
      "/v1/invoices/2026-1001/payments",
      { amount: "1.00", reference: "bank line 29" },
      { "idempotency-key": "payment-29" },
    );

    expect(item.keys).toHaveLength(IDEMPOTENCY_KEYS_KEPT);
    expect(item.bytes).toBeLessThan(100 * 1024);
    expect(again.status).toBe(200);
    expect(again.body.amountPaid).toBe(answers[29]?.body.amountPaid);
  });

  /** `count` lines, their descriptions in a letter of two UTF-8 bytes. */
  const linesOf = (count: number, descriptionChars: number) =>
    Array.from({ length: count }, (_, i) => ({
      description: `${i} ${"ø".repeat(descriptionChars)}`.slice(0, 500),
      amount: "1.00",
    }));

  it("refuses lines beyond their budget, naming the field, and stores nothing", async () => {
    const upload = await pipeline.call("POST", "/v1/invoices", {
      ...anInvoiceInput({ invoiceNumber: "2026-2001", amount: "500.00" }),
      lines: linesOf(500, 400),
    });

    expect(upload.status).toBe(422);
    expect(upload.body.errors).toEqual([
      { path: "lines", message: "must be at most 160 KB as UTF-8 text, all lines together" },
    ]);
    expect((await storedItem("2026-2001")).bytes).toBe(2);
  });

  it("records a reminder on an invoice whose lines fill their budget", async () => {
    const lines = linesOf(200, 380);
    expect(Buffer.byteLength(JSON.stringify(lines), "utf8")).toBeGreaterThan(MAX_LINES_BYTES * 0.9);
    const upload = await pipeline.call("POST", "/v1/invoices", {
      ...anInvoiceInput({ invoiceNumber: "2026-2002", amount: "200.00" }),
      lines,
    });
    expect(upload.body.results[0]).toMatchObject({ status: "created" });

    await pipeline.runUntil(new Date("2026-11-24T12:00:00Z"), 3_600_000);

    const stored = await pipeline.invoices.get("nordlys", "2026-2002");
    expect(stored?.invoice.stagesSent.map((sent) => sent.stage)).toContain("reminder_1");
    expect(stored?.claim).toBeUndefined();
    expect((await storedItem("2026-2002")).bytes).toBeLessThan(300 * 1024);
  });
});
