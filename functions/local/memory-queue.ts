/**
 * An SQS queue in memory, with SQS's promises and no more: every message is delivered at least
 * once, possibly twice, in no particular order; a message whose handler failed comes back on the
 * next delivery round, as after SQS's visibility timeout; one that failed `maxReceives` times goes
 * to the dead-letter queue (as with a redrive policy's maxReceiveCount), whence `redrive` moves it
 * back, as SQS's DLQ redrive does.
 */
import type { DueMessage, DueQueue } from "#dispatching/due-message.ts";

export type Delivered = { delivered: number; failed: number; deadLettered: number };

export class MemoryQueue<T> {
  private pending: { message: T; receives: number }[] = [];
  readonly deadLetters: T[] = [];

  constructor(private readonly options: { maxReceives?: number } = {}) {}

  async enqueue(messages: readonly T[]): Promise<void> {
    this.pending.push(...messages.map((message) => ({ message, receives: 0 })));
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * Hands every pending message to `handle` (concurrently, as a batch of Lambda invocations would).
   * A message whose handler throws or answers false stays for the next round, or is dead-lettered.
   */
  async deliver(handle: (message: T) => Promise<boolean>): Promise<Delivered> {
    const batch = this.pending;
    this.pending = [];
    const results = await Promise.all(
      batch.map(async (entry) => {
        try {
          return await handle(entry.message);
        } catch {
          return false;
        }
      }),
    );
    let failed = 0;
    let deadLettered = 0;
    for (const [index, entry] of batch.entries()) {
      if (results[index]) continue;
      failed += 1;
      const receives = entry.receives + 1;
      if (receives >= (this.options.maxReceives ?? Number.POSITIVE_INFINITY)) {
        this.deadLetters.push(entry.message);
        deadLettered += 1;
      } else this.pending.push({ message: entry.message, receives });
    }
    return { delivered: batch.length, failed, deadLettered };
  }

  /** Moves every dead letter back onto the queue; how many. */
  redrive(): number {
    const moved = this.deadLetters.splice(0);
    this.pending.push(...moved.map((message) => ({ message, receives: 0 })));
    return moved.length;
  }
}

/** The send queue. */
export class MemoryDueQueue extends MemoryQueue<DueMessage> implements DueQueue {}
