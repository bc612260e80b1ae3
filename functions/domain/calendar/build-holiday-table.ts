/**
 * `npm run build:holidays`: writes holiday-table.json, the public holidays of every country and
 * subdivision `date-holidays` knows, for the years the table spans, in the rule language of
 * holiday-rules.ts.
 *
 * Why a table and not date-holidays at run time: date-holidays carries every country's rules and
 * all of moment-timezone's zone data, about 1.4 MB of each Lambda bundle that schedules, and the
 * Lambdas must stay under 1 MB (SPEC, quality goals). The table holds the same answers in about a
 * tenth of that. It is committed, like a lock file, because computing it takes a minute: re-run
 * this after upgrading date-holidays (a test fails until you do) or to move the span of years.
 *
 * What counts as a public holiday is decided here, once — see holidays.ts for the reasons.
 */

import { writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Holidays, { type HolidaysTypes } from "date-holidays";
import {
  dateOfRule,
  datesOfTokens,
  type ExceptionToken,
  formatToken,
  type HolidayTable,
  orthodoxEaster,
  type PlaceToken,
  type RuleToken,
  westernEaster,
  type YearlyRule,
} from "#domain/calendar/holiday-rules.ts";
import { addDays, daysBetween, type IsoDate, isoWeekday } from "#domain/calendar/iso-date.ts";
import { packJson } from "#domain/packed-json.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
export const HOLIDAY_TABLE_FILE = path.join(here, "holiday-table.json");
/** The same table packed (packed-json.ts): what the Lambdas bundle, a quarter of the JSON's size. */
export const PACKED_HOLIDAY_TABLE_FILE = path.join(here, "holiday-table.packed.ts");

/** The packed module's source: the years and source in plain sight, the places packed. */
export function packedHolidayTableModule(table: HolidayTable): string {
  return [
    "// Written by `npm run build:holidays` from the same table as holiday-table.json (build-holiday-table.ts).",
    `export const HOLIDAY_TABLE_SOURCE = ${JSON.stringify(table.source)};`,
    `export const HOLIDAY_TABLE_FIRST_YEAR = ${table.firstYear};`,
    `export const HOLIDAY_TABLE_LAST_YEAR = ${table.lastYear};`,
    // Z85 has "$" and "{", which can meet as "${" in the packed text; it is data, not a template.
    "export const PACKED_HOLIDAY_PLACES =",
    "  // biome-ignore lint/suspicious/noTemplateCurlyInString: packed data (packed-json.ts), not a template.",
    `  "${packJson(table.places)}";`,
    "",
  ].join("\n");
}

/** date-holidays' version, which the table names so that a test can tell when it is stale. */
export function dateHolidaysSource(): string {
  const version = createRequire(import.meta.url)("date-holidays/package.json").version as string;
  return `date-holidays ${version}`;
}

/**
 * The years the table answers for. Scheduling looks at most 400 days ahead of now, so this reaches
 * about twenty years past the table's release; the years before it are there for invoices and
 * clocks set in the past (tests, imports of old ledgers). holidays.ts refuses a year outside it
 * rather than answer "no holidays". Each year costs about 3 kB of every bundle that schedules.
 */
export const HOLIDAY_TABLE_YEARS = { first: 2020, last: 2045 };

/** A rule is worth writing only if it saves writing at least this many dates out. */
const MIN_DATES_PER_RULE = 3;

type DatesByYear = Map<number, Set<IsoDate>>;

/** Each local date the holiday touches, from its own date to the one its end falls on (exclusive). */
function datesOfHoliday(holiday: HolidaysTypes.Holiday): IsoDate[] {
  const first = holiday.date.slice(0, 10);
  const last = new Date(holiday.end.getTime() - 1).toISOString().slice(0, 10);
  const dates = [first];
  for (let date = addDays(first, 1); date <= last; date = addDays(date, 1)) dates.push(date);
  return dates;
}

/** The closed dates of one place, per year, as date-holidays gives them. */
export function sourceDates(country: string, subdivision: string | undefined, years: number[]): DatesByYear {
  // In UTC, start and end are the local wall-clock times written as UTC, free of DST: a
  // holiday's days can be read straight off them.
  const options = { timezone: "UTC", types: ["public" as const] };
  const calendar = subdivision ? new Holidays(country, subdivision, options) : new Holidays(country, options);
  const byYear: DatesByYear = new Map(years.map((year) => [year, new Set<IsoDate>()]));
  // A holiday of the year before can run into the first year (a multi-day holiday from late December).
  for (const year of [(years[0] ?? 0) - 1, ...years]) {
    for (const holiday of calendar.getHolidays(year)) {
      if (holiday.type !== "public") continue;
      for (const date of datesOfHoliday(holiday)) byYear.get(Number(date.slice(0, 4)))?.add(date);
    }
  }
  return byYear;
}

/** The rules that give `date`: as a fixed day, counted from either Easter, or as a weekday on or after a day. */
function rulesGiving(date: IsoDate): YearlyRule[] {
  const year = Number(date.slice(0, 4));
  const monthDay = date.slice(5, 7) + date.slice(8, 10);
  const rules: YearlyRule[] = [
    { kind: "fixed", monthDay },
    { kind: "easter", offset: daysBetween(westernEaster(year), date) },
    { kind: "orthodox", offset: daysBetween(orthodoxEaster(year), date) },
  ];
  for (let back = 0; back < 7; back++) {
    const anchor = addDays(date, -back);
    const anchorMonthDay = anchor.slice(5, 7) + anchor.slice(8, 10);
    // 29 February is no anchor (it has no date most years), nor is a day of the year before.
    if (anchorMonthDay === "0229" || !anchor.startsWith(date.slice(0, 5))) continue;
    rules.push({ kind: "weekday", weekday: isoWeekday(date), onOrAfter: anchorMonthDay });
  }
  return rules;
}

const KIND_ORDER: Record<YearlyRule["kind"], number> = { fixed: 0, easter: 1, orthodox: 2, weekday: 3 };

/** Maximal runs of consecutive years. */
function runsOf(years: number[]): { first: number; last: number }[] {
  const runs: { first: number; last: number }[] = [];
  for (const year of [...years].sort((a, b) => a - b)) {
    const run = runs.at(-1);
    if (run && run.last === year - 1) run.last = year;
    else runs.push({ first: year, last: year });
  }
  return runs;
}

/**
 * Writes a set of dates per year as rules, greedily: the rule (over a run of years) that covers
 * the most dates not yet covered goes first, until no rule saves enough; what is left is written
 * out year by year. Every rule gives, in every year of its run, only dates of the set.
 */
export function encodeDates(byYear: DatesByYear, removes: boolean): PlaceToken[] {
  const years = [...byYear.keys()].sort((a, b) => a - b);
  const tableYears = { first: years[0] ?? 0, last: years.at(-1) ?? 0 };
  const candidates = new Map<string, { rule: YearlyRule; years: { first: number; last: number } }>();
  const tried = new Set<string>();
  for (const dates of byYear.values()) {
    for (const date of dates) {
      for (const rule of rulesGiving(date)) {
        const key = formatToken({ rule, removes: false });
        if (tried.has(key)) continue;
        tried.add(key);
        const matching = years.filter((year) => {
          const given = dateOfRule(rule, year);
          return given !== undefined && byYear.get(year)?.has(given) === true;
        });
        for (const run of runsOf(matching)) candidates.set(`${key}/${run.first}`, { rule, years: run });
      }
    }
  }
  const uncovered: DatesByYear = new Map([...byYear].map(([year, dates]) => [year, new Set(dates)]));
  const gainOf = (candidate: { rule: YearlyRule; years: { first: number; last: number } }) => {
    let gain = 0;
    for (let year = candidate.years.first; year <= candidate.years.last; year++) {
      const given = dateOfRule(candidate.rule, year);
      if (given !== undefined && uncovered.get(year)?.has(given)) gain++;
    }
    return gain;
  };
  const tokens: PlaceToken[] = [];
  for (;;) {
    let best: { rule: YearlyRule; years: { first: number; last: number } } | undefined;
    let bestGain = MIN_DATES_PER_RULE - 1;
    for (const candidate of candidates.values()) {
      const gain = gainOf(candidate);
      if (
        gain > bestGain ||
        (gain === bestGain && best && KIND_ORDER[candidate.rule.kind] < KIND_ORDER[best.rule.kind])
      ) {
        best = candidate;
        bestGain = gain;
      }
    }
    if (!best || bestGain < MIN_DATES_PER_RULE) break;
    for (let year = best.years.first; year <= best.years.last; year++) {
      const given = dateOfRule(best.rule, year);
      if (given !== undefined) uncovered.get(year)?.delete(given);
    }
    const wholeTable = best.years.first === tableYears.first && best.years.last === tableYears.last;
    const token: RuleToken = wholeTable
      ? { rule: best.rule, removes }
      : { rule: best.rule, years: { ...best.years }, removes };
    tokens.push(token);
  }
  for (const [year, dates] of uncovered) {
    if (dates.size === 0) continue;
    tokens.push({ year, dates: [...dates].sort(), removes } satisfies ExceptionToken);
  }
  return tokens;
}

function difference(a: DatesByYear, b: DatesByYear): DatesByYear {
  return new Map(
    [...a].map(([year, dates]) => [year, new Set([...dates].filter((date) => !b.get(year)?.has(date)))]),
  );
}

function sameDates(a: Set<IsoDate>, b: Set<IsoDate>): boolean {
  return a.size === b.size && [...a].every((date) => b.has(date));
}

/** Builds the whole table and checks that every place reads back to exactly date-holidays' dates. */
export function buildHolidayTable(years = HOLIDAY_TABLE_YEARS): HolidayTable {
  const span: number[] = [];
  for (let year = years.first; year <= years.last; year++) span.push(year);
  const places: Record<string, string> = {};
  const directory = new Holidays();
  for (const country of Object.keys(directory.getCountries()).sort()) {
    const countryDates = sourceDates(country, undefined, span);
    const countryTokens = encodeDates(countryDates, false);
    places[country] = countryTokens.map(formatToken).join(" ");
    for (const subdivision of Object.keys(directory.getStates(country) ?? {}).sort()) {
      const dates = sourceDates(country, subdivision, span);
      const tokens = [
        ...encodeDates(difference(dates, countryDates), false),
        ...encodeDates(difference(countryDates, dates), true),
      ];
      // A subdivision with its country's holidays needs no entry: an unknown one reads as its country.
      if (tokens.length > 0) places[`${country}-${subdivision}`] = tokens.map(formatToken).join(" ");
      for (const year of span) {
        const own = datesOfTokens(tokens, year);
        const read = new Set(
          [...datesOfTokens(countryTokens, year).added, ...own.added].filter(
            (date) => !own.removed.has(date),
          ),
        );
        if (!sameDates(read, dates.get(year) ?? new Set()))
          throw new Error(`the table misreads ${country}-${subdivision} in ${year}`);
      }
    }
    for (const year of span) {
      if (!sameDates(datesOfTokens(countryTokens, year).added, countryDates.get(year) ?? new Set()))
        throw new Error(`the table misreads ${country} in ${year}`);
    }
  }
  return { source: dateHolidaysSource(), firstYear: years.first, lastYear: years.last, places };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = buildHolidayTable();
  await writeFile(HOLIDAY_TABLE_FILE, `${JSON.stringify(table, null, 2)}\n`);
  await writeFile(PACKED_HOLIDAY_TABLE_FILE, packedHolidayTableModule(table));
  const size = Buffer.byteLength(JSON.stringify(table));
  console.log(
    `${path.relative(process.cwd(), HOLIDAY_TABLE_FILE)}: ${Object.keys(table.places).length} places, ` +
      `${table.firstYear}–${table.lastYear}, ${(size / 1024).toFixed(0)} kB (${table.source})`,
  );
}
