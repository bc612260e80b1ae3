/**
 * A tenant's dunning policy is data: per stage an offset, a template, a fee, whether interest
 * accrues, a deadline and whether the account manager is told. The tenant default can be
 * overridden per debtor country, per customer type, or both; the most specific override wins.
 */
import * as z from "zod";
import { CountryCodeSchema } from "#domain/locale/country.ts";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { CurrencyCodeSchema } from "#domain/money/currency.ts";
import { parseAmount, toDecimalString } from "#domain/money/money.ts";
import { CustomerTypeSchema, STAGES, type Stage } from "#domain/vocabulary.ts";

/**
 * A fee per currency, given as decimal strings ({"NOK": "35.00"}), held in minor units. An invoice
 * in a currency the map does not name is charged no fee: dun never converts currencies.
 */
export const FeeSchema = z.record(CurrencyCodeSchema, z.string().max(32)).transform((fees, ctx) => {
  const minor: Record<string, number> = {};
  for (const [currency, text] of Object.entries(fees)) {
    const parsed = parseAmount(text, currency);
    if (!parsed.ok) {
      ctx.addIssue({ code: "custom", path: [currency], message: parsed.error.message });
      continue;
    }
    minor[currency] = parsed.value;
  }
  return minor;
});

export const StagePolicySchema = z.strictObject({
  /** Days relative to the due date: negative before it (the courtesy heads-up), positive after. */
  offsetDays: z.number().int().min(-60).max(365),
  /** The template to render; the stage's own template unless the tenant names another. */
  template: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, "must be a template name of lowercase letters, digits and _")
    .optional(),
  fee: FeeSchema.optional(),
  /** Whether statutory late-payment interest is claimed (and shown) from this stage on. */
  interest: z.boolean().default(false),
  /** Days the debtor is given to pay, stated in the email; the final notice must state one. */
  deadlineDays: z.number().int().min(1).max(90).optional(),
  /**
   * Tell the customer's account manager with this stage, in a note of their own (once per invoice,
   * with the first stage that asks); by default once the invoice is a week overdue.
   */
  notifyAccountManager: z.boolean().optional(),
});
export type StagePolicy = z.infer<typeof StagePolicySchema>;

const ladderShape = Object.fromEntries(STAGES.map((stage) => [stage, StagePolicySchema.optional()])) as {
  [S in Stage]: z.ZodOptional<typeof StagePolicySchema>;
};

/** The stages a tenant uses; a stage left out is skipped. Offsets must grow along the ladder. */
export const LadderSchema = z.strictObject(ladderShape).superRefine((ladder, ctx) => {
  let previous: { stage: Stage; offsetDays: number } | undefined;
  for (const stage of STAGES) {
    const policy = ladder[stage];
    if (!policy) continue;
    if (previous && policy.offsetDays <= previous.offsetDays) {
      ctx.addIssue({
        code: "custom",
        path: [stage, "offsetDays"],
        message: `must be later than ${previous.stage} (offset ${previous.offsetDays} days)`,
      });
    }
    previous = { stage, offsetDays: policy.offsetDays };
  }
  if (ladder.courtesy && ladder.courtesy.offsetDays > 0) {
    ctx.addIssue({
      code: "custom",
      path: ["courtesy", "offsetDays"],
      message: "must be on or before the due date",
    });
  }
  if (ladder.final_notice && ladder.final_notice.deadlineDays === undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["final_notice", "deadlineDays"],
      message: "is required: a final notice states the deadline",
    });
  }
});
export type Ladder = z.infer<typeof LadderSchema>;
type LadderInput = z.input<typeof LadderSchema>;

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

export const BusinessHoursSchema = z
  .strictObject({
    start: z.string().regex(CLOCK_TIME, "must be a time of day such as 09:00"),
    end: z.string().regex(CLOCK_TIME, "must be a time of day such as 17:00"),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
  })
  .refine((hours) => hours.start < hours.end, { path: ["end"], message: "must be later than start" });
export type BusinessHours = z.infer<typeof BusinessHoursSchema>;

export const LadderOverrideSchema = z
  .strictObject({
    country: CountryCodeSchema.optional(),
    customerType: CustomerTypeSchema.optional(),
    ladder: LadderSchema,
  })
  .refine((override) => override.country !== undefined || override.customerType !== undefined, {
    message: "an override names a country, a customer type or both",
  });
export type LadderOverride = z.infer<typeof LadderOverrideSchema>;

export const PolicySchema = z
  .strictObject({
    ladder: LadderSchema,
    overrides: z.array(LadderOverrideSchema).max(100).default([]),
    /** The tenant's own spacing; a country's statutory minimum applies on top. */
    minDaysBetweenReminders: z.number().int().min(1).max(90).default(7),
    businessHours: BusinessHoursSchema.default({ start: "09:00", end: "17:00", weekdays: [1, 2, 3, 4, 5] }),
    /** How long after a promised date the ladder still waits before the promise counts as broken. */
    promiseGraceDays: z.number().int().min(0).max(30).default(3),
    /** How late an installment may be before the payment plan counts as broken. */
    installmentGraceDays: z.number().int().min(0).max(60).default(7),
    /** Days before an installment's due date its reminder goes out. */
    installmentReminderDaysBefore: z.number().int().min(0).max(30).default(3),
    /**
     * What a debtor reads whose language dun does not write (a pt-PT debtor); left out, the
     * tenant's own language. It is about debtors only: owner mail is in the tenant's language.
     */
    defaultLanguage: z.enum(SUPPORTED_LANGUAGES).optional(),
  })
  .superRefine((policy, ctx) => {
    const seen = new Set<string>();
    policy.overrides.forEach((override, index) => {
      const key = `${override.country ?? "*"}/${override.customerType ?? "*"}`;
      if (seen.has(key)) {
        ctx.addIssue({ code: "custom", path: ["overrides", index], message: `a second override for ${key}` });
      }
      seen.add(key);
    });
  });
export type Policy = z.infer<typeof PolicySchema>;
export type PolicyInput = z.input<typeof PolicySchema>;

/**
 * The ladder that applies to one debtor: the most specific override (country and type, then
 * country, then type) replaces the tenant default whole, so a reader sees one ladder, not a merge.
 */
export function ladderFor(policy: Policy, country: string, customerType: string): Ladder {
  const match = (c: string | undefined, t: string | undefined) =>
    policy.overrides.find((o) => o.country === c && o.customerType === t);
  return (
    match(country, customerType)?.ladder ??
    match(country, undefined)?.ladder ??
    match(undefined, customerType)?.ladder ??
    policy.ladder
  );
}

/** dun's default: a courtesy note three days before, two reminders, a final notice, then collection. */
export const DEFAULT_POLICY_INPUT: PolicyInput = {
  ladder: {
    courtesy: { offsetDays: -3 },
    reminder_1: { offsetDays: 7 },
    reminder_2: { offsetDays: 21, interest: true },
    final_notice: { offsetDays: 35, interest: true, deadlineDays: 14 },
    collection: { offsetDays: 49, interest: true },
  },
};

/**
 * A policy written the way its input reads (fees back to decimal strings), so that parsing it again
 * gives the same policy: how a policy is stored, since the stored form is read through PolicySchema.
 */
export function policyInputOf(policy: Policy): PolicyInput {
  const ladderInput = (ladder: Ladder): LadderInput =>
    Object.fromEntries(
      Object.entries(ladder).map(([stage, step]) => [
        stage,
        step?.fee
          ? {
              ...step,
              fee: Object.fromEntries(
                Object.entries(step.fee).map(([currency, amount]) => [
                  currency,
                  toDecimalString({ amount, currency }),
                ]),
              ),
            }
          : step,
      ]),
    );
  return {
    ...policy,
    ladder: ladderInput(policy.ladder),
    overrides: policy.overrides.map((override) => ({ ...override, ladder: ladderInput(override.ladder) })),
  };
}
