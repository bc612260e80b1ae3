/**
 * Invoice items in DynamoDB: reading, creating, changing and listing invoices, and their timelines.
 * Every change is conditional on the version it read (optimistic locking), so a change that raced
 * another one comes back as a `conflict` and is decided again rather than overwriting.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type {
  EventStep,
  InvoiceRecords,
  NewInvoice,
  NextSlot,
  SaveOptions,
  StoredInvoice,
  WriteOutcome,
} from "#ports/invoice-store.ts";
import {
  appendTimeline,
  dueSlot,
  invoiceAttributes,
  storedInvoiceOf,
  timelineItem,
  timelineStep,
  versionedChange,
} from "./invoice-item.ts";
import { invoiceKey, timelinePartition } from "./keys.ts";
import {
  BATCH_GET_LIMIT,
  BATCH_WRITE_LIMIT,
  chunks,
  conditional,
  inParallel,
  PARALLEL_WRITES,
  type TableContext,
  unprocessedPause,
  updateExpression,
  writeBatch,
} from "./writes.ts";

export function invoiceRecords(table: TableContext): InvoiceRecords {
  return {
    async get(tenantId: string, invoiceNumber: string): Promise<StoredInvoice | undefined> {
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: invoiceKey(tenantId, invoiceNumber),
          ConsistentRead: true,
        }),
      );
      if (!Item) return undefined;
      return storedInvoiceOf(Item);
    },

    /** A new invoice; `conflict` when one with that number exists already. */
    async create(invoice: Invoice, events: TimelineEvent[], next: NextSlot): Promise<WriteOutcome> {
      const outcome = await putNew(table, invoice, next);
      if (outcome === "ok") await appendTimeline(table, invoice, events);
      return outcome;
    },

    /**
     * Many invoices by number, read 100 at a time (BatchGetItem, strongly consistent): how a large
     * upload learns which of its invoices exist without one read per row.
     */
    async getMany(tenantId: string, invoiceNumbers: readonly string[]): Promise<Map<string, StoredInvoice>> {
      const found = new Map<string, StoredInvoice>();
      for (const numbers of chunks([...new Set(invoiceNumbers)], BATCH_GET_LIMIT)) {
        let keys: Record<string, unknown>[] | undefined = numbers.map((number) =>
          invoiceKey(tenantId, number),
        );
        for (let attempt = 0; keys && keys.length > 0; attempt++) {
          if (attempt > 0) await unprocessedPause(attempt);
          const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await table.client.send(
            new BatchGetCommand({
              RequestItems: { [table.tableName]: { Keys: keys, ConsistentRead: true } },
            }),
          );
          for (const Item of Responses?.[table.tableName] ?? []) {
            const stored = storedInvoiceOf(Item);
            found.set(stored.invoice.invoiceNumber, stored);
          }
          keys = UnprocessedKeys?.[table.tableName]?.Keys;
        }
      }
      return found;
    },

    /**
     * Many new invoices at once. Each invoice is its own conditional put, many in flight at a time:
     * BatchWriteItem takes no conditions, and an unconditional put could overwrite an invoice that a
     * concurrent upload created and the dispatcher already emailed. Their timeline steps, which are
     * safe to write twice, then go 25 to a BatchWriteItem. `conflict` for an invoice that exists.
     */
    async createMany(entries: readonly NewInvoice[]): Promise<WriteOutcome[]> {
      const outcomes = await inParallel(entries, PARALLEL_WRITES, ({ invoice, next }) =>
        putNew(table, invoice, next),
      );
      const steps = entries.flatMap(({ invoice, events }, index) =>
        outcomes[index] === "ok" && events.length > 0 ? [timelineStep(invoice, events)] : [],
      );
      await inParallel(chunks(steps, BATCH_WRITE_LIMIT), PARALLEL_WRITES / 4, (batch) =>
        writeBatch(table, batch),
      );
      return outcomes;
    },

    /**
     * Saves a change that sends nothing (a pause ended, a promise broke, a new slot), if nobody changed
     * it since. While a claim stands only news about sent emails may be saved (`whileClaimed`): it
     * leaves the claim and the due slot alone, and the claim's record reads the invoice again.
     * `requests` replaces the invoice's remembered action requests (see IdempotentResponse), `alerts`
     * its owner-alert outbox.
     *
     * The change's timeline step is written after the change, so that a step is never in the timeline
     * unless its change happened; it is keyed by the version it made. A change caused by something
     * that is retried until it is applied (an SES event) names its step instead (`eventStep`, keyed by
     * that event): the step is then also kept on the invoice item, in the same update as the change,
     * so that a retry that finds the change made but its step missing (the write after the change
     * failed) can write it again (putEventStep).
     */
    async save(
      before: Invoice,
      after: Invoice,
      events: TimelineEvent[],
      next: NextSlot,
      options: SaveOptions = {},
    ): Promise<WriteOutcome> {
      const slot = options.whileClaimed
        ? { set: [] as string[], remove: [] as string[], values: {} }
        : dueSlot(table, before.tenantId, before.invoiceNumber, next);
      const eventStep = options.eventStep === undefined ? undefined : { key: options.eventStep, events };
      const { set, values } = versionedChange(before, after, slot, {
        requests: options.requests,
        alerts: options.alerts,
        lastEventStep: eventStep,
      });
      const outcome = await conditional(() =>
        table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: invoiceKey(before.tenantId, before.invoiceNumber),
            UpdateExpression: updateExpression(set, slot.remove),
            ConditionExpression: options.whileClaimed
              ? "#version = :read"
              : "#version = :read AND attribute_not_exists(#claim)",
            ExpressionAttributeNames: options.whileClaimed
              ? { "#invoice": "invoice", "#version": "version" }
              : { "#invoice": "invoice", "#claim": "claim", "#version": "version" },
            ExpressionAttributeValues: values,
          }),
        ),
      );
      if (outcome === "ok") {
        if (eventStep) await putEventStep(table, after, eventStep);
        else await appendTimeline(table, { ...after, version: before.version + 1 }, events);
      }
      return outcome;
    },

    /** An SES event's timeline step; writing it again writes the same item. */
    putEventStep(invoice: Pick<Invoice, "tenantId" | "invoiceNumber">, step: EventStep): Promise<void> {
      return putEventStep(table, invoice, step);
    },

    /** A tenant's invoices, page by page, in invoice-number order. */
    async list(tenantId: string): Promise<StoredInvoice[]> {
      const invoices: StoredInvoice[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :invoices)",
            ExpressionAttributeValues: { ":pk": `TENANT#${tenantId}`, ":invoices": "INVOICE#" },
            ExclusiveStartKey: cursor,
          }),
        );
        for (const Item of page.Items ?? []) {
          invoices.push(storedInvoiceOf(Item));
        }
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return invoices;
    },

    /**
     * One page of a tenant's invoices in invoice-number order, and where the next page starts: the
     * invoice number of the last one on this page (undefined on the last page).
     */
    async page(
      tenantId: string,
      options: { limit: number; after?: string },
    ): Promise<{ invoices: StoredInvoice[]; after?: string }> {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :invoices)",
          ExpressionAttributeValues: { ":pk": `TENANT#${tenantId}`, ":invoices": "INVOICE#" },
          Limit: options.limit,
          ExclusiveStartKey: options.after === undefined ? undefined : invoiceKey(tenantId, options.after),
        }),
      );
      const invoices = (page.Items ?? []).map(storedInvoiceOf);
      const last = page.LastEvaluatedKey
        ? String(page.LastEvaluatedKey.sk).slice("INVOICE#".length)
        : undefined;
      return { invoices, after: last };
    },

    async timeline(tenantId: string, invoiceNumber: string): Promise<TimelineEvent[]> {
      const events: TimelineEvent[] = [];
      let cursor: Record<string, unknown> | undefined;
      do {
        const page = await table.client.send(
          new QueryCommand({
            TableName: table.tableName,
            KeyConditionExpression: "pk = :pk AND begins_with(sk, :events)",
            ExpressionAttributeValues: {
              ":pk": timelinePartition(tenantId, invoiceNumber),
              ":events": "EVENT#",
            },
            ExclusiveStartKey: cursor,
          }),
        );
        for (const item of page.Items ?? []) events.push(...(item.events as TimelineEvent[]));
        cursor = page.LastEvaluatedKey;
      } while (cursor);
      return events;
    },
  };
}

/** The invoice item, only if no invoice of that number exists. */
function putNew(table: TableContext, invoice: Invoice, next: NextSlot): Promise<WriteOutcome> {
  return conditional(() =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: {
          ...invoiceKey(invoice.tenantId, invoice.invoiceNumber),
          ...invoiceAttributes(table, invoice, next),
        },
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
}

/** An SES event's timeline step; writing it again writes the same item. */
async function putEventStep(
  table: TableContext,
  invoice: Pick<Invoice, "tenantId" | "invoiceNumber">,
  step: EventStep,
): Promise<void> {
  if (step.events.length === 0) return;
  await table.client.send(
    new PutCommand({ TableName: table.tableName, Item: timelineItem(invoice, step.events, step.key) }),
  );
}
