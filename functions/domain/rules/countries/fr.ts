/**
 * France: code de commerce art. L441-10 (between businesses: ECB rate + 10 points and the EUR 40
 * indemnité forfaitaire, art. D441-5), code civil art. 1231-6 and code monétaire et financier
 * art. L313-2 (the taux de l'intérêt légal, set each half-year), and code des procédures civiles
 * d'exécution art. L111-8, which leaves recovery costs without an enforceable title with the creditor.
 * The table begins on the Directive 2011/7/EU transposition date, as the EU default does.
 */
import { both, byType, type JurisdictionTable, type RateTable } from "../rule-schema.ts";
import { ECB_MRO_HALF_YEARLY } from "./eu.ts";

const TAUX_2025 =
  "https://www.laclef.eu/index.php/actualites/banque/taux-de-l-interet-legal-au-1er-semestre-2026";

/**
 * The taux de l'intérêt légal "pour tous les autres cas" (art. L313-2 CMF): the rate where the
 * creditor is not a private person, as every dun tenant is a business. Set by arrêté each half-year.
 */
export const TAUX_INTERET_LEGAL: RateTable = {
  name: "Taux de l'intérêt légal, autres cas (art. L313-2 CMF), half-yearly",
  entries: [
    {
      validFrom: "2025-01-01",
      rateBp: 371,
      source: { law: "Arrêté for the first half of 2025: 3.71 % (autres cas)", url: TAUX_2025 },
    },
    {
      validFrom: "2025-07-01",
      rateBp: 276,
      source: {
        law: "Arrêté ECOT2516925A of 19 June 2025 (JO of 24 June 2025): 2.76 % (autres cas) for the second half of 2025",
        url: TAUX_2025,
      },
    },
    {
      validFrom: "2026-01-01",
      rateBp: 262,
      source: {
        law: "Arrêté du 15 décembre 2025 (JORF n° 0302 of 26 December 2025) art. 1 2°: 2.62 % for the first half of 2026",
        url: "https://juriblio.fr/arretes/arrete-du-15-decembre-2025/187383136",
      },
    },
    {
      validFrom: "2026-07-01",
      rateBp: 262,
      source: {
        law: "Taux de l'intérêt légal for the second half of 2026",
        verify: true,
        note: "The arrêté of June 2026 was not found; the first-half rate is carried forward.",
      },
    },
  ],
};

export const FRANCE: JurisdictionTable = {
  jurisdiction: "FR",
  name: "France",
  currency: "EUR",
  versions: [
    {
      validFrom: "2013-03-16",
      rules: {
        maxReminderFee: byType(
          {
            value: { amount: 0, currency: "EUR" },
            source: {
              law: "code de commerce art. L441-10 II: the EUR 40 indemnité forfaitaire covers recovery costs; more only on proof",
              note: "A flat reminder fee is no proven cost, so none is charged; the EUR 40 is claimed instead.",
            },
          },
          {
            value: { amount: 0, currency: "EUR" },
            source: {
              law: "code des procédures civiles d'exécution art. L111-8 al. 2: recovery costs without an enforceable title stay with the creditor",
            },
          },
        ),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "code de commerce art. L441-10 II: costs of a late payment arise after the payment date",
        }),
        maxFeeBearingReminders: byType(
          {
            value: 0,
            source: { law: "code de commerce art. L441-10 II: the EUR 40 instead of reminder fees" },
          },
          { value: 0, source: { law: "CPCE art. L111-8 al. 2: no recovery costs charged to the debtor" } },
        ),
        minDaysBetweenReminders: both(null, { law: "French law sets no gap between reminders" }),
        finalNoticeDeadlineDays: both(null, {
          law: "code civil art. 1344: a mise en demeure needs no minimum period to pay",
        }),
        reminderFeeRequiresAgreement: both(false, {
          law: "No reminder fee may be charged at all (see maxReminderFee)",
        }),
        contactHours: both(null, { law: "French law sets no contact hours for written reminders" }),
        statutoryInterest: byType(
          {
            value: { reference: ECB_MRO_HALF_YEARLY, marginBp: 1000, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "code de commerce art. L441-10 II: the ECB rate of its latest refinancing operation + 10 points, the rate of 1 January for the first half-year and of 1 July for the second",
              note: "The minimum rate where the terms set none; the terms may set a higher one (at least three times the taux légal).",
            },
          },
          {
            value: { reference: TAUX_INTERET_LEGAL, marginBp: 0, dayBasis: 365, fixing: "perPeriod" },
            source: {
              law: "code civil art. 1231-6: interest at the taux légal from the mise en demeure; code monétaire et financier art. L313-2",
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
              law: "code de commerce art. L441-10 II, art. D441-5: indemnité forfaitaire pour frais de recouvrement of EUR 40",
            },
          },
          {
            value: null,
            source: { law: "code de commerce art. L441-10: between professionals only" },
          },
        ),
        noFeeOnFirstReminder: both(false, {
          law: "No reminder fee may be charged at all (see maxReminderFee)",
        }),
        interestFrom: byType(
          {
            value: "dayAfterDue",
            source: {
              law: "code de commerce art. L441-10 II: pénalités due from the day after the payment date, without a reminder",
            },
          },
          {
            value: "dayAfterFirstReminder",
            source: {
              law: "code civil art. 1231-6 al. 1: interest from the mise en demeure; art. 1344: a letter that calls on the debtor to pay suffices",
              verify: true,
              note: "Whether an emailed reminder is a mise en demeure was not confirmed; the first reminder that reached the debtor is taken as one.",
            },
          },
        ),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "No statutory notice period; the tenant's days are counted from sending",
        }),
        collectionCosts: both(null, {
          law: "CPCE art. L111-8: no collection costs as a share of the debt without an enforceable title",
        }),
      },
    },
  ],
};
