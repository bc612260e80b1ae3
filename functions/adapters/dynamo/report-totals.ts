/**
 * The report totals in DynamoDB (docs/DATA-MODEL.md, "Report totals"): the items they are kept in,
 * the write that changes them together with an invoice, and how they are read.
 *
 * An invoice write that changes the invoice's contribution (#domain/reports/totals.ts) goes as one
 * TransactWriteItems: the invoice's own conditional write first, then an ADD of the difference to
 * each total it touches. So the totals change exactly when the invoice does: a write whose
 * condition fails (a lost race, a retry of a write that was made) adds nothing, and the SDK's retry
 * of the transaction itself is made idempotent by its ClientRequestToken. A write that leaves the
 * contribution as it was (a reminder recorded, an email opened, a claim) stays a single request:
 * a transaction costs twice the write units.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Invoice } from "#domain/invoice/invoice.ts";
import {
  addToTotals,
  type CustomerChange,
  type CustomerTotal,
  type DueDateTotal,
  emptyTotals,
  isNoChange,
  type NameCount,
  type Totals,
  totalsChange,
} from "#domain/reports/totals.ts";
import type { WriteOutcome } from "#ports/invoice-store.ts";
import type { ReportTotals } from "#ports/report-totals.ts";
import {
  allTotalsShards,
  customerTotalKey,
  customerTotalsPartition,
  dueDateTotalKey,
  dueDateTotalsPartition,
  totalsShardOf,
} from "./keys.ts";
import {
  BATCH_WRITE_LIMIT,
  chunks,
  conditional,
  inParallel,
  PARALLEL_WRITES,
  type TableContext,
  unprocessedPause,
  writeBatch,
} from "./writes.ts";

/** The invoice's own write, as a transaction holds it. */
export type InvoiceWrite = NonNullable<TransactWriteCommandInput["TransactItems"]>[number] &
  ({ Put: NonNullable<unknown> } | { Update: NonNullable<unknown> });

/** How often a transaction that collided with another one on a total is tried again. */
const TRANSACTION_ATTEMPTS = 8;
/** A customer's names are attributes `name#{issueDate}#{name}` of their total, each counting its invoices. */
const NAME_PREFIX = "name#";

/**
 * The invoice's conditional write, and the change it makes to the totals in the same transaction
 * when there is one. `conflict` when the invoice's condition failed.
 */
export async function writeInvoice(
  table: TableContext,
  write: InvoiceWrite,
  before: Invoice | undefined,
  after: Invoice,
): Promise<WriteOutcome> {
  const change = totalsChange(before, after);
  if (isNoChange(change)) {
    return conditional(() =>
      "Put" in write && write.Put
        ? table.client.send(new PutCommand(write.Put))
        : table.client.send(new UpdateCommand(write.Update as NonNullable<InvoiceWrite["Update"]>)),
    );
  }
  const shard = totalsShardOf(after.tenantId, after.invoiceNumber);
  const TransactItems = [write, ...totalsUpdates(table, after.tenantId, shard, change)];
  for (let attempt = 1; ; attempt++) {
    try {
      await table.client.send(new TransactWriteCommand({ TransactItems }));
      return "ok";
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === "ConditionalCheckFailed") return "conflict";
      // Another transaction on the same total at the same moment: nothing was written, so the
      // whole transaction may go again.
      const collided = reasons.some((reason) => reason.Code === "TransactionConflict");
      if (!collided || attempt >= TRANSACTION_ATTEMPTS) throw error;
      await unprocessedPause(attempt);
    }
  }
}

/** The ADDs (and set changes) of a change to the totals of one shard. */
function totalsUpdates(
  table: TableContext,
  tenantId: string,
  shard: number,
  change: ReturnType<typeof totalsChange>,
): InvoiceWrite[] {
  const dueDates = change.dueDates.map(
    (total): InvoiceWrite => ({
      Update: {
        TableName: table.tableName,
        Key: dueDateTotalKey(tenantId, shard, total),
        UpdateExpression:
          "SET #currency = :currency, #dueDate = :dueDate, #timeZone = :timeZone ADD #count :count, #amount :amount",
        ExpressionAttributeNames: {
          "#currency": "currency",
          "#dueDate": "dueDate",
          "#timeZone": "timeZone",
          "#count": "count",
          "#amount": "amount",
        },
        ExpressionAttributeValues: {
          ":currency": total.currency,
          ":dueDate": total.dueDate,
          ":timeZone": total.timeZone,
          ":count": total.count,
          ":amount": total.amount,
        },
      },
    }),
  );
  return [
    ...dueDates,
    ...change.customers.map((customer) => customerUpdate(table, tenantId, shard, customer)),
  ];
}

function customerUpdate(
  table: TableContext,
  tenantId: string,
  shard: number,
  change: CustomerChange,
): InvoiceWrite {
  const names: Record<string, string> = { "#customerId": "customerId" };
  const values: Record<string, unknown> = { ":customerId": change.customerId };
  const add: string[] = [];
  const remove: string[] = [];
  const addNumber = (attribute: string, amount: number) => {
    if (amount === 0) return;
    const at = add.length + remove.length;
    names[`#a${at}`] = attribute;
    values[`:a${at}`] = amount;
    add.push(`#a${at} :a${at}`);
  };
  addNumber("invoices", change.invoices);
  addNumber("openInvoices", change.openInvoices);
  for (const name of change.names) addNumber(nameAttribute(name), name.count);
  for (const hold of change.holds) {
    const at = add.length + remove.length;
    names[`#a${at}`] = hold.reason === "in_collection" ? "inCollection" : "brokenPromise";
    values[`:a${at}`] = new Set([hold.invoiceNumber]);
    (hold.held ? add : remove).push(`#a${at} :a${at}`);
  }
  return {
    Update: {
      TableName: table.tableName,
      Key: customerTotalKey(tenantId, shard, change.customerId),
      UpdateExpression: [
        "SET #customerId = :customerId",
        add.length > 0 ? `ADD ${add.join(", ")}` : "",
        remove.length > 0 ? `DELETE ${remove.join(", ")}` : "",
      ]
        .filter(Boolean)
        .join(" "),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

const nameAttribute = (name: Pick<NameCount, "issueDate" | "name">) =>
  `${NAME_PREFIX}${name.issueDate}#${name.name}`;

const DueDateTotalItemSchema = z.object({
  currency: z.string(),
  dueDate: z.string(),
  timeZone: z.string(),
  count: z.number().int(),
  amount: z.number().int(),
});

const CustomerTotalItemSchema = z
  .object({
    customerId: z.string(),
    invoices: z.number().int().default(0),
    openInvoices: z.number().int().default(0),
    inCollection: z.set(z.string()).optional(),
    brokenPromise: z.set(z.string()).optional(),
  })
  .loose();

function customerTotalOf(Item: Record<string, unknown>): CustomerTotal {
  const item = CustomerTotalItemSchema.parse(Item);
  const names: NameCount[] = [];
  for (const [attribute, count] of Object.entries(Item)) {
    if (!attribute.startsWith(NAME_PREFIX)) continue;
    const rest = attribute.slice(NAME_PREFIX.length);
    names.push({ issueDate: rest.slice(0, 10), name: rest.slice(11), count: z.number().int().parse(count) });
  }
  return {
    customerId: item.customerId,
    invoices: item.invoices,
    openInvoices: item.openInvoices,
    names,
    inCollection: [...(item.inCollection ?? [])],
    brokenPromise: [...(item.brokenPromise ?? [])],
  };
}

/** The shards' parts of one customer added together. */
function mergeCustomer(a: CustomerTotal, b: CustomerTotal): CustomerTotal {
  const names = [...a.names];
  for (const name of b.names) {
    const same = names.findIndex((entry) => entry.issueDate === name.issueDate && entry.name === name.name);
    if (same >= 0) names[same] = { ...name, count: (names[same]?.count ?? 0) + name.count };
    else names.push(name);
  }
  return {
    customerId: a.customerId,
    invoices: a.invoices + b.invoices,
    openInvoices: a.openInvoices + b.openInvoices,
    names,
    inCollection: [...a.inCollection, ...b.inCollection],
    brokenPromise: [...a.brokenPromise, ...b.brokenPromise],
  };
}

export function reportTotals(table: TableContext): ReportTotals {
  /** Every item of one partition, page by page. */
  const partition = async (pk: string): Promise<Record<string, unknown>[]> => {
    const items: Record<string, unknown>[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ExclusiveStartKey: cursor,
        }),
      );
      items.push(...(page.Items ?? []));
      cursor = page.LastEvaluatedKey;
    } while (cursor);
    return items;
  };
  const everyShard = (partitionOf: (shard: number) => string) =>
    Promise.all(allTotalsShards().map((shard) => partition(partitionOf(shard)))).then((shards) =>
      shards.flat(),
    );

  return {
    async dueDateTotals(tenantId: string): Promise<DueDateTotal[]> {
      const totals = new Map<string, DueDateTotal>();
      for (const Item of await everyShard((shard) => dueDateTotalsPartition(tenantId, shard))) {
        const item = DueDateTotalItemSchema.parse(Item);
        const key = JSON.stringify([item.currency, item.dueDate, item.timeZone]);
        const total = totals.get(key);
        if (total) {
          total.count += item.count;
          total.amount += item.amount;
        } else totals.set(key, { ...item });
      }
      return [...totals.values()].filter((total) => total.count !== 0);
    },

    async customerTotals(tenantId: string): Promise<CustomerTotal[]> {
      const customers = new Map<string, CustomerTotal>();
      for (const Item of await everyShard((shard) => customerTotalsPartition(tenantId, shard))) {
        const part = customerTotalOf(Item);
        const known = customers.get(part.customerId);
        customers.set(part.customerId, known ? mergeCustomer(known, part) : part);
      }
      return [...customers.values()].sort((a, b) =>
        a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
      );
    },

    /** The customer's item in every shard, in one BatchGetItem. */
    async customerTotal(tenantId: string, customerId: string): Promise<CustomerTotal | undefined> {
      let total: CustomerTotal | undefined;
      let keys: Record<string, unknown>[] | undefined = allTotalsShards().map((shard) =>
        customerTotalKey(tenantId, shard, customerId),
      );
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await unprocessedPause(attempt);
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await table.client.send(
          new BatchGetCommand({ RequestItems: { [table.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        for (const Item of Responses?.[table.tableName] ?? []) {
          const part = customerTotalOf(Item);
          total = total ? mergeCustomer(total, part) : part;
        }
        keys = UnprocessedKeys?.[table.tableName]?.Keys;
      }
      return total;
    },

    async rebuildTotals(
      tenantId: string,
      invoices: Iterable<Invoice> | AsyncIterable<Invoice>,
    ): Promise<void> {
      const old = await Promise.all(
        allTotalsShards().flatMap((shard) => [
          partition(dueDateTotalsPartition(tenantId, shard)),
          partition(customerTotalsPartition(tenantId, shard)),
        ]),
      );
      const deletes = old.flat().map((item) => ({ DeleteRequest: { Key: { pk: item.pk, sk: item.sk } } }));
      for (const batch of chunks(deletes, BATCH_WRITE_LIMIT)) await deleteBatch(table, batch);

      // Each invoice added to the totals of its own shard, as its writes would have added it.
      const byShard = new Map<number, Totals>();
      for await (const invoice of invoices) {
        const shard = totalsShardOf(tenantId, invoice.invoiceNumber);
        let totals = byShard.get(shard);
        if (!totals) {
          totals = emptyTotals();
          byShard.set(shard, totals);
        }
        addToTotals(totals, invoice);
      }
      const items: Record<string, unknown>[] = [];
      for (const [shard, totals] of byShard) {
        for (const total of totals.dueDates.values())
          items.push({ ...dueDateTotalKey(tenantId, shard, total), ...total });
        for (const customer of totals.customers.values()) items.push(customerItem(tenantId, shard, customer));
      }
      await inParallel(chunks(items, BATCH_WRITE_LIMIT), PARALLEL_WRITES / 4, (batch) =>
        writeBatch(table, batch),
      );
    },
  };
}

function customerItem(tenantId: string, shard: number, total: CustomerTotal): Record<string, unknown> {
  return {
    ...customerTotalKey(tenantId, shard, total.customerId),
    customerId: total.customerId,
    invoices: total.invoices,
    openInvoices: total.openInvoices,
    ...Object.fromEntries(total.names.map((name) => [nameAttribute(name), name.count])),
    ...(total.inCollection.length > 0 ? { inCollection: new Set(total.inCollection) } : {}),
    ...(total.brokenPromise.length > 0 ? { brokenPromise: new Set(total.brokenPromise) } : {}),
  };
}

/** Deletes by BatchWriteItem, until DynamoDB has taken every one. */
async function deleteBatch(
  table: TableContext,
  requests: { DeleteRequest: { Key: Record<string, unknown> } }[],
) {
  let pending: unknown[] | undefined = requests;
  for (let attempt = 0; pending && pending.length > 0; attempt++) {
    if (attempt > 0) await unprocessedPause(attempt);
    const { UnprocessedItems }: BatchWriteCommandOutput = await table.client.send(
      new BatchWriteCommand({ RequestItems: { [table.tableName]: pending as never } }),
    );
    pending = UnprocessedItems?.[table.tableName];
  }
}
