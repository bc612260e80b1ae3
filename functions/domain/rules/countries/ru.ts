/**
 * Russia: Civil Code art. 395 (interest at the Bank of Russia key rate of each period, split at every
 * change) and Federal Law 230-FZ (when individuals may be contacted about an overdue debt). Russian
 * law has no statutory reminder fee and no B2B flat compensation.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const FSSP_230_FZ = "https://r09.fssp.gov.ru/faq/document26974543/";

/** The Bank of Russia key rate, from the day each change took effect (the Monday after a Friday decision). */
export const BANK_OF_RUSSIA_KEY_RATE: RateTable = {
  name: "Bank of Russia key rate",
  entries: [
    {
      validFrom: "2024-10-28",
      rateBp: 2100,
      source: { law: "Bank of Russia decision of 25 October 2024: 21 %", note: "Held until June 2025." },
    },
    {
      validFrom: "2025-06-09",
      rateBp: 2000,
      source: { law: "Bank of Russia decision of 6 June 2025: 20 %", verify: true },
    },
    {
      validFrom: "2025-07-28",
      rateBp: 1800,
      source: {
        law: "Bank of Russia decision of 25 July 2025: 18 %",
        url: "https://www.kommersant.ru/doc/8007766",
      },
    },
    {
      validFrom: "2025-09-15",
      rateBp: 1700,
      source: {
        law: "Bank of Russia decision of 12 September 2025: 17 %",
        url: "https://risk.econlib.ru/referat/new-stavka-refinansirovaniya-tsb-rf",
      },
    },
    {
      validFrom: "2025-10-27",
      rateBp: 1650,
      source: {
        law: "Bank of Russia decision of 24 October 2025: 16.5 %",
        note: "Confirmed by the December decision, which cut from 16.5 %.",
      },
    },
    {
      validFrom: "2025-12-22",
      rateBp: 1600,
      source: {
        law: "Bank of Russia decision of 19 December 2025: 16.5 % → 16 %",
        url: "https://www.kommersant.ru/doc/8312056",
      },
    },
    {
      validFrom: "2026-02-16",
      rateBp: 1550,
      source: {
        law: "Bank of Russia decision of 13 February 2026: 16 % → 15.5 %",
        url: "https://www.devdiscourse.com/article/business/3803999-update-1-russian-central-bank-cuts-key-rate-50-basis-points-to-155",
        note: "Confirmed by Russian press of 18 February 2026 (in force from 16 February); the next meeting was set for 20 March 2026.",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 1550,
      source: {
        law: "Bank of Russia key rate on 1 July 2026",
        verify: true,
        note:
          "Carried forward: no decision of the meetings from 20 March 2026 on was found. Each change must be " +
          "added dated the day it took effect; until then days from 20 March 2026 may be at a stale rate.",
      },
    },
  ],
};

const noRule = (what: string) => both(null, { law: `Russian law sets no ${what}` });

export const RUSSIA: JurisdictionTable = {
  jurisdiction: "RU",
  name: "Russia",
  currency: "RUB",
  versions: [
    {
      validFrom: "2017-01-01",
      rules: {
        maxReminderFee: both(null, {
          law: "No statutory reminder fee (Civil Code art. 395 covers interest, art. 15 proven losses)",
        }),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "Civil Code art. 395: consequences of late payment",
        }),
        maxFeeBearingReminders: noRule("number of reminders"),
        minDaysBetweenReminders: byType(
          { value: null, source: { law: "No statutory gap between reminders to businesses" } },
          {
            value: null,
            source: {
              law: "230-FZ art. 7 part 5: at most 2 messages a day, 4 a week, 16 a month",
              url: FSSP_230_FZ,
              note: "A ladder of a few emails a month stays far below these counts; no day gap is set.",
            },
          },
        ),
        finalNoticeDeadlineDays: byType(
          {
            value: 30,
            source: {
              law: "Arbitrazh Procedure Code art. 4 part 5: a claim between businesses goes to court only 30 calendar days after the pre-trial claim (претензия) was sent",
              note: "The final notice is that претензия, so the hand-over waits out its 30 days.",
            },
          },
          {
            value: null,
            source: {
              law: "Civil Procedure Code art. 132: no general pre-trial claim for individuals; 230-FZ sets none before collection",
            },
          },
        ),
        reminderFeeRequiresAgreement: both(false, { law: "No statutory rule on reminder fees" }),
        contactHours: byType(
          { value: null, source: { law: "230-FZ protects individuals only" } },
          {
            value: { weekdays: { start: "08:00", end: "22:00" }, weekends: { start: "09:00", end: "20:00" } },
            source: {
              law: "230-FZ art. 7 part 3 item 1 and part 5: no contact 22:00–08:00 on working days, 20:00–09:00 on weekends and holidays, debtor's local time",
              url: FSSP_230_FZ,
            },
          },
        ),
        statutoryInterest: both(
          { reference: BANK_OF_RUSSIA_KEY_RATE, marginBp: 0, dayBasis: "actual", fixing: "perPeriod" },
          {
            law: "Civil Code art. 395 item 1: the Bank of Russia key rate in force in each period",
            verify: true,
            note: "Not on top of a contractual penalty (art. 395 item 4). Actual days in the year (365/366), as the Supreme Court's practice; to verify.",
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "No statutory reminder fee, so no rule on which reminder bears one",
        }),
        interestFrom: both("dayAfterDue", {
          law: "Civil Code art. 395 item 1: interest for the delay in paying, from the day after the due date",
        }),
        finalNoticeDeadlineCounting: byType(
          {
            value: "fromSending",
            source: {
              law: "Arbitrazh Procedure Code art. 4 part 5: 30 calendar days from the day the claim (претензия) was sent",
            },
          },
          {
            value: "fromSending",
            source: { law: "No statutory notice period for individuals; counted from sending" },
          },
        ),
        collectionCosts: noRule("collection costs"),
        fixedCompensation: noRule("flat compensation for recovery costs"),
      },
    },
  ],
};
