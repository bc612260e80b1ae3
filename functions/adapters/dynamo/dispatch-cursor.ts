/**
 * How far the dispatcher has read the due index: one item, with each shard's position. A tick
 * reads it, enqueues the due slots after it, and writes it back on condition that no other tick
 * wrote it meanwhile (two ticks at once only enqueue some slots twice, which the claim turns into
 * nothing; the condition keeps the cursor from going back).
 */
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import { DISPATCH_CURSOR_KEY } from "./keys.ts";
import { isConditionFailure } from "./writes.ts";

export const ShardCursorSchema = z.object({
  /**
   * Every slot up to this instant, included, has been put on the send queue; the next stretch starts
   * just after it (or at it again, where a tick does not wait for the index to settle: dispatch-due.ts).
   */
  readUpTo: z.string(),
  /** A stretch not yet read to its end: up to `to`, going on after the index position `after`. */
  working: z.object({ to: z.string(), after: z.record(z.string(), z.string()) }).optional(),
});
export type ShardCursor = z.infer<typeof ShardCursorSchema>;

const CursorItemSchema = z.object({
  shards: z.record(z.string(), ShardCursorSchema),
  version: z.number().int().nonnegative(),
});
export type DispatchCursor = z.infer<typeof CursorItemSchema>;

export class DispatchCursorTable {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The cursor; a first tick starts from nothing read. */
  async get(): Promise<DispatchCursor> {
    const { Item } = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: DISPATCH_CURSOR_KEY, ConsistentRead: true }),
    );
    return Item ? CursorItemSchema.parse(Item) : { shards: {}, version: 0 };
  }

  /** Writes the cursor read as `before` moved on to `shards`; false when another tick wrote it meanwhile. */
  async put(before: DispatchCursor, shards: DispatchCursor["shards"]): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...DISPATCH_CURSOR_KEY, shards, version: before.version + 1 },
          ConditionExpression: before.version === 0 ? "attribute_not_exists(pk)" : "version = :read",
          ...(before.version === 0 ? {} : { ExpressionAttributeValues: { ":read": before.version } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }
}
