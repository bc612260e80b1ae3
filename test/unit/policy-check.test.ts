import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_INPUT, type PolicyInput, PolicySchema } from "#domain/ladder/policy.ts";
import { COUNTRY_TABLES } from "#domain/rules/country-rules.ts";
import {
  checkPolicy,
  type PolicyCheck,
  type PolicyViolation,
  PolicyViolationSchema,
  PolicyWarningSchema,
} from "#domain/rules/policy-check.ts";

const TODAY = "2026-11-23";

/** The default policy with one ladder override; the override replaces the ladder whole. */
function withOverride(override: NonNullable<PolicyInput["overrides"]>[number]): PolicyInput {
  return { ...DEFAULT_POLICY_INPUT, overrides: [override] };
}

/** The violations alone: what refuses the policy. */
function check(input: PolicyInput): PolicyViolation[] {
  return checkPolicy(PolicySchema.parse(input), TODAY).violations;
}

function checkAll(input: PolicyInput): PolicyCheck {
  return checkPolicy(PolicySchema.parse(input), TODAY);
}

/** A Russian business gets a 30-day претензия; a ladder for Russia that keeps it. */
const russianBusinessLadder = {
  reminder_1: { offsetDays: 7 },
  final_notice: { offsetDays: 21, deadlineDays: 30 },
  collection: { offsetDays: 52 },
};

const norwegianLadder = {
  reminder_1: { offsetDays: 14, fee: { NOK: "35.00" } },
  reminder_2: { offsetDays: 28, fee: { NOK: "35.00" } },
  final_notice: { offsetDays: 42, deadlineDays: 14 },
  collection: { offsetDays: 56 },
};

describe("checkPolicy", () => {
  it("passes dun's default policy for every country and customer type, with the send-time adjustments as warnings", () => {
    // Act
    const { violations, warnings } = checkAll(DEFAULT_POLICY_INPUT);

    // Assess: a Russian business's претензия needs 30 days, the default gives 14, and dun gives 30.
    expect(violations).toEqual([]);
    expect(
      warnings.map(({ rule, country, customerTypes, path }) => ({ rule, country, customerTypes, path })),
    ).toEqual([
      {
        rule: "finalNoticeDeadlineDays",
        country: "RU",
        customerTypes: ["business"],
        path: ["ladder", "final_notice", "deadlineDays"],
      },
      {
        rule: "finalNoticeDeadlineDays",
        country: "RU",
        customerTypes: ["business"],
        path: ["ladder", "collection", "offsetDays"],
      },
    ]);
    expect(warnings[0]?.message).toContain("at send time the final notice gives 30 days");
    expect(warnings[0]?.message).toContain("Arbitrazh Procedure Code art. 4 part 5");
    for (const warning of warnings) expect(PolicyWarningSchema.parse(warning)).toEqual(warning);
  });

  it("refuses a 14-day претензия in a ladder for Russian businesses only, and passes one of 30 (АПК ст. 4)", () => {
    const short = withOverride({
      country: "RU",
      customerType: "business",
      ladder: { ...russianBusinessLadder, final_notice: { offsetDays: 21, deadlineDays: 14 } },
    });

    expect(check(short).map(({ rule, path }) => [rule, path.join(".")])).toEqual([
      ["finalNoticeDeadlineDays", "overrides.0.ladder.final_notice.deadlineDays"],
    ]);
    expect(
      check(withOverride({ country: "RU", customerType: "business", ladder: russianBusinessLadder })),
    ).toEqual([]);
  });

  it("refuses a fee on the first German reminder in a ladder for Germany, and warns of it in the default ladder (§ 286 BGB)", () => {
    const germanLadder = {
      reminder_1: { offsetDays: 7, fee: { EUR: "2.50" } },
      reminder_2: { offsetDays: 21, fee: { EUR: "2.50" } },
      final_notice: { offsetDays: 35, deadlineDays: 14 },
    };

    const refused = check(withOverride({ country: "DE", ladder: germanLadder }));
    const warned = checkAll({ ...DEFAULT_POLICY_INPUT, ladder: germanLadder });

    expect(refused.map(({ rule, customerType, path }) => [rule, customerType, path.join(".")])).toEqual([
      ["noFeeOnFirstReminder", "business", "overrides.0.ladder.reminder_1.fee.EUR"],
      ["noFeeOnFirstReminder", "consumer", "overrides.0.ladder.reminder_1.fee.EUR"],
    ]);
    expect(refused[0]?.message).toContain("puts the debtor in default");
    expect(warned.violations).toEqual([]);
    expect(warned.warnings).toContainEqual(
      expect.objectContaining({
        rule: "noFeeOnFirstReminder",
        country: "DE",
        customerTypes: ["business", "consumer"],
      }),
    );
  });

  it("refuses any reminder fee in a ladder for French consumers (CPCE art. L111-8)", () => {
    const policy = withOverride({
      country: "FR",
      customerType: "consumer",
      ladder: {
        reminder_1: { offsetDays: 10, fee: { EUR: "5.00" } },
        final_notice: { offsetDays: 30, deadlineDays: 8 },
      },
    });

    const violations = check(policy);

    expect(violations.map(({ rule }) => rule)).toEqual(["maxReminderFee", "maxFeeBearingReminders"]);
    expect(violations[0]?.message).toContain("L111-8");
  });

  it("refuses a reminder fee for Dutch consumers and a final notice shorter than the veertiendagenbrief's 14 days", () => {
    const policy = withOverride({
      country: "NL",
      customerType: "consumer",
      ladder: {
        reminder_1: { offsetDays: 7, fee: { EUR: "7.50" } },
        final_notice: { offsetDays: 21, deadlineDays: 10 },
      },
    });

    expect(check(policy).map(({ rule, path }) => [rule, path.at(-1)])).toEqual([
      ["maxReminderFee", "EUR"],
      ["maxFeeBearingReminders", "EUR"],
      ["finalNoticeDeadlineDays", "deadlineDays"],
    ]);
  });

  it("warns, and never refuses, a Swedish fee: it is lawful where the contract agreed it (lag 1981:739 2 §)", () => {
    const policy = withOverride({
      country: "SE",
      ladder: {
        reminder_1: { offsetDays: 10, fee: { SEK: "60.00" } },
        final_notice: { offsetDays: 30, deadlineDays: 10 },
      },
    });

    const { violations, warnings } = checkAll(policy);

    expect(violations).toEqual([]);
    expect(warnings.filter((warning) => warning.country === "SE")).toEqual([
      expect.objectContaining({
        rule: "reminderFeeRequiresAgreement",
        country: "SE",
        customerTypes: ["business", "consumer"],
      }),
    ]);
  });

  it("passes a Norwegian ladder that keeps every Norwegian rule", () => {
    expect(check(withOverride({ country: "NO", ladder: norwegianLadder }))).toEqual([]);
  });

  it("rejects a reminder fee above the cap, pointing at the override's fee (maxReminderFee)", () => {
    // Prepare
    const policy = withOverride({
      country: "NO",
      customerType: "consumer",
      ladder: { ...norwegianLadder, reminder_1: { offsetDays: 14, fee: { NOK: "50.00" } } },
    });

    // Act
    const violations = check(policy);

    // Assess
    expect(violations).toHaveLength(1);
    expect(violations[0]).toMatchObject({
      code: "policy_violates_country_rule",
      rule: "maxReminderFee",
      country: "NO",
      customerType: "consumer",
      path: ["overrides", 0, "ladder", "reminder_1", "fee", "NOK"],
    });
    expect(violations[0]?.message).toContain("maxReminderFee");
    expect(violations[0]?.message).toContain("50.00 NOK");
    expect(violations[0]?.message).toContain("35.00 NOK");
    expect(violations[0]?.message).toContain("inkassoforskriften § 1-2");
    expect(violations[0]?.source).toContain("inkassoforskriften");
  });

  it("warns, and does not refuse, a fee above one country's cap in the default ladder: it is lawful elsewhere", () => {
    // Prepare
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      ladder: { ...DEFAULT_POLICY_INPUT.ladder, reminder_2: { offsetDays: 21, fee: { DKK: "150.00" } } },
    };

    // Act
    const { violations, warnings } = checkAll(policy);

    // Assess
    expect(violations).toEqual([]);
    const danish = warnings.filter((warning) => warning.country === "DK");
    expect(danish).toEqual([
      expect.objectContaining({
        rule: "maxReminderFee",
        customerTypes: ["business", "consumer"],
        path: ["ladder", "reminder_2", "fee", "DKK"],
      }),
    ]);
    expect(danish[0]?.message).toContain("the fee is lowered to 100.00 DKK");
    expect(danish[0]?.message).toContain("renteloven § 9 b stk. 2");
  });

  it("does not refuse a NOK fee on reminder_2 because Sweden allows one fee: no Swedish debtor is charged NOK", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      ladder: {
        ...DEFAULT_POLICY_INPUT.ladder,
        reminder_1: { offsetDays: 14, fee: { NOK: "35.00" } },
        reminder_2: { offsetDays: 28, fee: { NOK: "35.00" } },
      },
    };

    const { violations, warnings } = checkAll(policy);

    expect(violations).toEqual([]);
    const swedish = warnings.filter((warning) => warning.country === "SE");
    expect(swedish.map(({ rule, path }) => [rule, path.join(".")])).toEqual([
      ["maxReminderFee", "ladder.reminder_1.fee.NOK"],
      ["maxReminderFee", "ladder.reminder_2.fee.NOK"],
    ]);
    expect(swedish[0]?.message).toContain("dun does not convert currencies");
    expect(warnings.some((warning) => warning.rule === "maxFeeBearingReminders")).toBe(false);
  });

  it("refuses a fee on or before the due date in the default ladder: no debtor anywhere may be charged it", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      ladder: { ...DEFAULT_POLICY_INPUT.ladder, courtesy: { offsetDays: -3, fee: { EUR: "5.00" } } },
    };

    const violations = check(policy);

    expect(new Set(violations.map((violation) => violation.rule))).toEqual(
      new Set(["reminderFeeNotBeforeDaysAfterDue", "maxReminderFee"]),
    );
    expect(violations).toContainEqual(
      expect.objectContaining({ rule: "reminderFeeNotBeforeDaysAfterDue", country: "default" }),
    );
  });

  it("rejects a Norwegian fee on a reminder sent sooner than 14 days after the due date (reminderFeeNotBeforeDaysAfterDue)", () => {
    const policy = withOverride({
      country: "NO",
      ladder: { ...norwegianLadder, reminder_1: { offsetDays: 7, fee: { NOK: "35.00" } } },
    });

    const rules = check(policy).map((violation) => [violation.rule, violation.path.join(".")]);

    expect(rules).toContainEqual([
      "reminderFeeNotBeforeDaysAfterDue",
      "overrides.0.ladder.reminder_1.fee.NOK",
    ]);
  });

  it("rejects a third fee-bearing reminder in Norway (maxFeeBearingReminders)", () => {
    const policy = withOverride({
      country: "NO",
      customerType: "business",
      ladder: {
        ...norwegianLadder,
        final_notice: { offsetDays: 42, deadlineDays: 14, fee: { NOK: "35.00" } },
      },
    });

    expect(check(policy)).toEqual([
      expect.objectContaining({
        rule: "maxFeeBearingReminders",
        path: ["overrides", 0, "ladder", "final_notice", "fee", "NOK"],
      }),
    ]);
  });

  it("rejects Danish fee-bearing reminders 3 days apart (minDaysBetweenReminders)", () => {
    const policy = withOverride({
      country: "DK",
      customerType: "consumer",
      ladder: {
        reminder_1: { offsetDays: 7, fee: { DKK: "100.00" } },
        reminder_2: { offsetDays: 10, fee: { DKK: "100.00" } },
        final_notice: { offsetDays: 24, deadlineDays: 10 },
      },
    });

    const [violation, ...others] = check(policy);

    expect(others).toEqual([]);
    expect(violation).toMatchObject({
      rule: "minDaysBetweenReminders",
      country: "DK",
      path: ["overrides", 0, "ladder", "reminder_2", "offsetDays"],
    });
    expect(violation?.message).toContain("at least 10 days apart");
    expect(violation?.message).toContain("renteloven § 9 b stk. 2");
  });

  it("lets free Danish reminders come as close as the tenant likes", () => {
    const policy = withOverride({
      country: "DK",
      ladder: {
        reminder_1: { offsetDays: 7 },
        reminder_2: { offsetDays: 10 },
        final_notice: { offsetDays: 24, deadlineDays: 10 },
      },
    });

    expect(check(policy)).toEqual([]);
  });

  it("rejects a Norwegian final notice giving fewer than 14 days, and collection before they have run (finalNoticeDeadlineDays)", () => {
    const policy = withOverride({
      country: "NO",
      customerType: "consumer",
      ladder: {
        reminder_1: { offsetDays: 14 },
        final_notice: { offsetDays: 28, deadlineDays: 10 },
        collection: { offsetDays: 35 },
      },
    });

    expect(check(policy).map(({ rule, path }) => ({ rule, path }))).toEqual([
      { rule: "finalNoticeDeadlineDays", path: ["overrides", 0, "ladder", "final_notice", "deadlineDays"] },
      { rule: "finalNoticeDeadlineDays", path: ["overrides", 0, "ladder", "collection", "offsetDays"] },
    ]);
  });

  it("rejects a Norwegian hand-over to collection with no final notice before it", () => {
    const policy = withOverride({
      country: "NO",
      customerType: "business",
      ladder: { reminder_1: { offsetDays: 14 }, collection: { offsetDays: 40 } },
    });

    expect(check(policy)).toEqual([
      expect.objectContaining({
        rule: "finalNoticeDeadlineDays",
        path: ["overrides", 0, "ladder", "collection"],
      }),
    ]);
  });

  it("rejects business hours outside the hours Russian consumers may be contacted (contactHours)", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      businessHours: { start: "07:30", end: "21:00", weekdays: [1, 2, 3, 4, 5, 6] },
    };

    const russian = check(policy).filter((violation) => violation.country === "RU");

    expect(russian.map(({ rule, customerType, path }) => ({ rule, customerType, path }))).toEqual([
      { rule: "contactHours", customerType: "consumer", path: ["businessHours", "start"] },
      { rule: "contactHours", customerType: "consumer", path: ["businessHours", "end"] },
    ]);
    expect(russian[0]?.message).toContain("08:00 on working days and 09:00 on weekends");
    expect(russian[1]?.message).toContain("20:00 on weekends");
    expect(russian[1]?.message).toContain("230-FZ");
  });

  it("lets weekday hours up to 22:00 reach Russian consumers when no weekend day is used", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      businessHours: { start: "08:00", end: "22:00", weekdays: [1, 2, 3, 4, 5] },
    };

    expect(check(policy).filter((violation) => violation.country === "RU")).toEqual([]);
  });

  it("reports every violation, not only the first", () => {
    const policy: PolicyInput = {
      ...withOverride({
        country: "NO",
        ladder: {
          reminder_1: { offsetDays: 5, fee: { NOK: "60.00" } },
          final_notice: { offsetDays: 20, deadlineDays: 7 },
          collection: { offsetDays: 22 },
        },
      }),
      businessHours: { start: "06:00", end: "23:00", weekdays: [1, 2, 3, 4, 5] },
    };

    const violations = check(policy);
    const rules = new Set(violations.map((violation) => violation.rule));

    expect(rules).toEqual(
      new Set([
        "maxReminderFee",
        "reminderFeeNotBeforeDaysAfterDue",
        "finalNoticeDeadlineDays",
        "contactHours",
      ]),
    );
    // Both customer types of Norway, each with four ladder findings; plus the hours of RU and US consumers.
    expect(violations.filter((violation) => violation.country === "NO")).toHaveLength(8);
    for (const violation of violations) expect(PolicyViolationSchema.parse(violation)).toEqual(violation);
  });

  it("checks a country an override names even without a table of its own, against its fallback", () => {
    const policy = withOverride({
      country: "AT",
      ladder: { reminder_1: { offsetDays: 0, fee: { EUR: "5.00" } } },
    });

    expect(check(policy)).toEqual([
      expect.objectContaining({
        rule: "reminderFeeNotBeforeDaysAfterDue",
        country: "AT",
        customerType: "business",
      }),
      expect.objectContaining({
        rule: "reminderFeeNotBeforeDaysAfterDue",
        country: "AT",
        customerType: "consumer",
      }),
    ]);
  });

  it("checks every country with its own table", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      ladder: { ...DEFAULT_POLICY_INPUT.ladder, courtesy: { offsetDays: -3, fee: { USD: "1.00" } } },
    };

    const countries = new Set(check(policy).map((violation) => violation.country));

    // Every table refuses it, and so do the fallbacks: the debtors of every other country.
    expect(countries).toEqual(new Set([...COUNTRY_TABLES.keys(), "EU", "EU-non-euro", "default"]));
  });
});
