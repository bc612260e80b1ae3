import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type BusinessCalendar,
  isBusinessDay,
  isBusinessTime,
  nextBusinessTime,
} from "#domain/calendar/business-time.ts";
import { isPublicHoliday, publicHolidays } from "#domain/calendar/holidays.ts";
import { localDateOf, localTimeOf } from "#domain/calendar/zoned-time.ts";

const OFFICE_HOURS = { start: "09:00", end: "17:00", weekdays: [1, 2, 3, 4, 5] };
const OSLO: BusinessCalendar = { timeZone: "Europe/Oslo", country: "NO", hours: OFFICE_HOURS };
const NEW_YORK: BusinessCalendar = { timeZone: "America/New_York", country: "US", hours: OFFICE_HOURS };

const next = (iso: string, calendar: BusinessCalendar) =>
  nextBusinessTime(new Date(iso), calendar).toISOString();

describe("nextBusinessTime in Oslo, 09:00–17:00 Monday to Friday", () => {
  it("moves Friday 17:30 to Monday 09:00", () => {
    // Friday 16 January 2026, 17:30 in Oslo (CET, UTC+1)
    expect(next("2026-01-16T16:30:00Z", OSLO)).toBe("2026-01-19T08:00:00.000Z");
  });

  it("moves Saturday to Monday 09:00", () => {
    expect(next("2026-01-17T11:00:00Z", OSLO)).toBe("2026-01-19T08:00:00.000Z");
  });

  it("skips 17 May 2027, the national day (and Whit Monday), to Tuesday", () => {
    // Friday 14 May 2027, 17:30 CEST, and Monday 17 May itself at 10:00
    expect(next("2027-05-14T15:30:00Z", OSLO)).toBe("2027-05-18T07:00:00.000Z");
    expect(next("2027-05-17T08:00:00Z", OSLO)).toBe("2027-05-18T07:00:00.000Z");
  });

  it("skips Easter 2027, Maundy Thursday to Easter Monday, to Tuesday 30 March", () => {
    // Wednesday 24 March 2027, 17:00 CET; the clocks go forward on Easter Sunday
    expect(next("2027-03-24T16:00:00Z", OSLO)).toBe("2027-03-30T07:00:00.000Z");
  });

  it("skips Christmas Day and Boxing Day", () => {
    // Thursday 24 December 2026, 17:00: Friday 25 and the weekend are closed
    expect(next("2026-12-24T16:00:00Z", OSLO)).toBe("2026-12-28T08:00:00.000Z");
    // Monday 24 December 2029, 17:00: Tuesday 25 and Wednesday 26 are closed
    expect(next("2029-12-24T16:00:00Z", OSLO)).toBe("2029-12-27T08:00:00.000Z");
  });

  it("keeps Christmas Eve a business day: it is not a statutory public holiday in Norway", () => {
    expect(isBusinessTime(new Date("2026-12-24T09:00:00Z"), OSLO)).toBe(true);
  });

  it("moves 08:59 to 09:00 the same day", () => {
    expect(next("2026-01-14T07:59:00Z", OSLO)).toBe("2026-01-14T08:00:00.000Z");
  });

  it("returns 16:59:59 itself, the very same instant", () => {
    // Prepare
    const at = new Date("2026-01-14T15:59:59.999Z");

    // Act
    const result = nextBusinessTime(at, OSLO);

    // Assess
    expect(result.getTime()).toBe(at.getTime());
  });

  it("moves exactly 17:00 to 09:00 the next day", () => {
    expect(next("2026-01-14T16:00:00Z", OSLO)).toBe("2026-01-15T08:00:00.000Z");
  });
});

describe("isBusinessTime", () => {
  it("opens at start and closes at end: [09:00, 17:00)", () => {
    expect(isBusinessTime(new Date("2026-01-14T07:59:59.999Z"), OSLO)).toBe(false);
    expect(isBusinessTime(new Date("2026-01-14T08:00:00Z"), OSLO)).toBe(true);
    expect(isBusinessTime(new Date("2026-01-14T15:59:59Z"), OSLO)).toBe(true);
    expect(isBusinessTime(new Date("2026-01-14T16:00:00Z"), OSLO)).toBe(false);
  });

  it("is closed all day on a weekend and on a public holiday", () => {
    expect(isBusinessTime(new Date("2026-01-17T10:00:00Z"), OSLO)).toBe(false);
    expect(isBusinessTime(new Date("2027-05-17T10:00:00Z"), OSLO)).toBe(false);
    expect(isBusinessDay("2027-05-17", OSLO)).toBe(false);
    expect(isBusinessDay("2027-05-18", OSLO)).toBe(true);
  });
});

describe("nextBusinessTime across the 2026 clock changes", () => {
  it("lands on Monday 09:00 summer time after Oslo springs forward (07:00Z)", () => {
    // Saturday 28 March 23:30 CET, and Sunday 29 March 03:30 CEST, after the change
    expect(next("2026-03-28T22:30:00Z", OSLO)).toBe("2026-03-30T07:00:00.000Z");
    expect(next("2026-03-29T01:30:00Z", OSLO)).toBe("2026-03-30T07:00:00.000Z");
  });

  it("lands on Monday 09:00 winter time after Oslo falls back (08:00Z)", () => {
    // Saturday 24 October 23:30 CEST
    expect(next("2026-10-24T21:30:00Z", OSLO)).toBe("2026-10-26T08:00:00.000Z");
  });

  it("lands on Monday 09:00 EDT after New York springs forward (13:00Z)", () => {
    // Saturday 7 March 23:30 EST
    expect(next("2026-03-08T04:30:00Z", NEW_YORK)).toBe("2026-03-09T13:00:00.000Z");
  });

  it("lands on Monday 09:00 EST after New York falls back (14:00Z)", () => {
    // Saturday 31 October 23:30 EDT
    expect(next("2026-11-01T03:30:00Z", NEW_YORK)).toBe("2026-11-02T14:00:00.000Z");
  });

  it("opens at the end of the gap when opening time does not exist that night", () => {
    // Prepare: Sundays 02:30–04:00; in Oslo 02:00–03:00 does not exist on 29 March 2026
    const nightShift: BusinessCalendar = { ...OSLO, hours: { start: "02:30", end: "04:00", weekdays: [7] } };

    // Act / Assess: 03:00 CEST is the first moment the clock shows a business time
    expect(next("2026-03-28T12:00:00Z", nightShift)).toBe("2026-03-29T01:00:00.000Z");
  });

  it("reopens when a fall-back turns the clock back into business hours", () => {
    // Prepare: Sundays 02:00–02:30; in Oslo 02:00–03:00 happens twice on 25 October 2026
    const nightShift: BusinessCalendar = { ...OSLO, hours: { start: "02:00", end: "02:30", weekdays: [7] } };

    // Act / Assess: at 02:45 CEST the hours are over, but at 03:00 CEST the clock shows 02:00 CET again
    expect(next("2026-10-25T00:45:00Z", nightShift)).toBe("2026-10-25T01:00:00.000Z");
    expect(next("2026-10-25T01:30:00Z", nightShift)).toBe("2026-11-01T01:00:00.000Z");
  });
});

describe("impossible calendars", () => {
  it("throws a RangeError instead of searching forever", () => {
    const noDays: BusinessCalendar = { ...OSLO, hours: { ...OFFICE_HOURS, weekdays: [] } };
    const noHours: BusinessCalendar = { ...OSLO, hours: { start: "17:00", end: "09:00", weekdays: [1] } };

    expect(() => nextBusinessTime(new Date("2026-01-14T12:00:00Z"), noDays)).toThrow(RangeError);
    expect(() => nextBusinessTime(new Date("2026-01-14T12:00:00Z"), noHours)).toThrow(RangeError);
  });
});

describe("public holidays", () => {
  it("closes 17 May, Easter, Ascension, Whit Monday and Christmas in Norway, but not Christmas Eve", () => {
    const closed = [
      "2027-05-17",
      "2027-03-25",
      "2027-03-26",
      "2027-03-29",
      "2027-05-06",
      "2027-12-25",
      "2027-12-26",
    ];
    for (const date of closed) expect(isPublicHoliday(date, "NO"), date).toBe(true);
    for (const date of ["2027-12-24", "2027-12-31", "2027-05-18"])
      expect(isPublicHoliday(date, "NO"), date).toBe(false);
  });

  it("lists a date two holidays share once", () => {
    // Constitution Day and Whit Monday, NO 2027.
    expect(publicHolidays(2027, "NO").filter((date) => date === "2027-05-17")).toEqual(["2027-05-17"]);
  });

  it("follows each country's own list", () => {
    // Maundy Thursday is public in DK, not in SE; Good Friday in SE, not in IT.
    expect(isPublicHoliday("2027-03-25", "DK")).toBe(true);
    expect(isPublicHoliday("2027-03-25", "SE")).toBe(false);
    expect(isPublicHoliday("2027-03-26", "SE")).toBe(true);
    expect(isPublicHoliday("2027-03-26", "IT")).toBe(false);
    expect(isPublicHoliday("2027-12-08", "IT")).toBe(true);
    expect(isPublicHoliday("2027-12-06", "FI")).toBe(true);
    expect(isPublicHoliday("2027-03-26", "DE")).toBe(true);
    // Christmas Eve and Midsummer Eve are customary days off, not statutory ones.
    for (const country of ["NO", "DK", "SE", "FI", "DE"])
      expect(isPublicHoliday("2027-12-24", country), country).toBe(false);
    expect(isPublicHoliday("2027-06-25", "SE")).toBe(false);
  });

  it("closes every day of a multi-day holiday", () => {
    // Russia's New Year holidays run 2–6 January as one date-holidays entry.
    for (const date of ["2027-01-02", "2027-01-04", "2027-01-06", "2027-01-08"]) {
      expect(isPublicHoliday(date, "RU"), date).toBe(true);
    }
    expect(isPublicHoliday("2027-01-11", "RU")).toBe(false);
  });

  it("closes substitute days", () => {
    expect(isPublicHoliday("2027-12-27", "GB")).toBe(true);
    expect(isPublicHoliday("2027-12-28", "GB")).toBe(true);
    expect(isPublicHoliday("2027-07-05", "US")).toBe(true);
    expect(isPublicHoliday("2027-12-24", "US")).toBe(true);
    expect(isPublicHoliday("2027-11-25", "US")).toBe(true);
  });

  it("adds a subdivision's own holidays", () => {
    expect(isPublicHoliday("2027-01-06", "DE")).toBe(false);
    expect(isPublicHoliday("2027-01-06", "DE", "BY")).toBe(true);
    expect(isPublicHoliday("2027-08-30", "GB")).toBe(false);
    expect(isPublicHoliday("2027-08-30", "GB", "ENG")).toBe(true);
  });

  it("gives a country date-holidays does not know no holidays", () => {
    expect(publicHolidays(2027, "XX")).toEqual([]);
    expect(isPublicHoliday("2027-12-25", "XX")).toBe(false);
  });
});

describe("nextBusinessTime properties", () => {
  const PLACES = [
    { timeZone: "Europe/Oslo", country: "NO" },
    { timeZone: "America/New_York", country: "US" },
    { timeZone: "Europe/Berlin", country: "DE", subdivision: "BY" },
    { timeZone: "Europe/Moscow", country: "RU" },
    { timeZone: "Asia/Tokyo", country: "JP" },
    { timeZone: "Australia/Sydney", country: "AU", subdivision: "NSW" },
  ];
  // Clock changes in the zones above, drawn often so the nights around them are searched too.
  const CHANGES = [
    "2026-03-08T07:00:00Z",
    "2026-03-29T01:00:00Z",
    "2026-04-04T16:00:00Z",
    "2026-10-03T16:00:00Z",
    "2026-10-25T01:00:00Z",
    "2026-11-01T06:00:00Z",
  ].map((iso) => new Date(iso).getTime());

  const anyInstant = fc.oneof(
    fc.date({
      min: new Date("2024-01-01T00:00:00Z"),
      max: new Date("2030-12-31T23:59:59Z"),
      noInvalidDate: true,
    }),
    fc
      .tuple(fc.constantFrom(...CHANGES), fc.integer({ min: -36 * 3_600_000, max: 36 * 3_600_000 }))
      .map(([change, shift]) => new Date(change + shift)),
  );
  const clock = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
  const anyHours = fc
    .tuple(
      fc.integer({ min: 0, max: 23 * 60 + 59 }),
      fc.integer({ min: 0, max: 23 * 60 + 59 }),
      fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
    )
    .filter(([a, b]) => a !== b)
    .map(([a, b, weekdays]) => ({ start: clock(Math.min(a, b)), end: clock(Math.max(a, b)), weekdays }));
  const anyCalendar = fc
    .tuple(fc.constantFrom(...PLACES), fc.oneof(fc.constant(OFFICE_HOURS), anyHours))
    .map(([place, hours]): BusinessCalendar => ({ ...place, hours }));

  const minutesOf = (clockTime: string) => Number(clockTime.slice(0, 2)) * 60 + Number(clockTime.slice(3, 5));

  it("lands inside business hours, on a weekday that is no holiday, never before the input", () => {
    fc.assert(
      fc.property(anyInstant, anyCalendar, (at, calendar) => {
        // Act
        const result = nextBusinessTime(at, calendar);

        // Assess
        const local = localTimeOf(result, calendar.timeZone);
        expect(result.getTime()).toBeGreaterThanOrEqual(at.getTime());
        expect(local.minutes).toBeGreaterThanOrEqual(minutesOf(calendar.hours.start));
        expect(local.minutes).toBeLessThan(minutesOf(calendar.hours.end));
        expect(calendar.hours.weekdays).toContain(local.weekday);
        expect(isPublicHoliday(local.date, calendar.country, calendar.subdivision)).toBe(false);
        expect(isBusinessTime(result, calendar)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it("returns the input itself when it is already business time", () => {
    fc.assert(
      fc.property(anyInstant, anyCalendar, (at, calendar) => {
        // Prepare: only inputs inside business hours count
        fc.pre(isBusinessTime(at, calendar));

        // Act / Assess
        expect(nextBusinessTime(at, calendar).getTime()).toBe(at.getTime());
      }),
      { numRuns: 200 },
    );
  });

  it("returns the business instant it is given, for instants drawn inside business hours", () => {
    fc.assert(
      fc.property(
        anyInstant,
        anyCalendar,
        fc.double({ min: 0, max: 1, noNaN: true }),
        (at, calendar, fraction) => {
          // Prepare: an instant inside the first business window at or after `at`
          const opening = nextBusinessTime(at, calendar);
          const local = localTimeOf(opening, calendar.timeZone);
          const openFor = (minutesOf(calendar.hours.end) - local.minutes) * 60_000;
          const inside = new Date(opening.getTime() + Math.floor(fraction * (openFor - 60_000)));
          fc.pre(isBusinessTime(inside, calendar) && localDateOf(inside, calendar.timeZone) === local.date);

          // Act / Assess
          expect(nextBusinessTime(inside, calendar).getTime()).toBe(inside.getTime());
        },
      ),
      { numRuns: 200 },
    );
  });

  it("skips no business moment between the input and the result", () => {
    fc.assert(
      fc.property(
        anyInstant,
        anyCalendar,
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), {
          minLength: 5,
          maxLength: 5,
        }),
        (at, calendar, fractions) => {
          // Act
          const result = nextBusinessTime(at, calendar);

          // Assess: just before the result, and at sampled points since the input, it is closed
          fc.pre(result.getTime() !== at.getTime());
          const span = result.getTime() - at.getTime();
          const samples = [
            result.getTime() - 60_000,
            result.getTime() - 1,
            ...fractions.map((f) => at.getTime() + Math.floor(f * span)),
          ];
          for (const sample of samples.filter((s) => s >= at.getTime() && s < result.getTime())) {
            expect(isBusinessTime(new Date(sample), calendar), new Date(sample).toISOString()).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
