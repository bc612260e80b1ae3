/**
 * Checks a tenant's policy against the law of every debtor it may reach: each country dun has a
 * table for, each country an override names, and the debtors of every other country through the
 * fallback tables (EU default inside and outside the euro area, the conservative default), for
 * both customer types.
 *
 * A ladder applies to a set of debtors (an override to its country and type, the tenant default to
 * everyone no override takes). What breaks a rule for some of them is sorted in two:
 * - **violations**, which refuse the policy: what nothing at send time corrects (contact hours, a
 *   hand-over with no final notice), and what can never be lawful for any debtor the ladder applies
 *   to (a NOK 50 fee in a ladder for Norwegian consumers only);
 * - **warnings**, for the rest: which debtors get which adjustment at send time. The ladder keeps
 *   the statutory gap and the final notice's statutory period, and `reminderFee` lowers each fee to
 *   what the day allows, so a NOK fee on `reminder_2` is charged to a Norwegian debtor and to no
 *   Swedish one (Sweden caps fees in SEK), and that is no reason to refuse it.
 * A tenant's own `minDaysBetweenReminders` below the statutory one is neither: the larger applies.
 */
import * as z from "zod";
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import { type Ladder, ladderFor, type Policy, type StagePolicy } from "#domain/ladder/policy.ts";
import { toDecimalString } from "#domain/money/money.ts";
import { type CustomerType, CustomerTypeSchema, STAGES, type Stage } from "#domain/vocabulary.ts";
import { DEFAULT_RULES } from "./countries/default.ts";
import { EU_EURO_AREA, EU_OUTSIDE_EURO_AREA } from "./countries/eu.ts";
import {
  COUNTRY_TABLES,
  type CountryRules,
  type CustomerRules,
  describeSource,
  type RuleName,
  RuleNameSchema,
  rulesFor,
  rulesOfTable,
  type Source,
} from "./country-rules.ts";

const PathSchema = z.array(z.union([z.string(), z.number()]));

export const PolicyViolationSchema = z.object({
  code: z.literal("policy_violates_country_rule"),
  rule: RuleNameSchema,
  /** An ISO country code, or the fallback table ("EU", "EU-non-euro", "default") for every other country. */
  country: z.string(),
  customerType: CustomerTypeSchema,
  /** Into the policy as submitted: ["overrides", 0, "ladder", "reminder_1", "fee", "NOK"]. */
  path: PathSchema,
  /** Names the rule, the limit and the law. */
  message: z.string(),
  source: z.string(),
});
export type PolicyViolation = z.infer<typeof PolicyViolationSchema>;

export const PolicyWarningSchema = z.object({
  code: z.literal("policy_adjusted_at_send"),
  rule: RuleNameSchema,
  country: z.string(),
  /** The debtors of that country the adjustment applies to. */
  customerTypes: z.array(CustomerTypeSchema).min(1),
  path: PathSchema,
  /** Names the rule, what the policy asks, what dun does instead at send time, and the law. */
  message: z.string(),
  source: z.string(),
});
export type PolicyWarning = z.infer<typeof PolicyWarningSchema>;

export type PolicyCheck = { violations: PolicyViolation[]; warnings: PolicyWarning[] };

type Path = (string | number)[];

/** One way a ladder breaks a rule for one group of debtors. */
type Finding = {
  rule: RuleName;
  path: Path;
  /** What the policy asks that the rule does not allow. */
  message: string;
  source: Source;
  /** What dun does at send time instead; absent where nothing corrects it. */
  atSend?: string;
  /**
   * The policy's value is lawful for some debtors of this group (SE: a fee agreed in the contract),
   * so this finding alone never refuses it.
   */
  lawfulForSome?: boolean;
};

/** Debtors of one country (or one fallback table) and one customer type, and the ladder they get. */
type DebtorGroup = {
  country: string;
  rules: CountryRules;
  customerType: CustomerType;
  ladder: Ladder;
  prefix: Path;
};

const CUSTOMER_TYPES: readonly CustomerType[] = ["business", "consumer"];
const FALLBACK_TABLES = [EU_EURO_AREA, EU_OUTSIDE_EURO_AREA, DEFAULT_RULES];

export function checkPolicy(policy: Policy, on: IsoDate): PolicyCheck {
  const groups = debtorGroups(policy, on);
  const found = groups.map((group) => ({
    group,
    findings: [
      ...checkLadder(group.ladder, group.rules[group.customerType], group.prefix),
      ...checkContactHours(policy.businessHours, group.rules[group.customerType]),
    ],
  }));

  const violations: PolicyViolation[] = [];
  const warnings: PolicyWarning[] = [];
  for (const { group, findings } of found) {
    for (const finding of findings) {
      if (isRefused(finding, group, found)) violations.push(violationOf(group, finding));
      else addWarning(warnings, group, finding);
    }
  }
  return { violations, warnings };
}

/**
 * Refused: what nothing at send time corrects, or what is never lawful for any debtor the ladder
 * applies to (each of them has a finding at the same path that no contract could make lawful).
 */
function isRefused(
  finding: Finding,
  group: DebtorGroup,
  found: readonly { group: DebtorGroup; findings: Finding[] }[],
): boolean {
  if (finding.atSend === undefined) return true;
  if (finding.lawfulForSome) return false;
  return found
    .filter((other) => other.group.ladder === group.ladder)
    .every((other) => other.findings.some((f) => !f.lawfulForSome && samePath(f.path, finding.path)));
}

/**
 * Every group of debtors the policy may reach. Countries with a table of their own and countries an
 * override names stand for themselves; every other country is reached through its fallback table,
 * with the ladder an override by customer type alone (or the default) gives it.
 */
function debtorGroups(policy: Policy, on: IsoDate): DebtorGroup[] {
  const countries = new Set([
    ...COUNTRY_TABLES.keys(),
    ...policy.overrides.flatMap((override) => (override.country ? [override.country] : [])),
  ]);
  const named = [...countries].map((country) => ({ country, rules: rulesFor(country, on) }));
  const fallbacks = FALLBACK_TABLES.map((table) => ({
    country: table.jurisdiction,
    rules: rulesOfTable(table, on),
  }));
  return [...named, ...fallbacks].flatMap(({ country, rules }) =>
    CUSTOMER_TYPES.map((customerType) => {
      // A fallback group has no country an override could name, hence "".
      const ladder = ladderFor(policy, named.some((n) => n.country === country) ? country : "", customerType);
      // ladderFor hands back the override's own ladder object, so identity finds who set it.
      const overrideIndex = policy.overrides.findIndex((override) => override.ladder === ladder);
      const prefix: Path = overrideIndex >= 0 ? ["overrides", overrideIndex, "ladder"] : ["ladder"];
      return { country, rules, customerType, ladder, prefix };
    }),
  );
}

function checkLadder(ladder: Ladder, rules: CustomerRules, prefix: Path): Finding[] {
  const findings: Finding[] = [];
  const stages = STAGES.flatMap((stage) => {
    const policy = ladder[stage];
    return policy ? [{ stage, policy }] : [];
  });
  const currencies = new Set(stages.flatMap(({ policy }) => Object.keys(policy.fee ?? {})));
  for (const currency of currencies) findings.push(...checkFees(stages, currency, rules, prefix));
  findings.push(...checkGaps(stages, rules, prefix), ...checkFinalNotice(ladder, rules, prefix));
  return findings;
}

type StageEntry = { stage: Stage; policy: StagePolicy };

/** The fees in one currency, as `reminderFee` would charge them to this group at send time. */
function checkFees(stages: StageEntry[], currency: string, rules: CustomerRules, prefix: Path): Finding[] {
  const findings: Finding[] = [];
  const charging = stages.filter(({ policy }) => (policy.fee?.[currency] ?? 0) > 0);
  const pathOf = (stage: Stage): Path => [...prefix, stage, "fee", currency];

  const cap = rules.maxReminderFee.value;
  if (cap && cap.currency !== currency) {
    for (const { stage } of charging) {
      findings.push({
        rule: "maxReminderFee",
        path: pathOf(stage),
        message: `the ${stage} fee is in ${currency}, but the law caps reminder fees in ${cap.currency}`,
        atSend: "no fee is charged: dun does not convert currencies, so it cannot show the fee is lawful",
        source: rules.maxReminderFee.source,
      });
    }
    return findings;
  }
  if (cap) {
    for (const { stage, policy } of charging) {
      const fee = policy.fee?.[currency] ?? 0;
      if (fee <= cap.amount) continue;
      const limit = `${toDecimalString(cap)} ${currency}`;
      findings.push({
        rule: "maxReminderFee",
        path: pathOf(stage),
        message:
          cap.amount === 0
            ? `the ${stage} charges a fee, but no reminder may cost anything`
            : `the ${stage} fee of ${toDecimalString({ amount: fee, currency })} ${currency} is above the ${limit} a reminder may cost`,
        atSend: cap.amount === 0 ? "no fee is charged" : `the fee is lowered to ${limit}`,
        source: rules.maxReminderFee.source,
      });
    }
  }
  if (rules.reminderFeeRequiresAgreement.value) {
    for (const { stage } of charging) {
      findings.push({
        rule: "reminderFeeRequiresAgreement",
        path: pathOf(stage),
        message: `the ${stage} fee is owed only where the debtor agreed to it when the debt arose`,
        atSend: "the fee is charged only on invoices that record that agreement (reminderFeeAgreed)",
        source: rules.reminderFeeRequiresAgreement.source,
        lawfulForSome: true,
      });
    }
  }

  const notBefore = rules.reminderFeeNotBeforeDaysAfterDue.value;
  const firstReminder = stages.find(({ stage, policy }) => stage !== "courtesy" && policy.offsetDays >= 1);
  const lawful: StageEntry[] = [];
  for (const entry of charging) {
    const { stage, policy } = entry;
    if (policy.offsetDays < notBefore) {
      findings.push({
        rule: "reminderFeeNotBeforeDaysAfterDue",
        path: pathOf(stage),
        message: `the ${stage} charges a fee ${describeOffset(policy.offsetDays)}, but a fee needs ${notBefore} days after the due date`,
        atSend: "no fee is charged on a reminder sent sooner",
        source: rules.reminderFeeNotBeforeDaysAfterDue.source,
      });
    } else if (rules.noFeeOnFirstReminder.value && entry === firstReminder) {
      findings.push({
        rule: "noFeeOnFirstReminder",
        path: pathOf(stage),
        message: `the ${stage} is the first reminder after the due date, the one that puts the debtor in default, and cannot itself be charged for`,
        atSend: "no fee is charged on the first reminder that reaches the debtor",
        source: rules.noFeeOnFirstReminder.source,
      });
    } else {
      lawful.push(entry);
    }
  }

  const maxCount = rules.maxFeeBearingReminders.value;
  if (maxCount !== null) {
    lawful.slice(maxCount).forEach(({ stage }, index) => {
      findings.push({
        rule: "maxFeeBearingReminders",
        path: pathOf(stage),
        message:
          maxCount === 0
            ? `the ${stage} charges a fee, but no reminder may`
            : `the ${stage} would be fee-bearing reminder number ${maxCount + index + 1}, above the ${maxCount} allowed`,
        atSend: "no fee is charged once the allowed number of fees has been",
        source: rules.maxFeeBearingReminders.source,
      });
    });
  }

  const gap = rules.minDaysBetweenReminders.value;
  if (gap?.between === "feeBearingReminders") {
    const spaced = maxCount === null ? lawful : lawful.slice(0, maxCount);
    spaced.forEach(({ stage, policy }, index) => {
      const before = spaced[index - 1];
      if (!before) return;
      const days = policy.offsetDays - before.policy.offsetDays;
      if (days < gap.days) {
        findings.push({
          rule: "minDaysBetweenReminders",
          path: [...prefix, stage, "offsetDays"],
          message: `the ${stage} fee comes ${days} days after the ${before.stage} fee, but fee-bearing reminders must be at least ${gap.days} days apart`,
          atSend: `no fee is charged on a reminder sent within ${gap.days} days of the last fee`,
          source: rules.minDaysBetweenReminders.source,
        });
      }
    });
  }
  return findings;
}

function checkGaps(stages: StageEntry[], rules: CustomerRules, prefix: Path): Finding[] {
  const gap = rules.minDaysBetweenReminders.value;
  if (gap?.between !== "allReminders") return [];
  const spaced = stages.filter(({ stage }) => stage !== "courtesy");
  return spaced.flatMap(({ stage, policy }, index) => {
    const before = spaced[index - 1];
    const days = before ? policy.offsetDays - before.policy.offsetDays : gap.days;
    if (!before || days >= gap.days) return [];
    return [
      {
        rule: "minDaysBetweenReminders" as const,
        path: [...prefix, stage, "offsetDays"],
        message: `the ${stage} comes ${days} days after the ${before.stage}, but reminders must be at least ${gap.days} days apart`,
        atSend: `the ${stage} waits until ${gap.days} days after the last reminder`,
        source: rules.minDaysBetweenReminders.source,
      },
    ];
  });
}

function checkFinalNotice(ladder: Ladder, rules: CustomerRules, prefix: Path): Finding[] {
  const notice = rules.finalNoticeDeadlineDays.value;
  if (notice === null) return [];
  const rule = "finalNoticeDeadlineDays";
  const source = rules.finalNoticeDeadlineDays.source;
  const { final_notice: finalNotice, collection } = ladder;
  const findings: Finding[] = [];
  if (finalNotice && (finalNotice.deadlineDays ?? 0) < notice) {
    findings.push({
      rule,
      path: [...prefix, "final_notice", "deadlineDays"],
      message: `the final notice gives ${finalNotice.deadlineDays ?? 0} days to pay, but it must give at least ${notice}`,
      atSend: `the final notice gives ${notice} days`,
      source,
    });
  }
  if (collection && !finalNotice) {
    findings.push({
      rule,
      path: [...prefix, "collection"],
      message: `the ladder hands over to collection without a final notice giving at least ${notice} days to pay`,
      source,
    });
  }
  if (collection && finalNotice && collection.offsetDays - finalNotice.offsetDays < notice) {
    findings.push({
      rule,
      path: [...prefix, "collection", "offsetDays"],
      message: `collection comes ${collection.offsetDays - finalNotice.offsetDays} days after the final notice, before its required ${notice}-day deadline has run`,
      atSend: "the hand-over waits until the day after the deadline the final notice stated",
      source,
    });
  }
  return findings;
}

/** Business hours are used as they are for every debtor: nothing at send time corrects them. */
function checkContactHours(hours: Policy["businessHours"], rules: CustomerRules): Finding[] {
  const allowed = rules.contactHours.value;
  if (!allowed) return [];
  // Public holidays are never business days in dun's calendar, so weekdays 1–5 and 6–7 are all to check.
  const windows = [
    ...(hours.weekdays.some((day) => day <= 5) ? [{ window: allowed.weekdays, days: "working days" }] : []),
    ...(hours.weekdays.some((day) => day >= 6) ? [{ window: allowed.weekends, days: "weekends" }] : []),
  ];
  const tooEarly = windows.filter(({ window }) => hours.start < window.start);
  const tooLate = windows.filter(({ window }) => hours.end > window.end);
  const findings: Finding[] = [];
  if (tooEarly.length > 0) {
    const limits = tooEarly.map(({ window, days }) => `${window.start} on ${days}`).join(" and ");
    findings.push({
      rule: "contactHours",
      path: ["businessHours", "start"],
      message: `business hours start at ${hours.start}, before ${limits}`,
      source: rules.contactHours.source,
    });
  }
  if (tooLate.length > 0) {
    const limits = tooLate.map(({ window, days }) => `${window.end} on ${days}`).join(" and ");
    findings.push({
      rule: "contactHours",
      path: ["businessHours", "end"],
      message: `business hours end at ${hours.end}, after ${limits}`,
      source: rules.contactHours.source,
    });
  }
  return findings;
}

function violationOf(group: DebtorGroup, finding: Finding): PolicyViolation {
  return {
    code: "policy_violates_country_rule",
    rule: finding.rule,
    country: group.country,
    customerType: group.customerType,
    path: finding.path,
    message: `${finding.rule}: for ${debtorsOf(group, [group.customerType])}, ${finding.message} (${finding.source.law})`,
    source: describeSource(finding.source),
  };
}

/** One warning per rule, path and country, naming the customer types it applies to. */
function addWarning(warnings: PolicyWarning[], group: DebtorGroup, finding: Finding): void {
  const same = warnings.find(
    (w) => w.rule === finding.rule && w.country === group.country && samePath(w.path, finding.path),
  );
  const customerTypes = same ? [...same.customerTypes, group.customerType] : [group.customerType];
  const warning: PolicyWarning = {
    code: "policy_adjusted_at_send",
    rule: finding.rule,
    country: group.country,
    customerTypes,
    path: finding.path,
    message: `${finding.rule}: for ${debtorsOf(group, customerTypes)}, ${finding.message}; at send time ${finding.atSend} (${finding.source.law})`,
    source: describeSource(finding.source),
  };
  if (same) warnings[warnings.indexOf(same)] = warning;
  else warnings.push(warning);
}

function debtorsOf(group: DebtorGroup, customerTypes: readonly CustomerType[]): string {
  const types = customerTypes.length === 1 ? `${customerTypes[0]} debtor` : "business and consumer debtors";
  const article = customerTypes.length === 1 ? "a " : "";
  switch (group.rules.jurisdiction) {
    case "EU":
    case "EU-non-euro":
      return `${article}${types} in another EU country (${group.rules.name})`;
    case "default":
      return `${article}${types} in ${group.country === "default" ? "a country dun has no rules for" : group.country}`;
    default:
      return `${article}${group.rules.name} ${types}`;
  }
}

function samePath(a: Path, b: Path): boolean {
  return a.length === b.length && a.every((part, i) => part === b[i]);
}

function describeOffset(offsetDays: number): string {
  if (offsetDays < 0) return `${-offsetDays} days before the due date`;
  if (offsetDays === 0) return "on the due date";
  return `${offsetDays} days after the due date`;
}
