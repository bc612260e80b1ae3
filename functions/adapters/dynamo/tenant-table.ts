/**
 * Tenants in DynamoDB, stored in their input form (policyInputOf) so that reading parses them back
 * to the same tenant. One stored before payment accounts per country keeps its old payment shape
 * in the table, and is read as accounts each time (StoredTenantSchema).
 *
 * The addresses a tenant must never email again (complaints, hard bounces) are one item each under
 * the tenant's suppression partition (keys.ts, suppressionKey), so that however many there are the
 * tenant item stays small and checking an invoice's addresses is the same one request as reading
 * the tenant: a BatchGetItem of the tenant and those addresses. Tenants suppressed addresses into a
 * string set on the tenant item before; that set is no longer written, and is still read (its
 * addresses count as suppressed) for as long as a tenant item holds one.
 */
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandOutput,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { type Policy, policyInputOf } from "#domain/ladder/policy.ts";
import { StoredTenantSchema, type Tenant } from "#domain/tenant/tenant.ts";
import type { StoredTenant, TenantStore } from "#ports/tenant-store.ts";
import { normalisedAddress, suppressionKey, suppressionPartition, tenantKey } from "./keys.ts";
import { BATCH_GET_LIMIT, chunks, isConditionFailure, unprocessedPause } from "./writes.ts";

export class TenantTable implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string, addresses: readonly string[] = []): Promise<StoredTenant | undefined> {
    if (addresses.length === 0) {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: tenantKey(tenantId) }),
      );
      return Item && this.storedTenantOf(Item, new Set());
    }
    const asked = [...new Set(addresses.map(normalisedAddress))];
    const found = await this.batchGet([
      tenantKey(tenantId),
      ...asked.map((email) => suppressionKey(tenantId, email)),
    ]);
    const tenantItem = found.find((item) => item.pk === tenantKey(tenantId).pk);
    if (!tenantItem) return undefined;
    const suppressed = new Set(found.filter((item) => item !== tenantItem).map((item) => String(item.sk)));
    return this.storedTenantOf(tenantItem, suppressed, addresses);
  }

  /**
   * The tenant, and the addresses found suppressed — by their items, or in the set an older tenant
   * item still holds — as the caller spelled them.
   */
  private storedTenantOf(
    Item: Record<string, unknown>,
    found: ReadonlySet<string>,
    addresses: readonly string[] = [],
  ): StoredTenant {
    const legacy = new Set<string>((Item.suppressed as Set<string> | undefined) ?? []);
    const suppressed = new Set(legacy);
    for (const address of addresses) {
      const normalised = normalisedAddress(address);
      if (found.has(normalised) || legacy.has(normalised)) suppressed.add(address);
    }
    return { tenant: StoredTenantSchema.parse(Item.tenant), suppressed };
  }

  /** The items of `keys` that exist, asked BATCH_GET_LIMIT at a time, until none is left unprocessed. */
  private async batchGet(keys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    for (const chunk of chunks(keys, BATCH_GET_LIMIT)) {
      let pending: Record<string, unknown>[] | undefined = chunk;
      for (let attempt = 0; pending && pending.length > 0; attempt++) {
        if (attempt > 0) await unprocessedPause(attempt);
        const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await this.client.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: pending } } }),
        );
        items.push(...(Responses?.[this.tableName] ?? []));
        pending = UnprocessedKeys?.[this.tableName]?.Keys;
      }
    }
    return items;
  }

  async put(tenant: Tenant): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...tenantKey(tenant.id), tenant: { ...tenant, policy: policyInputOf(tenant.policy) } },
      }),
    );
  }

  /**
   * Replaces the tenant's policy and nothing else (not an older suppression set beside it); `false`
   * when there is no such tenant.
   */
  async updatePolicy(tenantId: string, policy: Policy): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: tenantKey(tenantId),
          UpdateExpression: "SET #tenant.#policy = :policy",
          ConditionExpression: "attribute_exists(pk)",
          ExpressionAttributeNames: { "#tenant": "tenant", "#policy": "policy" },
          ExpressionAttributeValues: { ":policy": policyInputOf(policy) },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  /** Suppresses an address: its own item, so writing it twice writes the same item. */
  async suppress(tenantId: string, email: string): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: suppressionKey(tenantId, email) }),
    );
  }

  async listSuppressed(tenantId: string): Promise<string[]> {
    const addresses = new Set<string>();
    const { Item } = await this.client.send(
      new GetCommand({
        TableName: this.tableName,
        Key: tenantKey(tenantId),
        ProjectionExpression: "suppressed",
      }),
    );
    for (const address of (Item?.suppressed as Set<string> | undefined) ?? []) addresses.add(address);
    let after: Record<string, unknown> | undefined;
    do {
      const page: QueryCommandOutput = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": suppressionPartition(tenantId) },
          ExclusiveStartKey: after,
        }),
      );
      for (const item of page.Items ?? []) addresses.add(String(item.sk));
      after = page.LastEvaluatedKey;
    } while (after);
    return [...addresses].sort();
  }
}
