/**
 * The list index (docs/DATA-MODEL.md, "The list index"), measured on dynalite through the real
 * adapters:
 *
 * - What the index costs the sender: the pipeline runs invoices through the whole ladder, and every
 *   write to an invoice item is looked at. With the index projecting only `listed`, an index write
 *   happens when a write sets `listed` (one unit: the entry is far below 1 KB); had it projected
 *   ALL, every write to the item would rewrite its entry, as many units as the item's own write.
 * - What a page costs as a tenant grows: one page of 100, and one filtered page whose filter few
 *   invoices pass, at 1 000 and at 10 000 invoices, in DynamoDB requests and read units.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceAttributes } from "#adapters/dynamo/invoice-item.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { invoiceKey } from "#adapters/dynamo/keys.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { createInvoice } from "#domain/invoice/invoice.ts";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import { anInvoiceInput } from "../test/support/invoices.ts";
import { startPipeline } from "../test/support/pipeline.ts";
import type { Figure, Suite } from "./figure.ts";

type IndexTally = { itemWrites: number; itemWriteUnits: number; listedWrites: number };

/** Counts the writes to invoice items (sk INVOICE), their units, and those that set `listed`. */
function countInvoiceWrites(client: DynamoDBClient, tally: IndexTally, on: () => boolean): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const name = String(context.commandName);
      // The document client's own middleware may not have marshalled the key yet: either form.
      const sk = ((input.Key ?? input.Item) as { sk?: unknown } | undefined)?.sk;
      const counted =
        on() &&
        (name === "UpdateItemCommand" || name === "PutItemCommand") &&
        (sk === "INVOICE" || (sk as { S?: string } | undefined)?.S === "INVOICE");
      if (counted) input.ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      if (counted) {
        const consumed = (result.output as { ConsumedCapacity?: { CapacityUnits?: number } })
          .ConsumedCapacity;
        tally.itemWrites += 1;
        tally.itemWriteUnits += consumed?.CapacityUnits ?? 1;
        const sets = name === "PutItemCommand" || /\blisted = /.test(String(input.UpdateExpression ?? ""));
        if (sets) tally.listedWrites += 1;
      }
      return result;
    },
    { step: "initialize", name: "benchCountInvoiceWrites" },
  );
}

/** 30 invoices through the whole ladder; the invoice-item writes made while the senders run, per email sent. */
async function indexWritesPerEmail(): Promise<{ tally: IndexTally; emails: number }> {
  const tally: IndexTally = { itemWrites: 0, itemWriteUnits: 0, listedWrites: 0 };
  let sending = false;
  const pipeline = await startPipeline({
    start: new Date("2026-11-01T00:00:00Z"),
    dynamoClient: (client) => countInvoiceWrites(client, tally, () => sending),
  });
  await pipeline.addTenant();
  for (let i = 0; i < 30; i++) {
    const base = anInvoiceInput();
    await pipeline.addInvoice({
      ...base,
      invoiceNumber: `W-${i}`,
      dueDate: addDays("2026-11-10", i % 14),
      customer: { ...base.customer, email: `w${i}@debtor.example` },
    });
  }
  const { invoices, queue, deps } = pipeline;
  const cursor = new DispatchCursorTable(pipeline.dynamo.documents, pipeline.dynamo.tableName);
  const { processDueInvoice } = await import("#sending/process-due-invoice.ts");
  let emails = 0;
  while (pipeline.clock.now.getTime() < Date.parse("2027-02-20T00:00:00Z")) {
    const now = pipeline.clock.now;
    await dispatchDue({ invoices, cursor, queue }, now, { settleMs: 0 });
    sending = true;
    await queue.deliver(async (message) => {
      if ((await processDueInvoice(deps, message, now)).outcome === "sent") emails += 1;
      return true;
    });
    sending = false;
    pipeline.clock.now = new Date(now.getTime() + 3 * 3_600_000);
  }
  await pipeline.close();
  return { tally, emails };
}

type PageCost = { requests: number; readUnits: number; found: number };

/** A tenant of `count` invoices stored as uploads store them; `overdue` of them past due. */
async function storeTenant(dynamo: LocalDynamo, count: number, overdue: number): Promise<void> {
  const table = { client: dynamo.documents, tableName: dynamo.tableName, clock: () => new Date() };
  const every = Math.ceil(count / overdue);
  const items = Array.from({ length: count }, (_, i) => {
    const invoiceNumber = `P-${String(i).padStart(7, "0")}`;
    const input = InvoiceInputSchema.parse(
      anInvoiceInput({ invoiceNumber, dueDate: i % every === 0 ? "2026-11-16" : "2026-12-15" }),
    );
    const { invoice } = createInvoice("bench", input, "2026-11-01T08:00:00.000Z");
    return { ...invoiceKey("bench", invoiceNumber), ...invoiceAttributes(table, invoice, undefined) };
  });
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await dynamo.documents.send(new BatchWriteCommand({ RequestItems: { [dynamo.tableName]: batch } }));
  }
}

async function pageCosts(count: number): Promise<{ plain: PageCost; filtered: PageCost }> {
  const dynamo = await startDynalite();
  await storeTenant(dynamo, count, 7);
  let cost: PageCost = { requests: 0, readUnits: 0, found: 0 };
  dynamo.client.middlewareStack.add(
    (next) => async (args) => {
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = "TOTAL";
      const result = await next(args);
      const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
      const all = (Array.isArray(consumed) ? consumed : [consumed]) as (
        | { CapacityUnits?: number }
        | undefined
      )[];
      cost.requests += 1;
      cost.readUnits += all.reduce((sum, c) => sum + (c?.CapacityUnits ?? 0), 0);
      return result;
    },
    { step: "initialize", name: "benchCountPage" },
  );
  const invoices = invoiceTable(dynamo.documents, dynamo.tableName);
  const plainPage = await invoices.page("bench", { limit: 100 });
  const plain = { ...cost, found: plainPage.invoices.length };
  cost = { requests: 0, readUnits: 0, found: 0 };
  const filteredPage = await invoices.page("bench", {
    limit: 100,
    filter: { overdue: true, today: "2026-11-20" },
  });
  const filtered = { ...cost, found: filteredPage.invoices.length };
  await dynamo.close();
  return { plain, filtered };
}

async function run(): Promise<Figure[]> {
  const { tally, emails } = await indexWritesPerEmail();
  const include = tally.listedWrites / emails;
  const all = tally.itemWriteUnits / emails;
  const small = await pageCosts(1_000);
  const large = await pageCosts(10_000);
  const describe = (cost: PageCost) =>
    `${cost.requests} requests, ${cost.readUnits.toFixed(1)} read units, ${cost.found} invoices`;
  return [
    {
      name: "lists.index_write_units_per_email",
      value: include,
      unit: "index write units/email",
      ratio: {
        value: include / all,
        of: `units/email with the index projecting \`listed\` ÷ projecting ALL (${all.toFixed(2)}: every write to the invoice item rewrites its entry)`,
        goal: "≤ 0.1",
        met: include / all <= 0.1,
      },
      note: `${emails} emails from 30 invoices through the whole ladder: the invoice item was written ${tally.itemWrites} times while the senders ran (${(tally.itemWrites / emails).toFixed(2)} per email, ${(tally.itemWriteUnits / emails).toFixed(2)} units by item size as dynalite counts them), ${tally.listedWrites} of which set \`listed\`.`,
    },
    {
      name: "lists.page_requests_10k_vs_1k",
      value: large.plain.requests,
      unit: "requests",
      ratio: {
        value: large.plain.requests / small.plain.requests,
        of: `requests for a page of 100 at 10 000 invoices ÷ at 1 000 (${small.plain.requests})`,
        goal: "≤ 1.1",
        met: large.plain.requests / small.plain.requests <= 1.1,
      },
      note: `a page of 100: at 1 000 invoices ${describe(small.plain)}; at 10 000 ${describe(large.plain)}. A filtered page that 7 invoices pass reads the index entries up to them: at 1 000 invoices ${describe(small.filtered)}; at 10 000 ${describe(large.filtered)} (index entries are about 100 bytes, so a million cost about 12 500 eventually consistent read units).`,
    },
  ];
}

export const listsSuite: Suite = { title: "Listing invoices (the list index)", run };
