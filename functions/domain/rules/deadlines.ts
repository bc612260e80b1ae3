/**
 * The pay-by date a final notice states. The period is the longer of the tenant's and the law's,
 * counted the way the debtor's country counts it: from the day the notice is sent (NO inkassoloven
 * § 9, RU АПК ст. 4), or from the day after the debtor received it (NL art. 6:96 lid 6 BW).
 */
import { addDays, type IsoDate } from "#domain/calendar/iso-date.ts";
import type { CustomerType } from "#domain/vocabulary.ts";
import { customerRulesFor, type Source } from "./country-rules.ts";

/**
 * Days between sending an email and the day dun takes it as received, where the law counts from
 * receipt. An email sent in the debtor's business hours arrives that day, but the law asks for the
 * debtor to have it: presuming the next day makes the stated date later, never a day short.
 */
export const PRESUMED_RECEIPT_DAYS_AFTER_SENDING = 1;

export type FinalNoticeDeadline = {
  /** The last day to pay, as the email states it. */
  deadline: IsoDate;
  /** The period in days, the longer of the tenant's and the law's. */
  days: number;
  counting: "fromSending" | "fromDayAfterReceipt";
  source: Source;
};

export function finalNoticeDeadline(input: {
  country: string;
  customerType: CustomerType;
  sendDate: IsoDate;
  /** The stage's own deadlineDays from the policy. */
  policyDays: number | undefined;
}): FinalNoticeDeadline | undefined {
  const rules = customerRulesFor(input.country, input.customerType, input.sendDate);
  const days = Math.max(input.policyDays ?? 0, rules.finalNoticeDeadlineDays.value ?? 0);
  if (days <= 0) return undefined;
  const counting = rules.finalNoticeDeadlineCounting.value;
  // Counted from the day after receipt, the period's first day is receipt + 1, so its last is receipt + days.
  const start =
    counting === "fromDayAfterReceipt"
      ? addDays(input.sendDate, PRESUMED_RECEIPT_DAYS_AFTER_SENDING)
      : input.sendDate;
  return {
    deadline: addDays(start, days),
    days,
    counting,
    source: rules.finalNoticeDeadlineCounting.source,
  };
}
