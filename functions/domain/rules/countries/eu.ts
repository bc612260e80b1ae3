/**
 * The EU default: Directive 2011/7/EU on late payment in commercial transactions, for member
 * states without a table of their own. The Directive only covers business debtors and sets
 * minimums (each state may give creditors more), so claiming just the minimum never over-claims.
 * Its reference rate is the ECB's, which is right only in the euro area: elsewhere the national
 * central bank's rate applies, which dun has no table for, so it claims no interest there.
 */
import { both, byType, type JurisdictionTable, type RateTable, type RuleSet } from "../rule-schema.ts";

const DIRECTIVE = "https://eur-lex.europa.eu/eli/dir/2011/7/oj";
const ECB_FEB_2026 =
  "https://www.brusselstimes.com/eu-affairs/1955847/ecb-freezes-interest-rates-as-inflation-risks-linger-amid-economic-uncertainty/";

/** The ECB main refinancing operations rate in force on the first calendar day of each half-year. */
export const ECB_MRO_HALF_YEARLY: RateTable = {
  name: "ECB main refinancing operations rate on 1 January / 1 July",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 315,
      source: {
        law: "MEF comunicato, G.U. n. 63 of 17 March 2025 (D.Lgs. 231/2002 art. 5): 3.15 % for 1 January – 30 June 2025",
        url: "https://www.studiotisi.it/2025/03/tasso-di-interesse-per-ritardato-pagamento-nelle-transazioni-commerciali-comunicato-mef-in-g-u/",
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 215,
      source: {
        law: "MEF comunicato, G.U. n. 161 of 14 July 2025 (D.Lgs. 231/2002 art. 5): 2.15 % for the second half of 2025",
        url: "https://www.edotto.com/articolo/ritardo-nei-pagamenti-tasso-interesse-215-da-luglio-2025/amp",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 215,
      source: {
        law: "ECB Governing Council, 5 February 2026: MRO rate unchanged at 2.15 % (in force since 11 June 2025)",
        url: ECB_FEB_2026,
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 215,
      source: {
        law: "ECB MRO rate on 1 July 2026",
        verify: true,
        note: "No decision after February 2026 was found; the 2.15 % rate is carried forward.",
      },
    },
  ],
};

/** Euro-area members and the day they joined: the ECB rate is their reference rate from then on. */
export const EURO_AREA_SINCE: ReadonlyMap<string, string> = new Map([
  ...["AT", "BE", "DE", "ES", "FI", "FR", "IE", "IT", "LU", "NL", "PT"].map(
    (code) => [code, "1999-01-01"] as const,
  ),
  ["GR", "2001-01-01"],
  ["SI", "2007-01-01"],
  ["CY", "2008-01-01"],
  ["MT", "2008-01-01"],
  ["SK", "2009-01-01"],
  ["EE", "2011-01-01"],
  ["LV", "2014-01-01"],
  ["LT", "2015-01-01"],
  ["HR", "2023-01-01"],
  ["BG", "2026-01-01"],
]);

const noLimit = (what: string) => both(null, { law: `Directive 2011/7/EU: sets no ${what}`, url: DIRECTIVE });

const directiveRules: RuleSet = {
  maxReminderFee: noLimit("reminder fee; national law may (the tenant's fee stands)"),
  reminderFeeNotBeforeDaysAfterDue: both(1, {
    law: "Directive 2011/7/EU art. 6: recovery costs arise from late payment",
    url: DIRECTIVE,
    note: "A reminder fee is for a debt already late: never on or before the due date.",
  }),
  maxFeeBearingReminders: noLimit("number of reminders"),
  minDaysBetweenReminders: noLimit("gap between reminders"),
  finalNoticeDeadlineDays: both(null, {
    law: "Directive 2011/7/EU art. 3(1), 4(1): interest is due from the day after the due date without a reminder",
    url: DIRECTIVE,
  }),
  reminderFeeRequiresAgreement: both(false, {
    law: "Directive 2011/7/EU: no rule on reminder fees",
    url: DIRECTIVE,
  }),
  contactHours: noLimit("contact hours"),
  statutoryInterest: byType(
    {
      value: { reference: ECB_MRO_HALF_YEARLY, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
      source: {
        law: "Directive 2011/7/EU art. 2(6), 2(7)(a), 3(1): ECB reference rate on the first day of the half-year + at least 8 pp",
        url: DIRECTIVE,
        note: "The minimum; some states add more (FR +10 pp). Day basis 365: the Directive sets none.",
      },
    },
    {
      value: null,
      source: {
        law: "Directive 2011/7/EU art. 1(2): commercial transactions only, not consumers",
        url: DIRECTIVE,
      },
    },
  ),
  noFeeOnFirstReminder: both(false, {
    law: "Directive 2011/7/EU art. 6(1): recovery costs are owed without the necessity of a reminder",
    url: DIRECTIVE,
  }),
  interestFrom: byType(
    {
      value: "dayAfterDue",
      source: {
        law: "Directive 2011/7/EU art. 3(3)(a), 4(3)(a): interest from the day after the payment date, without a reminder",
        url: DIRECTIVE,
      },
    },
    {
      value: "dayAfterDue",
      source: {
        law: "Directive 2011/7/EU art. 1(2): no statutory interest for consumers is claimed",
        url: DIRECTIVE,
      },
    },
  ),
  finalNoticeDeadlineCounting: both("fromSending", {
    law: "Directive 2011/7/EU: no notice period; the tenant's days are counted from sending",
    url: DIRECTIVE,
  }),
  collectionCosts: noLimit("percentage collection costs; only the EUR 40 of art. 6(1) is claimed"),
  fixedCompensation: byType(
    {
      value: { currency: "EUR", tiers: [{ fromPrincipal: 0, amount: 4000 }], deductsReminderFees: true },
      source: {
        law: "Directive 2011/7/EU art. 6(1): EUR 40; art. 6(3): further costs only as far as they exceed it",
        url: DIRECTIVE,
        note: "Reminder fees are recovery costs, so the EUR 40 is reduced by those already charged.",
      },
    },
    {
      value: null,
      source: { law: "Directive 2011/7/EU art. 1(2): commercial transactions only", url: DIRECTIVE },
    },
  ),
};

export const EU_EURO_AREA: JurisdictionTable = {
  jurisdiction: "EU",
  name: "EU default, euro area (Directive 2011/7/EU)",
  currency: "EUR",
  versions: [{ validFrom: "2013-03-16", rules: directiveRules }],
};

export const EU_OUTSIDE_EURO_AREA: JurisdictionTable = {
  jurisdiction: "EU-non-euro",
  name: "EU default, outside the euro area (Directive 2011/7/EU)",
  currency: "EUR",
  versions: [
    {
      validFrom: "2013-03-16",
      rules: {
        ...directiveRules,
        statutoryInterest: both(null, {
          law: "Directive 2011/7/EU art. 2(7)(b): outside the euro area the national central bank's rate applies",
          url: DIRECTIVE,
          note: "dun has no table of that rate for this country, so it claims no statutory interest.",
        }),
        fixedCompensation: byType(
          {
            value: {
              currency: "EUR",
              tiers: [{ fromPrincipal: 0, amount: 4000 }],
              deductsReminderFees: true,
            },
            source: {
              law: "Directive 2011/7/EU art. 6(1): EUR 40 or the equivalent in national currency",
              url: DIRECTIVE,
              note: "Claimed on EUR invoices only: dun does not convert into the national currency.",
            },
          },
          {
            value: null,
            source: { law: "Directive 2011/7/EU art. 1(2): commercial transactions only", url: DIRECTIVE },
          },
        ),
      },
    },
  ],
};
