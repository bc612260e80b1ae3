/**
 * The dispatcher: on every tick, read the sparse due index — shard by shard, page by page — and
 * put one message per due slot on the send queue. It decides nothing: the sender re-reads and
 * re-decides each invoice.
 *
 * Each slot is enqueued once, not once per tick: the dispatcher keeps a cursor per shard (how far in
 * time it has read, dispatch-cursor.ts) and reads only the stretch after it. That holds because a
 * slot is never earlier than the moment it is written (InvoiceStore clamps it), so nothing appears
 * behind the cursor — except what the index shows late: the index is updated a moment after the
 * table, so a tick reads only up to `settleMs` before now, and the next stretch starts just after
 * the instant this one ended at. (Local mode and the tests run with `settleMs` 0, on a clock that
 * stands still while a tick and the writes around it happen: there a slot can be written at the
 * very instant a tick read up to, after the read, so the next stretch reads that instant again;
 * what is still due at it is enqueued twice, which the claim turns into nothing.) An invoice whose message is
 * lost to the send queue's dead-letter queue stays there until it is redriven (`dun redrive send`),
 * and one whose claim is never recorded comes back at the claim's stale time, its slot then.
 *
 * A tick is bounded: it stops reading when its time budget is spent and saves where it got to,
 * and the next tick goes on from there. A second dispatcher running at the same time only sends
 * duplicate messages, which the sender's claim turns into nothing, and cannot move the cursor back.
 */
import type { DispatchCursor, DispatchCursorTable, ShardCursor } from "#adapters/dynamo/dispatch-cursor.ts";
import { allDueShards } from "#adapters/dynamo/keys.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import type { DueQueue } from "./due-message.ts";

/** How far behind now a tick reads: more than the index's lag behind the table and the clocks' skew. */
export const DEFAULT_SETTLE_MS = 60_000;
/** The share of its time a tick spends reading and enqueuing; the rest is room for the last page and the cursor. */
export const TICK_BUDGET = 0.4;
/** Slots per page: small enough that the time budget is checked often. */
const PAGE_SIZE = 1000;
/** Before any slot: where a shard with no cursor starts. */
const BEGINNING = "1970-01-01T00:00:00.000Z";

export type DispatchDeps = { invoices: InvoiceStore; cursor: DispatchCursorTable; queue: DueQueue };

export type DispatchOptions = {
  settleMs?: number;
  /** True once the tick must stop reading (its time budget is spent). */
  outOfTime?: () => boolean;
};

export type DispatchReport = {
  due: number;
  pages: number;
  /** Every shard was read up to `settleMs` before now; false when the budget ran out first. */
  caughtUp: boolean;
  /** False when another tick moved the cursor meanwhile (this one's messages went out all the same). */
  cursorSaved: boolean;
};

export async function dispatchDue(
  deps: DispatchDeps,
  now: Date,
  options: DispatchOptions = {},
): Promise<DispatchReport> {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  const to = new Date(now.getTime() - settleMs).toISOString();
  const outOfTime = options.outOfTime ?? (() => false);
  const before = await deps.cursor.get();
  const shards: DispatchCursor["shards"] = { ...before.shards };
  const report: DispatchReport = { due: 0, pages: 0, caughtUp: true, cursorSaved: false };
  try {
    await Promise.all(
      allDueShards().map(async (shard) => {
        const position = shards[shard] ?? { readUpTo: BEGINNING };
        const done = await dispatchShard(
          deps,
          shard,
          position,
          to,
          settleMs > 0,
          outOfTime,
          (moved, enqueued) => {
            shards[shard] = moved;
            report.due += enqueued;
            report.pages += 1;
          },
        );
        if (!done) report.caughtUp = false;
      }),
    );
  } finally {
    // Whatever was enqueued is kept even when a later page failed: the next tick goes on after it.
    report.cursorSaved = await deps.cursor.put(before, shards);
  }
  return report;
}

/** Where a stretch starts: just after the instant read up to, or at it again if that instant may not have settled. */
function after(readUpTo: string, settled: boolean): string {
  return settled ? new Date(Date.parse(readUpTo) + 1).toISOString() : readUpTo;
}

/** Reads one shard from its position up to `to`; true when it got there. */
async function dispatchShard(
  deps: DispatchDeps,
  shard: string,
  start: ShardCursor,
  to: string,
  settled: boolean,
  outOfTime: () => boolean,
  progressed: (position: ShardCursor, enqueued: number) => void,
): Promise<boolean> {
  let position = start;
  for (;;) {
    const stretchTo = position.working?.to ?? to;
    if (!position.working && stretchTo <= position.readUpTo) return true;
    if (outOfTime()) return false;
    const page = await deps.invoices.dueBetween(
      shard,
      { from: after(position.readUpTo, settled), to: stretchTo },
      { after: position.working?.after, limit: PAGE_SIZE },
    );
    if (page.invoices.length > 0) await deps.queue.enqueue(page.invoices);
    position = page.after
      ? { readUpTo: position.readUpTo, working: { to: stretchTo, after: page.after } }
      : { readUpTo: stretchTo };
    progressed(position, page.invoices.length);
  }
}
