/**
 * The dispatcher: on every tick, read the sparse due index — shard by shard, page by page — and
 * put one message per due invoice on the send queue. It decides nothing: the sender re-reads and
 * re-decides each invoice, so a second dispatcher running at the same time only sends duplicate
 * messages, which the sender's claim turns into nothing.
 */
import type { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { allDueShards } from "#adapters/dynamo/keys.ts";
import type { DueMessage, DueQueue } from "./due-message.ts";

export type DispatchReport = { due: number; pages: number };

export async function dispatchDue(
  deps: { invoices: InvoiceTable; queue: DueQueue },
  now: Date,
): Promise<DispatchReport> {
  const reports = await Promise.all(allDueShards().map((shard) => dispatchShard(deps, shard, now)));
  return reports.reduce((sum, report) => ({ due: sum.due + report.due, pages: sum.pages + report.pages }), {
    due: 0,
    pages: 0,
  });
}

async function dispatchShard(
  deps: { invoices: InvoiceTable; queue: DueQueue },
  shard: string,
  now: Date,
): Promise<DispatchReport> {
  let due = 0;
  let pages = 0;
  let cursor: Record<string, unknown> | undefined;
  do {
    const page = await deps.invoices.dueOn(shard, now, cursor);
    pages += 1;
    const messages: DueMessage[] = page.invoices;
    if (messages.length > 0) await deps.queue.enqueue(messages);
    due += messages.length;
    cursor = page.cursor;
  } while (cursor);
  return { due, pages };
}
