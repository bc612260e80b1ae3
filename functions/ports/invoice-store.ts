/**
 * What the application asks of wherever invoices are kept: the invoice with what is stored beside
 * it, its timeline, and changes made on condition of the version read (optimistic locking), so that
 * a change that raced another one comes back as a `conflict` and is decided again rather than
 * overwriting. The DynamoDB adapter (#adapters/dynamo/invoice-table.ts) implements it.
 */
import * as z from "zod";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { ListFilter } from "#domain/invoice/listing.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type { Claim } from "#sending/claim.ts";
import type { Outbox } from "#sending/owner-alert.ts";
import type { AlertRecords, ClaimRecords } from "./claim-store.ts";
import type { DueIndex } from "./due-index.ts";
import type { MessageLog } from "./message-log.ts";
import type { ReportTotals } from "./report-totals.ts";

/**
 * An action request's answer, kept with the invoice it changed under the request's Idempotency-Key:
 * written in the same conditional write as the change, so a retry finds either both or neither.
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
  /** The invoice's `created` step, kept with it so that an upload can complete one a failure left without it. */
  createdStep?: EventStep;
};

/** A timeline step named by what caused it (an SES event), so that it can be written again by a retry of its cause. */
export type EventStep = { key: string; events: TimelineEvent[] };

/** When the invoice next needs the dispatcher; undefined takes it off the due index. */
export type NextSlot = Date | undefined;
export type WriteOutcome = "ok" | "conflict";
/** A new invoice the store refused as it is (too large an item, a value it cannot hold): why, for the client. */
export type Unstorable = { unstorable: string };
export type CreateOutcome = WriteOutcome | Unstorable;

/** A new invoice as an upload stores it: the invoice, its first timeline step and its first slot. */
export type NewInvoice = { invoice: Invoice; events: TimelineEvent[]; next: NextSlot };

export type SaveOptions = {
  whileClaimed?: boolean;
  requests?: Record<string, IdempotentResponse>;
  alerts?: Outbox;
  eventStep?: string;
};

/** Invoices themselves: read, create, change, list, and their timelines. */
export interface InvoiceRecords {
  get(tenantId: string, invoiceNumber: string): Promise<StoredInvoice | undefined>;
  /** Many invoices by number, as a large upload needs them. */
  getMany(tenantId: string, invoiceNumbers: readonly string[]): Promise<Map<string, StoredInvoice>>;
  /**
   * A new invoice with its `created` step; `conflict` when one with that number exists already,
   * `unstorable` when the store will not take it as it is.
   */
  create(invoice: Invoice, events: TimelineEvent[], next: NextSlot): Promise<CreateOutcome>;
  createMany(entries: readonly NewInvoice[]): Promise<CreateOutcome[]>;
  /**
   * Writes the `created` step of each of these invoices that is missing from its timeline (an upload
   * that failed between storing the invoice and its step), and names the invoices it wrote one for.
   */
  completeCreations(stored: readonly StoredInvoice[]): Promise<Set<string>>;
  /**
   * Saves a change that sends nothing, if nobody changed the invoice since `before` was read. While
   * a claim stands only news about sent emails may be saved (`whileClaimed`).
   */
  save(
    before: Invoice,
    after: Invoice,
    events: TimelineEvent[],
    next: NextSlot,
    options?: SaveOptions,
  ): Promise<WriteOutcome>;
  /** An SES event's timeline step; writing it again writes the same step. */
  putEventStep(invoice: Pick<Invoice, "tenantId" | "invoiceNumber">, step: EventStep): Promise<void>;
  /** Every invoice of the tenant, in invoice-number order. */
  list(tenantId: string): Promise<StoredInvoice[]>;
  /**
   * Up to `limit` of the tenant's invoices that pass `filter`, in invoice-number order after the
   * invoice numbered `after`, and where the next page starts: given only when another invoice follows.
   */
  page(
    tenantId: string,
    options: { limit: number; after?: string; filter?: ListFilter },
  ): Promise<{ invoices: StoredInvoice[]; after?: string }>;
  timeline(tenantId: string, invoiceNumber: string): Promise<TimelineEvent[]>;
}

/** Everything the pipeline keeps about invoices, as one store. */
export type InvoiceStore = InvoiceRecords &
  ClaimRecords &
  AlertRecords &
  MessageLog &
  DueIndex &
  ReportTotals;
