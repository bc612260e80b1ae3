/**
 * The dispatcher on dynalite's due index: each due slot is put on the send queue once, however many
 * ticks see it due; a slot written at the very instant a tick read up to goes with the next tick; a
 * tick out of time stops and the next goes on from where it got, losing and repeating nothing; and a
 * second dispatcher at the same time cannot move the cursor back.
 */
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { dueShardOf, invoiceKey } from "#adapters/dynamo/keys.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import type { DueMessage, DueQueue } from "#dispatching/due-message.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import { anInvoice } from "../support/invoices.ts";

let dynamo: LocalDynamo;
let clock: Date;
let invoices: InvoiceStore;
let cursor: DispatchCursorTable;

class RecordingQueue implements DueQueue {
  readonly messages: DueMessage[] = [];
  async enqueue(messages: readonly DueMessage[]): Promise<void> {
    this.messages.push(...messages);
  }
  numbers(): string[] {
    return this.messages.map((message) => message.invoiceNumber).sort();
  }
}

const T = Date.parse("2026-12-07T08:00:00.000Z");
const at = (ms: number) => new Date(ms);

async function putDue(numbers: string[], slot: Date): Promise<void> {
  for (let start = 0; start < numbers.length; start += 25) {
    const batch = numbers.slice(start, start + 25).map((number) => ({
      PutRequest: {
        Item: {
          ...invoiceKey("t", number),
          nextActionAt: slot.toISOString(),
          dueShard: dueShardOf("t", number),
        },
      },
    }));
    let requests = batch;
    while (requests.length > 0) {
      const { UnprocessedItems } = await dynamo.documents.send(
        new BatchWriteCommand({ RequestItems: { [dynamo.tableName]: requests } }),
      );
      requests = (UnprocessedItems?.[dynamo.tableName] ?? []) as typeof batch;
    }
  }
}

beforeEach(async () => {
  dynamo = await startDynalite();
  clock = at(T);
  invoices = invoiceTable(dynamo.documents, dynamo.tableName, () => clock);
  cursor = new DispatchCursorTable(dynamo.documents, dynamo.tableName);
});
afterEach(async () => dynamo?.close());

const numbers = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}-${i}`);

describe("the dispatcher's cursor", () => {
  it("enqueues 300 invoices due at one instant once, though they stay due for many ticks", async () => {
    const burst = numbers("burst", 300);
    await putDue(burst, at(T));
    const queue = new RecordingQueue();

    for (let tick = 0; tick < 5; tick++) {
      await dispatchDue({ invoices, cursor, queue }, at(T + tick * 60_000), { settleMs: 60_000 });
    }

    expect(queue.numbers()).toEqual([...burst].sort());
  });

  it("sends a slot written at the instant a tick read up to with the next tick", async () => {
    const queue = new RecordingQueue();
    await dispatchDue({ invoices, cursor, queue }, at(T), { settleMs: 0 });
    // Written at T, due at once (a retry "now"): InvoiceStore puts it just after T.
    const written = await invoices.create(anInvoice({ invoiceNumber: "late" }, "t"), [], at(T - 5 * 60_000));
    expect(written).toBe("ok");
    await dispatchDue({ invoices, cursor, queue }, at(T), { settleMs: 0 });
    expect(queue.numbers()).toEqual([]);

    await dispatchDue({ invoices, cursor, queue }, at(T + 60_000), { settleMs: 0 });

    expect(queue.numbers()).toEqual(["late"]);
  });

  it("stops a tick out of time and goes on with the next, losing and repeating nothing", async () => {
    const due = numbers("many", 2500);
    await putDue(due, at(T - 60_000));
    const queue = new RecordingQueue();
    let pages = 0;

    const first = await dispatchDue({ invoices, cursor, queue }, at(T), {
      settleMs: 0,
      outOfTime: () => pages++ >= 2,
    });
    const second = await dispatchDue({ invoices, cursor, queue }, at(T + 60_000), { settleMs: 0 });

    expect(first.caughtUp).toBe(false);
    expect(first.due).toBeLessThan(due.length);
    expect(second.caughtUp).toBe(true);
    expect(queue.numbers()).toEqual([...due].sort());
  });

  it("lets two dispatchers at once send duplicates at worst, never move the cursor back", async () => {
    await putDue(numbers("pair", 50), at(T - 60_000));
    const queue = new RecordingQueue();

    const [one, two] = await Promise.all([
      dispatchDue({ invoices, cursor, queue }, at(T), { settleMs: 0 }),
      dispatchDue({ invoices, cursor, queue }, at(T), { settleMs: 0 }),
    ]);
    await putDue(["after"], at(T + 30_000));
    const later = new RecordingQueue();
    await dispatchDue({ invoices, cursor, queue: later }, at(T + 60_000), { settleMs: 0 });

    expect([one.cursorSaved, two.cursorSaved].filter(Boolean).length).toBeGreaterThanOrEqual(1);
    expect(new Set(queue.numbers())).toEqual(new Set(numbers("pair", 50)));
    expect(later.numbers()).toEqual(["after"]);
  });
});
