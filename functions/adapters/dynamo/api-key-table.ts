/**
 * API keys in DynamoDB, by the SHA-256 of the key: one GetItem turns a request's key into its
 * tenant. The key itself is never written; see functions/api/api-keys.ts.
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { ApiKeyRecord, ApiKeyStore } from "#ports/api-key-store.ts";
import { apiKeyKey } from "./keys.ts";
import { isConditionFailure } from "./writes.ts";

const ApiKeyItemSchema = z.object({
  tenantId: z.string().min(1),
  createdAt: z.string(),
  label: z.string().optional(),
});

export class ApiKeyTable implements ApiKeyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * Stores a new key's hash. Two keys with one hash would mean 256 random bits came out twice,
   * which does not happen; if it ever did, overwriting would hand one tenant's access to another,
   * so the write is conditional and fails loudly instead.
   */
  async put(input: ApiKeyRecord): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...apiKeyKey(input.hash),
            tenantId: input.tenantId,
            createdAt: input.createdAt,
            ...(input.label === undefined ? {} : { label: input.label }),
          },
          ConditionExpression: "attribute_not_exists(pk)",
        }),
      );
    } catch (error) {
      if (isConditionFailure(error)) {
        throw new Error("An API key with this hash is already stored; create a new key.", { cause: error });
      }
      throw error;
    }
  }

  /**
   * The tenant a key's hash belongs to, or undefined for an unknown key. An eventually consistent
   * read (half the cost, on every request) is enough: the item never changes once written, so the
   * worst a stale read does is not yet know a key created within the last second.
   */
  async tenantOf(hash: string): Promise<string | undefined> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: apiKeyKey(hash) }),
    );
    if (!Item) return undefined;
    return ApiKeyItemSchema.parse(Item).tenantId;
  }
}
