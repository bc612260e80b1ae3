/**
 * United Kingdom: the Late Payment of Commercial Debts (Interest) Act 1998 between businesses. Its
 * rate is fixed for the life of a debt by the Bank of England rate on the 31 December or 30 June
 * before interest starts to run. Consumers get no statutory late-payment interest before judgment.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const ACT = "https://www.legislation.gov.uk/ukpga/1998/20";
const RATE_TABLE = "https://www.payontime.co.uk/late-payment-legislation-interest-calculators";

/** The Bank of England rate on 31 December (for January–June) and 30 June (for July–December). */
export const BANK_OF_ENGLAND_REFERENCE_RATE: RateTable = {
  name: "Bank of England Bank Rate on 31 December / 30 June",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 475,
      source: { law: "Bank Rate 4.75 % on 31 December 2024 (cut in November 2024)", url: RATE_TABLE },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 425,
      source: {
        law: "Bank Rate 4.25 % on 30 June 2025 (cut in May 2025; to 4 % only in August)",
        url: "https://blog.realtysearch.io/article/Y0dBdVE1V2xCNzFsUCs0VVpFalNuUT09/mpc-decision-bank-cuts-base-rate-to-more-than-two-year-low-of-4-mortgage-strategy.html",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 375,
      source: {
        law: "Bank Rate 3.75 % on 31 December 2025 (cut on 18 December 2025; held on 5 February 2026)",
        url: "https://news.az/news/bank-of-england-keeps-rates-at-375-signals-cuts-ahead",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 375,
      source: {
        law: "Bank Rate on 30 June 2026",
        verify: true,
        note: "Not found; further cuts were expected in 2026, so 3.75 % may be too high.",
      },
    },
  ],
};

const noRule = (what: string) => both(null, { law: `No statutory ${what} in the UK`, url: ACT });

export const UNITED_KINGDOM: JurisdictionTable = {
  jurisdiction: "GB",
  name: "United Kingdom",
  currency: "GBP",
  versions: [
    {
      validFrom: "2013-03-16",
      rules: {
        maxReminderFee: both(null, {
          law: "No statutory reminder fee; between businesses the Act's fixed sum and reasonable costs (s. 5A)",
          url: ACT,
        }),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "Late Payment Act s. 4: from the day after the due date",
          url: ACT,
        }),
        maxFeeBearingReminders: noRule("number of reminders"),
        minDaysBetweenReminders: noRule("gap between reminders"),
        finalNoticeDeadlineDays: both(null, {
          law: "Pre-Action Protocol for Debt Claims: 30 days to answer a Letter of Claim before court proceedings",
          note: "Binds a claim in court against an individual or sole trader; dun hands over to collection, not to court.",
        }),
        reminderFeeRequiresAgreement: both(false, { law: "No statutory rule on reminder fees", url: ACT }),
        contactHours: noRule("contact hours for written reminders"),
        statutoryInterest: byType(
          {
            value: {
              reference: BANK_OF_ENGLAND_REFERENCE_RATE,
              marginBp: 800,
              dayBasis: 365,
              fixing: "fixedAtStart",
            },
            source: {
              law: "Late Payment of Commercial Debts (Interest) Act 1998 s. 6; Rate of Interest (No. 3) Order 2002: reference rate + 8 pp, fixed when interest starts",
              url: ACT,
            },
          },
          {
            value: null,
            source: {
              law: "The Act covers contracts between businesses only (s. 2); no statutory interest for consumers",
              url: ACT,
            },
          },
        ),
        noFeeOnFirstReminder: both(false, { law: "No statutory reminder fee in the UK", url: ACT }),
        interestFrom: both("dayAfterDue", {
          law: "Late Payment Act s. 4(3)–(5): interest from the day after the agreed payment date",
          url: ACT,
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "No statutory notice period before collection; the tenant's days are counted from sending",
          url: ACT,
        }),
        collectionCosts: noRule("collection costs as a share of the debt"),
        fixedCompensation: byType(
          {
            value: {
              currency: "GBP",
              tiers: [
                { fromPrincipal: 0, amount: 4000 },
                { fromPrincipal: 100000, amount: 7000 },
                { fromPrincipal: 1000000, amount: 10000 },
              ],
              deductsReminderFees: true,
            },
            source: {
              law: "Late Payment Act s. 5A: GBP 40 below GBP 1,000, GBP 70 below GBP 10,000, GBP 100 from GBP 10,000",
              url: ACT,
              note: "Further costs only as far as they exceed the fixed sum (s. 5A(2A)), so reduced by reminder fees charged.",
            },
          },
          { value: null, source: { law: "The Act covers contracts between businesses only", url: ACT } },
        ),
      },
    },
  ],
};
