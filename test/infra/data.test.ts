import { Match, Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { tableDefinition } from "../../functions/adapters/dynamo/table-definition.ts";
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
        Match.objectLike({
          IndexName: "list",
          KeySchema: [
            { AttributeName: "listShard", KeyType: "HASH" },
            { AttributeName: "listNumber", KeyType: "RANGE" },
          ],
          Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["listed"] },
        }),
      ],
    });
  });

  it("declares the keys and indexes of the table local mode and the tests create", () => {
    // Prepare
    const local = tableDefinition("local");
    const [resource] = Object.values(synth(false).findResources("AWS::DynamoDB::GlobalTable"));
    type Index = { IndexName?: string; KeySchema?: unknown; Projection?: unknown };
    const byName = (list: { AttributeName?: string }[]) =>
      [...list].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));
    const indexes = (list: Index[]) =>
      list
        .map(({ IndexName, KeySchema, Projection }) => ({ IndexName, KeySchema, Projection }))
        .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName)));

    // Assess
    expect(resource?.Properties.KeySchema).toEqual(local.KeySchema);
    expect(byName(resource?.Properties.AttributeDefinitions)).toEqual(
      byName(local.AttributeDefinitions ?? []),
    );
    expect(indexes(resource?.Properties.GlobalSecondaryIndexes)).toEqual(
      indexes(local.GlobalSecondaryIndexes ?? []),
    );
  });

  it("is kept and protected from deletion in production", () => {
    const table = synth(true).findResources("AWS::DynamoDB::GlobalTable");
    const [resource] = Object.values(table);
    expect(resource?.DeletionPolicy).toBe("Retain");
    expect(resource?.Properties.Replicas[0].DeletionProtectionEnabled).toBe(true);
  });
});
