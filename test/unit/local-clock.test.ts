/**
 * Local mode's clock skips the ticks that would find nothing due. That is only allowed if the
 * outcome is the one waiting gives: the same work, at the same tick times, in the same order, as
 * running the dispatcher every minute. A property test holds it to that against a reference that
 * does tick every minute, with work that schedules more work (as a sent reminder schedules the next).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ClockWork, LocalClock, TICK_MS } from "#local/local-clock.ts";

const START = Date.parse("2026-11-23T08:00:00Z");
const MINUTE = 60_000;

/** Work items due at times; handling one may schedule a follow-up `gapMinutes` later, `repeats` times. */
type Item = { id: number; dueAt: number; repeats: number; gapMinutes: number };

class FakeWork implements ClockWork {
  readonly log: string[] = [];
  private readonly due: Item[];

  constructor(items: Item[]) {
    this.due = items.map((item) => ({ ...item }));
  }

  async tick(at: Date): Promise<{ sent: number }> {
    const now = at.getTime();
    const ready = this.due
      .filter((item) => item.dueAt <= now)
      .sort((a, b) => a.dueAt - b.dueAt || a.id - b.id);
    for (const item of ready) {
      this.log.push(`${at.toISOString()} ${item.id}`);
      if (item.repeats > 0) {
        item.repeats -= 1;
        item.dueAt = now + item.gapMinutes * MINUTE + 17_000; // off the minute, as real slots are
      } else this.due.splice(this.due.indexOf(item), 1);
    }
    return { sent: ready.length };
  }

  async nextDueAt(): Promise<Date | undefined> {
    const earliest = Math.min(...this.due.map((item) => item.dueAt));
    return Number.isFinite(earliest) ? new Date(earliest) : undefined;
  }

  hasPendingWork(): boolean {
    return false;
  }

  dispatching(): boolean {
    return true;
  }
}

/** The reference: a tick every minute from the first whole minute after the start to the target. */
async function everyMinute(items: Item[], targetMs: number): Promise<string[]> {
  const work = new FakeWork(items);
  for (let at = Math.ceil(START / TICK_MS) * TICK_MS; at <= targetMs; at += TICK_MS) {
    const due = await work.nextDueAt();
    if (due && due.getTime() <= at) await work.tick(new Date(at));
  }
  return work.log;
}

const items = fc.array(
  fc.record({
    id: fc.nat(1000),
    dueAt: fc.integer({ min: START - 2 * 86_400_000, max: START + 5 * 86_400_000 }),
    repeats: fc.nat(4),
    gapMinutes: fc.integer({ min: 1, max: 3 * 24 * 60 }),
  }),
  { maxLength: 12 },
);

describe("the local clock", () => {
  it("runs the same work at the same tick times as a tick every minute, in one move or in many", async () => {
    await fc.assert(
      fc.asyncProperty(
        items,
        fc.array(fc.integer({ min: 1, max: 4 * 86_400_000 }), { minLength: 1, maxLength: 4 }),
        async (list, moves) => {
          const target = START + moves.reduce((sum, move) => sum + move, 0);
          const reference = await everyMinute(list, target);

          const oneMove = new FakeWork(list);
          await new LocalClock(new Date(START), oneMove, 0).advanceTo(new Date(target));
          const manyMoves = new FakeWork(list);
          const clock = new LocalClock(new Date(START), manyMoves, 0);
          let at = START;
          for (const move of moves) {
            at += move;
            await clock.advanceTo(new Date(at));
          }

          expect(oneMove.log).toEqual(reference);
          expect(manyMoves.log).toEqual(reference);
        },
      ),
      { numRuns: 40 },
    );
  });

  it("never goes back, and answers moves one after another", async () => {
    const clock = new LocalClock(new Date(START), new FakeWork([]), 0);
    const [first, second] = await Promise.all([
      clock.advanceTo(new Date(START + 3_600_000)),
      clock.advanceTo(new Date(START + 60_000)),
    ]);
    expect(first.now).toBe("2026-11-23T09:00:00.000Z");
    expect(second.now).toBe("2026-11-23T09:00:00.000Z");
    expect(clock.targetOf({ to: "2026-11-23T08:30:00Z" }).ok).toBe(false);
    expect(clock.targetOf({ advance: "36h" })).toEqual({
      ok: true,
      value: new Date(START + 3_600_000 + 36 * 3_600_000),
    });
  });
});
