/**
 * Checks a tenant's policy against the law of every country dun has a table for, and of every
 * country an override names, for both customer types: the ladder that would apply there
 * (`ladderFor`) must not visibly break a rule. Every violation is reported, each naming the rule,
 * the limit and the law, with the path to the value in the policy that breaks it.
 *
 * What the check leaves to send time: the ladder keeps the statutory gap between reminders and
 * lowers each fee to what the day allows (fees.ts). A tenant's own `minDaysBetweenReminders`
 * below the statutory one is therefore no violation: the larger of the two applies.
 */
import * as z from "zod";
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import { type Ladder, ladderFor, type Policy, type StagePolicy } from "#domain/ladder/policy.ts";
import { toDecimalString } from "#domain/money/money.ts";
import { type CustomerType, CustomerTypeSchema, STAGES } from "#domain/vocabulary.ts";
import {
  COUNTRY_TABLES,
  type CustomerRules,
  describeSource,
  type RuleName,
  RuleNameSchema,
  rulesFor,
  type Source,
} from "./country-rules.ts";

export const PolicyViolationSchema = z.object({
  code: z.literal("policy_violates_country_rule"),
  rule: RuleNameSchema,
  country: z.string(),
  customerType: CustomerTypeSchema,
  /** Into the policy as submitted: ["overrides", 0, "ladder", "reminder_1", "fee", "NOK"]. */
  path: z.array(z.union([z.string(), z.number()])),
  /** Names the rule, the limit and the law. */
  message: z.string(),
  source: z.string(),
});
export type PolicyViolation = z.infer<typeof PolicyViolationSchema>;

type Path = (string | number)[];
type Report = (rule: RuleName, path: Path, message: string, source: Source) => void;

const CUSTOMER_TYPES: readonly CustomerType[] = ["business", "consumer"];

export function checkPolicy(policy: Policy, on: IsoDate): PolicyViolation[] {
  const countries = new Set([
    ...COUNTRY_TABLES.keys(),
    ...policy.overrides.flatMap((override) => (override.country ? [override.country] : [])),
  ]);
  const violations: PolicyViolation[] = [];
  for (const country of countries) {
    const rules = rulesFor(country, on);
    for (const customerType of CUSTOMER_TYPES) {
      const ladder = ladderFor(policy, country, customerType);
      // ladderFor hands back the override's own ladder object, so identity finds who set it.
      const overrideIndex = policy.overrides.findIndex((override) => override.ladder === ladder);
      const prefix: Path = overrideIndex >= 0 ? ["overrides", overrideIndex, "ladder"] : ["ladder"];
      const who = `a ${rules.jurisdiction === "default" ? country : rules.name} ${customerType} debtor`;
      const report: Report = (rule, path, message, source) =>
        violations.push({
          code: "policy_violates_country_rule",
          rule,
          country,
          customerType,
          path,
          message: `${rule}: for ${who}, ${message} (${source.law})`,
          source: describeSource(source),
        });
      checkLadder(ladder, rules[customerType], prefix, report);
      checkContactHours(policy.businessHours, rules[customerType], report);
    }
  }
  return violations;
}

function checkLadder(ladder: Ladder, rules: CustomerRules, prefix: Path, report: Report): void {
  const stages = STAGES.flatMap((stage) => {
    const policy = ladder[stage];
    return policy ? [{ stage, policy }] : [];
  });

  const cap = rules.maxReminderFee.value;
  if (cap) {
    for (const { stage, policy } of stages) {
      const fee = policy.fee?.[cap.currency] ?? 0;
      if (fee > cap.amount) {
        const asked = toDecimalString({ amount: fee, currency: cap.currency });
        const limit = toDecimalString(cap);
        report(
          "maxReminderFee",
          [...prefix, stage, "fee", cap.currency],
          `the ${stage} fee of ${asked} ${cap.currency} is above the ${limit} ${cap.currency} a reminder may cost`,
          rules.maxReminderFee.source,
        );
      }
    }
  }

  const notBefore = rules.reminderFeeNotBeforeDaysAfterDue.value;
  for (const { stage, policy } of stages) {
    if (chargesFee(policy) && policy.offsetDays < notBefore) {
      report(
        "reminderFeeNotBeforeDaysAfterDue",
        [...prefix, stage, "fee"],
        `the ${stage} charges a fee ${describeOffset(policy.offsetDays)}, but a fee needs ${notBefore} days after the due date`,
        rules.reminderFeeNotBeforeDaysAfterDue.source,
      );
    }
  }

  // Only fees that may lawfully be charged count: an early one is reported above and never charged.
  const feeBearing = stages.filter(({ policy }) => chargesFee(policy) && policy.offsetDays >= notBefore);
  const maxCount = rules.maxFeeBearingReminders.value;
  if (maxCount !== null) {
    for (const { stage } of feeBearing.slice(maxCount)) {
      report(
        "maxFeeBearingReminders",
        [...prefix, stage, "fee"],
        `the ${stage} would be fee-bearing reminder number ${feeBearing.findIndex((s) => s.stage === stage) + 1}, above the ${maxCount} allowed`,
        rules.maxFeeBearingReminders.source,
      );
    }
  }

  const gap = rules.minDaysBetweenReminders.value;
  if (gap) {
    const spaced =
      gap.between === "feeBearingReminders" ? feeBearing : stages.filter(({ stage }) => stage !== "courtesy");
    spaced.forEach(({ stage, policy }, index) => {
      const before = spaced[index - 1];
      if (!before) return;
      const days = policy.offsetDays - before.policy.offsetDays;
      if (days < gap.days) {
        const which = gap.between === "feeBearingReminders" ? "fee-bearing reminders" : "reminders";
        report(
          "minDaysBetweenReminders",
          [...prefix, stage, "offsetDays"],
          `the ${stage} comes ${days} days after the ${before.stage}, but ${which} must be at least ${gap.days} days apart`,
          rules.minDaysBetweenReminders.source,
        );
      }
    });
  }

  const notice = rules.finalNoticeDeadlineDays.value;
  if (notice !== null) {
    const finalNotice = ladder.final_notice;
    const collection = ladder.collection;
    const rule = "finalNoticeDeadlineDays";
    const source = rules.finalNoticeDeadlineDays.source;
    if (finalNotice && (finalNotice.deadlineDays ?? 0) < notice) {
      report(
        rule,
        [...prefix, "final_notice", "deadlineDays"],
        `the final notice gives ${finalNotice.deadlineDays ?? 0} days to pay, but it must give at least ${notice}`,
        source,
      );
    }
    if (collection && !finalNotice) {
      report(
        rule,
        [...prefix, "collection"],
        `the ladder hands over to collection without a final notice giving at least ${notice} days to pay`,
        source,
      );
    }
    if (collection && finalNotice && collection.offsetDays - finalNotice.offsetDays < notice) {
      report(
        rule,
        [...prefix, "collection", "offsetDays"],
        `collection comes ${collection.offsetDays - finalNotice.offsetDays} days after the final notice, before its required ${notice}-day deadline has run`,
        source,
      );
    }
  }
}

function checkContactHours(hours: Policy["businessHours"], rules: CustomerRules, report: Report): void {
  const allowed = rules.contactHours.value;
  if (!allowed) return;
  // Public holidays are never business days in dun's calendar, so weekdays 1–5 and 6–7 are all to check.
  const windows = [
    ...(hours.weekdays.some((day) => day <= 5) ? [{ window: allowed.weekdays, days: "working days" }] : []),
    ...(hours.weekdays.some((day) => day >= 6) ? [{ window: allowed.weekends, days: "weekends" }] : []),
  ];
  const tooEarly = windows.filter(({ window }) => hours.start < window.start);
  const tooLate = windows.filter(({ window }) => hours.end > window.end);
  if (tooEarly.length > 0) {
    const limits = tooEarly.map(({ window, days }) => `${window.start} on ${days}`).join(" and ");
    report(
      "contactHours",
      ["businessHours", "start"],
      `business hours start at ${hours.start}, before ${limits}`,
      rules.contactHours.source,
    );
  }
  if (tooLate.length > 0) {
    const limits = tooLate.map(({ window, days }) => `${window.end} on ${days}`).join(" and ");
    report(
      "contactHours",
      ["businessHours", "end"],
      `business hours end at ${hours.end}, after ${limits}`,
      rules.contactHours.source,
    );
  }
}

function chargesFee(policy: StagePolicy): boolean {
  return Object.values(policy.fee ?? {}).some((amount) => amount > 0);
}

function describeOffset(offsetDays: number): string {
  if (offsetDays < 0) return `${-offsetDays} days before the due date`;
  if (offsetDays === 0) return "on the due date";
  return `${offsetDays} days after the due date`;
}
