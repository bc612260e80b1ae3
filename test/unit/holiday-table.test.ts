/**
 * holiday-table.json against date-holidays itself: the table is committed, so these tests are what
 * tells a stale or misread table (after an upgrade of date-holidays) from a good one.
 */
import { readFileSync } from "node:fs";
import Holidays from "date-holidays";
import { describe, expect, it } from "vitest";
import {
  dateHolidaysSource,
  HOLIDAY_TABLE_FILE,
  HOLIDAY_TABLE_YEARS,
  sourceDates,
} from "#domain/calendar/build-holiday-table.ts";
import { PACKED_HOLIDAY_PLACES } from "#domain/calendar/holiday-table.packed.ts";
import {
  HOLIDAY_TABLE,
  HolidaysNotTabled,
  isPublicHoliday,
  publicHolidays,
} from "#domain/calendar/holidays.ts";
import { unpackJson } from "#domain/packed-json.ts";

const directory = new Holidays();
const PLACES: [string, string | undefined][] = Object.keys(directory.getCountries()).flatMap((country) => [
  [country, undefined] as [string, string | undefined],
  ...Object.keys(directory.getStates(country) ?? {}).map((state) => [country, state] as [string, string]),
]);

/** The countries dun has rules for, and the subdivisions its tests and users name most. */
const DUN_PLACES: [string, string | undefined][] = [
  ...["NO", "DK", "SE", "FI", "DE", "IT", "RU", "GB", "US", "FR", "ES", "NL", "PL"].map(
    (country) => [country, undefined] as [string, undefined],
  ),
  ["DE", "BY"],
  ["GB", "ENG"],
  ["GB", "SCT"],
  ["US", "CA"],
  ["US", "NY"],
];

function years(): number[] {
  const all: number[] = [];
  for (let year = HOLIDAY_TABLE_YEARS.first; year <= HOLIDAY_TABLE_YEARS.last; year++) all.push(year);
  return all;
}

describe("the holiday table", () => {
  it("was built from the installed date-holidays, over the years the builder names", () => {
    // A failure here means: run `npm run build:holidays` and commit holiday-table.json.
    expect(HOLIDAY_TABLE.source).toBe(dateHolidaysSource());
    expect([HOLIDAY_TABLE.firstYear, HOLIDAY_TABLE.lastYear]).toEqual([
      HOLIDAY_TABLE_YEARS.first,
      HOLIDAY_TABLE_YEARS.last,
    ]);
  });

  it("is bundled packed as exactly the table holiday-table.json holds", () => {
    // A failure here means: run `npm run build:holidays` and commit both files.
    const json = JSON.parse(readFileSync(HOLIDAY_TABLE_FILE, "utf8"));
    expect(unpackJson(PACKED_HOLIDAY_PLACES)).toEqual(json.places);
    expect(HOLIDAY_TABLE).toEqual({
      firstYear: json.firstYear,
      lastYear: json.lastYear,
      source: json.source,
    });
  });

  it(`gives date-holidays' public holidays for all ${PLACES.length} places it knows, in 2027`, () => {
    const misread = PLACES.filter(([country, subdivision]) => {
      const expected = [...(sourceDates(country, subdivision, [2027]).get(2027) ?? [])].sort();
      return JSON.stringify(publicHolidays(2027, country, subdivision)) !== JSON.stringify(expected);
    });
    expect(misread).toEqual([]);
  });

  it.each(DUN_PLACES)(
    "gives date-holidays' public holidays for %s %s in every year of the table",
    (country, subdivision) => {
      const expected = sourceDates(country, subdivision, years());
      for (const year of years()) {
        expect(publicHolidays(year, country, subdivision), String(year)).toEqual(
          [...(expected.get(year) ?? [])].sort(),
        );
      }
    },
  );

  it("reads lower-case codes and an unknown subdivision as its country", () => {
    expect(publicHolidays(2027, "de", "by")).toEqual(publicHolidays(2027, "DE", "BY"));
    expect(publicHolidays(2027, "NO", "XX")).toEqual(publicHolidays(2027, "NO"));
  });

  it("refuses a year outside the table rather than answer that it has no holidays", () => {
    const after = `${HOLIDAY_TABLE.lastYear + 1}-12-25`;
    expect(() => isPublicHoliday(after, "NO")).toThrow(HolidaysNotTabled);
    expect(() => publicHolidays(HOLIDAY_TABLE.firstYear - 1, "NO")).toThrow("npm run build:holidays");
  });
});
