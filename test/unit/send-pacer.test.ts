/**
 * The sender's pacing: never faster than its rate, however many sends ask at once, and never
 * slower than the rate requires. Time is a fake clock the tests move; nothing here waits for real.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  MAX_INSTANCE_SEND_RATE,
  PACING_BUDGET_SECONDS,
  type Pace,
  type PacerClock,
  SEND_RATE_BOUNDS,
  sendingPlan,
  sendPacer,
} from "#adapters/ses/send-pacer.ts";

/** A clock that moves only when told to, waking its sleepers in time order as it goes. */
class FakeClock implements PacerClock {
  private time = 0;
  private sleepers: { until: number; wake: () => void }[] = [];

  now(): number {
    return this.time;
  }

  sleep(milliseconds: number): Promise<void> {
    return new Promise((wake) => this.sleepers.push({ until: this.time + milliseconds, wake }));
  }

  /** Lets time pass while nobody sleeps. */
  pass(milliseconds: number): void {
    expect(this.sleepers).toEqual([]);
    this.time += milliseconds;
  }

  /** Moves to each sleeper's time in turn and wakes it, until nobody sleeps. */
  async runUntilIdle(): Promise<void> {
    await settle();
    for (;;) {
      this.sleepers.sort((a, b) => a.until - b.until);
      const next = this.sleepers.shift();
      if (next === undefined) return;
      this.time = next.until;
      next.wake();
      await settle();
    }
  }
}

/** Lets every promise that can go on do so. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Asks `count` sends to go at once, now; resolves with the time each was let through, in asking order. */
async function sendTimes(pace: Pace, clock: FakeClock, count: number): Promise<number[]> {
  const sent = Array.from({ length: count }, () => pace().then(() => clock.now()));
  await clock.runUntilIdle();
  return Promise.all(sent);
}

describe("sendPacer", () => {
  it("lets the first send through at once and the ones asking with it one interval apart", async () => {
    // Prepare: half an email a second, one every 2 s.
    const clock = new FakeClock();
    const pace = sendPacer(0.5, clock);

    // Act: a batch of ten records, worked on in parallel.
    const times = await sendTimes(pace, clock, 10);

    // Assess
    expect(times).toEqual([0, 2000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 18_000]);
  });

  it("makes the next batch wait for the slot the last one left", async () => {
    // Prepare
    const clock = new FakeClock();
    const pace = sendPacer(0.5, clock);
    await sendTimes(pace, clock, 1);

    // Act: the next invocation starts half a second after the last send.
    clock.pass(500);
    const times = await sendTimes(pace, clock, 2);

    // Assess
    expect(times).toEqual([2000, 4000]);
  });

  it("saves up nothing while idle: after a pause the sends are spaced again from the first", async () => {
    // Prepare
    const clock = new FakeClock();
    const pace = sendPacer(2, clock);
    await sendTimes(pace, clock, 3);

    // Act: ten quiet seconds, then three sends at once.
    clock.pass(10_000);
    const times = await sendTimes(pace, clock, 3);

    // Assess: not three at once on the strength of the quiet time.
    expect(times).toEqual([11_000, 11_500, 12_000]);
  });

  it("is never faster than its rate, and never slower than the rate requires", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 0.1, max: 500, noNaN: true }),
        fc.array(fc.record({ pause: fc.nat(5_000), sends: fc.integer({ min: 1, max: 10 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (perSecond, batches) => {
          // Prepare
          const clock = new FakeClock();
          const pace = sendPacer(perSecond, clock);
          const interval = 1000 / perSecond;
          const asked: number[] = [];
          const sent: number[] = [];

          // Act
          for (const batch of batches) {
            clock.pass(batch.pause);
            asked.push(...Array.from({ length: batch.sends }, () => clock.now()));
            sent.push(...(await sendTimes(pace, clock, batch.sends)));
          }

          // Assess: each send goes when it asked or one interval after the one before, whichever is later.
          sent.forEach((at, index) => {
            const earliest = Math.max(asked[index] ?? 0, index === 0 ? 0 : (sent[index - 1] ?? 0) + interval);
            expect(at).toBeCloseTo(earliest, 6);
          });
        },
      ),
    );
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses a rate of %s", (perSecond) => {
    expect(() => sendPacer(perSecond, new FakeClock())).toThrow(RangeError);
  });
});

describe("sendingPlan", () => {
  const sendRate = fc.double({ min: SEND_RATE_BOUNDS.min, max: SEND_RATE_BOUNDS.max, noNaN: true });

  it("shares the rate out exactly: the senders together send sendRate, never more", () => {
    fc.assert(
      fc.property(sendRate, (rate) => {
        // Act
        const plan = sendingPlan(rate);

        // Assess
        expect(plan.concurrency * plan.instanceSendRate).toBeLessThanOrEqual(rate * (1 + 1e-12));
        expect(plan.concurrency * plan.instanceSendRate).toBeCloseTo(rate, 9);
        expect(plan.instanceSendRate).toBeLessThanOrEqual(MAX_INSTANCE_SEND_RATE);
        expect(plan.concurrency).toBeGreaterThanOrEqual(2);
      }),
    );
  });

  it("runs no more senders than the rate needs", () => {
    fc.assert(
      fc.property(sendRate, (rate) => {
        // Act
        const { concurrency } = sendingPlan(rate);

        // Assess: one sender fewer would each have to send more than an instance may.
        if (concurrency > 2) expect(rate / (concurrency - 1)).toBeGreaterThan(MAX_INSTANCE_SEND_RATE);
      }),
    );
  });

  it("fits a batch's paced sends in the pacing budget, with a batching window only over ten records", () => {
    fc.assert(
      fc.property(sendRate, (rate) => {
        // Act
        const plan = sendingPlan(rate);

        // Assess: a batch of n waits at most n intervals (the first for the slot the last batch left).
        expect(plan.batchSize / plan.instanceSendRate).toBeLessThanOrEqual(PACING_BUDGET_SECONDS + 1e-6);
        expect(plan.batchSize).toBeGreaterThanOrEqual(1);
        expect(plan.batchingWindowSeconds > 0).toBe(plan.batchSize > 10);
      }),
    );
  });

  it.each([1, 14, 100, 500])(
    "keeps its senders sending at %s a second, a second lost between batches",
    (rate) => {
      // Prepare: between two batches an instance loses the last record's work after its send, the
      // end of the invocation and the poller's hand-over; a whole second is more than they take.
      const gapSeconds = 1;

      // Act
      const plan = sendingPlan(rate);
      const interval = 1 / plan.instanceSendRate;
      // The next batch's first send waits for its slot or for the gap, whichever is later.
      const cycle = Math.max(plan.batchSize * interval, (plan.batchSize - 1) * interval + gapSeconds);
      const sent = (plan.concurrency * plan.batchSize) / cycle;

      // Assess
      expect(sent / rate).toBeGreaterThanOrEqual(0.9);
    },
  );

  it.each([0, 0.09, 500.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses %s, naming sendRate", (rate) => {
    expect(() => sendingPlan(rate)).toThrow(/^sendRate must be a number of emails a second from 0\.1 to 500/);
  });
});
