/**
 * Where a reminder is decided. Given an invoice, its tenant's policy and the current time, the
 * ladder says what happens next and when: send a stage (or an installment reminder) at a business
 * moment in the debtor's zone, wake up when a pause ends or a promise falls due, or nothing.
 *
 * The decision is recomputed, never remembered: the sender asks again right before it sends, so
 * a payment that arrived a second earlier stops the email.
 */
import { type BusinessCalendar, nextBusinessTime } from "#domain/calendar/business-time.ts";
import { HolidaysNotTabled } from "#domain/calendar/holidays.ts";
import { addDays, daysBetween, type IsoDate, maxDate } from "#domain/calendar/iso-date.ts";
import { instantAt, localDateOf } from "#domain/calendar/zoned-time.ts";
import {
  countedStages,
  DELIVERY_PRESUMED_AFTER_MS,
  isDelivered,
  retryNotBefore,
} from "#domain/invoice/delivery.ts";
import { type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import type { SendBlocked } from "#domain/invoice/send-blocked.ts";
import type { Money } from "#domain/money/money.ts";
import { rulesFor } from "#domain/rules/country-rules.ts";
import { finalNoticeDeadline } from "#domain/rules/deadlines.ts";
import { reminderFee } from "#domain/rules/fees.ts";
import { fixedCompensation, statutoryCollectionCosts, statutoryInterest } from "#domain/rules/interest.ts";
import { STAGES, type Stage } from "#domain/vocabulary.ts";
import { type Ladder, ladderFor, type Policy } from "./policy.ts";

/** How many days overdue an invoice must be before the account manager is told by default. */
export const ACCOUNT_MANAGER_DEFAULT_DAYS_OVERDUE = 7;

export type StageStep = {
  type: "stage";
  stage: Stage;
  template: string;
  fee: Money;
  /** The fee is lower than the policy asked for because of this country rule. */
  feeLimitedBy?: string;
  interest: Money;
  /**
   * The fixed recovery compensation the law gives a business creditor (claimed by the stages that
   * claim statutory interest), as it stands after this stage: where the law counts reminder fees
   * against it, they are already taken off.
   */
  compensation: Money;
  /** The pay-by date the email states, where the stage gives one; never before the day it is sent. */
  deadline?: IsoDate;
  /** The final notice: the collection costs the law lets it state, owed if its deadline passes unpaid. */
  collectionCosts?: Money;
  /** The hand-over: the deadline the final notice stated, which passed unpaid. */
  finalNoticeDeadline?: IsoDate;
  notifyAccountManager: boolean;
};

/**
 * The pay-by period of a stage whose email asks for payment by a date when the policy names none:
 * the second reminder states one, as the final notice must (the law or the policy sets that one).
 */
export const DEFAULT_DEADLINE_DAYS: Partial<Record<Stage, number>> = { reminder_2: 10 };

function deadlineDaysOf(
  stage: Stage,
  policyDays: number | undefined,
  sendDate: IsoDate,
): IsoDate | undefined {
  const days = policyDays ?? DEFAULT_DEADLINE_DAYS[stage];
  return days ? addDays(sendDate, days) : undefined;
}

export type InstallmentStep = {
  type: "installment";
  template: "payment_plan_installment";
  installment: number;
  dueDate: IsoDate;
  amount: Money;
};

export type Step = StageStep | InstallmentStep;

export type NoActionReason =
  | "paid"
  | "cancelled"
  | "written_off"
  | "disputed"
  | "contact_failed"
  | "in_collection"
  | "ladder_complete"
  /** Its next moment falls in a year the holiday table does not reach (see decideNextAction). */
  | "beyond_holiday_table";

export type WakeReason = "pause_ends" | "promise_due" | "installment_overdue" | "awaiting_delivery";

export type NextAction =
  | { kind: "none"; reason: NoActionReason }
  /** `blocked`: SES would not send it lately (its rate, its quota, the account); `at` is after the backoff. */
  | { kind: "send"; at: Date; step: Step; blocked?: SendBlocked }
  /** Nothing to send, but the invoice changes by itself at `at` (see applyDueTransitions). */
  | { kind: "wake"; at: Date; reason: WakeReason };

export function businessCalendarOf(invoice: Invoice, policy: Policy): BusinessCalendar {
  return {
    timeZone: invoice.customer.timeZone,
    country: invoice.customer.country,
    hours: policy.businessHours,
  };
}

function minutesOf(clock: string): number {
  const [hours = 0, minutes = 0] = clock.split(":").map(Number);
  return hours * 60 + minutes;
}

function later(a: Date, b: Date): Date {
  return a.getTime() >= b.getTime() ? a : b;
}

/** The first business moment on or after the start of `date` in the debtor's zone, and not before now. */
function businessMomentFrom(date: IsoDate, calendar: BusinessCalendar, now: Date): Date {
  const opening = instantAt(date, minutesOf(calendar.hours.start), calendar.timeZone);
  return nextBusinessTime(later(opening, now), calendar);
}

/** The moment a calendar day begins in the debtor's zone: when a pause ends or a promise lapses. */
function startOfDay(date: IsoDate, calendar: BusinessCalendar): Date {
  return instantAt(date, 0, calendar.timeZone);
}

/**
 * What happens next. An invoice whose next business moment lies past the holiday table's last year
 * (a due date late in that year, or one stored before such dates were refused at the API) has
 * nothing to schedule, and says so, rather than throwing in every handler that asks about it: the
 * sender, the events, every API answer. It is asked again whenever it changes, so a deploy with a
 * longer table and any change to it (a re-upload does) put it back on the ladder.
 */
export function decideNextAction(invoice: Invoice, policy: Policy, now: Date): NextAction {
  try {
    return decideWithBackoff(invoice, policy, now);
  } catch (error) {
    if (error instanceof HolidaysNotTabled) return { kind: "none", reason: "beyond_holiday_table" };
    throw error;
  }
}

function decideWithBackoff(invoice: Invoice, policy: Policy, now: Date): NextAction {
  const action = decideAsIfUnblocked(invoice, policy, now);
  const blocked = invoice.sendBlocked;
  if (action.kind !== "send" || blocked === undefined) return action;
  const retryAt = new Date(blocked.retryAt);
  if (retryAt.getTime() <= action.at.getTime()) return { ...action, blocked };
  // Not before the backoff ends, and then as the ladder would decide at that moment.
  const later = decideAsIfUnblocked(invoice, policy, retryAt);
  return later.kind === "send" ? { ...later, blocked } : later;
}

function decideAsIfUnblocked(invoice: Invoice, policy: Policy, now: Date): NextAction {
  const calendar = businessCalendarOf(invoice, policy);
  switch (invoice.status) {
    case "paid":
    case "cancelled":
    case "written_off":
    case "disputed":
    case "contact_failed":
      return { kind: "none", reason: invoice.status };
    case "collection":
      return { kind: "none", reason: "in_collection" };
    case "paused":
      return {
        kind: "wake",
        at: startOfDay(invoice.pausedUntil ?? invoice.dueDate, calendar),
        reason: "pause_ends",
      };
    case "promised": {
      const lapses = addDays(invoice.promisedDate ?? invoice.dueDate, policy.promiseGraceDays + 1);
      return { kind: "wake", at: startOfDay(lapses, calendar), reason: "promise_due" };
    }
    case "payment_plan":
      return decideInstallment(invoice, policy, calendar, now);
    case "open":
    case "partially_paid":
      return decideStage(invoice, policy, calendar, now);
  }
}

function nextStageOf(invoice: Invoice, ladder: Ladder, today: IsoDate): Stage | undefined {
  const last = countedStages(invoice).at(-1);
  const from = last ? STAGES.indexOf(last.stage) + 1 : 0;
  return STAGES.slice(from).find(
    // A heads-up "before the due date" makes no sense once the due date has come.
    (stage) => ladder[stage] !== undefined && !(stage === "courtesy" && today >= invoice.dueDate),
  );
}

function decideStage(invoice: Invoice, policy: Policy, calendar: BusinessCalendar, now: Date): NextAction {
  const { customer } = invoice;
  const ladder = ladderFor(policy, customer.country, customer.type);
  const today = localDateOf(now, calendar.timeZone);
  const stage = nextStageOf(invoice, ladder, today);
  const stagePolicy = stage && ladder[stage];
  if (!stage || !stagePolicy) return { kind: "none", reason: "ladder_complete" };

  const rules = rulesFor(customer.country, today)[customer.type];
  // Only stages that reached the debtor count: a bounced reminder is no reminder.
  const counted = countedStages(invoice);
  const last = counted.at(-1);
  let earliest = addDays(invoice.dueDate, stagePolicy.offsetDays);

  // A broken promise escalates at once: the next stage does not wait for its offset.
  if (invoice.promiseBrokenAt && (!last || last.at < invoice.promiseBrokenAt)) {
    const brokenOn = localDateOf(new Date(invoice.promiseBrokenAt), calendar.timeZone);
    if (brokenOn < earliest) earliest = brokenOn;
  }
  if (last) {
    // A statutory gap that binds only fee-bearing reminders is kept by the fee rule instead:
    // a reminder sent sooner is lawful but free.
    const statutoryGap = rules.minDaysBetweenReminders.value;
    const gap = Math.max(
      policy.minDaysBetweenReminders,
      statutoryGap?.between === "allReminders" ? statutoryGap.days : 0,
    );
    earliest = maxDate(earliest, addDays(localDateOf(new Date(last.at), calendar.timeZone), gap));
  }
  // An attempt at this stage that soft-bounced goes again, but not at once.
  const retry = retryNotBefore(invoice, stage);
  if (retry) earliest = maxDate(earliest, localDateOf(retry, calendar.timeZone));
  if (stage === "collection") {
    const noticed = counted.find((sent) => sent.stage === "final_notice");
    // The hand-over waits until the day after the deadline the final notice stated.
    if (noticed?.deadline) earliest = maxDate(earliest, addDays(noticed.deadline, 1));
  }

  const at = businessMomentFrom(earliest, calendar, now);
  // The next stage waits until the last one has reached the debtor (or could have: see delivery.ts).
  if (last && !isDelivered(last, at)) {
    return {
      kind: "wake",
      at: new Date(Date.parse(last.at) + DELIVERY_PRESUMED_AFTER_MS),
      reason: "awaiting_delivery",
    };
  }
  const sendDate = localDateOf(at, calendar.timeZone);
  const afterDue = sendDate > invoice.dueDate;
  const remindersAfterDue = counted.filter((sent) => sent.stage !== "courtesy");
  const feeBearing = counted.filter((sent) => sent.fee > 0);
  const lastFeeBearing = feeBearing.at(-1);
  const fee = afterDue
    ? reminderFee({
        country: customer.country,
        customerType: customer.type,
        currency: invoice.currency,
        policyFees: stagePolicy.fee,
        dueDate: invoice.dueDate,
        sendDate,
        remindersSoFar: remindersAfterDue.length,
        feeBearingRemindersSoFar: feeBearing.length,
        lastFeeBearingReminderDate:
          lastFeeBearing && localDateOf(new Date(lastFeeBearing.at), calendar.timeZone),
        feeAgreedInContract: invoice.reminderFeeAgreed,
      })
    : { amount: 0, currency: invoice.currency };
  const interest = stagePolicy.interest
    ? statutoryInterest({
        country: customer.country,
        customerType: customer.type,
        currency: invoice.currency,
        principal: invoice.amount,
        dueDate: invoice.dueDate,
        asOf: sendDate,
        payments: invoice.payments,
        firstReminderDate:
          remindersAfterDue[0] && localDateOf(new Date(remindersAfterDue[0].at), calendar.timeZone),
      })
    : { amount: 0, currency: invoice.currency };
  const deadline =
    stage === "final_notice"
      ? finalNoticeDeadline({
          country: customer.country,
          customerType: customer.type,
          sendDate,
          policyDays: stagePolicy.deadlineDays,
        })?.deadline
      : deadlineDaysOf(stage, stagePolicy.deadlineDays, sendDate);
  const daysOverdue = daysBetween(invoice.dueDate, sendDate);
  const feesCharged = counted.reduce((sum, sent) => sum + sent.fee, 0) + fee.amount;
  const compensation =
    stagePolicy.interest && afterDue
      ? fixedCompensation({
          country: customer.country,
          customerType: customer.type,
          currency: invoice.currency,
          principal: invoice.amount,
          on: sendDate,
          reminderFeesCharged: feesCharged,
        })
      : null;
  const finalNotice = counted.find((sent) => sent.stage === "final_notice");
  const collectionCosts =
    stage === "final_notice"
      ? statutoryCollectionCosts({
          country: customer.country,
          customerType: customer.type,
          currency: invoice.currency,
          principal: outstandingOf(invoice),
          on: sendDate,
        })
      : null;

  return {
    kind: "send",
    at,
    step: {
      type: "stage",
      stage,
      template: stagePolicy.template ?? stage,
      fee: { amount: fee.amount, currency: invoice.currency },
      feeLimitedBy: "limitedBy" in fee ? fee.limitedBy : undefined,
      interest: { amount: interest.amount, currency: invoice.currency },
      compensation: { amount: compensation?.amount ?? 0, currency: invoice.currency },
      deadline,
      collectionCosts:
        collectionCosts && collectionCosts.amount > 0
          ? { amount: collectionCosts.amount, currency: invoice.currency }
          : undefined,
      finalNoticeDeadline: stage === "collection" ? finalNotice?.deadline : undefined,
      // Once per invoice: the manager knows from the first note on.
      notifyAccountManager:
        customer.accountManagerEmail !== undefined &&
        invoice.accountManagerToldAt === undefined &&
        (stagePolicy.notifyAccountManager ?? daysOverdue >= ACCOUNT_MANAGER_DEFAULT_DAYS_OVERDUE),
    },
  };
}

function decideInstallment(
  invoice: Invoice,
  policy: Policy,
  calendar: BusinessCalendar,
  now: Date,
): NextAction {
  const installments = invoice.installments ?? [];
  const index = installments.findIndex((installment) => installment.paid < installment.amount);
  const installment = installments[index];
  if (!installment) return { kind: "none", reason: "paid" };
  const overdueAt = startOfDay(addDays(installment.dueDate, policy.installmentGraceDays + 1), calendar);
  if (!installment.remindedAt) {
    const at = businessMomentFrom(
      addDays(installment.dueDate, -policy.installmentReminderDaysBefore),
      calendar,
      now,
    );
    if (at < overdueAt) {
      return {
        kind: "send",
        at,
        step: {
          type: "installment",
          template: "payment_plan_installment",
          installment: index,
          dueDate: installment.dueDate,
          amount: { amount: installment.amount - installment.paid, currency: invoice.currency },
        },
      };
    }
  }
  return { kind: "wake", at: overdueAt, reason: "installment_overdue" };
}
