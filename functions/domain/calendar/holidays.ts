/**
 * Public holidays per country (ISO 3166-1 alpha-2) and optional subdivision (the ISO 3166-2 suffix
 * date-holidays uses: "BY" for Bavaria, "ENG" for England), read from holiday-table.packed.ts (the same table as holiday-table.json), which
 * build-holiday-table.ts writes from the `date-holidays` package (why a table: see there).
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
 * - A year outside the table is refused (HolidaysNotTabled), never answered with "no holidays".
 */
import {
  datesOfTokens,
  type HolidayTable,
  type PlaceToken,
  parsePlace,
} from "#domain/calendar/holiday-rules.ts";
import { type IsoDate, isIsoDate } from "#domain/calendar/iso-date.ts";
import { unpackJson } from "#domain/packed-json.ts";
import {
  HOLIDAY_TABLE_FIRST_YEAR,
  HOLIDAY_TABLE_LAST_YEAR,
  HOLIDAY_TABLE_SOURCE,
  PACKED_HOLIDAY_PLACES,
} from "./holiday-table.packed.ts";

// The table is bundled packed (a quarter of its JSON) and unpacked the first time a place is asked for.
let places: HolidayTable["places"] | undefined;
const TABLE = {
  firstYear: HOLIDAY_TABLE_FIRST_YEAR,
  lastYear: HOLIDAY_TABLE_LAST_YEAR,
  source: HOLIDAY_TABLE_SOURCE,
  get places(): HolidayTable["places"] {
    places ??= unpackJson<HolidayTable["places"]>(PACKED_HOLIDAY_PLACES);
    return places;
  },
};

/** The years the table answers for, and the date-holidays release it was built from. */
export const HOLIDAY_TABLE = { firstYear: TABLE.firstYear, lastYear: TABLE.lastYear, source: TABLE.source };

export class HolidaysNotTabled extends RangeError {
  override readonly name = "HolidaysNotTabled";
  constructor(readonly year: number) {
    super(
      `public holidays are tabled for ${TABLE.firstYear}–${TABLE.lastYear} only, not ${year}: ` +
        "move HOLIDAY_TABLE_YEARS in build-holiday-table.ts and run npm run build:holidays",
    );
  }
}

// Each place's rules are read on first use, and each year's dates kept: scheduling asks about the
// same few places and years again and again.
const tokensByPlace = new Map<string, readonly PlaceToken[]>();
const datesByPlaceYear = new Map<string, ReadonlySet<IsoDate>>();

function tokensOf(place: string): readonly PlaceToken[] {
  let tokens = tokensByPlace.get(place);
  if (!tokens) {
    tokens = parsePlace(TABLE.places[place] ?? "");
    tokensByPlace.set(place, tokens);
  }
  return tokens;
}

function datesOf(year: number, country: string, subdivision: string | undefined): ReadonlySet<IsoDate> {
  if (year < TABLE.firstYear || year > TABLE.lastYear) throw new HolidaysNotTabled(year);
  const countryKey = country.toUpperCase();
  const key = subdivision ? `${countryKey}-${subdivision.toUpperCase()}` : countryKey;
  const cacheKey = `${key}/${year}`;
  let dates = datesByPlaceYear.get(cacheKey);
  if (!dates) {
    const countryDates = datesOfTokens(tokensOf(countryKey), year).added;
    if (key === countryKey) dates = countryDates;
    else {
      const own = datesOfTokens(tokensOf(key), year);
      dates = new Set([...countryDates, ...own.added].filter((date) => !own.removed.has(date)));
    }
    datesByPlaceYear.set(cacheKey, dates);
  }
  return dates;
}

/** The dates closed by a public holiday in `year`, in order. */
export function publicHolidays(year: number, country: string, subdivision?: string): readonly IsoDate[] {
  if (!Number.isInteger(year)) throw new RangeError(`not a year: ${year}`);
  return [...datesOf(year, country, subdivision)].sort();
}

export function isPublicHoliday(date: IsoDate, country: string, subdivision?: string): boolean {
  if (!isIsoDate(date)) throw new RangeError(`not an ISO date: ${date}`);
  return datesOf(Number(date.slice(0, 4)), country, subdivision).has(date);
}
