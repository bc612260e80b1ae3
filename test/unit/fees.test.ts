import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "#domain/calendar/iso-date.ts";
import { type ReminderFeeInput, reminderFee } from "#domain/rules/fees.ts";

const DUE = "2026-10-01";

/** A Norwegian consumer's reminder, 20 days late, asking NOK 35. */
function norwegianReminder(overrides: Partial<ReminderFeeInput> = {}): ReminderFeeInput {
  return {
    country: "NO",
    customerType: "consumer",
    currency: "NOK",
    policyFees: { NOK: 3500 },
    dueDate: DUE,
    sendDate: addDays(DUE, 20),
    remindersSoFar: 0,
    feeBearingRemindersSoFar: 0,
    feeAgreedInContract: false,
    ...overrides,
  };
}

describe("reminderFee", () => {
  it("charges the policy's fee when the law allows it", () => {
    expect(reminderFee(norwegianReminder())).toEqual({ amount: 3500, currency: "NOK" });
  });

  it("charges nothing, and blames no rule, when the policy sets no fee in the invoice's currency", () => {
    expect(reminderFee(norwegianReminder({ policyFees: { EUR: 500 } }))).toEqual({
      amount: 0,
      currency: "NOK",
    });
    expect(reminderFee(norwegianReminder({ policyFees: undefined }))).toEqual({ amount: 0, currency: "NOK" });
  });

  it("lowers a fee above the cap to the cap, and names the rule", () => {
    // Prepare
    const input = norwegianReminder({ policyFees: { NOK: 5000 } });

    // Act
    const fee = reminderFee(input);

    // Assess
    expect(fee).toEqual({ amount: 3500, currency: "NOK", limitedBy: "maxReminderFee" });
  });

  it("charges no fee in Norway for a reminder sent 13 days after the due date, and the fee on day 14", () => {
    expect(reminderFee(norwegianReminder({ sendDate: addDays(DUE, 13) }))).toEqual({
      amount: 0,
      currency: "NOK",
      limitedBy: "reminderFeeNotBeforeDaysAfterDue",
    });
    expect(reminderFee(norwegianReminder({ sendDate: addDays(DUE, 14) })).amount).toBe(3500);
  });

  it("stops charging once Norway's two fee-bearing reminders have been sent", () => {
    const third = reminderFee(norwegianReminder({ feeBearingRemindersSoFar: 2, sendDate: addDays(DUE, 45) }));
    expect(third).toEqual({ amount: 0, currency: "NOK", limitedBy: "maxFeeBearingReminders" });
  });

  it("charges no second Norwegian fee within 14 days of the first", () => {
    const second = norwegianReminder({
      feeBearingRemindersSoFar: 1,
      lastFeeBearingReminderDate: addDays(DUE, 14),
      sendDate: addDays(DUE, 24),
    });
    expect(reminderFee(second).limitedBy).toBe("minDaysBetweenReminders");
    expect(reminderFee({ ...second, sendDate: addDays(DUE, 28) }).amount).toBe(3500);
  });

  it("charges a Swedish reminder fee only where it was agreed when the debt arose", () => {
    const swedish = norwegianReminder({ country: "SE", currency: "SEK", policyFees: { SEK: 6000 } });
    expect(reminderFee(swedish)).toEqual({
      amount: 0,
      currency: "SEK",
      limitedBy: "reminderFeeRequiresAgreement",
    });
    expect(reminderFee({ ...swedish, feeAgreedInContract: true })).toEqual({ amount: 6000, currency: "SEK" });
  });

  it("charges nothing when the country caps fees in another currency than the invoice's: dun never converts", () => {
    const euroInvoiceToNorway = norwegianReminder({ currency: "EUR", policyFees: { EUR: 300 } });
    expect(reminderFee(euroInvoiceToNorway)).toEqual({
      amount: 0,
      currency: "EUR",
      limitedBy: "maxReminderFee",
    });
  });

  it("caps Finnish fees at EUR 5 for consumers and EUR 12 for businesses", () => {
    const finnish = norwegianReminder({ country: "FI", currency: "EUR", policyFees: { EUR: 1500 } });
    expect(reminderFee(finnish)).toEqual({ amount: 500, currency: "EUR", limitedBy: "maxReminderFee" });
    expect(reminderFee({ ...finnish, customerType: "business" })).toEqual({
      amount: 1200,
      currency: "EUR",
      limitedBy: "maxReminderFee",
    });
  });

  it("charges no fee on the first German reminder, the one that puts the debtor in default (§ 286 BGB)", () => {
    const german = norwegianReminder({ country: "DE", currency: "EUR", policyFees: { EUR: 250 } });
    expect(reminderFee({ ...german, remindersSoFar: 0 })).toEqual({
      amount: 0,
      currency: "EUR",
      limitedBy: "noFeeOnFirstReminder",
    });
    expect(reminderFee({ ...german, customerType: "business", remindersSoFar: 0 }).limitedBy).toBe(
      "noFeeOnFirstReminder",
    );
    expect(reminderFee({ ...german, remindersSoFar: 1 }).amount).toBe(250);
  });

  it("charges no reminder fee in France (CPCE art. L111-8, code de commerce art. L441-10) nor to a Dutch consumer (art. 6:96 lid 6 BW)", () => {
    const french = norwegianReminder({
      country: "FR",
      currency: "EUR",
      policyFees: { EUR: 500 },
      remindersSoFar: 1,
    });
    expect(reminderFee(french).amount).toBe(0);
    expect(reminderFee({ ...french, customerType: "business" }).amount).toBe(0);
    expect(reminderFee({ ...french, country: "NL" }).amount).toBe(0);
    expect(reminderFee({ ...french, country: "NL", customerType: "business" }).amount).toBe(500);
  });

  it("leaves the fee to the tenant where the law sets no amount, but never on the due date", () => {
    const german = norwegianReminder({
      country: "DE",
      currency: "EUR",
      policyFees: { EUR: 250 },
      remindersSoFar: 1,
    });
    expect(reminderFee(german)).toEqual({ amount: 250, currency: "EUR" });
    expect(reminderFee({ ...german, sendDate: DUE }).limitedBy).toBe("reminderFeeNotBeforeDaysAfterDue");
    expect(reminderFee({ ...german, country: "JP", currency: "JPY", policyFees: { JPY: 500 } }).amount).toBe(
      500,
    );
  });

  it("never charges more than the policy asked or the law allows, and names a rule whenever it charges less", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("NO", "DK", "SE", "FI", "DE", "IT", "RU", "GB", "US", "FR", "NL", "AT", "PL", "JP"),
        fc.constantFrom("business" as const, "consumer" as const),
        fc.constantFrom("NOK", "DKK", "SEK", "EUR", "GBP"),
        fc.integer({ min: 0, max: 100_000 }),
        fc.integer({ min: -10, max: 120 }),
        fc.integer({ min: 0, max: 4 }),
        fc.boolean(),
        (country, customerType, currency, asked, daysLate, soFar, agreed) => {
          const fee = reminderFee({
            country,
            customerType,
            currency,
            policyFees: { [currency]: asked },
            dueDate: DUE,
            sendDate: addDays(DUE, daysLate),
            remindersSoFar: soFar,
            feeBearingRemindersSoFar: soFar,
            feeAgreedInContract: agreed,
          });
          expect(fee.currency).toBe(currency);
          expect(fee.amount).toBeGreaterThanOrEqual(0);
          expect(fee.amount).toBeLessThanOrEqual(asked);
          if (daysLate < 1) expect(fee.amount).toBe(0);
          expect(fee.limitedBy !== undefined).toBe(fee.amount < asked);
        },
      ),
    );
  });
});
