/**
 * The invoice item stays far from DynamoDB's 400 KB, counted as DynamoDB counts it (UTF-8 bytes,
 * #adapters/dynamo/item-size.ts; the test DynamoDB refuses what the real one would), at its
 * largest ordinary shape, so that the write recording a reminder SES took always fits beside the
 * claim: a 60-installment plan, the most action answers it remembers (IDEMPOTENCY_KEYS_KEPT), each
 * under its own Idempotency-Key, as a bookkeeping system posting many payments a day would leave
 * it, lines filling their budget, and the most payments an invoice keeps.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AttributeValue, itemSize } from "#adapters/dynamo/item-size.ts";
import { invoiceKey } from "#adapters/dynamo/keys.ts";
import { IDEMPOTENCY_KEYS_KEPT } from "#api/action-routes.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { MAX_LINES_BYTES } from "#domain/invoice/invoice-input.ts";
import { MAX_PAYMENTS } from "#domain/invoice/transitions.ts";
import { MAX_WAITING_RECEIPTS } from "#sending/owner-alert.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

let pipeline: Pipeline;

beforeAll(async () => {
  pipeline = await startPipeline({ start: new Date("2026-11-20T09:00:00Z") });
  await pipeline.addTenant();
  await pipeline.addInvoice(anInvoiceInput({ amount: "6000.00" }));
});
afterAll(async () => pipeline?.close());

/** The invoice item as stored, and its size by DynamoDB's rule. */
async function storedItem(number = "2026-1001") {
  const key = invoiceKey("nordlys", number);
  const { Item } = await pipeline.dynamo.client.send(
    new GetItemCommand({
      TableName: pipeline.dynamo.tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
      ConsistentRead: true,
    }),
  );
  const requests = Item?.requests?.M ?? {};
  return {
    bytes: Item ? itemSize(Item as Record<string, AttributeValue>) : 0,
    keys: Object.keys(requests),
    alerts: Object.keys(Item?.alerts?.M ?? {}).length,
  };
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

  /** `count` lines, their descriptions in a letter of two (or three) UTF-8 bytes. */
  const linesOf = (count: number, descriptionChars: number, letter = "ø") =>
    Array.from({ length: count }, (_, i) => ({
      description: `${i} ${letter.repeat(descriptionChars)}`.slice(0, 500),
      amount: "1.00",
    }));

  it.each([
    ["ø", "2001"],
    ["€", "2003"],
    ["ж", "2004"],
  ])(
    "refuses 500 lines of %s beyond their budget, naming the field, and stores nothing",
    async (letter, n) => {
      const upload = await pipeline.call("POST", "/v1/invoices", {
        ...anInvoiceInput({ invoiceNumber: `2026-${n}`, amount: "500.00" }),
        lines: linesOf(500, 490, letter),
      });

      expect(upload.status).toBe(422);
      expect(upload.body.errors).toEqual([
        { path: "lines", message: "must be at most 160 KB as UTF-8 text, all lines together" },
      ]);
      expect((await storedItem(`2026-${n}`)).bytes).toBe(0);
    },
  );

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

  it("keeps the most payments an invoice takes, then refuses the next naming `payments`, and folds a burst's receipts", async () => {
    // Prepare: an invoice that has taken all but 15 of its payments (written straight to the
    // table: 2 000 requests would take minutes), then 15 through the API with the longest
    // references, in 3-byte letters, each under its own key.
    const seeded = MAX_PAYMENTS - 15;
    await pipeline.addInvoice(anInvoiceInput({ invoiceNumber: "2026-3001", amount: "100000.00" }));
    await pipeline.dynamo.documents.send(
      new UpdateCommand({
        TableName: pipeline.dynamo.tableName,
        Key: invoiceKey("nordlys", "2026-3001"),
        UpdateExpression: "SET #invoice.#payments = :payments, #invoice.#amountPaid = :paid",
        ExpressionAttributeNames: {
          "#invoice": "invoice",
          "#payments": "payments",
          "#amountPaid": "amountPaid",
        },
        ExpressionAttributeValues: {
          ":payments": Array.from({ length: seeded }, (_, i) => ({
            amount: 100,
            date: addDays("2021-01-01", i),
          })),
          ":paid": seeded * 100,
        },
      }),
    );
    const pay = (i: number) =>
      pipeline.call(
        "POST",
        "/v1/invoices/2026-3001/payments",
        { amount: "1.00", date: "2026-11-20", reference: "€".repeat(140) },
        { "idempotency-key": `burst-${i}` },
      );

    // Act
    const answers = [];
    for (let i = 0; i < 15; i++) answers.push(await pay(i));
    const full = await storedItem("2026-3001");
    const refused = await pay(15);

    // Assess: all 15 taken, the next refused as the invoice's, and nothing of it stored.
    expect(answers.map((answer) => answer.status)).toEqual(Array(15).fill(200));
    expect(answers.at(-1)?.body.amountPaid).toBe(`${MAX_PAYMENTS}.00`);
    expect(refused.status).toBe(422);
    expect(refused.body.errors).toEqual([
      { path: "payments", message: `must be at most ${MAX_PAYMENTS} on one invoice; this one has them all` },
    ]);
    const stored = await pipeline.invoices.get("nordlys", "2026-3001");
    expect(stored?.invoice.payments).toHaveLength(MAX_PAYMENTS);
    expect(stored?.invoice.amountPaid).toBe(MAX_PAYMENTS * 100);
    expect((await storedItem("2026-3001")).bytes).toBe(full.bytes);
    // The references are in the timeline, not on the item; the burst's receipts are folded.
    expect(full.alerts).toBe(MAX_WAITING_RECEIPTS);
    expect(full.bytes).toBeLessThan(120 * 1024);
    const timeline = await pipeline.invoices.timeline("nordlys", "2026-3001");
    expect(timeline.filter((event) => event.type === "payment_recorded")).toHaveLength(15);
    const receipts = Object.values(stored?.alerts ?? {}).map((entry) =>
      entry.to === "debtor" ? entry.payment.amount : 0,
    );
    expect(receipts.reduce((sum, amount) => sum + amount, 0)).toBe(1500);
  });
});
