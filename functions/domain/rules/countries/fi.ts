/**
 * Finland: korkolaki (633/1982) for interest, laki saatavien perinnästä (perintälaki, 513/1999)
 * for reminder fees (consumer debts since 2005, business debts since 1 May 2022) and the EUR 40
 * vakiokorvaus between businesses.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const PERINTALAKI = "https://www.finlex.fi/fi/laki/ajantasa/1999/19990513";
const BUSINESS_FEES_2022 =
  "https://www.yrittajat.fi/tietopankki/markkinointi-ja-myynti/laskutus/perinta-yritysten-valisessa-kaupassa/";
const CONSUMER_FEES = "https://www.axactor.com/fi/artikkelit/maksumuistutus";
const RATE_H1_2026 =
  "https://www.sttinfo.fi/tiedote/71709487/korkolain-mukainen-viitekorko-ja-viivastyskorot-11-3062026?lang=fi";

/**
 * Korkolaki 12 §: the ECB's last main refinancing rate before the half-year, rounded up to the next
 * half percentage point (2.15 % → 2.5 %), announced by Suomen Pankki.
 */
export const FINNISH_REFERENCE_RATE: RateTable = {
  name: "Suomen Pankki viitekorko (korkolaki 12 §), half-yearly",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 350,
      source: {
        law: "Suomen Pankki: korkolain viitekorko 3.5 % for 1.1.–30.6.2025 (viivästyskorko 10.5 %, commercial 11.5 %)",
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 250,
      source: {
        law: "korkolaki 12 §: viitekorko for 1.7.–31.12.2025",
        verify: true,
        note: "Derived: ECB MRO 2.15 % from 11 June 2025, rounded up to 2.5 %.",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 250,
      source: {
        law: "Suomen Pankki: korkolain viitekorko 2.5 % for 1.1.–30.6.2026 (viivästyskorko 9.5 %, commercial 10.5 %)",
        url: RATE_H1_2026,
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 250,
      source: {
        law: "korkolaki 12 §: viitekorko for 1.7.–31.12.2026",
        verify: true,
        note: "Not found; carried forward.",
      },
    },
  ],
};

export const FINLAND: JurisdictionTable = {
  jurisdiction: "FI",
  name: "Finland",
  currency: "EUR",
  versions: [
    {
      validFrom: "2022-05-01",
      rules: {
        maxReminderFee: byType(
          {
            value: { amount: 1200, currency: "EUR" },
            source: {
              law: "perintälaki 10 e § (in force 1.5.2022): at most EUR 12 for a written payment reminder on a business debt",
              url: BUSINESS_FEES_2022,
            },
          },
          {
            value: { amount: 500, currency: "EUR" },
            source: {
              law: "perintälaki 10 a § 1 mom. 1 k.: at most EUR 5 for a payment reminder on a consumer debt",
              url: CONSUMER_FEES,
            },
          },
        ),
        reminderFeeNotBeforeDaysAfterDue: byType(
          {
            value: 1,
            source: {
              law: "perintälaki 10 e §: a business may be reminded at once after the due date; only the gap between fee-bearing letters is set",
              url: BUSINESS_FEES_2022,
            },
          },
          {
            value: 14,
            source: {
              law: "perintälaki 10 a §: the EUR 5 fee only for a reminder sent at least 14 days after the due date",
              url: CONSUMER_FEES,
            },
          },
        ),
        maxFeeBearingReminders: byType(
          {
            value: null,
            source: {
              law: "perintälaki 10 e §: no count found",
              verify: true,
              note: "The 2022 reform set how many collection measures may be charged; the number for reminders was not confirmed.",
            },
          },
          {
            value: 3,
            source: {
              law: "perintälaki 10 a §: fees for at most three payment reminders",
              url: PERINTALAKI,
              verify: true,
            },
          },
        ),
        minDaysBetweenReminders: byType(
          {
            value: { days: 10, between: "feeBearingReminders" },
            source: {
              law: "perintälaki 10 e §: costs only if at least 10 days have passed since the previous reminder or demand",
              url: BUSINESS_FEES_2022,
            },
          },
          {
            value: { days: 14, between: "feeBearingReminders" },
            source: {
              law: "perintälaki 10 a §: at least 14 days between fee-bearing reminders",
              url: PERINTALAKI,
              verify: true,
            },
          },
        ),
        finalNoticeDeadlineDays: both(null, {
          law: "perintälaki: no notice period for the creditor's own reminders before hand-over",
          url: PERINTALAKI,
        }),
        reminderFeeRequiresAgreement: both(false, {
          law: "perintälaki 10 §: the debtor reimburses reasonable collection costs by law",
          url: PERINTALAKI,
        }),
        contactHours: both(null, {
          law: "perintälaki 4 § (hyvä perintätapa): no clock hours for written reminders",
        }),
        statutoryInterest: byType(
          {
            value: { reference: FINNISH_REFERENCE_RATE, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
            source: { law: "korkolaki 4 a §: viitekorko + 8 pp in commercial contracts", url: RATE_H1_2026 },
          },
          {
            value: { reference: FINNISH_REFERENCE_RATE, marginBp: 700, dayBasis: 365, fixing: "perPeriod" },
            source: { law: "korkolaki 4 §: viitekorko + 7 pp", url: RATE_H1_2026 },
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "perintälaki 10 a §, 10 e §: the first payment reminder may carry the fee",
          url: PERINTALAKI,
        }),
        interestFrom: both("dayAfterDue", {
          law: "korkolaki 4 § 1 mom.: viivästyskorko from the due date",
          url: RATE_H1_2026,
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "perintälaki: no notice period for the creditor's own reminders; the tenant's days are counted from sending",
          url: PERINTALAKI,
        }),
        collectionCosts: both(null, {
          law: "perintälaki 10 a–10 e §§: collection costs only as capped per measure, none as a share of the debt",
          url: PERINTALAKI,
        }),
        fixedCompensation: byType(
          {
            value: {
              currency: "EUR",
              tiers: [{ fromPrincipal: 0, amount: 4000 }],
              deductsReminderFees: true,
            },
            source: {
              law: "perintälaki 10 e § (vakiokorvaus, HE 57/2012; Directive 2011/7/EU art. 6): EUR 40 between businesses",
              url: "https://www.okperinta.fi/ajankohtaista/uusi-perintalaki-astuu-voimaan/",
              verify: true,
              note: "Section number after the 2022 reform to verify. Reduced by reminder fees already charged, as Directive art. 6(3).",
            },
          },
          {
            value: null,
            source: { law: "perintälaki: the vakiokorvaus is for commercial debts only", url: PERINTALAKI },
          },
        ),
      },
    },
  ],
};
