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

/**
 * How dun's senders share the account's SES sending rate: how many run at once, how fast each
 * sends, and how many records each takes at a time. The stack deploys it (infra/constructs/sending.ts),
 * the sender paces itself by `instanceSendRate`, and bench/throughput.bench.ts runs it against a
 * modelled SES.
 */
export type SendingPlan = {
  /** Sender instances at once: the event source's maximum concurrency and the Lambda's reserved concurrency. */
  concurrency: number;
  /** Emails a second each instance sends; `concurrency` of them together send `sendRate`. */
  instanceSendRate: number;
  /** Records an invocation takes from the send queue. */
  batchSize: number;
  /** How long the event source may wait to fill a batch; 0 for ten records or fewer, as SQS requires. */
  batchingWindowSeconds: number;
};

/** The least and the most the plan is made for: 0.1 (a batch of one within the pacing budget) to 500 emails a second. */
export const SEND_RATE_BOUNDS = { min: 0.1, max: 500 } as const;

/**
 * What one instance sends at most. The sender's CPU per email (about 5 ms of a whole core, most of
 * it in the AWS SDK: bench/throughput.bench.ts) at 512 MB, which Lambda gives 512/1769 of a vCPU,
 * keeps an instance a third busy at 20 a second: its records' reads, writes and SES calls are
 * waits, and the send window (#sending/send-window.ts) is never at risk from a busy event loop.
 */
export const MAX_INSTANCE_SEND_RATE = 20;
/** Lambda's SQS event source runs no fewer than two at once (its smallest maximum concurrency). */
const MIN_CONCURRENCY = 2;
/**
 * The most one batch's paced sends may take, out of the sender's 30 s timeout (the rest reads,
 * renders and records): a batch of n waits at most n intervals, the first for the slot the last
 * batch left. It is what bounds the slowest rate: a batch of one at 0.05 a second waits 20 s.
 */
export const PACING_BUDGET_SECONDS = 20;
/**
 * What a batch's paced sends take when the rate allows more than one record. Between two batches
 * an instance loses the last record's work after its send, the end of the invocation and the
 * poller handing over the next batch (a few hundred milliseconds): at low rates less than an
 * interval, which pacing absorbs altogether, and at 20 a second a few per cent of 10 s. Longer
 * batches would lose less, and hold more records back when an invocation fails.
 */
export const BATCH_PACING_SECONDS = 10;
/** The most records SQS hands a Lambda at once, and the most without a batching window. */
const MAX_BATCH_SIZE = 10_000;
const MAX_BATCH_WITHOUT_WINDOW = 10;
/** Under a backlog a large batch fills in milliseconds; the window only bounds a thin stream. */
const BATCHING_WINDOW_SECONDS = 1;

/** The plan for an account's SES sending rate; a RangeError naming sendRate outside SEND_RATE_BOUNDS. */
export function sendingPlan(sendRate: number): SendingPlan {
  if (!Number.isFinite(sendRate) || sendRate < SEND_RATE_BOUNDS.min || sendRate > SEND_RATE_BOUNDS.max) {
    throw new RangeError(
      `sendRate must be a number of emails a second from ${SEND_RATE_BOUNDS.min} to ${SEND_RATE_BOUNDS.max} (the SES sandbox allows 1; give ${SEND_RATE_BOUNDS.max} for a larger quota), not ${sendRate}`,
    );
  }
  const concurrency = Math.max(MIN_CONCURRENCY, Math.ceil(sendRate / MAX_INSTANCE_SEND_RATE));
  const instanceSendRate = sendRate / concurrency;
  const batchSize = Math.max(
    1,
    Math.min(MAX_BATCH_SIZE, Math.floor(BATCH_PACING_SECONDS * instanceSendRate + 1e-9)),
  );
  const batchingWindowSeconds = batchSize > MAX_BATCH_WITHOUT_WINDOW ? BATCHING_WINDOW_SECONDS : 0;
  return { concurrency, instanceSendRate, batchSize, batchingWindowSeconds };
}
