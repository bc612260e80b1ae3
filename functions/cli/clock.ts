/**
 * `dun clock` and `dun clock advance`: local mode's simulated clock, through its local-only
 * routes (`/_local/clock`). Advancing it runs every dispatcher tick in between, in order, so the
 * emails a fortnight would bring land in the inbox now. A deployed stack has no such clock.
 */
import { ApiError, type DunApi } from "./api-client.ts";
import { CliError, EXIT, type Terminal, UsageError, writeJson } from "./command.ts";
import { formatInstant } from "./table.ts";

export type ClockDeps = { api: Pick<DunApi, "localClock" | "advanceLocalClock">; terminal: Terminal };

/** A duration as local mode reads it: a whole number of days, hours or minutes. */
const DURATION = /^[1-9]\d{0,5}[dhm]$/;

export async function showClock(deps: ClockDeps): Promise<void> {
  const clock = await localOnly(() => deps.api.localClock());
  const { out, json } = deps.terminal;
  if (json) return writeJson(out, clock);
  out.write(
    `local clock: ${formatInstant(clock.now)}\n` +
      `  speed     ${speedText(clock.speed)}\n` +
      // `paused` is the dispatch kill switch (`dun dispatch pause`): time runs on, nothing is sent.
      `  dispatch  ${clock.paused ? "paused: nothing is sent until `dun dispatch resume`" : "running"}\n`,
  );
}

export async function advanceClock(deps: ClockDeps, by: { duration?: string; to?: string }): Promise<void> {
  const request = advanceRequestOf(by);
  const { out, err, json } = deps.terminal;
  if (!json) {
    err.write(
      `advancing the local clock ${"advance" in request ? `by ${request.advance}` : `to ${formatInstant(request.to)}`}; every dispatcher tick in between runs…\n`,
    );
  }
  const answer = await localOnly(() => deps.api.advanceLocalClock(request));
  if (json) return writeJson(out, answer);
  out.write(
    `local clock now ${formatInstant(answer.now)}: ${answer.ticks} ${answer.ticks === 1 ? "tick" : "ticks"} ran, ` +
      `${answer.emailsSent} ${answer.emailsSent === 1 ? "email" : "emails"} sent\n`,
  );
}

/** `{"advance": "14d"}` or `{"to": ISO}`: exactly one of them, checked before anything is sent. */
export function advanceRequestOf(by: {
  duration?: string;
  to?: string;
}): { advance: string } | { to: string } {
  if (by.duration !== undefined && by.to !== undefined) {
    throw new UsageError("give either a duration (14d, 36h, 90m) or --to ISO, not both");
  }
  if (by.to !== undefined) {
    const to = new Date(by.to);
    if (!/^\d{4}-\d{2}-\d{2}/.test(by.to) || Number.isNaN(to.getTime())) {
      throw new UsageError(`--to ${JSON.stringify(by.to)} is not an instant such as 2027-01-10T09:00:00Z`);
    }
    return { to: to.toISOString() };
  }
  if (by.duration === undefined) {
    throw new UsageError("say how far: a duration such as 14d, 36h or 90m, or --to 2027-01-10T09:00:00Z");
  }
  const duration = by.duration.trim().toLowerCase();
  if (!DURATION.test(duration)) {
    throw new UsageError(
      `${JSON.stringify(by.duration)} is not a duration: write a whole number of days, hours or minutes, such as 14d, 36h or 90m`,
    );
  }
  return { advance: duration };
}

/** The routes exist only in local mode; a deployed API answers 404 for them. */
async function localOnly<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError("the clock exists only in local mode (npm start)", EXIT.refused);
    }
    throw error;
  }
}

function speedText(speed: number): string {
  if (speed === 0) return "stopped: only `dun clock advance` moves it";
  if (speed === 1) return "real time";
  const perSecond =
    speed >= 86_400 ? `${speed / 86_400} d` : speed >= 3600 ? `${speed / 3600} h` : `${speed} s`;
  return `×${speed} (${perSecond} of dun time per second)`;
}
