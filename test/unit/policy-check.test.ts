import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_INPUT, type PolicyInput, PolicySchema } from "#domain/ladder/policy.ts";
import { COUNTRY_TABLES } from "#domain/rules/country-rules.ts";
import { checkPolicy, type PolicyViolation, PolicyViolationSchema } from "#domain/rules/policy-check.ts";

const TODAY = "2026-11-23";

/** The default policy with one ladder override; the override replaces the ladder whole. */
function withOverride(override: NonNullable<PolicyInput["overrides"]>[number]): PolicyInput {
  return { ...DEFAULT_POLICY_INPUT, overrides: [override] };
}

function check(input: PolicyInput): PolicyViolation[] {
  return checkPolicy(PolicySchema.parse(input), TODAY);
}

const norwegianLadder = {
  reminder_1: { offsetDays: 14, fee: { NOK: "35.00" } },
  reminder_2: { offsetDays: 28, fee: { NOK: "35.00" } },
  final_notice: { offsetDays: 42, deadlineDays: 14 },
  collection: { offsetDays: 56 },
};

describe("checkPolicy", () => {
  it("passes dun's default policy for every country and customer type", () => {
    expect(check(DEFAULT_POLICY_INPUT)).toEqual([]);
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

  it("points at the tenant's default ladder when no override applies, once per customer type", () => {
    const policy = {
      ...DEFAULT_POLICY_INPUT,
      ladder: { ...DEFAULT_POLICY_INPUT.ladder, reminder_2: { offsetDays: 21, fee: { DKK: "150.00" } } },
    };

    const violations = check(policy);

    expect(
      violations.map(({ rule, country, customerType, path }) => ({ rule, country, customerType, path })),
    ).toEqual([
      {
        rule: "maxReminderFee",
        country: "DK",
        customerType: "business",
        path: ["ladder", "reminder_2", "fee", "DKK"],
      },
      {
        rule: "maxReminderFee",
        country: "DK",
        customerType: "consumer",
        path: ["ladder", "reminder_2", "fee", "DKK"],
      },
    ]);
  });

  it("rejects a Norwegian fee on a reminder sent sooner than 14 days after the due date (reminderFeeNotBeforeDaysAfterDue)", () => {
    const policy = withOverride({
      country: "NO",
      ladder: { ...norwegianLadder, reminder_1: { offsetDays: 7, fee: { NOK: "35.00" } } },
    });

    const rules = check(policy).map((violation) => [violation.rule, violation.path.join(".")]);

    expect(rules).toContainEqual(["reminderFeeNotBeforeDaysAfterDue", "overrides.0.ladder.reminder_1.fee"]);
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
        path: ["overrides", 0, "ladder", "final_notice", "fee"],
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
      country: "FR",
      ladder: { reminder_1: { offsetDays: 0, fee: { EUR: "5.00" } } },
    });

    expect(check(policy)).toEqual([
      expect.objectContaining({
        rule: "reminderFeeNotBeforeDaysAfterDue",
        country: "FR",
        customerType: "business",
      }),
      expect.objectContaining({
        rule: "reminderFeeNotBeforeDaysAfterDue",
        country: "FR",
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

    expect(countries).toEqual(new Set(COUNTRY_TABLES.keys()));
  });
});
