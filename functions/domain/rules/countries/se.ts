/**
 * Sweden: räntelag (1975:635) for interest, lag (1981:739) om ersättning för inkassokostnader m.m.
 * for the reminder fee (only where agreed when the debt arose) and the B2B förseningsersättning.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const INKASSOKOSTNADER = "http://rkrattsbaser.gov.se/sfst?bet=1981:739";
const IMY = "https://www.imy.se/vanliga-fragor-och-svar/hur-mycket-far-man-ta-ut-i-inkassokostnader/";

/**
 * The Riksbank's referensränta: the policy rate at the end of the previous half-year, rounded up to
 * the nearest half percentage point (räntelag 9 §).
 */
export const RIKSBANK_REFERENCE_RATE: RateTable = {
  name: "Riksbank reference rate (referensränta), half-yearly",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 250,
      source: {
        law: "räntelag 9 §: referensränta for 1 January – 30 June 2025",
        verify: true,
        note: "Derived: policy rate 2.50 % at the end of 2024, already a half percent.",
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 200,
      source: {
        law: "räntelag 9 §: referensränta for 1 July – 31 December 2025",
        verify: true,
        note: "Derived: policy rate 2.00 % at the end of June 2025.",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 200,
      source: {
        law: "räntelag 9 §: referensränta for 1 January – 30 June 2026",
        url: "https://www.fastighetsvarlden.se/notiser/riksbankens-rantebesked-6/",
        verify: true,
        note: "Derived: policy rate 1.75 % since September 2025 (confirmed), rounded up to 2.00 %.",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 200,
      source: {
        law: "räntelag 9 §: referensränta for 1 July – 31 December 2026",
        verify: true,
        note: "Not found; carried forward (the Riksbank expected to hold 1.75 % through 2026).",
      },
    },
  ],
};

export const SWEDEN: JurisdictionTable = {
  jurisdiction: "SE",
  name: "Sweden",
  currency: "SEK",
  versions: [
    {
      validFrom: "2013-03-16",
      rules: {
        maxReminderFee: both(
          { amount: 6000, currency: "SEK" },
          {
            law: "lag (1981:739) om ersättning för inkassokostnader 4 § 1: at most SEK 60 for a written payment reminder",
            url: INKASSOKOSTNADER,
          },
        ),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "lag (1981:739) 1 §: costs for measures to collect a debt that has fallen due",
          url: IMY,
        }),
        maxFeeBearingReminders: both(1, {
          law: "lag (1981:739) 2 §, 4 §: costs only as far as reasonably called for",
          url: INKASSOKOSTNADER,
          verify: true,
          note: "The law caps the amount, not the count; dun charges one reminder fee per debt, the common reading.",
        }),
        minDaysBetweenReminders: both(null, {
          law: "lag (1981:739): no gap between reminders",
          url: INKASSOKOSTNADER,
        }),
        finalNoticeDeadlineDays: both(null, {
          law: "inkassolagen (1974:182) 5 §: the deadline rules bind the collection demand (inkassokrav), not the creditor's own reminders",
        }),
        reminderFeeRequiresAgreement: both(true, {
          law: "lag (1981:739) 2 §: a reminder fee only if agreed no later than when the debt arose",
          url: IMY,
        }),
        contactHours: both(null, { law: "no statutory contact hours for written reminders" }),
        statutoryInterest: both(
          { reference: RIKSBANK_REFERENCE_RATE, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
          { law: "räntelag (1975:635) 6 §: referensränta + 8 pp" },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "lag (1981:739) 2 §: an agreed reminder fee may be charged for the first reminder",
          url: INKASSOKOSTNADER,
        }),
        interestFrom: both("dayAfterDue", {
          law: "räntelag (1975:635) 3 §: interest from the due date fixed in advance",
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "no statutory notice period for the creditor's own reminders; the tenant's days are counted from sending",
        }),
        collectionCosts: both(null, {
          law: "lag (1981:739) 5 §: inkassokostnader only for an inkassokrav, after hand-over",
          url: INKASSOKOSTNADER,
        }),
        fixedCompensation: byType(
          {
            value: {
              currency: "SEK",
              tiers: [{ fromPrincipal: 0, amount: 45000 }],
              deductsReminderFees: true,
            },
            source: {
              law: "lag (1981:739) 4 a–4 b §§: förseningsersättning SEK 450 between businesses",
              url: IMY,
              verify: true,
              note: "It replaces the reminder and collection fees (IMY), so dun reduces it by the fees already charged.",
            },
          },
          {
            value: null,
            source: {
              law: "lag (1981:739) 4 a §: between businesses (and business–authority) only",
              url: IMY,
            },
          },
        ),
      },
    },
  ],
};
