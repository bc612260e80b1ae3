/**
 * Statutory late-payment interest and the fixed B2B compensation. Interest is simple (never on
 * interest), per day, on the overdue balance, at the reference rate plus the country's margin, split
 * wherever the rate or the balance changes. The sum is kept as an exact fraction in BigInt and
 * rounded once, half up, to minor units: no float ever touches an amount.
 */
import { addDays, daysBetween, type IsoDate } from "#domain/calendar/iso-date.ts";
import { roundHalfUp } from "#domain/money/money.ts";
import type { CustomerType } from "#domain/vocabulary.ts";
import { customerRulesFor, type InterestRule, type RateEntry, type Source } from "./country-rules.ts";

export type InterestPayment = { date: IsoDate; amount: number };

/** Days `from` through `to` (both included) at one rate on one balance. */
export type InterestPeriod = { from: IsoDate; to: IsoDate; rateBp: number; days: number; balance: number };

export type AccruedInterest = { amount: number; periods: InterestPeriod[] };

export type StatutoryInterestInput = {
  country: string;
  customerType: CustomerType;
  currency: string;
  /** The invoice amount in minor units; payments are given separately. */
  principal: number;
  dueDate: IsoDate;
  /** Interest is counted through this day, included. */
  asOf: IsoDate;
  payments: readonly InterestPayment[];
  /**
   * The day the first reminder after the due date reached the debtor, if one has. Where default
   * needs a notice (DE consumers, FR consumers: `interestFrom`), interest starts the day after it.
   */
  firstReminderDate?: IsoDate;
};

export type StatutoryInterest = AccruedInterest & { currency: string; source: Source };

/**
 * Interest from the day it starts (`interestStartDate`) through `asOf`. The rule (margin, day
 * count, how the rate is fixed) is the one in force when interest starts; the rate follows the
 * reference table. Zero when nothing is overdue yet, when default still needs a reminder that has
 * not reached the debtor, or where the country gives no statutory rate (see country-rules.ts).
 */
export function statutoryInterest(input: StatutoryInterestInput): StatutoryInterest {
  const from = interestStartDate(input);
  const rule = customerRulesFor(
    input.country,
    input.customerType,
    from ?? addDays(input.dueDate, 1),
  ).statutoryInterest;
  const accrued =
    rule.value && from !== undefined && input.asOf >= from
      ? accrueInterest({
          principal: input.principal,
          from,
          through: input.asOf,
          payments: input.payments,
          rule: rule.value,
        })
      : { amount: 0, periods: [] };
  return { ...accrued, currency: input.currency, source: rule.source };
}

/**
 * The first day of statutory interest: the day after the due date, or, where the law puts the
 * debtor in default only by a notice, the day after the first reminder reached the debtor (never
 * before the day after the due date). Undefined while that reminder has not.
 */
export function interestStartDate(input: {
  country: string;
  customerType: CustomerType;
  dueDate: IsoDate;
  firstReminderDate?: IsoDate;
}): IsoDate | undefined {
  const dayAfterDue = addDays(input.dueDate, 1);
  const starts = customerRulesFor(input.country, input.customerType, dayAfterDue).interestFrom.value;
  if (starts === "dayAfterDue") return dayAfterDue;
  if (input.firstReminderDate === undefined) return undefined;
  const dayAfterReminder = addDays(input.firstReminderDate, 1);
  return dayAfterReminder > dayAfterDue ? dayAfterReminder : dayAfterDue;
}

/**
 * The annual rate in basis points (reference + margin) that a debt due on `dueDate` bears on day
 * `on`, as an email states it; null where the country gives no statutory rate or none is known yet.
 */
export function statutoryRateOn(input: {
  country: string;
  customerType: CustomerType;
  dueDate: IsoDate;
  on: IsoDate;
}): number | null {
  const from = addDays(input.dueDate, 1);
  const rule = customerRulesFor(input.country, input.customerType, from).statutoryInterest.value;
  if (!rule) return null;
  const entry = entryOn(rule.reference.entries, rule.fixing === "fixedAtStart" ? from : input.on);
  return entry ? ratePoints(entry, rule.marginBp) : null;
}

/**
 * Simple interest on `principal` from `from` through `through`, both included.
 *
 * A payment dated D lowers the balance from D on: the money is the creditor's on the day it
 * arrives, so D already runs on the remainder. Payments on or before `from` lower the opening
 * balance; payments after `through` are not counted. Days before the reference table's first
 * entry earn nothing: dun claims no rate it cannot show.
 */
export function accrueInterest(input: {
  principal: number;
  from: IsoDate;
  through: IsoDate;
  payments: readonly InterestPayment[];
  rule: InterestRule;
}): AccruedInterest {
  const { from, through, rule } = input;
  if (through < from) return { amount: 0, periods: [] };
  const entries = rule.reference.entries;
  const fixedEntry = rule.fixing === "fixedAtStart" ? entryOn(entries, from) : undefined;
  if (rule.fixing === "fixedAtStart" && !fixedEntry) return { amount: 0, periods: [] };

  const payments = input.payments.filter((payment) => payment.date <= through);
  let balance = input.principal - sum(payments.filter((payment) => payment.date <= from));
  const breaks = new Set<IsoDate>(payments.map((payment) => payment.date));
  if (rule.fixing === "perPeriod") for (const entry of entries) breaks.add(entry.validFrom);
  if (rule.dayBasis === "actual") {
    for (let year = Number(from.slice(0, 4)) + 1; year <= Number(through.slice(0, 4)); year++)
      breaks.add(`${year}-01-01`);
  }
  const boundaries = [...breaks].filter((date) => date > from && date <= through).sort();

  const periods: (InterestPeriod & { yearDays: number })[] = [];
  let cursor = from;
  for (const next of [...boundaries, addDays(through, 1)]) {
    const rateBp = ratePoints(fixedEntry ?? entryOn(entries, cursor), rule.marginBp);
    if (balance > 0 && rateBp > 0) {
      const to = addDays(next, -1);
      const period = {
        from: cursor,
        to,
        rateBp,
        days: daysBetween(cursor, next),
        balance,
        yearDays: yearDaysOf(cursor, rule),
      };
      const previous = periods.at(-1);
      // A table entry that repeats the rate, or a new year of equal length, is no change to show.
      if (
        previous &&
        previous.to === addDays(cursor, -1) &&
        previous.rateBp === rateBp &&
        previous.balance === balance &&
        previous.yearDays === period.yearDays
      ) {
        previous.to = to;
        previous.days += period.days;
      } else {
        periods.push(period);
      }
    }
    balance -= sum(payments.filter((payment) => payment.date === next));
    cursor = next;
  }

  // Σ balance × rateBp × days / (10 000 × yearDays), over one denominator every year length divides.
  const denominator = 10_000n * 360n * 365n * 366n;
  let numerator = 0n;
  for (const period of periods) {
    const scale = denominator / (10_000n * BigInt(period.yearDays));
    numerator += BigInt(period.balance) * BigInt(period.rateBp) * BigInt(period.days) * scale;
  }
  return {
    amount: roundHalfUp(numerator, denominator),
    periods: periods.map(({ yearDays: _, ...period }) => period),
  };
}

function entryOn(entries: readonly RateEntry[], day: IsoDate): RateEntry | undefined {
  return entries.findLast((entry) => entry.validFrom <= day);
}

function ratePoints(entry: RateEntry | undefined, marginBp: number): number {
  return entry ? Math.max(0, entry.rateBp + marginBp) : 0;
}

function yearDaysOf(day: IsoDate, rule: InterestRule): number {
  if (rule.dayBasis !== "actual") return rule.dayBasis;
  const year = Number(day.slice(0, 4));
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

function sum(payments: readonly InterestPayment[]): number {
  return payments.reduce((total, payment) => total + payment.amount, 0);
}

export type FixedCompensationInput = {
  country: string;
  customerType: CustomerType;
  currency: string;
  /** The unpaid debt in minor units; it picks the tier where the law has tiers (GB). */
  principal: number;
  on: IsoDate;
  /** Reminder fees already charged for this debt, in the invoice's currency. */
  reminderFeesCharged: number;
};

export type FixedCompensation = {
  amount: number;
  currency: string;
  source: Source;
  /**
   * The law gives a compensation, but in another currency than the invoice's (GB's pounds on a
   * euro invoice): dun does not convert, so it claims nothing rather than an amount it cannot show.
   */
  withheld?: "invoice_currency_differs";
};

/**
 * The flat sum a business debtor owes for recovery costs once late (NO NOK 470/460, DK DKK 310,
 * SE SEK 450, DE/IT/FI/EU EUR 40, GB GBP 40/70/100 by debt size). Null for consumers and where the
 * law gives none (US, RU, default). Where the law counts reminder fees against it (all but DK),
 * the fees already charged are deducted, never below zero.
 */
export function fixedCompensation(input: FixedCompensationInput): FixedCompensation | null {
  if (input.customerType !== "business") return null;
  const rule = customerRulesFor(input.country, input.customerType, input.on).fixedCompensation;
  const compensation = rule.value;
  if (!compensation) return null;
  if (compensation.currency !== input.currency) {
    return { amount: 0, currency: input.currency, source: rule.source, withheld: "invoice_currency_differs" };
  }
  const tier = compensation.tiers.findLast((candidate) => candidate.fromPrincipal <= input.principal);
  const gross = tier?.amount ?? 0;
  const deducted = compensation.deductsReminderFees ? input.reminderFeesCharged : 0;
  return { amount: Math.max(0, gross - deducted), currency: input.currency, source: rule.source };
}

export type StatutoryCollectionCostsInput = {
  country: string;
  customerType: CustomerType;
  currency: string;
  /** The unpaid principal in minor units: the law's staffel runs on it, not on interest. */
  principal: number;
  on: IsoDate;
};

export type StatutoryCollectionCosts = {
  amount: number;
  currency: string;
  source: Source;
  withheld?: "invoice_currency_differs";
};

/**
 * The collection costs a final notice must state before they may be charged (NL consumers: the
 * BIK staffel), band by band on the principal, kept exact and rounded once, half up, then held
 * between the law's minimum and maximum. Null where the law gives none.
 */
export function statutoryCollectionCosts(
  input: StatutoryCollectionCostsInput,
): StatutoryCollectionCosts | null {
  const rule = customerRulesFor(input.country, input.customerType, input.on).collectionCosts;
  const costs = rule.value;
  if (!costs || input.principal <= 0) return null;
  if (costs.currency !== input.currency) {
    return { amount: 0, currency: input.currency, source: rule.source, withheld: "invoice_currency_differs" };
  }
  let numerator = 0n;
  let bandStart = 0;
  for (const band of costs.bands) {
    const bandEnd = band.upTo === null ? input.principal : Math.min(band.upTo, input.principal);
    if (bandEnd > bandStart) numerator += BigInt(bandEnd - bandStart) * BigInt(band.rateBp);
    if (band.upTo === null || band.upTo >= input.principal) break;
    bandStart = band.upTo;
  }
  const amount = roundHalfUp(numerator, 10_000n);
  return {
    amount: Math.min(costs.maximum, Math.max(costs.minimum, amount)),
    currency: input.currency,
    source: rule.source,
  };
}
