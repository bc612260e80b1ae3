/**
 * Instants (a JS Date) against the wall clock of an IANA time zone, with the runtime's own zone
 * database through Intl.DateTimeFormat: no Temporal (not in Node 20/22), no tz library to bundle.
 *
 * "Wall milliseconds" below are the wall clock's reading written as if it were UTC, so that
 * wall-clock arithmetic is plain subtraction: a zone's offset is wall milliseconds minus the instant.
 * An unknown zone makes Intl throw a RangeError; zones are validated at the boundary (TimeZoneSchema).
 */
import { type IsoDate, isIsoDate, isoWeekday } from "#domain/calendar/iso-date.ts";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface LocalTime {
  date: IsoDate;
  /** Whole minutes since local midnight (seconds dropped), 0 … 1439. */
  minutes: number;
  /** ISO weekday of `date`: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

// Building a DateTimeFormat costs tens of microseconds (it loads ICU zone data); formatting with
// one costs about one. Scheduling asks for the same few zones over and over.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      // h23, not hour12:false: some ICU versions print midnight as "24" under hour12:false.
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Date.UTC maps years 0–99 to 1900–1999; setUTCFullYear does not. */
function utcMs(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The wall clock's reading at `instant` (ms since epoch), as wall milliseconds. */
function wallMsAt(instant: number, timeZone: string): number {
  const fields = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    if (part.type in fields) fields[part.type as keyof typeof fields] = Number(part.value);
  }
  const wholeSeconds = utcMs(
    fields.year,
    fields.month,
    fields.day,
    fields.hour % 24,
    fields.minute,
    fields.second,
  );
  // The formatter stops at seconds; the milliseconds carry over unchanged (no zone offset has any).
  return wholeSeconds + (instant - Math.floor(instant / 1000) * 1000);
}

/** The zone's offset from UTC at `at`, in milliseconds: +3_600_000 for Oslo in winter. */
export function utcOffsetMs(at: Date, timeZone: string): number {
  const instant = at.getTime();
  return wallMsAt(instant, timeZone) - instant;
}

export function localTimeOf(at: Date, timeZone: string): LocalTime {
  const wall = wallMsAt(at.getTime(), timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  const date = new Date(midnight).toISOString().slice(0, 10);
  return { date, minutes: Math.floor((wall - midnight) / MINUTE_MS), weekday: isoWeekday(date) };
}

export function localDateOf(at: Date, timeZone: string): IsoDate {
  return localTimeOf(at, timeZone).date;
}

/**
 * The first instant in (after, until] whose UTC offset differs from the offset at `after`, or
 * undefined when the offset stays put. Offsets are sampled once a day and the change is then
 * bisected to the millisecond; real zones never change offset twice within a day, so none is missed.
 */
export function firstOffsetChange(after: Date, until: Date, timeZone: string): Date | undefined {
  const from = after.getTime();
  const to = until.getTime();
  const offset = (instant: number) => wallMsAt(instant, timeZone) - instant;
  const initial = offset(from);
  let low = from;
  while (low < to) {
    let high = Math.min(low + DAY_MS, to);
    if (offset(high) !== initial) {
      // Invariant: offset(low) is the initial one, offset(high) is not.
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (offset(middle) === initial) low = middle;
        else high = middle;
      }
      return new Date(high);
    }
    low = high;
  }
  return undefined;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` at `minutes` past midnight
 * (fractions allowed). A wall time skipped by a spring-forward gap gives the first instant after
 * the gap (the moment of the change: 02:30 on a 02:00→03:00 night gives 03:00). A wall time that a
 * fall-back shows twice gives the earlier of the two.
 */
export function instantAt(date: IsoDate, minutes: number, timeZone: string): Date {
  if (!Number.isFinite(minutes)) throw new RangeError(`not a number of minutes: ${minutes}`);
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  const wall = Date.parse(`${date}T00:00:00Z`) + Math.round(minutes * MINUTE_MS);
  // Any transition near `wall` lies within a day of it, so the offsets a day either side are
  // the only ones this wall time can have been read under.
  const guesses = [wall - DAY_MS, wall + DAY_MS].map((probe) => wall - (wallMsAt(probe, timeZone) - probe));
  const readings = guesses.filter((guess) => wallMsAt(guess, timeZone) === wall);
  if (readings.length > 0) return new Date(Math.min(...readings));
  // In a gap: the clock jumped over `wall`, and the two guesses lie either side of the jump.
  const change = firstOffsetChange(new Date(Math.min(...guesses)), new Date(Math.max(...guesses)), timeZone);
  if (!change) throw new RangeError(`no instant shows ${date} at minute ${minutes} in ${timeZone}`);
  return change;
}
