import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { testStack } from "./stack.ts";

function synth(production: boolean) {
  return Template.fromStack(testStack({ production }));
}

describe("the data table", () => {
  it("is on demand, encrypted, recoverable, with TTL and the sparse due index", () => {
    // Act
    const template = synth(false);

    // Assess
    template.hasResourceProperties("AWS::DynamoDB::GlobalTable", {
      BillingMode: "PAY_PER_REQUEST",
      SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      Replicas: [
        Match.objectLike({ PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ],
      GlobalSecondaryIndexes: [
        Match.objectLike({
          IndexName: "due",
          KeySchema: [
            { AttributeName: "dueShard", KeyType: "HASH" },
            { AttributeName: "nextActionAt", KeyType: "RANGE" },
          ],
        }),
      ],
    });
  });

  it("is kept and protected from deletion in production", () => {
    const table = synth(true).findResources("AWS::DynamoDB::GlobalTable");
    const [resource] = Object.values(table);
    expect(resource?.DeletionPolicy).toBe("Retain");
    expect(resource?.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });
});
