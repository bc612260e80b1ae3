/**
 * Public holidays per country (ISO 3166-1 alpha-2) and optional subdivision (the ISO 3166-2 suffix
 * date-holidays uses: "BY" for Bavaria, "ENG" for England), from the `date-holidays` package.
 *
 * What closes a business day, and why:
 * - Only holidays date-holidays types "public" (statutory days off). Its "bank", "optional",
 *   "school" and "observance" days stay business days. So Christmas Eve is a business day in NO, SE
 *   and FI ("bank"), DK ("observance"), DE ("bank", from 14:00) and the US ("optional"): in none of
 *   them is it a statutory public holiday, and most offices open at least in the morning. Likewise
 *   Midsummer Eve (SE, FI) and New Year's Eve. Substitute days ("Christmas Day (substitute day)" in
 *   GB and the US) are typed "public" and do close.
 * - A public holiday closes every local date it touches, whole: date-holidays' multi-day holidays
 *   (Russia's New Year holidays, 2–6 January) close each of their days, and the rare public half
 *   days (Iceland's Christmas Eve from 13:00) close the whole day, since an email a day later costs
 *   nothing and one on a holiday is what dun promises not to send. Islamic holidays that begin at
 *   the previous sunset are dated by their day, not by their eve.
 * - A country date-holidays does not know has no holidays; an unknown subdivision falls back to its
 *   country's holidays (date-holidays' own behaviour). Country-level GB holds only the days common
 *   to all of the UK (no August bank holiday): give the subdivision (ENG, SCT, WLS, NIR) for more.
 */
import Holidays, { type HolidaysTypes } from "date-holidays";
import { addDays, type IsoDate, isIsoDate } from "#domain/calendar/iso-date.ts";

export interface PublicHoliday {
  date: IsoDate;
  /** English name where date-holidays has one, else the local one. */
  name: string;
}

// Constructing a Holidays instance parses the country's rules, and every getHolidays call
// recomputes a whole year (milliseconds each); scheduling asks about the same few places and years.
const calendars = new Map<string, Holidays>();
const holidaysByYear = new Map<string, { list: readonly PublicHoliday[]; dates: ReadonlySet<IsoDate> }>();

function placeKey(country: string, subdivision: string | undefined): string {
  return subdivision ? `${country.toUpperCase()}-${subdivision.toUpperCase()}` : country.toUpperCase();
}

function calendarFor(country: string, subdivision: string | undefined): Holidays {
  const key = placeKey(country, subdivision);
  let calendar = calendars.get(key);
  if (!calendar) {
    // In UTC, start and end are the local wall-clock times written as UTC, free of DST: a
    // holiday's days can be read straight off them.
    const options = { timezone: "UTC", types: ["public" as const] };
    calendar = subdivision
      ? new Holidays(country.toUpperCase(), subdivision.toUpperCase(), options)
      : new Holidays(country.toUpperCase(), options);
    calendars.set(key, calendar);
  }
  return calendar;
}

/** Each local date the holiday touches, from its own date to the one its end falls on (exclusive). */
function datesOf(holiday: HolidaysTypes.Holiday): IsoDate[] {
  const first = holiday.date.slice(0, 10);
  const last = new Date(holiday.end.getTime() - 1).toISOString().slice(0, 10);
  const dates = [first];
  for (let date = addDays(first, 1); date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

function yearOf(country: string, subdivision: string | undefined, year: number) {
  const key = `${placeKey(country, subdivision)}/${year}`;
  let cached = holidaysByYear.get(key);
  if (!cached) {
    const calendar = calendarFor(country, subdivision);
    const list: PublicHoliday[] = [];
    // A holiday of the year before can run into this one (a multi-day holiday from late December).
    for (const holiday of [...calendar.getHolidays(year - 1, "en"), ...calendar.getHolidays(year, "en")]) {
      if (holiday.type !== "public") continue;
      for (const date of datesOf(holiday)) {
        if (Number(date.slice(0, 4)) === year) list.push({ date, name: holiday.name });
      }
    }
    list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    cached = { list, dates: new Set(list.map((holiday) => holiday.date)) };
    holidaysByYear.set(key, cached);
  }
  return cached;
}

/**
 * The public holidays of `year`, one entry per closed date and holiday, in date order; two
 * holidays on one date (Constitution Day and Whit Monday, NO 2027) are two entries.
 */
export function publicHolidays(
  year: number,
  country: string,
  subdivision?: string,
): readonly PublicHoliday[] {
  if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
  return yearOf(country, subdivision, year).list;
}

export function isPublicHoliday(date: IsoDate, country: string, subdivision?: string): boolean {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  return yearOf(country, subdivision, Number(date.slice(0, 4))).dates.has(date);
}
