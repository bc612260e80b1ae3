/**
 * United States: no federal rule on reminder fees or late-payment interest between private parties;
 * both are state law and contract. The one federal line kept is the FDCPA's contact hours for
 * consumers: it binds third-party collectors, but several states (California's Rosenthal Act)
 * extend it to creditors, and keeping to it costs nothing.
 */
import { both, byType, type JurisdictionTable } from "../rule-schema.ts";

const FDCPA_805 = "https://www.law.cornell.edu/uscode/text/15/1692c";
const stateLaw = (what: string) =>
  both(null, {
    law: `No federal ${what}; state law and the contract decide`,
    note: "dun claims nothing it cannot prove.",
  });

export const UNITED_STATES: JurisdictionTable = {
  jurisdiction: "US",
  name: "United States",
  currency: "USD",
  versions: [
    {
      validFrom: "1978-03-20",
      rules: {
        maxReminderFee: stateLaw("cap on reminder fees"),
        reminderFeeNotBeforeDaysAfterDue: both(1, { law: "A late fee is for a debt already late" }),
        maxFeeBearingReminders: stateLaw("limit on fee-bearing reminders"),
        minDaysBetweenReminders: stateLaw("gap between reminders"),
        finalNoticeDeadlineDays: stateLaw("notice period before collection"),
        reminderFeeRequiresAgreement: both(false, {
          law: "No federal rule; state law and the contract decide",
        }),
        contactHours: byType(
          { value: null, source: { law: "FDCPA protects consumers only", url: FDCPA_805 } },
          {
            value: { weekdays: { start: "08:00", end: "21:00" }, weekends: { start: "08:00", end: "21:00" } },
            source: {
              law: "FDCPA § 805(a)(1), 15 U.S.C. § 1692c(a)(1): not before 8 a.m. or after 9 p.m. at the consumer's location",
              url: FDCPA_805,
            },
          },
        ),
        statutoryInterest: stateLaw("statutory late-payment interest"),
        noFeeOnFirstReminder: both(false, {
          law: "No federal rule on which reminder may bear a fee; state law and the contract decide",
        }),
        interestFrom: both("dayAfterDue", {
          law: "No federal statutory interest is claimed, so when it would start is moot",
        }),
        finalNoticeDeadlineCounting: both("fromSending", {
          law: "No federal notice period; the tenant's days are counted from sending",
        }),
        collectionCosts: stateLaw("collection costs"),
        fixedCompensation: stateLaw("flat compensation"),
      },
    },
  ],
};
