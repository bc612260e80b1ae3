/**
 * Spaces sends out in time: at most `perSecond` a second from one sender instance, however many
 * of its sends are waiting at once. The sender's batch processor works on a batch's records in
 * parallel, so "sleep a second after each send" would not do; instead each call reserves the next
 * free slot before it waits (synchronously, so two calls never get the same one) and then sleeps
 * until that slot. The reservations live as long as the instance, so a new invocation cannot send
 * sooner than the previous one's last send allows.
 *
 * The clock is given, so that the tests can drive it; the sender passes `performance.now` (which
 * never jumps with the wall clock) and `setTimeout` from node:timers/promises.
 */

export type PacerClock = {
  /** Milliseconds on a clock that only moves forward. */
  now(): number;
  sleep(milliseconds: number): Promise<void>;
};

/** Resolves when the caller may send: waits for the next free slot, and takes it. */
export type Pace = () => Promise<void>;

export function sendPacer(perSecond: number, clock: PacerClock): Pace {
  if (!Number.isFinite(perSecond) || perSecond <= 0) {
    throw new RangeError(`sendPacer: perSecond must be a positive number, not ${perSecond}`);
  }
  const interval = 1000 / perSecond;
  // The first send of a fresh instance goes at once.
  let nextSlot = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = clock.now();
    const slot = Math.max(now, nextSlot);
    nextSlot = slot + interval;
    if (slot > now) await clock.sleep(slot - now);
  };
}
