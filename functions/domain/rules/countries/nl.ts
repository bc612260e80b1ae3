/**
 * The Netherlands: Burgerlijk Wetboek Boek 6 — art. 6:96 (collection costs; for consumers only after
 * a veertiendagenbrief, lid 6), art. 6:119a (wettelijke handelsrente), art. 6:119 (wettelijke rente)
 * — and the Besluit vergoeding voor buitengerechtelijke incassokosten (BIK), which fixes the
 * collection costs as a staffel on the principal.
 */
import { both, byType, type JurisdictionTable } from "../rule-schema.ts";
import { ECB_MRO_HALF_YEARLY } from "./eu.ts";

const BIK = "https://zoek.officielebekendmakingen.nl/stb-2012-141.html";

export const NETHERLANDS: JurisdictionTable = {
  jurisdiction: "NL",
  name: "Netherlands",
  currency: "EUR",
  versions: [
    {
      validFrom: "2012-07-01",
      rules: {
        maxReminderFee: byType(
          {
            value: null,
            source: {
              law: "art. 6:96 lid 2 sub c BW: reasonable extrajudicial costs; no amount per reminder",
              note: "Reminder fees are collection costs, so they are counted against the EUR 40 (see fixedCompensation).",
            },
          },
          {
            value: { amount: 0, currency: "EUR" },
            source: {
              law: "art. 6:96 lid 6 BW; BIK art. 2: a consumer owes collection costs only as the BIK amount, and only after the veertiendagenbrief has run out",
              note: "A reminder fee is such a cost: none on any reminder.",
            },
          },
        ),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "art. 6:96 lid 2 sub c BW: costs to obtain payment of a debt already due",
        }),
        maxFeeBearingReminders: byType(
          { value: null, source: { law: "art. 6:96 BW: no count of reminders" } },
          {
            value: 0,
            source: {
              law: "art. 6:96 lid 6 BW: no collection costs before the 14-day letter has run out",
            },
          },
        ),
        minDaysBetweenReminders: both(null, { law: "BW: no gap between reminders" }),
        finalNoticeDeadlineDays: byType(
          {
            value: null,
            source: { law: "art. 6:96 lid 6 BW binds consumers only; no notice is needed for a business" },
          },
          {
            value: 14,
            source: {
              law: "art. 6:96 lid 6 BW (veertiendagenbrief): 14 days to pay, beginning the day after receipt, stating the collection costs that will be charged",
              note: "A letter giving 14 days from its own date is no valid veertiendagenbrief: the days run from the day after receipt.",
            },
          },
        ),
        reminderFeeRequiresAgreement: both(false, {
          law: "art. 6:96 BW: collection costs are owed by law",
        }),
        contactHours: both(null, { law: "BW: no contact hours for written reminders" }),
        statutoryInterest: byType(
          {
            value: { reference: ECB_MRO_HALF_YEARLY, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "art. 6:119a, 6:120 lid 2 BW: wettelijke handelsrente, the ECB rate of the last main refinancing operation before 1 January / 1 July + 8 pp",
              note: "The law adds interest to the principal yearly (6:119a lid 3); dun claims simple interest, which is never more.",
            },
          },
          {
            value: null,
            source: {
              law: "art. 6:119 BW: wettelijke rente, set half-yearly by the Besluit vaststelling wettelijke rente",
              verify: true,
              note:
                "7 % from 1 January 2024 is the last rate confirmed (e-justice.europa.eu, interest rates, Netherlands). The rates from 2025 on were not, " +
                "and a stale rate could be above the law's, so dun claims no consumer interest until they are added.",
            },
          },
        ),
        fixedCompensation: byType(
          {
            value: {
              currency: "EUR",
              tiers: [{ fromPrincipal: 0, amount: 4000 }],
              deductsReminderFees: true,
            },
            source: {
              law: "art. 6:96 lid 4 BW; BIK art. 2 lid 2: at least EUR 40 in a commercial transaction",
              note: "The BIK staffel may give more; dun claims the minimum, which never over-claims. Reminder fees are part of it.",
            },
          },
          {
            value: null,
            source: {
              law: "art. 6:96 lid 6 BW: a consumer owes the BIK amount instead (see collectionCosts)",
            },
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "art. 6:96 BW: no rule on the first reminder (consumers owe no reminder fee at all)",
        }),
        interestFrom: byType(
          {
            value: "dayAfterDue",
            source: {
              law: "art. 6:119a lid 1 BW: from the day after the agreed payment date, without a notice",
            },
          },
          {
            value: "dayAfterFirstReminder",
            source: {
              law: "art. 6:119, 6:81–6:83 BW: wettelijke rente over the time in default, which without a fatal term needs an ingebrekestelling",
            },
          },
        ),
        finalNoticeDeadlineCounting: byType(
          {
            value: "fromSending",
            source: { law: "No notice period for a business; the tenant's days are counted from sending" },
          },
          {
            value: "fromDayAfterReceipt",
            source: {
              law: "art. 6:96 lid 6 BW: the 14 days begin on the day after the debtor received the notice",
              note: "dun presumes an email is received the day after it is sent, so the date it states is never a day short.",
            },
          },
        ),
        collectionCosts: byType(
          {
            value: null,
            source: {
              law: "BIK art. 2 is aanvullend recht between businesses; dun claims the EUR 40 minimum instead",
              url: BIK,
            },
          },
          {
            value: {
              currency: "EUR",
              bands: [
                { upTo: 250_000, rateBp: 1500 },
                { upTo: 500_000, rateBp: 1000 },
                { upTo: 1_000_000, rateBp: 500 },
                { upTo: 20_000_000, rateBp: 100 },
                { upTo: null, rateBp: 50 },
              ],
              minimum: 4000,
              maximum: 677_500,
            },
            source: {
              law: "Besluit vergoeding voor buitengerechtelijke incassokosten art. 2 lid 1–2 (Stb. 2012, 141): 15 % of the first EUR 2,500, 10 % of the next 2,500, 5 % of the next 5,000, 1 % of the next 190,000, 0.5 % above; at least EUR 40, at most EUR 6,775",
              url: BIK,
              note: "Exclusive of BTW: art. 2 lid 3 adds it only where the creditor cannot deduct VAT, which a business tenant can.",
            },
          },
        ),
      },
    },
  ],
};
