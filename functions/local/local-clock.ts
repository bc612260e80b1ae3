/**
 * Local mode's clock: simulated time that runs at `speed` times real time and can be moved
 * forward on request. Moving it runs every dispatcher tick in between, in order, so the result is
 * the one waiting would give; the ticks that would find nothing due are skipped (they would do
 * nothing), which is what lets a fortnight pass in a second.
 *
 * Ticks fall on whole minutes, as the Scheduler's rate(1 minute) does. Time never goes back.
 */
import * as z from "zod";
import { err, ok, type Result } from "#domain/result.ts";

export const TICK_MS = 60_000;
const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
/** Ten years: a bound on one request, far beyond any ladder. */
const MAX_ADVANCE_MS = 3650 * UNIT_MS.d;

/** What the clock drives: a tick at a time, when the next one has work, and whether work waits now. */
export type ClockWork = {
  tick(at: Date): Promise<{ sent: number }>;
  nextDueAt(): Promise<Date | undefined>;
  hasPendingWork(): boolean;
  /** While false (the kill switch), no tick is due for an invoice, so none is run. */
  dispatching(): boolean;
};

export type Advanced = { now: string; ticks: number; emailsSent: number };

/** `{"advance": "14d"}` (also "36h", "90m") or `{"to": "2027-01-10T09:00:00Z"}`. */
export const ClockMoveSchema = z.union([
  z.strictObject({
    advance: z.string().regex(/^\d{1,7}[dhm]$/, 'must be a number and a unit: "14d", "36h" or "90m"'),
  }),
  z.strictObject({ to: z.iso.datetime({ offset: true, message: "must be an ISO 8601 timestamp" }) }),
]);
export type ClockMove = z.infer<typeof ClockMoveSchema>;

export type ClockMoveError = { field: "advance" | "to"; message: string };

/** Parses "14d", "36h", "90m" to milliseconds; the unit is required. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d{1,7})([dhm])$/.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

const nextTickAt = (at: Date) => new Date(Math.ceil(at.getTime() / TICK_MS) * TICK_MS);

export class LocalClock {
  private current: Date;
  /** Moves run one after another: a tick never overlaps another. */
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastTick: Date | undefined;

  constructor(
    start: Date,
    private readonly work: ClockWork,
    /** Simulated milliseconds per real millisecond while running; 1 is real time. */
    readonly speed = 1,
  ) {
    this.current = start;
  }

  now(): Date {
    return this.current;
  }

  /** The target of a move, or why it cannot be made. */
  targetOf(move: ClockMove): Result<Date, ClockMoveError> {
    if ("advance" in move) {
      const ms = durationMs(move.advance);
      if (ms === undefined || ms > MAX_ADVANCE_MS) {
        return err({ field: "advance", message: "must be at most 3650d" });
      }
      return ok(new Date(this.current.getTime() + ms));
    }
    const to = new Date(move.to);
    if (to.getTime() < this.current.getTime()) {
      return err({ field: "to", message: `must not be before the clock's ${this.current.toISOString()}` });
    }
    if (to.getTime() - this.current.getTime() > MAX_ADVANCE_MS) {
      return err({ field: "to", message: "must be within 3650 days of the clock" });
    }
    return ok(to);
  }

  /** Moves the clock to `target`, running every tick with work in between, in order. */
  advanceTo(target: Date): Promise<Advanced> {
    const run = this.queue.then(() => this.run(target));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Lets simulated time pass at `speed` while the process runs, a step every `everyMs` real ms. */
  start(everyMs = 1000): void {
    if (this.timer) return;
    let last = Date.now();
    this.timer = setInterval(() => {
      const elapsed = Date.now() - last;
      last += elapsed;
      void this.advanceTo(new Date(this.current.getTime() + elapsed * this.speed)).catch((error: unknown) => {
        process.stderr.write(`dun: a tick failed: ${(error as Error).stack ?? String(error)}\n`);
      });
    }, everyMs);
    this.timer.unref();
  }

  /** Stops the running clock and waits for a move in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  private async run(target: Date): Promise<Advanced> {
    let ticks = 0;
    let emailsSent = 0;
    for (;;) {
      const at = await this.nextTick(target);
      if (!at) break;
      this.current = at;
      this.lastTick = at;
      const report = await this.work.tick(at);
      ticks += 1;
      emailsSent += report.sent;
    }
    if (target.getTime() > this.current.getTime()) this.current = target;
    return { now: this.current.toISOString(), ticks, emailsSent };
  }

  /** The next tick with work at or before `target`, never one already run. */
  private async nextTick(target: Date): Promise<Date | undefined> {
    const earliest = this.lastTick ? new Date(this.lastTick.getTime() + TICK_MS) : nextTickAt(this.current);
    let due: Date | undefined;
    if (this.work.hasPendingWork()) due = earliest;
    else if (this.work.dispatching()) {
      const next = await this.work.nextDueAt();
      if (next) due = nextTickAt(next).getTime() < earliest.getTime() ? earliest : nextTickAt(next);
    }
    return due && due.getTime() <= target.getTime() ? due : undefined;
  }
}
