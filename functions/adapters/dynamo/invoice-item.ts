/**
 * The invoice item as stored: its schema, how it is read back, and the pieces every write of it
 * shares (the invoice document, the version, the due slot, its list-index entry) and its timeline
 * steps.
 */
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { type Invoice, InvoiceSchema } from "#domain/invoice/invoice.ts";
import { isOwing } from "#domain/invoice/listing.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { IdempotentResponseSchema, type NextSlot, type StoredInvoice } from "#ports/invoice-store.ts";
import { ClaimSchema } from "#sending/claim.ts";
import { OutboxEntrySchema } from "#sending/owner-alert.ts";
import { dueShardOf, listShardOf, timelinePartition } from "./keys.ts";
import type { TableContext } from "./writes.ts";

const InvoiceItemSchema = z.object({
  invoice: InvoiceSchema.omit({ version: true }),
  version: z.number().int().nonnegative(),
  claim: ClaimSchema.optional(),
  requests: z.record(z.string(), IdempotentResponseSchema).optional(),
  nextActionAt: z.string().optional(),
  alerts: z.record(z.string(), OutboxEntrySchema).optional(),
  releasedClaims: z.array(ClaimSchema).optional(),
  lastEventStep: z.object({ key: z.string(), events: z.array(z.unknown()) }).optional(),
  createdStep: z.object({ key: z.string(), events: z.array(z.unknown()) }).optional(),
});

/** An invoice item as read: validated, its version on the invoice, and what is kept beside it. */
export function storedInvoiceOf(Item: Record<string, unknown>): StoredInvoice {
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
    createdStep: item.createdStep && {
      key: item.createdStep.key,
      events: item.createdStep.events as TimelineEvent[],
    },
  };
}

/** How many stale claims an invoice remembers: more than one goes stale only if SES keeps losing answers. */
export const RELEASED_CLAIMS_KEPT = 5;

export function invoiceDocument(invoice: Invoice): Omit<Invoice, "version"> {
  const { version: _version, ...document } = invoice;
  return document;
}

export function invoiceAttributes(table: TableContext, invoice: Invoice, next: NextSlot) {
  return {
    invoice: invoiceDocument(invoice),
    version: invoice.version,
    listShard: listShardOf(invoice.tenantId, invoice.invoiceNumber),
    listNumber: invoice.invoiceNumber,
    listed: listedOf(invoice),
    ...(next
      ? {
          nextActionAt: notBeforeNow(table, next).toISOString(),
          dueShard: dueShardOf(invoice.tenantId, invoice.invoiceNumber),
        }
      : {}),
  };
}

/**
 * What the list index holds of an invoice beside its keys, for its filters (status, and overdue
 * judged against the day of the request): the only attributes projected into it, so that an
 * invoice change that leaves these alone writes nothing to the index.
 */
export function listedOf(invoice: Invoice) {
  return { status: invoice.status, dueDate: invoice.dueDate, owing: isOwing(invoice) };
}

/**
 * The SET clause for `listed`, only when the change moves it: most changes (a claim, a stage sent,
 * an email delivered) do not, and leave the list index unwritten. `before` is what the conditional
 * write finds stored, so the stored `listed` is `before`'s.
 */
export function listedChange(before: Invoice, after: Invoice) {
  const was = listedOf(before);
  const now = listedOf(after);
  const same = was.status === now.status && was.dueDate === now.dueDate && was.owing === now.owing;
  return same
    ? { set: [] as string[], values: {} }
    : { set: ["listed = :listed"], values: { ":listed": now } as Record<string, unknown> };
}

/**
 * The due-index slot: set when there is a next action, removed when there is none (the index is
 * sparse). Never earlier than now: "due a week ago" is due now.
 */
export function dueSlot(table: TableContext, tenantId: string, invoiceNumber: string, next: NextSlot) {
  if (!next) return { set: [] as string[], remove: ["nextActionAt", "dueShard"], values: {} };
  return {
    set: ["nextActionAt = :nextActionAt", "dueShard = :shard"],
    remove: [] as string[],
    values: {
      ":nextActionAt": notBeforeNow(table, next).toISOString(),
      ":shard": dueShardOf(tenantId, invoiceNumber),
    },
  };
}

/**
 * A slot is never earlier than the moment it is written (one due already is written as now), so
 * nothing appears behind an instant the dispatcher has read up to: what lets it read each
 * stretch of the due index once (dispatching/dispatch-due.ts). The table's clock is read as each
 * write is made; local mode passes its simulated clock.
 */
function notBeforeNow(table: TableContext, at: Date): Date {
  const now = table.clock();
  return at.getTime() < now.getTime() ? now : at;
}

/**
 * The SET clauses and values of a change to the invoice, conditional on `before`'s version (as
 * `:read`): the invoice, the next version, the slot, and each item attribute given (left alone
 * when undefined).
 */
export function versionedChange(
  before: Invoice,
  after: Invoice,
  slot: { set: string[]; values: Record<string, unknown> },
  attributes: Record<string, unknown>,
): { set: string[]; values: Record<string, unknown> } {
  const listed = listedChange(before, after);
  const set = ["#invoice = :invoice", "#version = :next", ...slot.set, ...listed.set];
  const values: Record<string, unknown> = {
    ":invoice": invoiceDocument(after),
    ":read": before.version,
    ":next": before.version + 1,
    ...slot.values,
    ...listed.values,
  };
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined) continue;
    set.push(`${name} = :${name}`);
    values[`:${name}`] = value;
  }
  return { set, values };
}

/** A timeline step under a key that makes writing it twice harmless; keys sort by time. */
export function timelineItem(
  invoice: Pick<Invoice, "tenantId" | "invoiceNumber">,
  events: TimelineEvent[],
  key: string,
) {
  return { pk: timelinePartition(invoice.tenantId, invoice.invoiceNumber), sk: `EVENT#${key}`, events };
}

/** The key of a change's timeline step: its time and the version it made. */
export function stepKey(invoice: Invoice, events: TimelineEvent[]): string {
  const at = events[0]?.at ?? invoice.updatedAt;
  return `${at}#v${String(invoice.version).padStart(6, "0")}`;
}

/** The timeline item of a change, keyed by its time and the version it made. */
export function timelineStep(invoice: Invoice, events: TimelineEvent[]) {
  return timelineItem(invoice, events, stepKey(invoice, events));
}

/**
 * The timeline step of a change that has just been written, keyed by the version it made, so
 * writing it again writes the same item. Written after the change it records: a step is never in
 * the timeline unless it happened (a crash in between loses the step's entry, not the change).
 */
export async function appendTimeline(
  table: TableContext,
  invoice: Invoice,
  events: TimelineEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await table.client.send(
    new PutCommand({ TableName: table.tableName, Item: timelineStep(invoice, events) }),
  );
}
