/**
 * Invoice items in DynamoDB: reading, creating and changing invoices, and their timelines (listing
 * them is invoice-list.ts's).
 * Every change is conditional on the version it read (optimistic locking), so a change that raced
 * another one comes back as a `conflict` and is decided again rather than overwriting.
 */
import { GetCommand, PutCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type {
  CreateOutcome,
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
  stepKey,
  storedInvoiceOf,
  timelineItem,
  timelineStep,
  versionedChange,
} from "./invoice-item.ts";
import { invoiceKey, timelinePartition } from "./keys.ts";
import { writeInvoice } from "./report-totals.ts";
import {
  BATCH_WRITE_LIMIT,
  chunks,
  inParallel,
  PARALLEL_WRITES,
  readBatch,
  storeRefusal,
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
    async create(invoice: Invoice, events: TimelineEvent[], next: NextSlot): Promise<CreateOutcome> {
      const outcome = await putNew(table, invoice, events, next);
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
     * safe to write twice, then go 25 to a BatchWriteItem. `conflict` for an invoice that exists,
     * `unstorable` for one DynamoDB refuses (the others are stored all the same). Each invoice item
     * holds its own `created` step, so that an upload that fails before the steps are written
     * leaves what the next upload of the invoices completes (completeCreations).
     */
    async createMany(entries: readonly NewInvoice[]): Promise<CreateOutcome[]> {
      const outcomes = await inParallel(entries, PARALLEL_WRITES, ({ invoice, events, next }) =>
        putNew(table, invoice, events, next),
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
     * Reads whether each invoice's kept `created` step is in its timeline (100 keys to a strongly
     * consistent BatchGetItem, keys only) and writes those that are not: what an upload that failed
     * after storing the invoices left undone. The step is the same item either way, so writing one
     * that a concurrent upload has just written changes nothing.
     */
    async completeCreations(stored: readonly StoredInvoice[]): Promise<Set<string>> {
      const kept = stored.flatMap(({ invoice, createdStep }) =>
        createdStep
          ? [
              {
                number: invoice.invoiceNumber,
                item: timelineItem(invoice, createdStep.events, createdStep.key),
              },
            ]
          : [],
      );
      const found = await readBatch(
        table,
        kept.map(({ item }) => ({ pk: item.pk, sk: item.sk })),
        { consistent: true, parallel: 1, projection: "pk, sk" },
      );
      const present = new Set(found.map((item) => `${item.pk}\u0000${item.sk}`));
      const missing = kept.filter(({ item }) => !present.has(`${item.pk}\u0000${item.sk}`));
      await inParallel(chunks(missing, BATCH_WRITE_LIMIT), PARALLEL_WRITES / 4, (batch) =>
        writeBatch(
          table,
          batch.map(({ item }) => item),
        ),
      );
      return new Set(missing.map(({ number }) => number));
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
      const outcome = await writeInvoice(
        table,
        {
          Update: {
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
          },
        },
        before,
        after,
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

/**
 * The invoice item with its `created` step, only if no invoice of that number exists, with its
 * contribution to the report totals; an item DynamoDB refuses as it is (over 400 KB, a value it
 * cannot hold) is `unstorable`, with why.
 */
async function putNew(
  table: TableContext,
  invoice: Invoice,
  events: TimelineEvent[],
  next: NextSlot,
): Promise<CreateOutcome> {
  try {
    return await writeInvoice(
      table,
      {
        Put: {
          TableName: table.tableName,
          Item: {
            ...invoiceKey(invoice.tenantId, invoice.invoiceNumber),
            ...invoiceAttributes(table, invoice, next),
            ...(events.length > 0 ? { createdStep: { key: stepKey(invoice, events), events } } : {}),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        },
      },
      undefined,
      invoice,
    );
  } catch (error) {
    const refusal = storeRefusal(error);
    if (refusal === undefined) throw error;
    // DynamoDB's own words name its limits and attributes, not the invoice's fields: said plainly instead.
    return {
      unstorable: /size/i.test(refusal)
        ? "is too large to store: an invoice may take at most 400 KB, lines and customer included"
        : "cannot be stored as it is: a value in it is one the database does not accept",
    };
  }
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
