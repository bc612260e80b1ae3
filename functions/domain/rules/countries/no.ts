/**
 * Norway: inkassoloven and inkassoforskriften (reminder fees, the inkassovarsel),
 * forsinkelsesrenteloven (interest, standard compensation). The reminder fee is a fraction of the
 * inkassosats, which is set yearly; the interest rate and the compensation are set half-yearly.
 */
import { both, byType, type JurisdictionTable, type RateTable, type RuleSet } from "../rule-schema.ts";

const INKASSOLOVEN = "https://lovdata.no/lov/1988-05-13-26";
const INKASSOFORSKRIFTEN = "https://lovdata.no/forskrift/1989-07-14-562";
const FORSINKELSESRENTELOVEN = "https://lovdata.no/lov/1976-12-17-100";
const RATES_2025 = "https://lovdata.no/forskrift/2024-12-19-3279";
const RATES_2026 =
  "https://www.kred.no/uncategorized/forsinkelsesrente-og-standardkompensasjon-for-inndrivelseskostnader-fra-1-januar-2026";

/**
 * Norges Bank's policy rate as it stood on 1 January and 1 July: the forsinkelsesrente is this
 * plus 8 pp, fixed by regulation for each half-year.
 */
export const NORGES_BANK_POLICY_RATE: RateTable = {
  name: "Norges Bank policy rate on 1 January / 1 July",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 450,
      source: {
        law: "FOR-2024-12-19-3279 § 1: forsinkelsesrente 12.5 % p.a. from 1 January 2025 (4.50 % + 8 pp)",
        url: RATES_2025,
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 425,
      source: {
        law: "FOR-2025-06-23-1321 (forsinkelsesrente from 1 July 2025)",
        verify: true,
        note: "Norges Bank cut the policy rate to 4.25 % in June 2025, giving 12.25 %; the regulation's text was not retrieved.",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 400,
      source: {
        law: "Forsinkelsesrente 12.00 % p.a. for the first half of 2026 (4.00 % + 8 pp)",
        url: RATES_2026,
        note: "Secondary source (Kreditorforeningen) quoting the half-yearly regulation.",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 400,
      source: {
        law: "Forsinkelsesrente from 1 July 2026",
        verify: true,
        note: "Not found; the H1 2026 policy rate of 4.00 % is carried forward.",
      },
    },
  ],
};

const rules2025: RuleSet = {
  maxReminderFee: both(
    { amount: 3500, currency: "NOK" },
    {
      law: "inkassoforskriften § 1-2 første ledd: purregebyr 1/20 of the inkassosats (NOK 700) = NOK 35",
      url: INKASSOFORSKRIFTEN,
      note: "The same fee for an inkassovarsel.",
    },
  ),
  reminderFeeNotBeforeDaysAfterDue: both(14, {
    law: "inkassoforskriften § 1-2 første ledd: the reminder is sent no earlier than 14 days after the due date",
    url: INKASSOFORSKRIFTEN,
  }),
  maxFeeBearingReminders: both(2, {
    law: "inkassoforskriften § 1-3 første ledd: fees for at most two reminders, or one reminder and one inkassovarsel",
    url: INKASSOFORSKRIFTEN,
  }),
  minDaysBetweenReminders: both(
    { days: 14, between: "feeBearingReminders" },
    {
      law: "inkassoforskriften § 1-3 første ledd annet punktum: a second fee only once the first reminder's deadline of at least 14 days has passed",
      url: INKASSOFORSKRIFTEN,
      note: "dun keeps 14 days between fee-bearing reminders; a free reminder may come sooner.",
    },
  ),
  finalNoticeDeadlineDays: both(14, {
    law: "inkassoloven § 9: the inkassovarsel gives at least 14 days to pay from when it is sent; collection only after that",
    url: INKASSOLOVEN,
  }),
  reminderFeeRequiresAgreement: both(false, {
    law: "inkassoforskriften § 1-2: the fee is statutory; no agreement is needed",
    url: INKASSOFORSKRIFTEN,
  }),
  contactHours: both(null, {
    law: "inkassoloven § 8 (god inkassoskikk): no clock hours for written reminders",
    url: INKASSOLOVEN,
  }),
  statutoryInterest: both(
    { reference: NORGES_BANK_POLICY_RATE, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
    {
      law: "forsinkelsesrenteloven § 3 første ledd: Norges Bank's policy rate on 1 January / 1 July + at least 8 pp",
      url: FORSINKELSESRENTELOVEN,
      note: "Simple interest per day on a 365-day year.",
    },
  ),
  noFeeOnFirstReminder: both(false, {
    law: "inkassoforskriften § 1-2 første ledd: the first purring may carry the fee once 14 days have passed",
    url: INKASSOFORSKRIFTEN,
  }),
  interestFrom: both("dayAfterDue", {
    law: "forsinkelsesrenteloven § 2 første ledd: interest from the due date fixed in advance",
    url: FORSINKELSESRENTELOVEN,
  }),
  finalNoticeDeadlineCounting: both("fromSending", {
    law: "inkassoloven § 9 første ledd: at least 14 days to pay counted from when the inkassovarsel is sent",
    url: INKASSOLOVEN,
  }),
  collectionCosts: both(null, {
    law: "inkassoloven § 17: inkassosalær is claimed by the collection agency after hand-over, not by the creditor's notice",
    url: INKASSOLOVEN,
  }),
  fixedCompensation: byType(
    {
      value: { currency: "NOK", tiers: [{ fromPrincipal: 0, amount: 47000 }], deductsReminderFees: true },
      source: {
        law: "forsinkelsesrenteloven § 3a; FOR-2024-12-19-3279 § 2: standardkompensasjon NOK 470",
        url: RATES_2025,
        note: "Reduced by the reminder fees already charged for the debt (§ 3a, from the research notes; to verify).",
      },
    },
    {
      value: null,
      source: { law: "forsinkelsesrenteloven § 3a: between businesses only", url: FORSINKELSESRENTELOVEN },
    },
  ),
};

const rules2026: RuleSet = {
  ...rules2025,
  maxReminderFee: both(
    { amount: 3500, currency: "NOK" },
    {
      law: "inkassoforskriften § 1-2 første ledd: purregebyr 1/20 of the inkassosats",
      url: RATES_2026,
      verify: true,
      note:
        "One secondary source puts the inkassosats at NOK 750 from 1 January 2026 (a cap of NOK 37.50). " +
        "Until that is confirmed dun keeps NOK 35, which is lawful either way.",
    },
  ),
  fixedCompensation: byType(
    {
      value: { currency: "NOK", tiers: [{ fromPrincipal: 0, amount: 46000 }], deductsReminderFees: true },
      source: {
        law: "forsinkelsesrenteloven § 3a: standardkompensasjon NOK 460 from 1 January 2026",
        url: RATES_2026,
        note: "Secondary source quoting the regulation. Reduced by reminder fees already charged (§ 3a; to verify).",
      },
    },
    rules2025.fixedCompensation.consumer,
  ),
};

export const NORWAY: JurisdictionTable = {
  jurisdiction: "NO",
  name: "Norway",
  currency: "NOK",
  versions: [
    { validFrom: "2025-01-01", rules: rules2025 },
    { validFrom: "2026-01-01", rules: rules2026 },
  ],
};
