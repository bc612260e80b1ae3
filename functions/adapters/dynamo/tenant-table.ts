/**
 * Tenants in DynamoDB, stored in their input form (policyInputOf) so that reading parses them back
 * to the same tenant. One stored before payment accounts per country keeps its old payment shape
 * in the table, and is read as accounts each time (StoredTenantSchema). The addresses a tenant
 * must never email again (complaints, hard bounces) live on the tenant item as a set, so the
 * sender learns them with the same read as the tenant.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { type Policy, policyInputOf } from "#domain/ladder/policy.ts";
import { StoredTenantSchema, type Tenant } from "#domain/tenant/tenant.ts";
import type { StoredTenant, TenantStore } from "#ports/tenant-store.ts";
import { tenantKey } from "./keys.ts";
import { isConditionFailure } from "./writes.ts";

export class TenantTable implements TenantStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(tenantId: string): Promise<StoredTenant | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: tenantKey(tenantId) }),
    );
    if (!Item) return undefined;
    return {
      tenant: StoredTenantSchema.parse(Item.tenant),
      suppressed: new Set<string>((Item.suppressed as Set<string> | undefined) ?? []),
    };
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
   * Replaces the tenant's policy and nothing else (not the suppression set beside it); `false` when
   * there is no such tenant.
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

  /** Adds an address to the tenant's suppression set; adding it twice changes nothing. */
  async suppress(tenantId: string, email: string): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: tenantKey(tenantId),
        UpdateExpression: "ADD suppressed :email",
        ConditionExpression: "attribute_exists(pk)",
        ExpressionAttributeValues: { ":email": new Set([email.toLowerCase()]) },
      }),
    );
  }
}
