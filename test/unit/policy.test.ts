import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY_INPUT, ladderFor, PolicySchema, policyInputOf } from "#domain/ladder/policy.ts";

function issuesOf(input: unknown) {
  const result = PolicySchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
}

describe("a tenant policy", () => {
  it("fills defaults around the ladder", () => {
    const policy = PolicySchema.parse(DEFAULT_POLICY_INPUT);
    expect(policy.businessHours).toEqual({ start: "09:00", end: "17:00", weekdays: [1, 2, 3, 4, 5] });
    expect(policy.minDaysBetweenReminders).toBe(7);
    expect(policy.ladder.final_notice?.deadlineDays).toBe(14);
  });

  it("holds fees in minor units per currency", () => {
    const policy = PolicySchema.parse({
      ladder: { reminder_1: { offsetDays: 14, fee: { NOK: "35.00", jpy: "500" } } },
    });
    expect(policy.ladder.reminder_1?.fee).toEqual({ NOK: 3500, JPY: 500 });
  });

  it("rejects a ladder whose stages go backwards, naming the stage", () => {
    expect(issuesOf({ ladder: { reminder_1: { offsetDays: 14 }, reminder_2: { offsetDays: 10 } } })).toEqual([
      "ladder.reminder_2.offsetDays: must be later than reminder_1 (offset 14 days)",
    ]);
  });

  it("requires a final notice to state its deadline", () => {
    expect(issuesOf({ ladder: { final_notice: { offsetDays: 30 } } })).toEqual([
      "ladder.final_notice.deadlineDays: is required: a final notice states the deadline",
    ]);
  });

  it("rejects a malformed fee, naming the currency", () => {
    expect(issuesOf({ ladder: { reminder_1: { offsetDays: 14, fee: { NOK: "35,000" } } } })[0]).toMatch(
      /^ladder\.reminder_1\.fee\.NOK: /,
    );
  });

  it("rejects business hours that end before they start", () => {
    expect(
      issuesOf({ ...DEFAULT_POLICY_INPUT, businessHours: { start: "17:00", end: "09:00", weekdays: [1] } }),
    ).toEqual(["businessHours.end: must be later than start"]);
  });

  it("uses the most specific override: country and type, then country, then type", () => {
    const policy = PolicySchema.parse({
      ...DEFAULT_POLICY_INPUT,
      overrides: [
        { customerType: "consumer", ladder: { reminder_1: { offsetDays: 10 } } },
        { country: "NO", ladder: { reminder_1: { offsetDays: 14 } } },
        { country: "NO", customerType: "consumer", ladder: { reminder_1: { offsetDays: 15 } } },
      ],
    });
    expect(ladderFor(policy, "NO", "consumer").reminder_1?.offsetDays).toBe(15);
    expect(ladderFor(policy, "NO", "business").reminder_1?.offsetDays).toBe(14);
    expect(ladderFor(policy, "SE", "consumer").reminder_1?.offsetDays).toBe(10);
    expect(ladderFor(policy, "SE", "business").reminder_1?.offsetDays).toBe(7);
  });

  it("refuses two overrides for the same debtors", () => {
    const issues = issuesOf({
      ...DEFAULT_POLICY_INPUT,
      overrides: [
        { country: "NO", ladder: {} },
        { country: "no", ladder: {} },
      ],
    });
    expect(issues).toEqual(["overrides.1: a second override for NO/*"]);
  });
});

describe("a policy's stored form", () => {
  it("parses back to the same policy, fees and overrides included", () => {
    const policy = PolicySchema.parse({
      ladder: {
        reminder_1: { offsetDays: 14, fee: { NOK: "35.00", JPY: "500" } },
        final_notice: { offsetDays: 28, deadlineDays: 14 },
      },
      overrides: [{ country: "SE", ladder: { reminder_1: { offsetDays: 14, fee: { SEK: "60.50" } } } }],
    });
    expect(PolicySchema.parse(policyInputOf(policy))).toEqual(policy);
    expect(PolicySchema.parse(policyInputOf(PolicySchema.parse(DEFAULT_POLICY_INPUT)))).toEqual(
      PolicySchema.parse(DEFAULT_POLICY_INPUT),
    );
  });
});
