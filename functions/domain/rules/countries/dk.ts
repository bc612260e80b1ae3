/**
 * Denmark: renteloven (lov om renter og andre forhold ved forsinket betaling) § 5 for interest,
 * § 9 a for the fixed B2B compensation, § 9 b for reminder fees.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const RENTELOVEN_5 = "https://www.elov.dk/renteloven/5/";
const RENTELOVEN_9A = "https://danskelove.dk/renteloven/9a";
const RENTELOVEN_9B = "https://elov.dk/renteloven/paragraf/9b/boger";
const COMPENSATION_ORDER = "https://www.retsinformation.dk/Forms/R0710.aspx?id=145155";

/** Nationalbanken's official lending rate (udlånsrente) as it stood on 1 January and 1 July. */
export const NATIONALBANKEN_LENDING_RATE: RateTable = {
  name: "Danmarks Nationalbank lending rate on 1 January / 1 July",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 275,
      source: {
        law: "renteloven § 5 stk. 1: Nationalbanken's udlånsrente on 1 January 2025",
        verify: true,
        note: "Derived: the lending rate follows the ECB's cuts, 2.75 % after December 2024. Morarente 10.75 %.",
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 175,
      source: {
        law: "renteloven § 5 stk. 1: Nationalbanken's udlånsrente on 1 July 2025",
        url: "https://www.fx.co/en/forex-news/2640647",
        verify: true,
        note: "Market news: lending rate 1.75 % from 5 June 2025. Morarente 9.75 %.",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 175,
      source: {
        law: "renteloven § 5 stk. 1: Nationalbanken's udlånsrente on 1 January 2026",
        verify: true,
        note: "The ECB held its rates from June 2025 to February 2026 and Nationalbanken follows it; 1.75 % carried forward.",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 175,
      source: {
        law: "renteloven § 5 stk. 1: Nationalbanken's udlånsrente on 1 July 2026",
        verify: true,
        note: "Not found; carried forward.",
      },
    },
  ],
};

export const DENMARK: JurisdictionTable = {
  jurisdiction: "DK",
  name: "Denmark",
  currency: "DKK",
  versions: [
    {
      validFrom: "2013-03-01",
      rules: {
        maxReminderFee: both(
          { amount: 10000, currency: "DKK" },
          { law: "renteloven § 9 b stk. 2: at most DKK 100 per rykkerskrivelse", url: RENTELOVEN_9B },
        ),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "renteloven § 9 b stk. 1: a fee for a rykker sent with reasonable cause, i.e. once the debt is late",
          url: RENTELOVEN_9B,
        }),
        maxFeeBearingReminders: both(3, {
          law: "renteloven § 9 b stk. 2: fees for at most 3 rykkerskrivelser for the same debt",
          url: RENTELOVEN_9B,
        }),
        minDaysBetweenReminders: both(
          { days: 10, between: "feeBearingReminders" },
          {
            law: "renteloven § 9 b stk. 2: a fee only for rykkerskrivelser sent at least 10 days apart",
            url: RENTELOVEN_9B,
          },
        ),
        finalNoticeDeadlineDays: both(10, {
          law: "renteloven § 9 b; inddrivelsesomkostningsbekendtgørelsen: before collection a rykker with at least 10 days to pay, warning of collection",
          verify: true,
        }),
        reminderFeeRequiresAgreement: both(false, {
          law: "renteloven § 9 b: the fee is statutory; no agreement is needed",
          url: RENTELOVEN_9B,
        }),
        contactHours: both(null, { law: "renteloven: no contact hours" }),
        statutoryInterest: both(
          { reference: NATIONALBANKEN_LENDING_RATE, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
          {
            law: "renteloven § 5 stk. 1: Nationalbanken's udlånsrente on 1 January / 1 July + 8 pp (claims due from 1 March 2013)",
            url: RENTELOVEN_5,
            verify: true,
            note: "The law sets an annual rate and no day count. Some Danish calculators use a 360-day year; dun uses 365, which never claims more.",
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "renteloven § 9 b stk. 1: every rykkerskrivelse sent with reasonable cause may carry the fee",
          url: RENTELOVEN_9B,
        }),
        interestFrom: both("dayAfterDue", {
          law: "renteloven § 3 stk. 1: interest from the due date fixed in advance",
          url: RENTELOVEN_5,
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "inddrivelsesomkostningsbekendtgørelsen: the 10 days of the last rykker, counted from when it is sent",
          verify: true,
          note: "How the 10 days are counted was not confirmed; dun counts from sending, as in Norway.",
        }),
        collectionCosts: both(null, {
          law: "renteloven § 9 b: inddrivelsesomkostninger are the collector's, after hand-over",
          url: RENTELOVEN_9B,
        }),
        fixedCompensation: byType(
          {
            value: {
              currency: "DKK",
              tiers: [{ fromPrincipal: 0, amount: 31000 }],
              deductsReminderFees: false,
            },
            source: {
              law: "renteloven § 9 a stk. 3; bekendtgørelse nr. 601 af 12. juli 2002 § 2 stk. 2 (as amended 2013): DKK 310",
              url: COMPENSATION_ORDER,
              note: "On top of reminder fees: § 9 a stk. 3 says the compensation does not affect other claims.",
            },
          },
          {
            value: null,
            source: {
              law: "renteloven § 9 a stk. 3 and the order's § 2 stk. 3: not for consumer agreements (§ 7 stk. 1)",
              url: RENTELOVEN_9A,
            },
          },
        ),
      },
    },
  ],
};
