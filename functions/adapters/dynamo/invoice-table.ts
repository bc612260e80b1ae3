/**
 * Invoices in DynamoDB: the invoice item (the invoice, its version, its claim and its next-action
 * slot on the sparse due index), its timeline items and its message records. Every update is
 * conditional on the version it read (optimistic locking), so a change that raced another one
 * comes back as a `conflict` and is decided again rather than overwriting.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type Invoice, InvoiceSchema } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { type Claim, ClaimSchema } from "#sending/claim.ts";
import { allDueShards, DUE_INDEX, dueShardOf, invoiceKey, messageKey, timelinePartition } from "./keys.ts";

/** What a sent email is remembered by, so SES's events (by message id) find their invoice. */
export const MessageRecordSchema = z.object({
  messageId: z.string(),
  tenantId: z.string(),
  invoiceNumber: z.string(),
  /** "reminder_1", "installment_2", "owner_alert". */
  step: z.string(),
  claimId: z.string().optional(),
  recipients: z.array(z.string()),
  sentAt: z.string(),
});
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

/**
 * An action request's answer, kept on the invoice it changed under the request's Idempotency-Key:
 * written in the same conditional update as the change, so a retry finds either both or neither.
 */
export const IdempotentResponseSchema = z.object({
  /** A hash of the request (method, path, body): the same key with another request is refused. */
  fingerprint: z.string(),
  status: z.number().int(),
  body: z.string(),
  at: z.string(),
});
export type IdempotentResponse = z.infer<typeof IdempotentResponseSchema>;

export type StoredInvoice = {
  invoice: Invoice;
  claim?: Claim;
  /** Recent action requests by Idempotency-Key. */
  requests?: Record<string, IdempotentResponse>;
};
/** When the invoice next needs the dispatcher; undefined takes it off the due index. */
export type NextSlot = Date | undefined;
export type WriteOutcome = "ok" | "conflict";

const InvoiceItemSchema = z.object({
  invoice: InvoiceSchema.omit({ version: true }),
  version: z.number().int().nonnegative(),
  claim: ClaimSchema.optional(),
  requests: z.record(z.string(), IdempotentResponseSchema).optional(),
});

/** An invoice item as read: validated, its version on the invoice, its claim and remembered requests. */
function storedInvoiceOf(Item: Record<string, unknown>): StoredInvoice {
  const item = InvoiceItemSchema.parse(Item);
  return { invoice: { ...item.invoice, version: item.version }, claim: item.claim, requests: item.requests };
}

/** BatchGetItem takes at most 100 keys, BatchWriteItem 25 items. */
const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** Conditional writes in flight at once for one upload: enough to hide latency, few enough not to throttle. */
const PARALLEL_WRITES = 32;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** `work` over every item, at most `limit` at once; the answers in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Backoff for the keys and items a batch call handed back unprocessed (throttling). */
const unprocessedPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/** A year: long enough for any late bounce or complaint about a message to find its invoice. */
const MESSAGE_RECORD_TTL_SECONDS = 366 * 86_400;

function isConditionFailure(error: unknown): boolean {
  return (error as { name?: string }).name === "ConditionalCheckFailedException";
}

/** SET and REMOVE clauses joined into one UpdateExpression. */
function updateExpression(set: string[], remove: string[]): string {
  return [
    set.length > 0 ? `SET ${set.join(", ")}` : "",
    remove.length > 0 ? `REMOVE ${remove.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

async function conditional(write: () => Promise<unknown>): Promise<WriteOutcome> {
  try {
    await write();
    return "ok";
  } catch (error) {
    if (isConditionFailure(error)) return "conflict";
    throw error;
  }
}

export class InvoiceTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, invoiceNumber: string): Promise<StoredInvoice | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: invoiceKey(tenantId, invoiceNumber),
        ConsistentRead: true,
      }),
    );
    if (!Item) return undefined;
    return storedInvoiceOf(Item);
  }

  /** A new invoice; `conflict` when one with that number exists already. */
  async create(invoice: Invoice, events: TimelineEvent[], next: NextSlot): Promise<WriteOutcome> {
    const outcome = await this.putNew(invoice, next);
    if (outcome === "ok") await this.appendTimeline(invoice, events);
    return outcome;
  }

  /** The invoice item, only if no invoice of that number exists. */
  private putNew(invoice: Invoice, next: NextSlot): Promise<WriteOutcome> {
    return conditional(() =>
      this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...invoiceKey(invoice.tenantId, invoice.invoiceNumber),
            ...this.invoiceAttributes(invoice, next),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      ),
    );
  }

  /**
   * Many invoices by number, read 100 at a time (BatchGetItem, strongly consistent): how a large
   * upload learns which of its invoices exist without one read per row.
   */
  async getMany(tenantId: string, invoiceNumbers: readonly string[]): Promise<Map<string, StoredInvoice>> {
    const found = new Map<string, StoredInvoice>();
    for (const numbers of chunks([...new Set(invoiceNumbers)], BATCH_GET_LIMIT)) {
      let keys: Record<string, unknown>[] | undefined = numbers.map((number) => invoiceKey(tenantId, number));
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await unprocessedPause(attempt);
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const Item of Responses?.[this.tableName] ?? []) {
          const stored = storedInvoiceOf(Item);
          found.set(stored.invoice.invoiceNumber, stored);
        }
        keys = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return found;
  }

  /**
   * Many new invoices at once. Each invoice is its own conditional put, many in flight at a time:
   * BatchWriteItem takes no conditions, and an unconditional put could overwrite an invoice that a
   * concurrent upload created and the dispatcher already emailed. Their timeline steps, which are
   * safe to write twice, then go 25 to a BatchWriteItem. `conflict` for an invoice that exists.
   */
  async createMany(
    entries: readonly { invoice: Invoice; events: TimelineEvent[]; next: NextSlot }[],
  ): Promise<WriteOutcome[]> {
    const outcomes = await inParallel(entries, PARALLEL_WRITES, ({ invoice, next }) =>
      this.putNew(invoice, next),
    );
    const steps = entries.flatMap(({ invoice, events }, index) =>
      outcomes[index] === "ok" && events.length > 0 ? [this.timelineStep(invoice, events)] : [],
    );
    await inParallel(chunks(steps, BATCH_WRITE_LIMIT), PARALLEL_WRITES / 4, (batch) =>
      this.writeBatch(batch),
    );
    return outcomes;
  }

  private async writeBatch(items: Record<string, unknown>[]): Promise<void> {
    let requests: { PutRequest?: { Item?: Record<string, unknown> } }[] | undefined = items.map((Item) => ({
      PutRequest: { Item },
    }));
    for (let attempt = 0; requests && requests.length > 0; attempt++) {
      if (attempt > 0) await unprocessedPause(attempt);
      const { UnprocessedItems }: BatchWriteCommandOutput = await this.client.send(
        new BatchWriteCommand({ RequestItems: { [this.tableName]: requests as never } }),
      );
      requests = UnprocessedItems?.[this.tableName];
    }
  }

  /**
   * Claims a step: only if nobody changed the invoice since `before` was read and no claim stands.
   * `after` is the invoice with any timed transitions applied (a pause that ended), whose events are
   * appended to the timeline once the claim holds.
   */
  async claim(before: Invoice, after: Invoice, claim: Claim, events: TimelineEvent[]): Promise<WriteOutcome> {
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(before.tenantId, before.invoiceNumber),
          // The due slot stays as it is (due, since the invoice is being sent): should the claim never
          // be completed, the dispatcher keeps bringing the invoice back until the claim goes stale.
          // Moving it would cost two index writes per email.
          UpdateExpression: "SET #invoice = :invoice, #claim = :claim, #version = :next",
          ConditionExpression: "#version = :read AND attribute_not_exists(#claim)",
          ExpressionAttributeNames: { "#invoice": "invoice", "#claim": "claim", "#version": "version" },
          ExpressionAttributeValues: {
            ":invoice": this.invoiceDocument(after),
            ":claim": claim,
            ":read": before.version,
            ":next": before.version + 1,
          },
        }),
      ),
    );
    if (outcome === "ok") await this.appendTimeline({ ...after, version: before.version + 1 }, events);
    return outcome;
  }

  /** Gives a claim up (SES certainly did not send, or the claim went stale); a no-op if it is gone. */
  async release(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
    next: NextSlot,
  ): Promise<WriteOutcome> {
    const slot = this.slot(tenantId, invoiceNumber, next);
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(tenantId, invoiceNumber),
          UpdateExpression: updateExpression(
            ["#version = #version + :one", ...slot.set],
            ["#claim", ...slot.remove],
          ),
          ConditionExpression: "#claim.id = :claimId",
          ExpressionAttributeNames: { "#claim": "claim", "#version": "version" },
          ExpressionAttributeValues: { ":claimId": claimId, ":one": 1, ...slot.values },
        }),
      ),
    );
  }

  /**
   * Records a claimed step as sent: the timeline step and the message record first, then the
   * invoice (claim cleared, next slot set) on condition that the claim still stands and the version
   * is the one read. The first two are keyed by the claim and the message id, so writing them again
   * (the sender and the Send event both trying, or a retry after a crash) changes nothing; the last
   * lets exactly one of them through, and a change made while the email was on its way (a payment)
   * comes back as a conflict to be read again rather than overwritten.
   *
   * Not one transaction: a transaction costs twice the write units (and dynalite, the local
   * DynamoDB, has none), and the claim already makes the record safe to repeat
   * (docs/DATA-MODEL.md, "Writes per email").
   */
  async complete(input: {
    /** The invoice as read (its version is the condition), and as it is after the step. */
    before: Invoice;
    after: Invoice;
    claim: Claim;
    events: TimelineEvent[];
    message: MessageRecord;
    next: NextSlot;
  }): Promise<WriteOutcome> {
    const { before, after, claim, events, message, next } = input;
    const slot = this.slot(after.tenantId, after.invoiceNumber, next);
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: this.timelineItem(after, events, `${claim.at}#${claim.id}`),
      }),
    );
    await this.putMessage(message);
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(after.tenantId, after.invoiceNumber),
          UpdateExpression: updateExpression(
            ["#invoice = :invoice", "#version = :next", ...slot.set],
            ["#claim", ...slot.remove],
          ),
          ConditionExpression: "#claim.id = :claimId AND #version = :read",
          ExpressionAttributeNames: { "#invoice": "invoice", "#claim": "claim", "#version": "version" },
          ExpressionAttributeValues: {
            ":invoice": this.invoiceDocument(after),
            ":claimId": claim.id,
            ":read": before.version,
            ":next": before.version + 1,
            ...slot.values,
          },
        }),
      ),
    );
  }

  /**
   * Saves a change that sends nothing (a pause ended, a promise broke, a new slot), if nobody changed
   * it since. While a claim stands only news about sent emails may be saved (`whileClaimed`): it
   * leaves the claim and the due slot alone, and the claim's record reads the invoice again.
   * `requests` replaces the invoice's remembered action requests (see IdempotentResponse).
   */
  async save(
    before: Invoice,
    after: Invoice,
    events: TimelineEvent[],
    next: NextSlot,
    options: { whileClaimed?: boolean; requests?: Record<string, IdempotentResponse> } = {},
  ): Promise<WriteOutcome> {
    const base = options.whileClaimed
      ? { set: [] as string[], remove: [] as string[], values: {} }
      : this.slot(before.tenantId, before.invoiceNumber, next);
    const slot = options.requests
      ? {
          ...base,
          set: [...base.set, "requests = :requests"],
          values: { ...base.values, ":requests": options.requests },
        }
      : base;
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(before.tenantId, before.invoiceNumber),
          UpdateExpression: updateExpression(
            ["#invoice = :invoice", "#version = :next", ...slot.set],
            slot.remove,
          ),
          ConditionExpression: options.whileClaimed
            ? "#version = :read"
            : "#version = :read AND attribute_not_exists(#claim)",
          ExpressionAttributeNames: options.whileClaimed
            ? { "#invoice": "invoice", "#version": "version" }
            : { "#invoice": "invoice", "#claim": "claim", "#version": "version" },
          ExpressionAttributeValues: {
            ":invoice": this.invoiceDocument(after),
            ":read": before.version,
            ":next": before.version + 1,
            ...slot.values,
          },
        }),
      ),
    );
    if (outcome === "ok") await this.appendTimeline({ ...after, version: before.version + 1 }, events);
    return outcome;
  }

  /**
   * The timeline step of a change that has just been written, keyed by the version it made, so
   * writing it again writes the same item. Written after the change it records: a step is never in
   * the timeline unless it happened (a crash in between loses the step's entry, not the change).
   */
  private async appendTimeline(invoice: Invoice, events: TimelineEvent[]): Promise<void> {
    if (events.length === 0) return;
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: this.timelineStep(invoice, events) }),
    );
  }

  /** The timeline item of a change, keyed by its time and the version it made. */
  private timelineStep(invoice: Invoice, events: TimelineEvent[]) {
    const at = events[0]?.at ?? invoice.updatedAt;
    return this.timelineItem(invoice, events, `${at}#v${String(invoice.version).padStart(6, "0")}`);
  }

  /** A tenant's invoices, page by page, in invoice-number order. */
  async list(tenantId: string): Promise<StoredInvoice[]> {
    const invoices: StoredInvoice[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
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
  }

  /**
   * One page of a tenant's invoices in invoice-number order, and where the next page starts: the
   * invoice number of the last one on this page (undefined on the last page).
   */
  async page(
    tenantId: string,
    options: { limit: number; after?: string },
  ): Promise<{ invoices: StoredInvoice[]; after?: string }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
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
  }

  /** A message that is not part of a claim (an owner alert). */
  async putMessage(message: MessageRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.messageItem(message) }));
  }

  async findMessage(messageId: string): Promise<MessageRecord | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: messageKey(messageId) }),
    );
    return Item ? MessageRecordSchema.parse(Item) : undefined;
  }

  async timeline(tenantId: string, invoiceNumber: string): Promise<TimelineEvent[]> {
    const events: TimelineEvent[] = [];
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
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
  }

  /** One page of a due shard: the invoices whose next action is at or before `now`. */
  async dueOn(
    shard: string,
    now: Date,
    cursor?: Record<string, unknown>,
  ): Promise<{ invoices: { tenantId: string; invoiceNumber: string }[]; cursor?: Record<string, unknown> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: "dueShard = :shard AND nextActionAt <= :now",
        ExpressionAttributeValues: { ":shard": shard, ":now": now.toISOString() },
        ExclusiveStartKey: cursor,
      }),
    );
    const invoices = (page.Items ?? []).map((item) => ({
      tenantId: String(item.pk).slice("TENANT#".length),
      invoiceNumber: String(item.sk).slice("INVOICE#".length),
    }));
    return { invoices, cursor: page.LastEvaluatedKey };
  }

  /**
   * The earliest next action of any invoice, from the first item of each due shard: how local
   * mode's clock skips the ticks that would find nothing due. Undefined when nothing waits.
   */
  async nextDueAt(): Promise<Date | undefined> {
    const firsts = await Promise.all(
      allDueShards().map(async (shard) => {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: DUE_INDEX,
            KeyConditionExpression: "dueShard = :shard",
            ExpressionAttributeValues: { ":shard": shard },
            ProjectionExpression: "nextActionAt",
            Limit: 1,
          }),
        );
        return page.Items?.[0]?.nextActionAt as string | undefined;
      }),
    );
    const earliest = firsts.filter((at): at is string => at !== undefined).sort()[0];
    return earliest === undefined ? undefined : new Date(earliest);
  }

  private invoiceDocument(invoice: Invoice): Omit<Invoice, "version"> {
    const { version: _version, ...document } = invoice;
    return document;
  }

  private invoiceAttributes(invoice: Invoice, next: NextSlot) {
    return {
      invoice: this.invoiceDocument(invoice),
      version: invoice.version,
      ...(next
        ? { nextActionAt: next.toISOString(), dueShard: dueShardOf(invoice.tenantId, invoice.invoiceNumber) }
        : {}),
    };
  }

  /** The due-index slot: set when there is a next action, removed when there is none (the index is sparse). */
  private slot(tenantId: string, invoiceNumber: string, next: NextSlot) {
    if (!next) return { set: [], remove: ["nextActionAt", "dueShard"], values: {} };
    return {
      set: ["nextActionAt = :nextActionAt", "dueShard = :shard"],
      remove: [],
      values: { ":nextActionAt": next.toISOString(), ":shard": dueShardOf(tenantId, invoiceNumber) },
    };
  }

  /** A timeline step under a key that makes writing it twice harmless; keys sort by time. */
  private timelineItem(invoice: Invoice, events: TimelineEvent[], key: string) {
    return { pk: timelinePartition(invoice.tenantId, invoice.invoiceNumber), sk: `EVENT#${key}`, events };
  }

  private messageItem(message: MessageRecord) {
    return {
      ...messageKey(message.messageId),
      ...message,
      expiresAt: Math.floor(Date.parse(message.sentAt) / 1000) + MESSAGE_RECORD_TTL_SECONDS,
    };
  }
}
