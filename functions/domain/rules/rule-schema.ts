/**
 * The shape of a jurisdiction's rule table. The tables themselves (countries/*.ts) are data that a
 * test parses with these schemas, so a number without a source, an unsorted rate list or a
 * reminder gap of zero days fails the build, not a debtor.
 *
 * Kept apart from country-rules.ts because the data files import the helpers below, and
 * country-rules.ts imports the data files: one module for both would be an import cycle.
 */
import * as z from "zod";
import { IsoDateSchema } from "#domain/text.ts";

/** The stable words an error names; API values, so a rename is a breaking change. */
export const RULE_NAMES = [
  "maxReminderFee",
  "reminderFeeNotBeforeDaysAfterDue",
  "maxFeeBearingReminders",
  "minDaysBetweenReminders",
  "finalNoticeDeadlineDays",
  "reminderFeeRequiresAgreement",
  "contactHours",
  "statutoryInterest",
  "fixedCompensation",
  "noFeeOnFirstReminder",
  "interestFrom",
  "finalNoticeDeadlineCounting",
  "collectionCosts",
] as const;
export const RuleNameSchema = z.enum(RULE_NAMES);
export type RuleName = z.infer<typeof RuleNameSchema>;

/** Where a number comes from. `verify` marks a value not confirmed against the law or the bank. */
export const SourceSchema = z.object({
  /** The law and section, or the bank's announcement: "inkassoforskriften § 1-2 første ledd". */
  law: z.string().min(1),
  url: z.url().optional(),
  verify: z.literal(true).optional(),
  /** What the number means or how it was derived, where the law's wording alone does not say. */
  note: z.string().optional(),
});
export type Source = z.infer<typeof SourceSchema>;

const validFromSorted = (entries: readonly { validFrom: string }[]) =>
  entries.every((entry, index) => index === 0 || (entries[index - 1]?.validFrom ?? "") < entry.validFrom);

export const RateEntrySchema = z.object({
  validFrom: IsoDateSchema,
  /** Integer basis points: 4.25 % is 425. Reference rates may be negative (the ECB's were). */
  rateBp: z.number().int().min(-10_000).max(100_000),
  source: SourceSchema,
});
export type RateEntry = z.infer<typeof RateEntrySchema>;

/** A reference rate as a dated list: each entry holds until the next one's validFrom. */
export const RateTableSchema = z.object({
  name: z.string().min(1),
  entries: z
    .array(RateEntrySchema)
    .min(1)
    .refine(validFromSorted, { message: "entries must be in strictly ascending validFrom order" }),
});
export type RateTable = z.infer<typeof RateTableSchema>;

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const WindowSchema = z
  .object({ start: z.string().regex(CLOCK), end: z.string().regex(CLOCK) })
  .refine((window) => window.start < window.end, { message: "start must be before end" });

/** Local times at which the debtor may be contacted; `weekends` also covers public holidays. */
export const ContactHoursSchema = z.object({ weekdays: WindowSchema, weekends: WindowSchema });
export type ContactHours = z.infer<typeof ContactHoursSchema>;

/** The most one reminder may cost, in the currency the law names. */
export const FeeCapSchema = z.object({
  amount: z.number().int().nonnegative(),
  currency: z.string().length(3),
});
export type FeeCap = z.infer<typeof FeeCapSchema>;

export const ReminderGapSchema = z.object({
  days: z.number().int().min(1),
  /**
   * Which reminders must keep the gap: only those that charge a fee (DK, NO, FI: a reminder sent
   * sooner is lawful but free), or every reminder.
   */
  between: z.enum(["feeBearingReminders", "allReminders"]),
});
export type ReminderGap = z.infer<typeof ReminderGapSchema>;

export const InterestRuleSchema = z.object({
  reference: RateTableSchema,
  /** Added to the reference rate: DE consumers +500, DE businesses +900. */
  marginBp: z.number().int().min(0),
  /**
   * Days in the year the annual rate is divided by. "actual" is 365 or 366 by calendar year
   * (the Russian courts' reading of art. 395).
   */
  dayBasis: z.union([z.literal(360), z.literal(365), z.literal("actual")]),
  /**
   * "perPeriod": each day takes the rate in force that day (most countries, split half-yearly).
   * "fixedAtStart": the rate in force when interest starts holds for the whole debt (GB).
   */
  fixing: z.enum(["perPeriod", "fixedAtStart"]),
});
export type InterestRule = z.infer<typeof InterestRuleSchema>;

export const CompensationSchema = z.object({
  currency: z.string().length(3),
  /** By the size of the debt (GB); one tier from 0 elsewhere. Ascending `fromPrincipal`, first 0. */
  tiers: z
    .array(
      z.object({ fromPrincipal: z.number().int().nonnegative(), amount: z.number().int().nonnegative() }),
    )
    .min(1)
    .refine((tiers) => tiers[0]?.fromPrincipal === 0, { message: "the first tier starts at 0" })
    .refine(
      (tiers) => tiers.every((tier, i) => i === 0 || (tiers[i - 1]?.fromPrincipal ?? 0) < tier.fromPrincipal),
      { message: "tiers must ascend" },
    ),
  /** NO: the compensation is reduced by the reminder fees already charged for the debt. */
  deductsReminderFees: z.boolean(),
});
export type Compensation = z.infer<typeof CompensationSchema>;

/**
 * Collection costs as a share of the principal, band by band (NL: the BIK staffel, 15 % of the
 * first EUR 2,500 …), with a floor and a ceiling. Claimable only once the final notice that
 * stated the amount has run out (art. 6:96 lid 6 BW).
 */
export const CollectionCostsSchema = z.object({
  currency: z.string().length(3),
  /** Ascending; `upTo` is the principal (minor units) where the band ends, null for the last band. */
  bands: z
    .array(
      z.object({ upTo: z.number().int().positive().nullable(), rateBp: z.number().int().min(0).max(10_000) }),
    )
    .min(1)
    .refine((bands) => bands.every((band, i) => (band.upTo === null) === (i === bands.length - 1)), {
      message: "only the last band is open-ended",
    })
    .refine(
      (bands) => bands.every((band, i) => i === 0 || (bands[i - 1]?.upTo ?? 0) < (band.upTo ?? Infinity)),
      { message: "bands must ascend" },
    ),
  minimum: z.number().int().nonnegative(),
  maximum: z.number().int().positive(),
});
export type CollectionCosts = z.infer<typeof CollectionCostsSchema>;

const sourced = <T extends z.ZodType>(value: T) => z.object({ value, source: SourceSchema });
const perCustomerType = <T extends z.ZodType>(value: T) =>
  z.object({ business: sourced(value), consumer: sourced(value) });

/**
 * Every rule, for each customer type, with its source. `null` means the law sets no such limit
 * (or dun claims nothing: no statutory interest, no compensation).
 */
export const RuleSetSchema = z.object({
  maxReminderFee: perCustomerType(FeeCapSchema.nullable()),
  /** A fee only for a reminder sent at least this many days after the due date; 1 = after it. */
  reminderFeeNotBeforeDaysAfterDue: perCustomerType(z.number().int().min(1)),
  maxFeeBearingReminders: perCustomerType(z.number().int().min(0).nullable()),
  minDaysBetweenReminders: perCustomerType(ReminderGapSchema.nullable()),
  /** The pay-by period a final notice (NO inkassovarsel) must give before hand-over to collection. */
  finalNoticeDeadlineDays: perCustomerType(z.number().int().min(1).nullable()),
  reminderFeeRequiresAgreement: perCustomerType(z.boolean()),
  contactHours: perCustomerType(ContactHoursSchema.nullable()),
  statutoryInterest: perCustomerType(InterestRuleSchema.nullable()),
  fixedCompensation: perCustomerType(CompensationSchema.nullable()),
  /**
   * The first reminder after the due date is the one that puts the debtor in default, so it cannot
   * itself be charged for (DE: §§ 280, 286 BGB). Only later reminders may carry a fee.
   */
  noFeeOnFirstReminder: perCustomerType(z.boolean()),
  /**
   * When statutory interest starts: the day after the due date (default without notice), or the
   * day after the first reminder reached the debtor (default needs a notice: DE consumers, FR).
   */
  interestFrom: perCustomerType(z.enum(["dayAfterDue", "dayAfterFirstReminder"])),
  /**
   * How the final notice's pay-by period is counted: from the day it is sent (NO inkassoloven § 9,
   * RU АПК ст. 4), or from the day after the debtor received it (NL art. 6:96 lid 6 BW).
   */
  finalNoticeDeadlineCounting: perCustomerType(z.enum(["fromSending", "fromDayAfterReceipt"])),
  /** Statutory collection costs a final notice must state before they may be claimed (NL consumers). */
  collectionCosts: perCustomerType(CollectionCostsSchema.nullable()),
});
export type RuleSet = z.infer<typeof RuleSetSchema>;

/** One rule for one customer type: its value and where the value comes from. */
export type Sourced<K extends RuleName> = RuleSet[K]["business"];
/** The rules for one customer type, each with its source. */
export type CustomerRules = { [K in RuleName]: Sourced<K> };

export const RuleVersionSchema = z.object({ validFrom: IsoDateSchema, rules: RuleSetSchema });
export type RuleVersion = z.infer<typeof RuleVersionSchema>;

export const JURISDICTIONS = [
  "NO",
  "DK",
  "SE",
  "FI",
  "DE",
  "IT",
  "RU",
  "GB",
  "US",
  "NL",
  "FR",
  "EU",
  "EU-non-euro",
  "default",
] as const;
export const JurisdictionSchema = z.enum(JURISDICTIONS);
export type Jurisdiction = z.infer<typeof JurisdictionSchema>;

export const JurisdictionTableSchema = z.object({
  jurisdiction: JurisdictionSchema,
  name: z.string().min(1),
  /** The currency the table's amounts are in; null where it names no amount. */
  currency: z.string().length(3).nullable(),
  versions: z
    .array(RuleVersionSchema)
    .min(1)
    .refine(validFromSorted, { message: "versions must be in strictly ascending validFrom order" }),
});
export type JurisdictionTable = z.infer<typeof JurisdictionTableSchema>;

/** The same value and source for businesses and consumers. */
export function both<V>(
  value: V,
  source: Source,
): { business: { value: V; source: Source }; consumer: { value: V; source: Source } } {
  return { business: { value, source }, consumer: { value, source } };
}

/** A rule that differs by customer type. */
export function byType<V>(
  business: { value: V; source: Source },
  consumer: { value: V; source: Source },
): { business: { value: V; source: Source }; consumer: { value: V; source: Source } } {
  return { business, consumer };
}

/** A source as one line of text, for error messages and the docs. */
export function describeSource(source: Source): string {
  return `${source.law}${source.url ? ` <${source.url}>` : ""}${source.verify ? " (to verify)" : ""}`;
}
