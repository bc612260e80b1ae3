/**
 * Italy: D.Lgs. 231/2002 (commercial transactions: ECB rate + 8 pp, EUR 40) and, for consumers,
 * the legal rate of art. 1284 codice civile, owed from default by art. 1224.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";
import { ECB_MRO_HALF_YEARLY } from "./eu.ts";

const DLGS_231_ART5 =
  "https://notiziedellascuola.it/legislazione-e-dottrina/indice-cronologico/2002/ottobre/DLGS_20021009_231/art5";

/** The saggio degli interessi legali (art. 1284 c.c.), set yearly by decree of the MEF. */
export const TASSO_LEGALE: RateTable = {
  name: "Saggio degli interessi legali (art. 1284 c.c.)",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 200,
      source: {
        law: "D.M. MEF 10 December 2024: 2 % from 1 January 2025",
        url: "https://terredemilia.confcooperative.it/Opportunità/Gestire-limpresa/saggio-di-interesse-legale-all160-dal-112026",
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 160,
      source: {
        law: "D.M. MEF 10 December 2025 (G.U. n. 289, 13 December 2025): 1.6 % from 1 January 2026",
        url: "https://ntpluscondominio.ilsole24ore.com/art/nuova-misura-tasso-legale-interessi-AIQdXax",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 160,
      source: {
        law: "D.M. MEF 10 December 2025: 1.6 % for the whole of 2026",
        url: "https://ntpluscondominio.ilsole24ore.com/art/nuova-misura-tasso-legale-interessi-AIQdXax",
        note: "The rate is set for a calendar year; restated at mid-year so every table shows it was checked for the second half of 2026.",
      },
    },
  ],
};

const noRule = (what: string) => both(null, { law: `Italian law sets no ${what}` });

export const ITALY: JurisdictionTable = {
  jurisdiction: "IT",
  name: "Italy",
  currency: "EUR",
  versions: [
    {
      validFrom: "2013-01-01",
      rules: {
        maxReminderFee: both(null, {
          law: "No statutory reminder fee; costs beyond the EUR 40 only on proof (D.Lgs. 231/2002 art. 6)",
        }),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "art. 1224 c.c.: damages for delay run from default",
        }),
        maxFeeBearingReminders: noRule("number of reminders"),
        minDaysBetweenReminders: noRule("gap between reminders"),
        finalNoticeDeadlineDays: both(null, {
          law: "D.Lgs. 231/2002 art. 4: interest runs from the day after the due date without a formal notice",
        }),
        reminderFeeRequiresAgreement: both(false, { law: "No statutory rule on reminder fees" }),
        contactHours: noRule("contact hours"),
        statutoryInterest: byType(
          {
            value: { reference: ECB_MRO_HALF_YEARLY, marginBp: 800, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "D.Lgs. 231/2002 art. 5: ECB rate in force on 1 January / 1 July + 8 pp",
              url: DLGS_231_ART5,
            },
          },
          {
            value: { reference: TASSO_LEGALE, marginBp: 0, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "artt. 1224, 1284 c.c.: legal interest from default; money debts fall due at the creditor's domicile, so default needs no notice",
              verify: true,
            },
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "D.Lgs. 231/2002 art. 4; art. 1219 c.c.: default arises at the due date, so no reminder is needed to cause it",
        }),
        interestFrom: byType(
          {
            value: "dayAfterDue",
            source: {
              law: "D.Lgs. 231/2002 art. 4 c. 1: interest from the day after the payment date, without a formal notice",
            },
          },
          {
            value: "dayAfterDue",
            source: {
              law: "art. 1219 c. 2 n. 3 c.c.: default without notice for a debt payable at the creditor's domicile; art. 1182 c. 3: money debts are",
              verify: true,
            },
          },
        ),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "No statutory notice period; the tenant's days are counted from sending",
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
              law: "D.Lgs. 231/2002 art. 6 c. 2: EUR 40 in commercial transactions",
              verify: true,
              note: "Reduced by reminder fees charged, as Directive 2011/7/EU art. 6(3); the decree says 'salva la prova del maggior danno'.",
            },
          },
          { value: null, source: { law: "D.Lgs. 231/2002 art. 2: commercial transactions only" } },
        ),
      },
    },
  ],
};
