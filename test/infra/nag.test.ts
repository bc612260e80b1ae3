import { Aspects } from "aws-cdk-lib";
import { Annotations, Match } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

describe("cdk-nag AwsSolutions", () => {
  it.each([false, true])("finds nothing unsuppressed (production: %s)", (production) => {
    // Prepare
    const stack = testStack({ production, alarmEmail: "ops@example.com" });
    Aspects.of(stack).add(new AwsSolutionsChecks());

    // Act
    const annotations = Annotations.fromStack(stack);

    // Assess
    const findings = [
      ...annotations.findError("*", Match.stringLikeRegexp("AwsSolutions-.*")),
      ...annotations.findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")),
    ].map((finding) => `${finding.id}: ${String(finding.entry.data).split("\n")[0]}`);
    expect(findings).toEqual([]);
  });
});
