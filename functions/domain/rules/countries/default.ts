/**
 * For a debtor in a country dun has no table for (and that is not in the EU): claim nothing the
 * law has not been shown to give, and limit nothing it has not been shown to limit. No statutory
 * interest and no compensation are added; a reminder fee is charged only as the tenant set it,
 * and only after the due date.
 */
import { both, type JurisdictionTable } from "../rule-schema.ts";

const unknown = (what: string) =>
  both(null, {
    law: `dun's conservative default: no ${what} is known to dun for this country`,
    note: "Add a table in functions/domain/rules/countries/ to change this.",
  });

export const DEFAULT_RULES: JurisdictionTable = {
  jurisdiction: "default",
  name: "Default (no country table)",
  currency: null,
  versions: [
    {
      validFrom: "1970-01-01",
      rules: {
        maxReminderFee: unknown("cap on reminder fees; the tenant's fee stands"),
        reminderFeeNotBeforeDaysAfterDue: both(1, {
          law: "dun's conservative default: a reminder fee is for a late payment, so never on or before the due date",
        }),
        maxFeeBearingReminders: unknown("limit on fee-bearing reminders"),
        minDaysBetweenReminders: unknown("statutory gap between reminders"),
        finalNoticeDeadlineDays: unknown("statutory notice period"),
        reminderFeeRequiresAgreement: both(false, {
          law: "dun's conservative default: the tenant answers for the fees it sets",
        }),
        contactHours: unknown("statutory contact hours; the tenant's business hours apply"),
        statutoryInterest: unknown("statutory interest rate, so none is claimed"),
        noFeeOnFirstReminder: both(false, {
          law: "dun's conservative default: no rule on the first reminder is known to dun for this country",
        }),
        interestFrom: both("dayAfterDue", {
          law: "dun's conservative default: no statutory interest is claimed, so when it would start is moot",
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "dun's conservative default: no statutory notice period; the tenant's days are counted from sending",
        }),
        collectionCosts: unknown("statutory collection costs, so none are claimed"),
        fixedCompensation: unknown("statutory compensation, so none is claimed"),
      },
    },
  ],
};
