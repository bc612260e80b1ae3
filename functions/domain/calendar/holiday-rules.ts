/**
 * The rule language of the holiday table (holiday-table.json): how one place's public holidays
 * are written compactly, and how they are read back into dates. A place is a list of tokens,
 * separated by spaces, each optionally limited to a span of years with `/first-last`:
 *
 *   `0517`        every 17 May
 *   `E+1`, `E-2`  days from (Western) Easter Sunday: Easter Monday, Good Friday
 *   `O+1`         days from Orthodox Easter Sunday
 *   `W1-0525`     the first Monday (ISO weekday 1) on or after 25 May, i.e. the last Monday in May
 *   `2027:050i`   dates of one year that follow none of the rules above (moon calendars,
 *                 substitute days, one-off holidays), each as its day of the year in two base-36
 *                 digits ("05" is 5 January, "0i" 18 January): they are most of the table, so
 *                 they are written as short as they can be
 *   `-…`          in a subdivision: a date of its country's list that the subdivision does not keep
 *
 * Only the four rule shapes that cover the world's recurring holidays are needed: the table's
 * builder (build-holiday-table.ts) checks that every place reads back to exactly the dates
 * date-holidays gives, so a date no rule fits is written out as a year's exception, never lost.
 */
import { addDays, type IsoDate, isoWeekday } from "#domain/calendar/iso-date.ts";

/** holiday-table.json: one entry per place, "NO" or "DE-BY"; a subdivision's entry is its difference from its country. */
export interface HolidayTable {
  /** The date-holidays release the table was built from. */
  source: string;
  firstYear: number;
  lastYear: number;
  places: Record<string, string>;
}

/** One rule that gives (at most) one date a year; `undefined` in a year where it has no date. */
export type YearlyRule =
  | { kind: "fixed"; monthDay: string }
  | { kind: "easter"; offset: number }
  | { kind: "orthodox"; offset: number }
  | { kind: "weekday"; weekday: number; onOrAfter: string };

export interface RuleToken {
  rule: YearlyRule;
  /** Inclusive; the whole table's years when absent. */
  years?: { first: number; last: number };
  /** A subdivision's token that takes a date of its country away. */
  removes: boolean;
}

export interface ExceptionToken {
  year: number;
  dates: IsoDate[];
  removes: boolean;
}

export type PlaceToken = RuleToken | ExceptionToken;

export class HolidayTableError extends Error {
  override readonly name = "HolidayTableError";
}

const MONTH_DAY = /^(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const RULE = /^(?:(\d{4})|([EO])([+-]\d+)|W([1-7])-(\d{4}))(?:\/(\d{4})-(\d{4}))?$/;
const EXCEPTION = /^(\d{4}):((?:[0-9a-z]{2})+)$/;
const DAY_MS = 86_400_000;

/** "05" → the 5th day of `year`. */
function dateOfDayOfYear(year: number, digits: string, token: string): IsoDate {
  const day = Number.parseInt(digits, 36);
  const date = new Date(Date.UTC(year, 0, day));
  if (day < 1 || date.getUTCFullYear() !== year)
    throw new HolidayTableError(`day ${day} is not in ${year}, in "${token}"`);
  return date.toISOString().slice(0, 10);
}

function dayOfYearDigits(date: IsoDate): string {
  const day = (Date.parse(`${date}T00:00:00Z`) - Date.UTC(Number(date.slice(0, 4)), 0, 1)) / DAY_MS + 1;
  return day.toString(36).padStart(2, "0");
}

function monthDayOf(text: string, token: string): string {
  if (!MONTH_DAY.test(text)) throw new HolidayTableError(`not a month and day (MMDD) in "${token}"`);
  return text;
}

export function parsePlace(text: string): PlaceToken[] {
  if (text === "") return [];
  return text.split(" ").map((token) => {
    const removes = token.startsWith("-");
    const body = removes ? token.slice(1) : token;
    const exception = EXCEPTION.exec(body);
    if (exception) {
      const year = Number(exception[1]);
      const digits = exception[2] ?? "";
      const dates: IsoDate[] = [];
      for (let at = 0; at < digits.length; at += 2)
        dates.push(dateOfDayOfYear(year, digits.slice(at, at + 2), token));
      return { year, dates, removes };
    }
    const match = RULE.exec(body);
    if (!match) throw new HolidayTableError(`not a holiday rule: "${token}"`);
    const [, fixed, easter, offset, weekday, onOrAfter, first, last] = match;
    const rule: YearlyRule = fixed
      ? { kind: "fixed", monthDay: monthDayOf(fixed, token) }
      : easter
        ? { kind: easter === "E" ? "easter" : "orthodox", offset: Number(offset) }
        : { kind: "weekday", weekday: Number(weekday), onOrAfter: monthDayOf(onOrAfter ?? "", token) };
    return first && last
      ? { rule, years: { first: Number(first), last: Number(last) }, removes }
      : { rule, removes };
  });
}

export function formatToken(token: PlaceToken): string {
  const sign = token.removes ? "-" : "";
  if ("year" in token) return `${sign}${token.year}:${token.dates.map(dayOfYearDigits).join("")}`;
  const { rule, years } = token;
  const body =
    rule.kind === "fixed"
      ? rule.monthDay
      : rule.kind === "weekday"
        ? `W${rule.weekday}-${rule.onOrAfter}`
        : `${rule.kind === "easter" ? "E" : "O"}${rule.offset >= 0 ? "+" : ""}${rule.offset}`;
  return `${sign}${body}${years ? `/${years.first}-${years.last}` : ""}`;
}

function isoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

/** The date of MMDD in `year`; undefined for 29 February of a common year. */
function dateOfMonthDay(year: number, monthDay: string): IsoDate | undefined {
  const month = Number(monthDay.slice(0, 2));
  const day = Number(monthDay.slice(2));
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 ? isoDate(year, month, day) : undefined;
}

/** Western Easter Sunday (the Gregorian computus, Meeus/Jones/Butcher). */
export function westernEaster(year: number): IsoDate {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(year, month, day);
}

/**
 * Orthodox Easter Sunday as a Gregorian date: the Julian computus (Meeus), then the calendars'
 * difference, which is 13 days from 1900 through 2099 and grows by one a century after that.
 */
export function orthodoxEaster(year: number): IsoDate {
  const a = year % 4;
  const b = year % 7;
  const c = year % 19;
  const d = (19 * c + 15) % 30;
  const e = (2 * a + 4 * b - d + 34) % 7;
  const month = Math.floor((d + e + 114) / 31);
  const day = ((d + e + 114) % 31) + 1;
  const julianToGregorian = Math.floor(year / 100) - Math.floor(year / 400) - 2;
  return addDays(isoDate(year, month, day), julianToGregorian);
}

export function dateOfRule(rule: YearlyRule, year: number): IsoDate | undefined {
  switch (rule.kind) {
    case "fixed":
      return dateOfMonthDay(year, rule.monthDay);
    case "easter":
      return addDays(westernEaster(year), rule.offset);
    case "orthodox":
      return addDays(orthodoxEaster(year), rule.offset);
    case "weekday": {
      const anchor = dateOfMonthDay(year, rule.onOrAfter);
      if (anchor === undefined) return undefined;
      return addDays(anchor, (rule.weekday - isoWeekday(anchor) + 7) % 7);
    }
  }
}

/** The dates a place's tokens give in `year`: what they add, and (subdivisions) what they take away. */
export function datesOfTokens(
  tokens: readonly PlaceToken[],
  year: number,
): { added: Set<IsoDate>; removed: Set<IsoDate> } {
  const added = new Set<IsoDate>();
  const removed = new Set<IsoDate>();
  for (const token of tokens) {
    const into = token.removes ? removed : added;
    if ("year" in token) {
      if (token.year === year) for (const date of token.dates) into.add(date);
      continue;
    }
    if (token.years && (year < token.years.first || year > token.years.last)) continue;
    const date = dateOfRule(token.rule, year);
    // A rule near the turn of the year (Easter -100) can fall into the year before: not this year's.
    if (date?.startsWith(`${String(year).padStart(4, "0")}-`)) into.add(date);
  }
  return { added, removed };
}
