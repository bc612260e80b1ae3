/** API keys through the real DynamoDB API (dynalite): stored by hash, found by hash, never in the clear. */
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { hashApiKey, newApiKey } from "#api/api-keys.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";

describe("ApiKeyTable", () => {
  let dynamo: LocalDynamo;
  let keys: ApiKeyTable;

  beforeAll(async () => {
    dynamo = await startDynalite();
    keys = new ApiKeyTable(dynamo.documents, dynamo.tableName);
  });

  afterAll(async () => {
    await dynamo.close();
  });

  it("finds the tenant of a stored key by the key's hash", async () => {
    // Prepare
    const { key, hash } = newApiKey();
    await keys.put({ hash, tenantId: "nordlys", createdAt: "2026-11-23T09:00:00.000Z", label: "accounting" });

    // Act
    const tenantId = await keys.tenantOf(hashApiKey(key));

    // Assess
    expect(tenantId).toBe("nordlys");
  });

  it("finds nothing for a key it never stored", async () => {
    expect(await keys.tenantOf(newApiKey().hash)).toBeUndefined();
  });

  it("refuses to store a second key with the same hash rather than hand it to another tenant", async () => {
    // Prepare
    const { hash } = newApiKey();
    await keys.put({ hash, tenantId: "nordlys", createdAt: "2026-11-23T09:00:00.000Z" });

    // Act
    const second = keys.put({ hash, tenantId: "fjellbyen", createdAt: "2026-11-24T09:00:00.000Z" });

    // Assess
    await expect(second).rejects.toThrow(/already stored/);
    expect(await keys.tenantOf(hash)).toBe("nordlys");
  });

  it("never stores the key itself", async () => {
    // Prepare
    const { key, hash } = newApiKey();
    await keys.put({
      hash,
      tenantId: "nordlys",
      createdAt: "2026-11-23T09:00:00.000Z",
      label: "upload script",
    });

    // Act
    const { Items = [] } = await dynamo.documents.send(new ScanCommand({ TableName: dynamo.tableName }));

    // Assess
    const stored = JSON.stringify(Items);
    expect(stored).toContain(`KEY#${hash}`);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(4));
  });
});
