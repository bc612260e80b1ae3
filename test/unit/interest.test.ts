import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "#domain/calendar/iso-date.ts";
import type { InterestRule } from "#domain/rules/country-rules.ts";
import {
  accrueInterest,
  fixedCompensation,
  interestStartDate,
  type StatutoryInterestInput,
  statutoryCollectionCosts,
  statutoryInterest,
} from "#domain/rules/interest.ts";

/** NOK 10 000.00 owed by a Norwegian business. */
function norwegianDebt(overrides: Partial<StatutoryInterestInput> = {}): StatutoryInterestInput {
  return {
    country: "NO",
    customerType: "business",
    currency: "NOK",
    principal: 1_000_000,
    dueDate: "2025-08-01",
    asOf: "2025-08-31",
    payments: [],
    ...overrides,
  };
}

/** A rule with one made-up rate, for arithmetic that should not depend on the real tables. */
function flatRule(rateBp: number, dayBasis: InterestRule["dayBasis"]): InterestRule {
  return {
    reference: { name: "test", entries: [{ validFrom: "2000-01-01", rateBp, source: { law: "test" } }] },
    marginBp: 0,
    dayBasis,
    fixing: "perPeriod",
  };
}

describe("statutoryInterest", () => {
  it("charges NOK 10 000.00 overdue 30 days at 12.25 % on a 365-day year NOK 100.68", () => {
    // Prepare: 1 000 000 øre × 1225 bp × 30 days / (10 000 × 365) = 10 068.49 øre
    const debt = norwegianDebt();

    // Act
    const interest = statutoryInterest(debt);

    // Assess
    expect(interest.amount).toBe(10068);
    expect(interest.periods).toEqual([
      { from: "2025-08-02", to: "2025-08-31", rateBp: 1225, days: 30, balance: 1_000_000 },
    ]);
  });

  it("splits the period where the rate changes on 1 January", () => {
    // 15 days at 12.25 % (5034.25 øre) + 14 days at 12.00 % (4602.74 øre) = 9636.99 øre
    const interest = statutoryInterest(norwegianDebt({ dueDate: "2025-12-16", asOf: "2026-01-14" }));

    expect(interest.periods).toEqual([
      { from: "2025-12-17", to: "2025-12-31", rateBp: 1225, days: 15, balance: 1_000_000 },
      { from: "2026-01-01", to: "2026-01-14", rateBp: 1200, days: 14, balance: 1_000_000 },
    ]);
    expect(interest.amount).toBe(9637);
  });

  it("lowers the balance from the day a partial payment arrives", () => {
    // 14 days on 10 000 (4698.63 øre) + 16 days on 6 000 (3221.92 øre) = 7920.55 øre
    const interest = statutoryInterest(
      norwegianDebt({ payments: [{ date: "2025-08-16", amount: 400_000 }] }),
    );

    expect(interest.periods).toEqual([
      { from: "2025-08-02", to: "2025-08-15", rateBp: 1225, days: 14, balance: 1_000_000 },
      { from: "2025-08-16", to: "2025-08-31", rateBp: 1225, days: 16, balance: 600_000 },
    ]);
    expect(interest.amount).toBe(7921);
  });

  it("counts a payment on or before the due date from the first day, and ignores one after asOf", () => {
    const early = statutoryInterest(norwegianDebt({ payments: [{ date: "2025-07-20", amount: 500_000 }] }));
    const late = statutoryInterest(norwegianDebt({ payments: [{ date: "2025-09-05", amount: 500_000 }] }));

    expect(early.periods.map((period) => period.balance)).toEqual([500_000]);
    expect(late.amount).toBe(10068);
  });

  it("stops when the debt is paid in full", () => {
    const interest = statutoryInterest(
      norwegianDebt({ payments: [{ date: "2025-08-11", amount: 1_000_000 }] }),
    );

    expect(interest.periods).toEqual([
      { from: "2025-08-02", to: "2025-08-10", rateBp: 1225, days: 9, balance: 1_000_000 },
    ]);
  });

  it("is zero until the day after the due date", () => {
    expect(statutoryInterest(norwegianDebt({ asOf: "2025-08-01" }))).toMatchObject({
      amount: 0,
      periods: [],
    });
    expect(statutoryInterest(norwegianDebt({ asOf: "2025-08-02" })).amount).toBe(336);
  });

  it("is zero, with the reason's source, where the country gives no statutory rate", () => {
    const american = statutoryInterest(norwegianDebt({ country: "US", currency: "USD" }));

    expect(american).toMatchObject({ amount: 0, periods: [], currency: "USD" });
    expect(american.source.law).toContain("state law");
  });

  it("charges German consumers base + 5 pp and businesses base + 9 pp", () => {
    // EUR 1 000.00 for 30 days: 100 000 × 627 × 30 / 3 650 000 = 515.34; × 1027 → 844.11
    const german = {
      country: "DE",
      currency: "EUR",
      principal: 100_000,
      dueDate: "2026-01-31",
      asOf: "2026-03-02",
    };

    // The consumer was reminded the day after the due date: interest runs from the day after that.
    expect(
      statutoryInterest({
        ...norwegianDebt(german),
        customerType: "consumer",
        firstReminderDate: "2026-01-31",
      }).amount,
    ).toBe(515);
    expect(statutoryInterest({ ...norwegianDebt(german), customerType: "business" }).amount).toBe(844);
  });

  it("charges a German consumer nothing until a reminder has put them in default, then from the day after it (§ 286 BGB)", () => {
    // Prepare: EUR 1 000.00 due 31 January; the first reminder reached the debtor on 14 February.
    const german = norwegianDebt({
      country: "DE",
      customerType: "consumer",
      currency: "EUR",
      principal: 100_000,
      dueDate: "2026-01-31",
      asOf: "2026-03-02",
    });

    // Act
    const unreminded = statutoryInterest(german);
    const reminded = statutoryInterest({ ...german, firstReminderDate: "2026-02-14" });

    // Assess: 15 February – 2 March is 16 days at 6.27 %: 100 000 × 627 × 16 / 3 650 000 = 274.85
    expect(unreminded).toMatchObject({ amount: 0, periods: [] });
    expect(reminded.periods).toEqual([
      { from: "2026-02-15", to: "2026-03-02", rateBp: 627, days: 16, balance: 100_000 },
    ]);
    expect(reminded.amount).toBe(275);
    expect(interestStartDate({ country: "DE", customerType: "business", dueDate: "2026-01-31" })).toBe(
      "2026-02-01",
    );
  });

  it("charges a French consumer the taux légal from the mise en demeure, a French business the ECB rate + 10 pp from the due date", () => {
    const french = norwegianDebt({
      country: "FR",
      currency: "EUR",
      principal: 100_000,
      dueDate: "2026-01-31",
      asOf: "2026-03-02",
    });

    // 100 000 × 262 × 16 / 3 650 000 = 114.85; 100 000 × 1215 × 30 / 3 650 000 = 998.63
    expect(
      statutoryInterest({ ...french, customerType: "consumer", firstReminderDate: "2026-02-14" }).amount,
    ).toBe(115);
    expect(statutoryInterest({ ...french, customerType: "business" }).amount).toBe(999);
  });

  it("splits Russian interest at a key-rate change", () => {
    // RUB 100 000.00: 5 days at 16 % + 5 days at 15.5 %, 365-day 2026: (8e10 + 7.75e10) / 3.65e6 = 43 150.68 kopecks
    const interest = statutoryInterest(
      norwegianDebt({
        country: "RU",
        currency: "RUB",
        principal: 10_000_000,
        dueDate: "2026-02-10",
        asOf: "2026-02-20",
      }),
    );

    expect(interest.periods.map(({ from, rateBp, days }) => ({ from, rateBp, days }))).toEqual([
      { from: "2026-02-11", rateBp: 1600, days: 5 },
      { from: "2026-02-16", rateBp: 1550, days: 5 },
    ]);
    expect(interest.amount).toBe(43151);
  });

  it("keeps the British rate fixed from when interest starts, through a later change of reference rate", () => {
    // GBP 5 000.00 from 16 December 2025 for 60 days at 4.25 % + 8 pp, though 3.75 % applies from January
    const interest = statutoryInterest(
      norwegianDebt({
        country: "GB",
        currency: "GBP",
        principal: 500_000,
        dueDate: "2025-12-15",
        asOf: "2026-02-13",
      }),
    );

    expect(interest.periods).toEqual([
      { from: "2025-12-16", to: "2026-02-13", rateBp: 1225, days: 60, balance: 500_000 },
    ]);
    expect(interest.amount).toBe(10068);
  });

  it("claims nothing for days before the reference table's first rate", () => {
    const old = statutoryInterest(norwegianDebt({ dueDate: "2024-12-21", asOf: "2025-01-10" }));

    expect(old.periods).toEqual([
      { from: "2025-01-01", to: "2025-01-10", rateBp: 1250, days: 10, balance: 1_000_000 },
    ]);
  });
});

describe("accrueInterest", () => {
  const between = { from: "2026-03-01", payments: [] };

  it("rounds an exact half up, once, at the end", () => {
    // 9 units × 100 % × 20 days / 360 = 0.5 → 1; 19 days = 0.475 → 0
    const half = accrueInterest({
      ...between,
      principal: 9,
      through: addDays("2026-03-01", 19),
      rule: flatRule(10_000, 360),
    });
    const under = accrueInterest({
      ...between,
      principal: 9,
      through: addDays("2026-03-01", 18),
      rule: flatRule(10_000, 360),
    });

    expect(half.amount).toBe(1);
    expect(under.amount).toBe(0);
  });

  it("sums the periods exactly before rounding, so fractions of a minor unit add up", () => {
    // 18 units for 8 days, then 9 units for 16 days: 0.4 + 0.4. Rounding each would give 0; the sum 0.8 gives 1
    const interest = accrueInterest({
      from: "2026-03-01",
      through: "2026-03-24",
      principal: 18,
      payments: [{ date: "2026-03-09", amount: 9 }],
      rule: flatRule(10_000, 360),
    });

    expect(interest.periods.map(({ days, balance }) => ({ days, balance }))).toEqual([
      { days: 8, balance: 18 },
      { days: 16, balance: 9 },
    ]);

    expect(interest.amount).toBe(1);
  });

  it("divides by 366 in a leap year and 365 otherwise on an actual-days basis", () => {
    // 366 000 × 100 % for 31 Dec 2027 (/365 = 1002.74) and 1 Jan 2028 (/366 = 1000)
    const interest = accrueInterest({
      from: "2027-12-31",
      through: "2028-01-01",
      principal: 366_000,
      payments: [],
      rule: flatRule(10_000, "actual"),
    });

    expect(interest.periods.map((period) => period.days)).toEqual([1, 1]);
    expect(interest.amount).toBe(2003);
  });

  it("never charges less for more days, nor more after a payment", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 400 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 800 }),
        (principal, days, extraDays, paid, paidOn) => {
          const dueDate = "2025-06-30";
          const base = norwegianDebt({ principal, dueDate, asOf: addDays(dueDate, days) });
          const longer = { ...base, asOf: addDays(dueDate, days + extraDays) };
          const withPayment = { ...base, payments: [{ date: addDays(dueDate, paidOn), amount: paid }] };

          expect(statutoryInterest(longer).amount).toBeGreaterThanOrEqual(statutoryInterest(base).amount);
          expect(statutoryInterest(withPayment).amount).toBeLessThanOrEqual(statutoryInterest(base).amount);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("fixedCompensation", () => {
  const business = {
    customerType: "business" as const,
    principal: 500_000,
    on: "2026-11-23",
    reminderFeesCharged: 0,
  };

  it("gives a Norwegian business NOK 460 less the reminder fees already charged, never below zero", () => {
    expect(
      fixedCompensation({ ...business, country: "NO", currency: "NOK", reminderFeesCharged: 7000 })?.amount,
    ).toBe(39000);
    expect(
      fixedCompensation({ ...business, country: "NO", currency: "NOK", reminderFeesCharged: 99_999 })?.amount,
    ).toBe(0);
  });

  it("gives DKK 310 on top of Danish reminder fees, SEK 450 in Sweden, EUR 40 in DE, IT, FI and the EU", () => {
    expect(
      fixedCompensation({ ...business, country: "DK", currency: "DKK", reminderFeesCharged: 10000 })?.amount,
    ).toBe(31000);
    expect(fixedCompensation({ ...business, country: "SE", currency: "SEK" })?.amount).toBe(45000);
    for (const country of ["DE", "IT", "FI", "AT"]) {
      expect(fixedCompensation({ ...business, country, currency: "EUR" })?.amount).toBe(4000);
    }
  });

  it("withholds the British fixed sum on an invoice not in pounds, saying why", () => {
    const euroInvoice = fixedCompensation({ ...business, country: "GB", currency: "EUR" });

    expect(euroInvoice).toMatchObject({ amount: 0, currency: "EUR", withheld: "invoice_currency_differs" });
  });

  it("gives nothing to consumers, nor in the US, Russia or the default", () => {
    expect(
      fixedCompensation({ ...business, customerType: "consumer", country: "NO", currency: "NOK" }),
    ).toBeNull();
    expect(fixedCompensation({ ...business, country: "US", currency: "USD" })).toBeNull();
    expect(fixedCompensation({ ...business, country: "RU", currency: "RUB" })).toBeNull();
    expect(fixedCompensation({ ...business, country: "JP", currency: "JPY" })).toBeNull();
  });
});

describe("statutoryCollectionCosts", () => {
  const dutch = (
    principal: number,
    overrides: { customerType?: "business" | "consumer"; currency?: string } = {},
  ) =>
    statutoryCollectionCosts({
      country: "NL",
      customerType: overrides.customerType ?? "consumer",
      currency: overrides.currency ?? "EUR",
      principal,
      on: "2026-11-23",
    });

  it("gives a Dutch consumer's collection costs by the BIK staffel: 15 % of the first EUR 2,500, at least EUR 40", () => {
    expect(dutch(10_000)?.amount).toBe(4000);
    expect(dutch(100_000)?.amount).toBe(15_000);
    expect(dutch(250_000)?.amount).toBe(37_500);
  });

  it("adds 10 % of the next EUR 2,500, 5 % of the next 5,000, 1 % of the next 190,000, and stops at EUR 6,775", () => {
    // 375 + 250 + 250 + 50 = 925.00 on EUR 15 000.00
    expect(dutch(1_500_000)?.amount).toBe(92_500);
    // 375 + 250 + 250 + 1 900 = 2 775.00 on EUR 200 000.00
    expect(dutch(20_000_000)?.amount).toBe(277_500);
    expect(dutch(200_000_000)?.amount).toBe(677_500);
  });

  it("rounds an exact half cent up, once", () => {
    // EUR 2 500.03: 375.00 + 10 % of 3 cents = 375.003 → 375.00; EUR 2 500.05: 375.005 → 375.01
    expect(dutch(250_003)?.amount).toBe(37_500);
    expect(dutch(250_005)?.amount).toBe(37_501);
  });

  it("gives none to a Dutch business (the EUR 40 instead), none elsewhere, and withholds it on an invoice not in euros", () => {
    expect(dutch(100_000, { customerType: "business" })).toBeNull();
    expect(
      statutoryCollectionCosts({
        country: "DE",
        customerType: "consumer",
        currency: "EUR",
        principal: 100_000,
        on: "2026-11-23",
      }),
    ).toBeNull();
    expect(dutch(100_000, { currency: "USD" })).toMatchObject({
      amount: 0,
      withheld: "invoice_currency_differs",
    });
  });
});
