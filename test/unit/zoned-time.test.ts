import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  firstOffsetChange,
  instantAt,
  localDateOf,
  localTimeOf,
  utcOffsetMs,
} from "#domain/calendar/zoned-time.ts";

const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;
const ZONES = [
  "Europe/Oslo",
  "America/New_York",
  "Europe/Berlin",
  "Europe/Moscow",
  "Asia/Tokyo",
  "Australia/Sydney",
] as const;

const anyInstant = fc.date({
  min: new Date("2024-01-01T00:00:00Z"),
  max: new Date("2030-12-31T23:59:59Z"),
  noInvalidDate: true,
});
// Days of 2026 on which one of the zones above changes its clocks, drawn often so gaps and overlaps are met.
const CHANGE_DAYS = ["2026-03-08", "2026-03-29", "2026-04-05", "2026-10-04", "2026-10-25", "2026-11-01"];
const anyDate = fc.oneof(
  fc
    .integer({ min: Date.UTC(2024, 0, 1) / 86_400_000, max: Date.UTC(2030, 11, 31) / 86_400_000 })
    .map((day) => new Date(day * 86_400_000).toISOString().slice(0, 10)),
  fc.constantFrom(...CHANGE_DAYS),
);
const anyMinute = fc.oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 4 * 60 }));

/** Sorts wall-clock readings the way the wall clock runs. */
const wallKey = (date: string, minutes: number) => `${date} ${String(minutes).padStart(4, "0")}`;

describe("localTimeOf", () => {
  it("reads the wall clock in winter and in summer", () => {
    // Prepare: noon UTC on a January and a July Wednesday
    const winter = new Date("2026-01-14T12:00:00Z");
    const summer = new Date("2026-07-15T12:00:00Z");

    // Act / Assess
    expect(localTimeOf(winter, "Europe/Oslo")).toEqual({ date: "2026-01-14", minutes: 13 * 60, weekday: 3 });
    expect(localTimeOf(summer, "Europe/Oslo")).toEqual({ date: "2026-07-15", minutes: 14 * 60, weekday: 3 });
    expect(localTimeOf(winter, "America/New_York")).toEqual({
      date: "2026-01-14",
      minutes: 7 * 60,
      weekday: 3,
    });
    expect(localTimeOf(summer, "America/New_York")).toEqual({
      date: "2026-07-15",
      minutes: 8 * 60,
      weekday: 3,
    });
  });

  it("drops seconds, so 16:59:59 is still minute 1019", () => {
    expect(localTimeOf(new Date("2026-01-14T15:59:59.999Z"), "Europe/Oslo").minutes).toBe(16 * 60 + 59);
  });

  it("puts one instant on different dates in different zones", () => {
    // Prepare: 22:30 UTC on Tuesday 30 June 2026
    const at = new Date("2026-06-30T22:30:00Z");

    // Act / Assess
    expect(localDateOf(at, "Europe/Oslo")).toBe("2026-07-01");
    expect(localDateOf(at, "Asia/Tokyo")).toBe("2026-07-01");
    expect(localDateOf(at, "America/New_York")).toBe("2026-06-30");
    expect(localTimeOf(at, "Australia/Sydney")).toEqual({
      date: "2026-07-01",
      minutes: 8 * 60 + 30,
      weekday: 3,
    });
  });

  it("shows midnight as minute 0, never as 24:00", () => {
    expect(localTimeOf(new Date("2026-01-13T23:00:00Z"), "Europe/Oslo")).toEqual({
      date: "2026-01-14",
      minutes: 0,
      weekday: 3,
    });
  });
});

describe("utcOffsetMs and firstOffsetChange", () => {
  it("knows the offsets either side of the 2026 changes", () => {
    expect(utcOffsetMs(new Date("2026-03-29T00:59:59Z"), "Europe/Oslo")).toBe(HOUR_MS);
    expect(utcOffsetMs(new Date("2026-03-29T01:00:00Z"), "Europe/Oslo")).toBe(2 * HOUR_MS);
    expect(utcOffsetMs(new Date("2026-11-01T05:59:59Z"), "America/New_York")).toBe(-4 * HOUR_MS);
    expect(utcOffsetMs(new Date("2026-11-01T06:00:00Z"), "America/New_York")).toBe(-5 * HOUR_MS);
    expect(utcOffsetMs(new Date("2026-11-01T06:00:00Z"), "Europe/Moscow")).toBe(3 * HOUR_MS);
  });

  it("finds the exact instant the clock changes", () => {
    // Act
    const spring = firstOffsetChange(
      new Date("2026-03-20T00:00:00Z"),
      new Date("2026-04-10T00:00:00Z"),
      "Europe/Oslo",
    );
    const autumn = firstOffsetChange(
      new Date("2026-10-20T00:00:00Z"),
      new Date("2026-11-10T00:00:00Z"),
      "Europe/Oslo",
    );
    const none = firstOffsetChange(
      new Date("2026-04-01T00:00:00Z"),
      new Date("2026-10-01T00:00:00Z"),
      "Europe/Oslo",
    );
    const tokyo = firstOffsetChange(
      new Date("2024-01-01T00:00:00Z"),
      new Date("2030-01-01T00:00:00Z"),
      "Asia/Tokyo",
    );

    // Assess
    expect(spring?.toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(autumn?.toISOString()).toBe("2026-10-25T01:00:00.000Z");
    expect(none).toBeUndefined();
    expect(tokyo).toBeUndefined();
  });
});

describe("instantAt", () => {
  it("turns a wall time into the instant, with the offset of that day", () => {
    expect(instantAt("2026-01-14", 9 * 60, "Europe/Oslo").toISOString()).toBe("2026-01-14T08:00:00.000Z");
    expect(instantAt("2026-07-15", 9 * 60, "Europe/Oslo").toISOString()).toBe("2026-07-15T07:00:00.000Z");
    expect(instantAt("2026-07-15", 9 * 60, "America/New_York").toISOString()).toBe(
      "2026-07-15T13:00:00.000Z",
    );
    expect(instantAt("2026-07-15", 9 * 60, "Australia/Sydney").toISOString()).toBe(
      "2026-07-14T23:00:00.000Z",
    );
  });

  it("gives the first instant after a spring-forward gap for a wall time that does not exist", () => {
    // 02:00–03:00 does not exist in Oslo on 2026-03-29, nor in New York on 2026-03-08.
    expect(instantAt("2026-03-29", 2 * 60 + 30, "Europe/Oslo").toISOString()).toBe(
      "2026-03-29T01:00:00.000Z",
    );
    expect(instantAt("2026-03-29", 2 * 60, "Europe/Oslo").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(instantAt("2026-03-29", 3 * 60, "Europe/Oslo").toISOString()).toBe("2026-03-29T01:00:00.000Z");
    expect(instantAt("2026-03-29", 2 * 60 - 1, "Europe/Oslo").toISOString()).toBe("2026-03-29T00:59:00.000Z");
    expect(instantAt("2026-03-08", 2 * 60 + 30, "America/New_York").toISOString()).toBe(
      "2026-03-08T07:00:00.000Z",
    );
    expect(localTimeOf(instantAt("2026-03-29", 2 * 60 + 30, "Europe/Oslo"), "Europe/Oslo").minutes).toBe(
      3 * 60,
    );
  });

  it("gives the earlier of the two instants for a wall time a fall-back shows twice", () => {
    // 02:30 happens twice in Oslo on 2026-10-25 (CEST, then CET); 01:30 twice in New York on 2026-11-01.
    expect(instantAt("2026-10-25", 2 * 60 + 30, "Europe/Oslo").toISOString()).toBe(
      "2026-10-25T00:30:00.000Z",
    );
    expect(instantAt("2026-11-01", 60 + 30, "America/New_York").toISOString()).toBe(
      "2026-11-01T05:30:00.000Z",
    );
    expect(instantAt("2026-10-25", 3 * 60, "Europe/Oslo").toISOString()).toBe("2026-10-25T02:00:00.000Z");
  });

  it("rejects what is not a date", () => {
    expect(() => instantAt("2026-02-30", 0, "Europe/Oslo")).toThrow(RangeError);
    expect(() => instantAt("2026-02-01", Number.NaN, "Europe/Oslo")).toThrow(RangeError);
  });

  it("round-trips every instant to the minute (to the earlier reading when the wall time repeats)", () => {
    fc.assert(
      fc.property(anyInstant, fc.constantFrom(...ZONES), (at, zone) => {
        // Act
        const local = localTimeOf(at, zone);
        const back = instantAt(local.date, local.minutes, zone);

        // Assess
        const minute = Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS;
        expect(localTimeOf(back, zone)).toEqual(local);
        if (back.getTime() !== minute) {
          expect(back.getTime()).toBeLessThan(minute);
          expect(utcOffsetMs(back, zone)).toBeGreaterThan(utcOffsetMs(at, zone));
        }
      }),
      { numRuns: 200 },
    );
  });

  it("shows the asked wall time, or is the moment a gap ends", () => {
    fc.assert(
      fc.property(anyDate, anyMinute, fc.constantFrom(...ZONES), (date, minutes, zone) => {
        // Act
        const at = instantAt(date, minutes, zone);

        // Assess
        const local = localTimeOf(at, zone);
        if (local.date === date && local.minutes === minutes) return;
        const justBefore = new Date(at.getTime() - 1);
        expect(utcOffsetMs(justBefore, zone)).toBeLessThan(utcOffsetMs(at, zone));
        const wallBefore = localTimeOf(justBefore, zone);
        expect(wallKey(wallBefore.date, wallBefore.minutes) < wallKey(date, minutes)).toBe(true);
        expect(wallKey(local.date, local.minutes) > wallKey(date, minutes)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
