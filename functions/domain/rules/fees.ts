/**
 * What a reminder may cost: the tenant's fee for the stage, lowered to what the debtor's country
 * allows on the day the reminder is sent. When a rule lowers the fee, the answer names it, so the
 * owner can see why a reminder charged less than the policy said.
 */
import { daysBetween, type IsoDate } from "#domain/calendar/iso-date.ts";
import type { CustomerType } from "#domain/vocabulary.ts";
import { customerRulesFor, type RuleName } from "./country-rules.ts";

export type ReminderFeeInput = {
  country: string;
  customerType: CustomerType;
  /** The invoice's currency: the fee is charged in it, or not at all. */
  currency: string;
  /** The stage's fee map from the policy, minor units by currency. */
  policyFees?: Record<string, number>;
  dueDate: IsoDate;
  sendDate: IsoDate;
  /** Reminders after the due date that reached the debtor before this one, with or without a fee. */
  remindersSoFar: number;
  /** Reminders for this invoice that already charged a fee. */
  feeBearingRemindersSoFar: number;
  /** When the last of those was sent; where known, the statutory gap between fees is kept too. */
  lastFeeBearingReminderDate?: IsoDate;
  /** The debtor agreed to reminder fees no later than when the debt arose (SE). */
  feeAgreedInContract: boolean;
};

export type ReminderFee = { amount: number; currency: string; limitedBy?: RuleName };

export function reminderFee(input: ReminderFeeInput): ReminderFee {
  const asked = input.policyFees?.[input.currency] ?? 0;
  const none = (limitedBy: RuleName): ReminderFee => ({ amount: 0, currency: input.currency, limitedBy });
  if (asked <= 0) return { amount: 0, currency: input.currency };

  const rules = customerRulesFor(input.country, input.customerType, input.sendDate);
  if (rules.reminderFeeRequiresAgreement.value && !input.feeAgreedInContract) {
    return none("reminderFeeRequiresAgreement");
  }
  if (daysBetween(input.dueDate, input.sendDate) < rules.reminderFeeNotBeforeDaysAfterDue.value) {
    return none("reminderFeeNotBeforeDaysAfterDue");
  }
  // The reminder that puts the debtor in default cannot itself be a cost of the default (DE).
  if (rules.noFeeOnFirstReminder.value && input.remindersSoFar === 0) return none("noFeeOnFirstReminder");
  const maxCount = rules.maxFeeBearingReminders.value;
  if (maxCount !== null && input.feeBearingRemindersSoFar >= maxCount) return none("maxFeeBearingReminders");
  const gap = rules.minDaysBetweenReminders.value;
  if (gap && input.lastFeeBearingReminderDate) {
    if (daysBetween(input.lastFeeBearingReminderDate, input.sendDate) < gap.days)
      return none("minDaysBetweenReminders");
  }

  const cap = rules.maxReminderFee.value;
  if (cap === null) return { amount: asked, currency: input.currency };
  // A cap in another currency cannot be compared without an exchange rate, and dun never converts:
  // it could not show the fee was lawful, so it charges none.
  if (cap.currency !== input.currency) return none("maxReminderFee");
  if (asked > cap.amount)
    return { amount: cap.amount, currency: input.currency, limitedBy: "maxReminderFee" };
  return { amount: asked, currency: input.currency };
}
