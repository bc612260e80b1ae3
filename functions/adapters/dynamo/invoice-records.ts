/**
 * Invoice items in DynamoDB: reading, creating and changing invoices, and their timelines (listing
 * them is invoice-list.ts's).
 * Every change is conditional on the version it read (optimistic locking), so a change that raced
 * another one comes back as a `conflict` and is decided again rather than overwriting.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
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
  BATCH_WRITE_LIMIT,
  chunks,
  conditional,
  inParallel,
  PARALLEL_WRITES,
  readBatch,
  type TableContext,
  updateExpression,
  writeBatch,
} from "./writes.ts";

export function invoiceRecords(table: TableContext): Omit<InvoiceRecords, "list" | "page"> {
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
      const keys = [...new Set(invoiceNumbers)].map((number) => invoiceKey(tenantId, number));
      const found = new Map<string, StoredInvoice>();
      for (const Item of await readBatch(table, keys, { consistent: true, parallel: 1 })) {
        const stored = storedInvoiceOf(Item);
        found.set(stored.invoice.invoiceNumber, stored);
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
    putEventStep(invoice: Invoice, step: EventStep): Promise<void> {
      return putEventStep(table, invoice, step);
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
async function putEventStep(table: TableContext, invoice: Invoice, step: EventStep): Promise<void> {
  if (step.events.length === 0) return;
  await table.client.send(
    new PutCommand({ TableName: table.tableName, Item: timelineItem(invoice, step.events, step.key) }),
  );
}
