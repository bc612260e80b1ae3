/**
 * The send queue in memory, with SQS's promises and no more: every message is delivered at least
 * once, possibly twice, in no particular order; a message whose handler failed comes back on the
 * next delivery round, as after SQS's visibility timeout.
 */
import type { DueMessage, DueQueue } from "#dispatching/due-message.ts";

export class MemoryDueQueue implements DueQueue {
  private pending: DueMessage[] = [];

  async enqueue(messages: readonly DueMessage[]): Promise<void> {
    this.pending.push(...messages);
  }

  get size(): number {
    return this.pending.length;
  }

  /**
   * Hands every pending message to `handle` (concurrently, as a batch of Lambda invocations would).
   * A message whose handler throws or answers false stays for the next round.
   */
  async deliver(
    handle: (message: DueMessage) => Promise<boolean>,
  ): Promise<{ delivered: number; failed: number }> {
    const batch = this.pending;
    this.pending = [];
    const results = await Promise.all(
      batch.map(async (message) => {
        try {
          return await handle(message);
        } catch {
          return false;
        }
      }),
    );
    const failed = batch.filter((_, index) => !results[index]);
    this.pending.push(...failed);
    return { delivered: batch.length, failed: failed.length };
  }
}
