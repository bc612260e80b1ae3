/**
 * The single table's keys, in one place: every item's pk/sk and the due index's shard. The access
 * patterns they serve are written down in docs/DATA-MODEL.md.
 */
import { createHash } from "node:crypto";

/** The due index's partition keys: DUE#00 … DUE#15. Spreads a busy table's due invoices over partitions. */
export const DUE_SHARDS = 16;
export const DUE_INDEX = "due";

export const tenantKey = (tenantId: string) => ({ pk: `TENANT#${tenantId}`, sk: "TENANT" });
/** An API key by the SHA-256 of the key: the key itself is never stored. */
export const apiKeyKey = (hash: string) => ({ pk: `KEY#${hash}`, sk: "KEY" });
export const invoiceKey = (tenantId: string, invoiceNumber: string) => ({
  pk: `TENANT#${tenantId}`,
  sk: `INVOICE#${invoiceNumber}`,
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
