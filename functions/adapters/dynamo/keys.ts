/**
 * The single table's keys, in one place: every item's pk/sk and the due index's shard. The access
 * patterns they serve are written down in docs/DATA-MODEL.md.
 */
import { createHash } from "node:crypto";

/** The due index's partition keys: DUE#00 … DUE#15. Spreads a busy table's due invoices over partitions. */
export const DUE_SHARDS = 16;
export const DUE_INDEX = "due";

export const tenantKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: "TENANT" });
/**
 * One address a tenant must never email again, under the tenant's suppression partition, so that
 * checking an address is one key of a GetItem (or BatchGetItem) whatever the number suppressed.
 */
export const suppressionPartition = (tenantId: string) => `TENANT#${tenantId}#SUPPRESSED`;
export const suppressionKey = (tenantId: string, email: string) => ({
  pk: suppressionPartition(tenantId),
  sk: normalisedAddress(email),
});
/** Addresses are compared as dun stores them (EmailSchema): trimmed and in lower case. */
export const normalisedAddress = (email: string) => email.trim().toLowerCase();
/** An API key by the SHA-256 of the key: the key itself is never stored. */
export const apiKeyKey = (hash: string) => ({ pk: `KEY#${hash}`, sk: "KEY" });
/**
 * An invoice in a partition of its own, beside its timeline: no partition holds a tenant's every
 * invoice, so a large tenant's writes spread like its invoices do. The list index lists them.
 */
export const invoiceKey = (tenantId: string, invoiceNumber: string) => ({
  pk: `TENANT#${tenantId}#INVOICE#${invoiceNumber}`,
  sk: "INVOICE",
});
export const timelinePartition = (tenantId: string, invoiceNumber: string) =>
  `TENANT#${tenantId}#INVOICE#${invoiceNumber}`;
export const messageKey = (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: "MESSAGE" });
/** An upload job and its pages of per-row results, in a partition of their own (upload-job-table.ts). */
export const uploadJobPartition = (tenantId: string, jobId: string) => `TENANT#${tenantId}#UPLOAD#${jobId}`;
export const uploadJobKey = (tenantId: string, jobId: string) => ({
  pk: uploadJobPartition(tenantId, jobId),
  sk: "JOB",
});
export const uploadPageKey = (tenantId: string, jobId: string, page: number) => ({
  pk: uploadJobPartition(tenantId, jobId),
  sk: `ROWS#${String(page).padStart(6, "0")}`,
});
/** How far the dispatcher has read the due index, shard by shard (dispatch-cursor.ts). */
export const DISPATCH_CURSOR_KEY = { pk: "DISPATCH", sk: "CURSOR" } as const;

/** A stable shard per invoice, so that one invoice always lands on the same due partition. */
export function dueShardOf(tenantId: string, invoiceNumber: string): string {
  const digest = createHash("sha256").update(`${tenantId}\u0000${invoiceNumber}`).digest();
  return `DUE#${String((digest[0] ?? 0) % DUE_SHARDS).padStart(2, "0")}`;
}

export function allDueShards(): string[] {
  return Array.from({ length: DUE_SHARDS }, (_, shard) => `DUE#${String(shard).padStart(2, "0")}`);
}

/**
 * The tenant and invoice number that an invoice item's partition key names: what the keys-only due
 * index hands back. An invoice number holds no "#" (INVOICE_NUMBER), so the last "#INVOICE#" is the
 * separator whatever the tenant id holds.
 */
export function invoiceOfPartition(pk: string): { tenantId: string; invoiceNumber: string } {
  const separator = pk.lastIndexOf("#INVOICE#");
  return {
    tenantId: pk.slice("TENANT#".length, separator),
    invoiceNumber: pk.slice(separator + "#INVOICE#".length),
  };
}

/**
 * The list index: a tenant's invoices in invoice-number order, over LIST_SHARDS partitions per
 * tenant (TENANT#t#LIST#00 … #15), so that a large upload's creates spread over 16 index partitions
 * instead of one (docs/DATA-MODEL.md, "The list index").
 */
export const LIST_INDEX = "list";
export const LIST_SHARDS = 16;

/** A stable list shard per invoice, from its number: one invoice always lands on the same partition. */
export function listShardOf(tenantId: string, invoiceNumber: string): string {
  const digest = createHash("sha256").update(invoiceNumber).digest();
  return listShard(tenantId, (digest[0] ?? 0) % LIST_SHARDS);
}

export function allListShards(tenantId: string): string[] {
  return Array.from({ length: LIST_SHARDS }, (_, shard) => listShard(tenantId, shard));
}

const listShard = (tenantId: string, shard: number) =>
  `TENANT#${tenantId}#LIST#${String(shard).padStart(2, "0")}`;

/**
 * The report totals (report-totals.ts) are write-sharded like the due index: an invoice always adds
 * to the totals of its own shard, so that a large tenant's writes spread over 8 partitions (and 8
 * items per due date or customer) instead of one, and a report reads 8 partitions whatever the
 * number of invoices.
 */
export const TOTALS_SHARDS = 8;

/**
 * FNV-1a over the invoice number: any even spread will do, and a rebuild hashes every invoice of a
 * tenant, where SHA-256 would cost more than the rest of the work.
 */
export function totalsShardOf(tenantId: string, invoiceNumber: string): number {
  let hash = 0x811c9dc5;
  const text = `${tenantId}\u0000${invoiceNumber}`;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % TOTALS_SHARDS;
}

export function allTotalsShards(): number[] {
  return Array.from({ length: TOTALS_SHARDS }, (_, shard) => shard);
}

/** What is owed by due date: one item per currency, due date and time zone in each shard. */
export const dueDateTotalsPartition = (tenantId: string, shard: number) =>
  `TENANT#${tenantId}#DUEDATES#${shard}`;
export const dueDateTotalKey = (
  tenantId: string,
  shard: number,
  total: { currency: string; dueDate: string; timeZone: string },
) => ({
  pk: dueDateTotalsPartition(tenantId, shard),
  sk: `DUE#${total.currency}#${total.dueDate}#${total.timeZone}`,
});

/** A customer's counts, names and credit-hold reasons: one item per customer in each shard. */
export const customerTotalsPartition = (tenantId: string, shard: number) =>
  `TENANT#${tenantId}#CUSTOMERS#${shard}`;
export const customerTotalKey = (tenantId: string, shard: number, customerId: string) => ({
  pk: customerTotalsPartition(tenantId, shard),
  sk: `CUSTOMER#${customerId}`,
});
