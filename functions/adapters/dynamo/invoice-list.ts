/**
 * A tenant's invoices listed from the list index (docs/DATA-MODEL.md, "The list index"): its shards
 * read side by side and merged in invoice-number order, filtered inside DynamoDB on what the index
 * holds of each invoice, then the page's invoices read by key.
 */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import { type ListFilter, matchesFilter } from "#domain/invoice/listing.ts";
import type { InvoiceRecords, StoredInvoice } from "#ports/invoice-store.ts";
import { storedInvoiceOf } from "./invoice-item.ts";
import { allListShards, LIST_INDEX, LIST_SHARDS } from "./keys.ts";
import { readBatch, type TableContext } from "./writes.ts";

/** An index entry: the invoice item's key and its number. */
type Entry = { pk: string; sk: string; number: string };

/** How far one shard has been read: what was read and not yet merged, and where DynamoDB stopped. */
type ShardRead = {
  shard: string;
  entries: Entry[];
  start?: Record<string, unknown>;
  done: boolean;
  reads: number;
};

/** BatchGetItems a page has in flight at once: the largest page (1 000) in one round of 10. */
const PARALLEL_READS = 10;

export function invoiceList(table: TableContext): Pick<InvoiceRecords, "list" | "page"> {
  /**
   * One page of the tenant's invoices in invoice-number order that pass `filter`, after the invoice
   * numbered `after`: `limit` of them, or the last ones. The shards are merged until one more
   * entry than the page holds is found, so that `after` (where the next page starts) is given only
   * when another invoice follows: a page is never empty with a next one behind it.
   */
  async function page(
    tenantId: string,
    options: { limit: number; after?: string; filter?: ListFilter },
  ): Promise<{ invoices: StoredInvoice[]; after?: string }> {
    const wanted = options.limit + 1;
    const shards: ShardRead[] = allListShards(tenantId).map((shard) => ({
      shard,
      entries: [],
      done: false,
      reads: 0,
    }));
    const merged: Entry[] = [];
    while (merged.length < wanted) {
      // The lowest head is the next entry only while every shard that may hold more has a head.
      const starved = shards.filter((read) => read.entries.length === 0 && !read.done);
      if (starved.length > 0) {
        await Promise.all(starved.map((read) => readShard(table, read, wanted, options)));
        continue;
      }
      const lowest = lowestHead(shards);
      const entry = lowest?.entries.shift();
      if (!entry) break;
      merged.push(entry);
    }
    const entries = merged.slice(0, options.limit);
    const items = await readBatch(
      table,
      entries.map(({ pk, sk }) => ({ pk, sk })),
      { consistent: false, parallel: PARALLEL_READS },
    );
    const byNumber = new Map(
      items.map((item) => storedInvoiceOf(item)).map((s) => [s.invoice.invoiceNumber, s]),
    );
    const filter = options.filter;
    // The index follows the table a moment behind: an invoice changed since may no longer pass.
    const invoices = entries
      .map(({ number }) => byNumber.get(number))
      .filter((stored): stored is StoredInvoice => stored !== undefined)
      .filter((stored) => filter === undefined || matchesFilter(stored.invoice, filter));
    return { invoices, after: merged.length > options.limit ? entries.at(-1)?.number : undefined };
  }

  return {
    page,

    /** Every invoice of the tenant, page by page, in invoice-number order. */
    async list(tenantId: string): Promise<StoredInvoice[]> {
      const invoices: StoredInvoice[] = [];
      let after: string | undefined;
      do {
        const next = await page(tenantId, { limit: 1000, after });
        invoices.push(...next.invoices);
        after = next.after;
      } while (after !== undefined);
      return invoices;
    },
  };
}

/**
 * Reads on in one shard. The first read asks for the shard's share of the page (and one more); a
 * shard read again asks for twice as many each time, so that a filter few invoices pass, which
 * leaves most of what DynamoDB reads out of its answer, takes few round trips.
 */
async function readShard(
  table: TableContext,
  read: ShardRead,
  wanted: number,
  options: { after?: string; filter?: ListFilter },
): Promise<void> {
  const filter = filterExpression(options.filter);
  const page = await table.client.send(
    new QueryCommand({
      TableName: table.tableName,
      IndexName: LIST_INDEX,
      KeyConditionExpression:
        options.after === undefined ? "listShard = :shard" : "listShard = :shard AND listNumber > :after",
      ...(filter.expression === undefined
        ? {}
        : { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
      ExpressionAttributeValues: {
        ":shard": read.shard,
        ...(options.after === undefined ? {} : { ":after": options.after }),
        ...filter.values,
      },
      ProjectionExpression: "pk, sk, listNumber",
      ExclusiveStartKey: read.start,
      Limit: (Math.ceil(wanted / LIST_SHARDS) + 1) * 2 ** read.reads,
    }),
  );
  for (const item of page.Items ?? []) {
    read.entries.push({ pk: String(item.pk), sk: String(item.sk), number: String(item.listNumber) });
  }
  read.start = page.LastEvaluatedKey;
  read.done = page.LastEvaluatedKey === undefined;
  read.reads += 1;
}

/** The shard whose next entry has the lowest invoice number (DynamoDB's order: ASCII, byte by byte). */
function lowestHead(shards: readonly ShardRead[]): ShardRead | undefined {
  let lowest: ShardRead | undefined;
  for (const read of shards) {
    const head = read.entries[0];
    if (head === undefined) continue;
    const best = lowest?.entries[0];
    if (best === undefined || head.number < best.number) lowest = read;
  }
  return lowest;
}

/**
 * The filter as DynamoDB evaluates it on the index's `listed` attribute: the same rule as
 * matchesFilter, where "overdue" is owing with a due date before today.
 */
function filterExpression(filter: ListFilter | undefined): {
  expression?: string;
  names: Record<string, string>;
  values: Record<string, unknown>;
} {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  if (filter?.status !== undefined) {
    clauses.push("#listed.#status = :status");
    Object.assign(names, { "#listed": "listed", "#status": "status" });
    values[":status"] = filter.status;
  }
  if (filter?.overdue !== undefined) {
    clauses.push(
      filter.overdue
        ? "#listed.#owing = :owing AND #listed.#due < :today"
        : "(#listed.#owing = :owing OR #listed.#due >= :today)",
    );
    Object.assign(names, { "#listed": "listed", "#owing": "owing", "#due": "dueDate" });
    values[":owing"] = filter.overdue;
    values[":today"] = filter.today;
  }
  return { expression: clauses.length === 0 ? undefined : clauses.join(" AND "), names, values };
}
