/**
 * Germany: BGB § 288 (interest and the EUR 40 flat sum), § 247 (Basiszinssatz). The BGB sets no
 * reminder fee: a creditor may claim the actual cost of a reminder sent once the debtor is in
 * default (§§ 280, 286), which is the tenant's to judge.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";

const BGB_288 = "https://www.gesetze-im-internet.de/bgb/__288.html";
const BGB_247 = "https://www.gesetze-im-internet.de/bgb/__247.html";
const BGB_286 = "https://www.gesetze-im-internet.de/bgb/__286.html";

/** The Basiszinssatz (§ 247 BGB), reset on 1 January and 1 July by the move of the ECB MRO rate. */
export const BASISZINSSATZ: RateTable = {
  name: "Basiszinssatz (§ 247 BGB)",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 227,
      source: {
        law: "Deutsche Bundesbank, Basiszinssatz from 1 January 2025",
        url: BGB_247,
        note: "3.37 % moved by the ECB MRO's fall from 4.25 % to 3.15 %: 2.27 %.",
      },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 127,
      source: {
        law: "Deutsche Bundesbank, Basiszinssatz from 1 July 2025",
        url: BGB_247,
        note: "Confirmed by the January 2026 announcement that it stays at 1.27 %.",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 127,
      source: {
        law: "Deutsche Bundesbank: Basiszinssatz zum 1. Januar 2026 bleibt unverändert bei 1,27 %",
        url: "https://state-of.biz/bbk/bekanntgabe-des-basiszinssatzes-zum-1-januar-2026-basiszinssatz-bleibt-unveraendert-bei-127",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 127,
      source: {
        law: "Deutsche Bundesbank, Basiszinssatz from 1 July 2026",
        verify: true,
        note: "Not found; unchanged as long as the ECB MRO rate stayed at 2.15 %.",
      },
    },
  ],
};

const noRule = (what: string) => both(null, { law: `BGB: no statutory ${what}`, url: BGB_286 });

export const GERMANY: JurisdictionTable = {
  jurisdiction: "DE",
  name: "Germany",
  currency: "EUR",
  versions: [
    {
      validFrom: "2014-07-29",
      rules: {
        maxReminderFee: both(null, {
          law: "§§ 280, 286 BGB: no statutory amount; only the actual cost of a reminder sent after default",
          url: BGB_286,
          note: "The reminder that puts the debtor in default cannot itself be charged; courts accept a few euros.",
        }),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "§ 286 BGB: damages for delay only once the debtor is late",
          url: BGB_286,
        }),
        maxFeeBearingReminders: noRule("number of reminders"),
        minDaysBetweenReminders: noRule("gap between reminders"),
        finalNoticeDeadlineDays: both(null, {
          law: "§ 286 Abs. 3 BGB: default arises 30 days after the invoice without a notice",
          url: BGB_286,
        }),
        reminderFeeRequiresAgreement: both(false, {
          law: "§§ 280, 286 BGB: damages for delay are owed by law",
          url: BGB_286,
        }),
        contactHours: noRule("contact hours"),
        statutoryInterest: byType(
          {
            value: { reference: BASISZINSSATZ, marginBp: 900, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "§ 288 Abs. 2 BGB: Basiszinssatz + 9 pp where no consumer is party",
              url: BGB_288,
            },
          },
          {
            value: { reference: BASISZINSSATZ, marginBp: 500, dayBasis: 365, fixing: "perPeriod" },
            source: { law: "§ 288 Abs. 1 BGB: Basiszinssatz + 5 pp", url: BGB_288 },
          },
        ),
        noFeeOnFirstReminder: both(true, {
          law: "§ 286 Abs. 1 BGB: the Mahnung puts the debtor in default; its own cost is no damage from a delay that had not begun",
          url: BGB_286,
          note: "Only reminders after the first that reached the debtor may carry a fee (§§ 280 Abs. 2, 286 BGB).",
        }),
        interestFrom: byType(
          {
            value: "dayAfterDue",
            source: {
              law: "§ 286 Abs. 2 Nr. 1 BGB: default without a Mahnung on a payment date fixed by the calendar",
              url: BGB_286,
              verify: true,
              note: "Assumes the due date was agreed. A term only printed on the invoice puts a business in default 30 days after receipt (§ 286 Abs. 3).",
            },
          },
          {
            value: "dayAfterFirstReminder",
            source: {
              law: "§ 286 Abs. 1, Abs. 3 Satz 1 Halbsatz 2 BGB: a consumer is in default on a Mahnung, or after 30 days only if the invoice said so",
              url: BGB_286,
              note: "dun cannot show the invoice said so, so interest runs from the day after the first reminder reached the debtor.",
            },
          },
        ),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "BGB: no notice period before collection; the tenant's days are counted from sending",
          url: BGB_286,
        }),
        collectionCosts: noRule("collection costs as a share of the debt"),
        fixedCompensation: byType(
          {
            value: {
              currency: "EUR",
              tiers: [{ fromPrincipal: 0, amount: 4000 }],
              deductsReminderFees: true,
            },
            source: {
              law: "§ 288 Abs. 5 BGB: EUR 40 flat sum where the debtor is not a consumer",
              url: BGB_288,
              note: "§ 288 Abs. 5 Satz 3: counted against damages for costs of pursuing the claim, so reduced by reminder fees charged.",
            },
          },
          {
            value: null,
            source: { law: "§ 288 Abs. 5 BGB: not where the debtor is a consumer", url: BGB_288 },
          },
        ),
      },
    },
  ],
};
