/** The sparse, write-sharded due index in DynamoDB (docs/DATA-MODEL.md, "The due index"). */
import { QueryCommand } from "@aws-sdk/lib-dynamodb";
import type { DueIndex } from "#ports/due-index.ts";
import { allDueShards, DUE_INDEX, invoiceOfPartition } from "./keys.ts";
import type { TableContext } from "./writes.ts";

export function dueIndex(table: TableContext): DueIndex {
  return {
    /**
     * One page of a due shard: the invoices whose next action falls in [from, to] (ISO instants, both
     * included), in the order of their slots, going on after the index position `after`; and the
     * position to go on from, if there is more.
     */
    async dueBetween(
      shard: string,
      range: { from: string; to: string },
      options: { after?: Record<string, string>; limit?: number } = {},
    ): Promise<{ invoices: { tenantId: string; invoiceNumber: string }[]; after?: Record<string, string> }> {
      const page = await table.client.send(
        new QueryCommand({
          TableName: table.tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: "dueShard = :shard AND nextActionAt BETWEEN :from AND :to",
          ExpressionAttributeValues: { ":shard": shard, ":from": range.from, ":to": range.to },
          ExclusiveStartKey: options.after,
          Limit: options.limit,
        }),
      );
      const invoices = (page.Items ?? []).map((item) => invoiceOfPartition(String(item.pk)));
      return { invoices, after: page.LastEvaluatedKey as Record<string, string> | undefined };
    },

    /**
     * The earliest next action of any invoice, from the first item of each due shard: how local
     * mode's clock skips the ticks that would find nothing due. Undefined when nothing waits.
     */
    async nextDueAt(): Promise<Date | undefined> {
      const firsts = await Promise.all(
        allDueShards().map(async (shard) => {
          const page = await table.client.send(
            new QueryCommand({
              TableName: table.tableName,
              IndexName: DUE_INDEX,
              KeyConditionExpression: "dueShard = :shard",
              ExpressionAttributeValues: { ":shard": shard },
              ProjectionExpression: "nextActionAt",
              Limit: 1,
            }),
          );
          return page.Items?.[0]?.nextActionAt as string | undefined;
        }),
      );
      const earliest = firsts.filter((at): at is string => at !== undefined).sort()[0];
      return earliest === undefined ? undefined : new Date(earliest);
    },
  };
}
