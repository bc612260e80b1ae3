import { describe, expect, it } from "vitest";
import {
  datesOfTokens,
  formatToken,
  HolidayTableError,
  orthodoxEaster,
  parsePlace,
  westernEaster,
} from "#domain/calendar/holiday-rules.ts";

describe("the holiday table's rule language", () => {
  it("computes both Easters", () => {
    // Published dates: Western and Orthodox Easter coincide in 2025 and 2028.
    expect([2025, 2026, 2027, 2028, 2038].map(westernEaster)).toEqual([
      "2025-04-20",
      "2026-04-05",
      "2027-03-28",
      "2028-04-16",
      "2038-04-25",
    ]);
    expect([2025, 2026, 2027, 2028, 2038].map(orthodoxEaster)).toEqual([
      "2025-04-20",
      "2026-04-12",
      "2027-05-02",
      "2028-04-16",
      "2038-04-25",
    ]);
  });

  it("reads fixed days, Easter offsets and weekday rules into one year's dates", () => {
    // Prepare: a bit of the UK and Norway.
    const tokens = parsePlace("0101 1225 E-2 E+1 O+1 W1-0525 W1-0501/2025-2030");

    // Act
    const { added, removed } = datesOfTokens(tokens, 2027);

    // Assess
    expect([...added].sort()).toEqual([
      "2027-01-01",
      "2027-03-26",
      "2027-03-29",
      "2027-05-03",
      "2027-05-31",
      "2027-12-25",
    ]);
    expect(removed.size).toBe(0);
  });

  it("limits a rule to its years", () => {
    const tokens = parsePlace("0619/2025-2030");
    expect([...datesOfTokens(tokens, 2024).added]).toEqual([]);
    expect([...datesOfTokens(tokens, 2025).added]).toEqual(["2025-06-19"]);
    expect([...datesOfTokens(tokens, 2031).added]).toEqual([]);
  });

  it("reads a year's exceptions as days of the year in base 36", () => {
    // Day 5 (05) and day 366 (a6) of the leap year 2028.
    const tokens = parsePlace("2028:05a6");
    expect([...datesOfTokens(tokens, 2028).added]).toEqual(["2028-01-05", "2028-12-31"]);
    expect([...datesOfTokens(tokens, 2027).added]).toEqual([]);
  });

  it("keeps a subdivision's removals apart", () => {
    const { added, removed } = datesOfTokens(parsePlace("0106 -0501 -2027:0v"), 2027);
    expect([...added]).toEqual(["2027-01-06"]);
    expect([...removed].sort()).toEqual(["2027-01-31", "2027-05-01"]);
  });

  it("gives no 29 February in a common year", () => {
    expect([...datesOfTokens(parsePlace("0229"), 2027).added]).toEqual([]);
    expect([...datesOfTokens(parsePlace("0229"), 2028).added]).toEqual(["2028-02-29"]);
  });

  it("writes every token back as it read it", () => {
    const text = "0101 E-2 E+39 O+1 W4-1122 -W1-0801/2024-2026 0619/2025-2045 2027:4v5i -2030:01";
    expect(parsePlace(text).map(formatToken).join(" ")).toBe(text);
  });

  it.each([
    ["1301", "not a month and day"],
    ["0230x", "not a holiday rule"],
    ["0732", "not a month and day"],
    ["W8-0101", "not a holiday rule"],
    ["2027:a7", "day 367 is not in 2027"],
    ["2027:00", "day 0 is not in 2027"],
  ])("refuses the malformed token %s", (token, message) => {
    expect(() => parsePlace(token)).toThrow(HolidayTableError);
    expect(() => parsePlace(token)).toThrow(message);
  });
});
