/**
 * Business time: when an email may go out in the debtor's zone — inside the business hours of a
 * business weekday that is not a public holiday of the debtor's country (see holidays.ts for what
 * counts as one). Hours are read off the local wall clock, so "09:00" is 09:00 in summer and winter.
 */

import { isPublicHoliday } from "#domain/calendar/holidays.ts";
import { addDays, type IsoDate, isoWeekday } from "#domain/calendar/iso-date.ts";
import { firstOffsetChange, utcOffsetMs } from "#domain/calendar/zoned-time.ts";

export interface BusinessCalendar {
  /** IANA, e.g. Europe/Oslo. */
  timeZone: string;
  /** ISO 3166-1 alpha-2, for holidays. */
  country: string;
  /** e.g. "BY" for Bavaria; holidays of the whole country when absent. */
  subdivision?: string;
  /** The shape of BusinessHoursSchema (ladder/policy.ts): "09:00"–"17:00", ISO weekdays 1..7. */
  hours: { start: string; end: string; weekdays: number[] };
}

/** How far ahead nextBusinessTime looks before it calls a calendar impossible. */
export const BUSINESS_TIME_HORIZON_DAYS = 400;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const CLOCK_TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;

function minutesOf(clock: string): number {
  const match = CLOCK_TIME.exec(clock);
  if (!match) throw new RangeError(`not a time of day such as 09:00: ${clock}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Business hours as milliseconds since local midnight, [opens, closes). */
function windowOf(calendar: BusinessCalendar): { opens: number; closes: number } {
  return {
    opens: minutesOf(calendar.hours.start) * MINUTE_MS,
    closes: minutesOf(calendar.hours.end) * MINUTE_MS,
  };
}

export function isBusinessDay(date: IsoDate, calendar: BusinessCalendar): boolean {
  return (
    calendar.hours.weekdays.includes(isoWeekday(date)) &&
    !isPublicHoliday(date, calendar.country, calendar.subdivision)
  );
}

/** The local wall clock at `instant`: its date and the milliseconds since that date's midnight. */
function wallClockAt(
  instant: number,
  timeZone: string,
): { date: IsoDate; sinceMidnight: number; wall: number } {
  const wall = instant + utcOffsetMs(new Date(instant), timeZone);
  const midnight = Math.floor(wall / DAY_MS) * DAY_MS;
  return { date: new Date(midnight).toISOString().slice(0, 10), sinceMidnight: wall - midnight, wall };
}

/** Inside [start, end) of the local wall clock, on a business day. */
export function isBusinessTime(at: Date, calendar: BusinessCalendar): boolean {
  const { opens, closes } = windowOf(calendar);
  const { date, sinceMidnight } = wallClockAt(at.getTime(), calendar.timeZone);
  return opens <= sinceMidnight && sinceMidnight < closes && isBusinessDay(date, calendar);
}

/** The wall-clock reading (wall milliseconds) at which business next opens, after the one given. */
function nextOpeningWall(date: IsoDate, sinceMidnight: number, calendar: BusinessCalendar, opens: number) {
  if (sinceMidnight < opens && isBusinessDay(date, calendar)) return Date.parse(`${date}T00:00:00Z`) + opens;
  for (let ahead = 1; ahead <= BUSINESS_TIME_HORIZON_DAYS; ahead++) {
    const day = addDays(date, ahead);
    if (isBusinessDay(day, calendar)) return Date.parse(`${day}T00:00:00Z`) + opens;
  }
  return undefined;
}

/**
 * The first moment at or after `at` inside business hours: `at` itself when it already is, else
 * the opening of the next business day (or of today, before opening time).
 *
 * Between two offset changes the wall clock runs evenly, so the opening lies exactly as far ahead
 * as the wall clock says. When the zone changes offset before that, the search restarts at the
 * change: a spring-forward can jump the clock into business hours (opening 02:30 on a night that
 * skips 02:00–03:00 opens at 03:00), a fall-back can turn it back into them.
 *
 * Throws a RangeError when no business moment exists within BUSINESS_TIME_HORIZON_DAYS — only for
 * calendars that validation rejects (no weekdays, start not before end) or that holidays fill
 * entirely — because that is a bug in the caller, not a state an invoice can be in; the same goes
 * for a malformed clock time or an unknown zone.
 */
export function nextBusinessTime(at: Date, calendar: BusinessCalendar): Date {
  const { opens, closes } = windowOf(calendar);
  if (opens >= closes || calendar.hours.weekdays.length === 0) {
    const { start, end, weekdays } = calendar.hours;
    throw new RangeError(`business hours ${start}–${end} on weekdays [${weekdays.join(",")}] never open`);
  }
  const horizon = at.getTime() + (BUSINESS_TIME_HORIZON_DAYS + 1) * DAY_MS;
  let instant = at.getTime();
  while (instant <= horizon) {
    const clock = wallClockAt(instant, calendar.timeZone);
    if (opens <= clock.sinceMidnight && clock.sinceMidnight < closes && isBusinessDay(clock.date, calendar)) {
      return new Date(instant);
    }
    const openingWall = nextOpeningWall(clock.date, clock.sinceMidnight, calendar, opens);
    if (openingWall === undefined) break;
    const opening = instant + (openingWall - clock.wall);
    const change = firstOffsetChange(new Date(instant), new Date(opening), calendar.timeZone);
    if (!change) return new Date(opening);
    instant = change.getTime();
  }
  const place = `${calendar.timeZone} (${calendar.country})`;
  throw new RangeError(
    `no business time within ${BUSINESS_TIME_HORIZON_DAYS} days of ${at.toISOString()} in ${place}`,
  );
}
