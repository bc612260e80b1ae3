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
import { CLAIM_TIMEOUT_MS, type Claim, ClaimSchema } from "#sending/claim.ts";
import { type Outbox, OutboxEntrySchema } from "#sending/owner-alert.ts";
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
  /** The due slot as stored (an ISO instant); undefined when the invoice is off the due index. */
  slot?: string;
  /** The outbox: emails decided and not yet sent (owner alerts, receipts, the manager's note), by id (see #sending/owner-alert.ts). */
  alerts?: Outbox;
  /** The last few claims given up as stale: a Send event that still comes for one of them is recorded. */
  releasedClaims?: Claim[];
  /** The timeline step of the last change an SES event made (see save's `eventStep`). */
  lastEventStep?: EventStep;
};

/** A timeline step named by what caused it (an SES event), so that it can be written again by a retry of its cause. */
export type EventStep = { key: string; events: TimelineEvent[] };

/** What SES accepted for a claim, written before anything else records it (putSentMarker). */
export type SentMarker = { messageId: string; recipients: string[] };
/** SES refused a claim's email for good: what it said, so whoever settles the claim finishes the refusal. */
export type RefusedMarker = { code: string; reason: string };
/** What a claim's step item says became of its email, if anything. */
export type ClaimOutcome = { sent: SentMarker } | { refused: RefusedMarker };
/** When the invoice next needs the dispatcher; undefined takes it off the due index. */
export type NextSlot = Date | undefined;
export type WriteOutcome = "ok" | "conflict";

const InvoiceItemSchema = z.object({
  invoice: InvoiceSchema.omit({ version: true }),
  version: z.number().int().nonnegative(),
  claim: ClaimSchema.optional(),
  requests: z.record(z.string(), IdempotentResponseSchema).optional(),
  nextActionAt: z.string().optional(),
  alerts: z.record(z.string(), OutboxEntrySchema).optional(),
  releasedClaims: z.array(ClaimSchema).optional(),
  lastEventStep: z.object({ key: z.string(), events: z.array(z.unknown()) }).optional(),
});

/** An invoice item as read: validated, its version on the invoice, and what is kept beside it. */
function storedInvoiceOf(Item: Record<string, unknown>): StoredInvoice {
  const item = InvoiceItemSchema.parse(Item);
  return {
    invoice: { ...item.invoice, version: item.version },
    claim: item.claim,
    requests: item.requests,
    slot: item.nextActionAt,
    alerts: item.alerts,
    releasedClaims: item.releasedClaims,
    lastEventStep: item.lastEventStep && {
      key: item.lastEventStep.key,
      events: item.lastEventStep.events as TimelineEvent[],
    },
  };
}

/** How many stale claims an invoice remembers: more than one goes stale only if SES keeps losing answers. */
const RELEASED_CLAIMS_KEPT = 5;

const SentMarkerSchema = z.object({ messageId: z.string(), recipients: z.array(z.string()) });
const RefusedMarkerSchema = z.object({ code: z.string(), reason: z.string() });

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
  /**
   * `clock` is read as each write is made: a due slot is never stored earlier than the moment it is
   * written, so the dispatcher, which reads each stretch of the due index once (dispatch-due.ts), never
   * finds an invoice due behind the stretch it has read already. Local mode passes its simulated clock.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => Date = () => new Date(),
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
    // The due slot is left as it is, behind the dispatcher's cursor: the record moves it once. A
    // sender that cannot finish moves it to the claim's stale time instead (holdClaim), so that the
    // dispatcher brings the invoice back to be settled (stale-claim.ts); two index writes saved on
    // every email that goes well.
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(before.tenantId, before.invoiceNumber),
          UpdateExpression: updateExpression(
            ["#invoice = :invoice", "#claim = :claim", "#version = :next"],
            [],
          ),
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

  /**
   * Ends a claim, or records a send whose claim is gone: the invoice as it is after (`after`, with
   * `events` for its timeline), its next slot, and what goes beside it, on condition that nobody
   * changed the invoice since `before` was read — and, with `claimId`, that this claim still stands;
   * it is removed. `releasedClaim` is remembered among the invoice's last stale claims; `alerts`
   * replaces the owner-alert outbox.
   */
  async settleClaim(input: {
    before: Invoice;
    after: Invoice;
    events: TimelineEvent[];
    next: NextSlot;
    claimId?: string;
    alerts?: Outbox;
    releasedClaims?: Claim[];
  }): Promise<WriteOutcome> {
    const { before, after, claimId } = input;
    const slot = this.slot(before.tenantId, before.invoiceNumber, input.next);
    const { set, values } = this.versionedChange(before, after, slot, {
      alerts: input.alerts,
      releasedClaims: input.releasedClaims?.slice(-RELEASED_CLAIMS_KEPT),
    });
    if (claimId !== undefined) values[":claimId"] = claimId;
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(before.tenantId, before.invoiceNumber),
          UpdateExpression: updateExpression(set, [
            ...(claimId !== undefined ? ["#claim"] : []),
            ...slot.remove,
          ]),
          ConditionExpression:
            claimId !== undefined ? "#claim.id = :claimId AND #version = :read" : "#version = :read",
          ExpressionAttributeNames: {
            "#invoice": "invoice",
            "#version": "version",
            ...(claimId !== undefined ? { "#claim": "claim" } : {}),
          },
          ExpressionAttributeValues: values,
        }),
      ),
    );
    if (outcome === "ok") await this.appendTimeline({ ...after, version: before.version + 1 }, input.events);
    return outcome;
  }

  /**
   * The first thing written once SES accepted a claim's email: the claim's timeline step, with the
   * message id and recipients beside its events. Keyed by the claim, so writing it again writes the
   * same item, and whoever later finds the claim standing finds this too and completes the record
   * instead of sending again (sentMarker). Small and an item of its own, it fits when the invoice
   * item would not.
   */
  async putSentMarker(
    invoice: Invoice,
    claim: Claim,
    events: TimelineEvent[],
    sent: SentMarker,
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.timelineItem(invoice, events, `${claim.at}#${claim.id}`),
          sent: { messageId: sent.messageId, recipients: sent.recipients },
        },
      }),
    );
  }

  /**
   * The timeline step of a claim whose email SES refused for good, written before the claim is
   * settled and under the key a sent marker would have: writing it again writes the same item, and
   * whoever later finds the claim standing finds the refusal and finishes it instead of sending
   * again (claimOutcome).
   */
  async putRefusedMarker(
    invoice: Invoice,
    claim: Claim,
    events: TimelineEvent[],
    refused: RefusedMarker,
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          ...this.timelineItem(invoice, events, `${claim.at}#${claim.id}`),
          refused: { code: refused.code, reason: refused.reason },
        },
      }),
    );
  }

  /** What became of this claim's email, if its sender got as far as writing it down. */
  async claimOutcome(
    tenantId: string,
    invoiceNumber: string,
    claim: Claim,
  ): Promise<ClaimOutcome | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: timelinePartition(tenantId, invoiceNumber), sk: `EVENT#${claim.at}#${claim.id}` },
        ConsistentRead: true,
      }),
    );
    const sent = SentMarkerSchema.safeParse(Item?.sent);
    if (sent.success) return { sent: sent.data };
    const refused = RefusedMarkerSchema.safeParse(Item?.refused);
    return refused.success ? { refused: refused.data } : undefined;
  }

  /**
   * Moves a standing claim's due slot, and nothing else: so the dispatcher brings the invoice back
   * when the claim can be settled. A no-op (`conflict`) if the claim is gone.
   */
  async holdClaim(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
    until: Date,
    /** When the stale claim was first seen with nothing dead-lettered (stale-claim.ts); null forgets it. */
    quietSince?: string | null,
  ): Promise<WriteOutcome> {
    const slot = this.slot(tenantId, invoiceNumber, until);
    const set = [...slot.set, ...(typeof quietSince === "string" ? ["#claim.quietSince = :quiet"] : [])];
    const remove = quietSince === null ? ["#claim.quietSince"] : [];
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(tenantId, invoiceNumber),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: "#claim.id = :claimId",
          ExpressionAttributeNames: { "#claim": "claim" },
          ExpressionAttributeValues: {
            ":claimId": claimId,
            ...slot.values,
            ...(typeof quietSince === "string" ? { ":quiet": quietSince } : {}),
          },
        }),
      ),
    );
  }

  /**
   * Claims an owner alert for sending: only if it is still in the outbox and no claim younger than
   * `staleBefore` stands on it. Like the changes below, it bumps the version, so that a change made
   * from the invoice as read before (which writes the outbox whole) is decided again rather than
   * undoing it.
   */
  async claimAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claim: { claimId: string; at: string },
    staleBefore: string,
  ): Promise<WriteOutcome> {
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(tenantId, invoiceNumber),
          UpdateExpression: "SET #version = #version + :one, alerts.#alert.sending = :claim",
          ConditionExpression:
            "attribute_exists(alerts.#alert) AND (attribute_not_exists(alerts.#alert.sending) OR alerts.#alert.sending.#at < :stale)",
          ExpressionAttributeNames: { "#version": "version", "#alert": alertId, "#at": "at" },
          ExpressionAttributeValues: { ":one": 1, ":claim": claim, ":stale": staleBefore },
        }),
      ),
    );
  }

  /**
   * Keeps a stale owner-alert claim standing a while longer (its Send event may be waiting to be
   * replayed): it goes stale again at `until`, when the due slot brings the invoice back. A no-op
   * (`conflict`) unless this claim stands.
   */
  async holdAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claimId: string,
    hold: {
      until: Date;
      /** When the stale claim was first seen with nothing dead-lettered; null forgets it. */
      quietSince: string | null;
    },
  ): Promise<WriteOutcome> {
    const slot = this.slot(tenantId, invoiceNumber, hold.until);
    const quiet = hold.quietSince;
    const set = [
      "#version = #version + :one",
      "alerts.#alert.sending.#at = :at",
      ...slot.set,
      ...(quiet === null ? [] : ["alerts.#alert.sending.quietSince = :quiet"]),
    ];
    const remove = quiet === null ? ["alerts.#alert.sending.quietSince"] : [];
    return conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: invoiceKey(tenantId, invoiceNumber),
          UpdateExpression: updateExpression(set, remove),
          ConditionExpression: "alerts.#alert.sending.claimId = :claimId",
          ExpressionAttributeNames: { "#version": "version", "#alert": alertId, "#at": "at" },
          ExpressionAttributeValues: {
            ":one": 1,
            ":claimId": claimId,
            ":at": new Date(hold.until.getTime() - CLAIM_TIMEOUT_MS).toISOString(),
            ...slot.values,
            ...(quiet === null ? {} : { ":quiet": quiet }),
          },
        }),
      ),
    );
  }

  /**
   * Ends an owner alert's claim: `sent` takes the alert out of the outbox, otherwise only the claim
   * goes (SES did not take it, and it is sent again later). A no-op (`conflict`) unless this claim stands.
   */
  async settleAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claimId: string,
    sent: boolean,
    /**
     * The invoice's due slot once this alert is settled, written only if the invoice is still at
     * `version` (nobody changed it since the caller worked the slot out); otherwise the slot is left.
     * So an invoice whose last alert went does not come back for nothing.
     */
    slot?: { version: number; next: NextSlot },
  ): Promise<WriteOutcome> {
    const settle = (withSlot: boolean) => {
      const moved = withSlot && slot ? this.slot(tenantId, invoiceNumber, slot.next) : undefined;
      const set = ["#version = #version + :one", ...(moved?.set ?? [])];
      const remove = [sent ? "alerts.#alert" : "alerts.#alert.sending", ...(moved?.remove ?? [])];
      return conditional(() =>
        this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: invoiceKey(tenantId, invoiceNumber),
            UpdateExpression: `SET ${set.join(", ")} REMOVE ${remove.join(", ")}`,
            ConditionExpression: `alerts.#alert.sending.claimId = :claimId${moved ? " AND #version = :read" : ""}`,
            ExpressionAttributeNames: { "#version": "version", "#alert": alertId },
            ExpressionAttributeValues: {
              ":one": 1,
              ":claimId": claimId,
              ...(moved ? { ":read": slot?.version, ...moved.values } : {}),
            },
          }),
        ),
      );
    };
    if (slot && (await settle(true)) === "ok") return "ok";
    return settle(false);
  }

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
    options: {
      whileClaimed?: boolean;
      requests?: Record<string, IdempotentResponse>;
      alerts?: Outbox;
      eventStep?: string;
    } = {},
  ): Promise<WriteOutcome> {
    const slot = options.whileClaimed
      ? { set: [] as string[], remove: [] as string[], values: {} }
      : this.slot(before.tenantId, before.invoiceNumber, next);
    const eventStep = options.eventStep === undefined ? undefined : { key: options.eventStep, events };
    const { set, values } = this.versionedChange(before, after, slot, {
      requests: options.requests,
      alerts: options.alerts,
      lastEventStep: eventStep,
    });
    const outcome = await conditional(() =>
      this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
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
      if (eventStep) await this.putEventStep(after, eventStep);
      else await this.appendTimeline({ ...after, version: before.version + 1 }, events);
    }
    return outcome;
  }

  /** An SES event's timeline step; writing it again writes the same item. */
  async putEventStep(invoice: Invoice, step: EventStep): Promise<void> {
    if (step.events.length === 0) return;
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: this.timelineItem(invoice, step.events, step.key) }),
    );
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
  /**
   * That SES took an owner alert sent under this claim: written before anything else is recorded,
   * so that whoever finds the alert's claim stale takes it out of the outbox instead of sending it
   * again (notify-owner.ts). Beside the timeline, outside its `EVENT#` range.
   */
  async putAlertMarker(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
    sent: SentMarker,
  ): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: timelinePartition(tenantId, invoiceNumber),
          sk: `ALERT#${claimId}`,
          sent: { messageId: sent.messageId, recipients: sent.recipients },
        },
      }),
    );
  }

  async alertMarker(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
  ): Promise<SentMarker | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: timelinePartition(tenantId, invoiceNumber), sk: `ALERT#${claimId}` },
        ConsistentRead: true,
      }),
    );
    const sent = SentMarkerSchema.safeParse(Item?.sent);
    return sent.success ? sent.data : undefined;
  }

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

  /**
   * One page of a due shard: the invoices whose next action falls in [from, to] (ISO instants, both
   * included), in the order of their slots, going on after the index position `after`; and the
   * position to go on from, if there is more.
   */
  async dueBetween(
    shard: string,
    range: { from: string; to: string },
    options: { after?: Record<string, string>; limit?: number } = {},
  ): Promise<{ invoices: { tenantId: string; invoiceNumber: string }[]; after?: Record<string, string> }> {
    const page = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: DUE_INDEX,
        KeyConditionExpression: "dueShard = :shard AND nextActionAt BETWEEN :from AND :to",
        ExpressionAttributeValues: { ":shard": shard, ":from": range.from, ":to": range.to },
        ExclusiveStartKey: options.after,
        Limit: options.limit,
      }),
    );
    const invoices = (page.Items ?? []).map((item) => ({
      tenantId: String(item.pk).slice("TENANT#".length),
      invoiceNumber: String(item.sk).slice("INVOICE#".length),
    }));
    return { invoices, after: page.LastEvaluatedKey as Record<string, string> | undefined };
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
        ? {
            nextActionAt: this.notBeforeNow(next).toISOString(),
            dueShard: dueShardOf(invoice.tenantId, invoice.invoiceNumber),
          }
        : {}),
    };
  }

  /**
   * The due-index slot: set when there is a next action, removed when there is none (the index is
   * sparse). Never earlier than now (see the constructor): "due a week ago" is due now.
   */
  private slot(tenantId: string, invoiceNumber: string, next: NextSlot) {
    if (!next) return { set: [] as string[], remove: ["nextActionAt", "dueShard"], values: {} };
    return {
      set: ["nextActionAt = :nextActionAt", "dueShard = :shard"],
      remove: [] as string[],
      values: {
        ":nextActionAt": this.notBeforeNow(next).toISOString(),
        ":shard": dueShardOf(tenantId, invoiceNumber),
      },
    };
  }

  /**
   * A slot is never earlier than the moment it is written (one due already is written as now), so
   * nothing appears behind an instant the dispatcher has read up to: what lets it read each
   * stretch of the due index once (dispatching/dispatch-due.ts).
   */
  /**
   * The SET clauses and values of a change to the invoice, conditional on `before`'s version (as
   * `:read`): the invoice, the next version, the slot, and each item attribute given (left alone
   * when undefined).
   */
  private versionedChange(
    before: Invoice,
    after: Invoice,
    slot: { set: string[]; values: Record<string, unknown> },
    attributes: Record<string, unknown>,
  ): { set: string[]; values: Record<string, unknown> } {
    const set = ["#invoice = :invoice", "#version = :next", ...slot.set];
    const values: Record<string, unknown> = {
      ":invoice": this.invoiceDocument(after),
      ":read": before.version,
      ":next": before.version + 1,
      ...slot.values,
    };
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined) continue;
      set.push(`${name} = :${name}`);
      values[`:${name}`] = value;
    }
    return { set, values };
  }

  private notBeforeNow(at: Date): Date {
    const now = this.clock();
    return at.getTime() < now.getTime() ? now : at;
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
