/**
 * The one-off move of invoice items from the keys dun had before the list index (pk `TENANT#t`,
 * sk `INVOICE#n`) to their own partitions (pk `TENANT#t#INVOICE#n`, sk `INVOICE`) with their list
 * entry (docs/DATA-MODEL.md, "Moving a deployed table"). Timelines were under the new partition
 * already and stay where they are.
 */
import { isDeepStrictEqual } from "node:util";
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  ScanCommand,
  type ScanCommandOutput,
} from "@aws-sdk/lib-dynamodb";
import { type Invoice, InvoiceSchema } from "#domain/invoice/invoice.ts";
import { listedOf } from "./invoice-item.ts";
import { invoiceKey, listShardOf } from "./keys.ts";
import { conditional, type TableContext } from "./writes.ts";

/** What a move did: invoices moved, and those left where they were because their new key is taken. */
export type KeyMove = { moved: number; taken: string[] };

/**
 * Moves every old-style invoice item: puts the new item (only if no item has its key), then
 * deletes the old one (only if unchanged since it was read). The new item is written first, so an
 * invoice is never in neither place; a move that stops half-way is run again and goes on, finding
 * its own new item already there. An invoice whose new key is taken by another item (uploaded anew
 * before the move) is left where it was and named.
 */
export async function moveInvoiceKeys(
  table: TableContext,
  progress: (move: KeyMove) => void = () => {},
): Promise<KeyMove> {
  const move: KeyMove = { moved: 0, taken: [] };
  let start: Record<string, unknown> | undefined;
  do {
    const page: ScanCommandOutput = await table.client.send(
      new ScanCommand({
        TableName: table.tableName,
        FilterExpression: "begins_with(pk, :tenant) AND begins_with(sk, :invoice)",
        ExpressionAttributeValues: { ":tenant": "TENANT#", ":invoice": "INVOICE#" },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const { pk, sk, ...attributes } of page.Items ?? []) {
      const invoice = InvoiceSchema.parse({ ...attributes.invoice, version: attributes.version });
      const outcome = await moveOne(table, { pk, sk }, attributes, invoice);
      if (outcome === "moved") move.moved += 1;
      else move.taken.push(`${invoice.tenantId}/${invoice.invoiceNumber}`);
    }
    progress(move);
    start = page.LastEvaluatedKey;
  } while (start);
  return move;
}

async function moveOne(
  table: TableContext,
  old: Record<string, unknown>,
  attributes: Record<string, unknown>,
  invoice: Invoice,
): Promise<"moved" | "taken"> {
  const key = invoiceKey(invoice.tenantId, invoice.invoiceNumber);
  const item = {
    ...attributes,
    ...key,
    listShard: listShardOf(invoice.tenantId, invoice.invoiceNumber),
    listNumber: invoice.invoiceNumber,
    listed: listedOf(invoice),
  };
  const put = await conditional(() =>
    table.client.send(
      new PutCommand({
        TableName: table.tableName,
        Item: item,
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    ),
  );
  if (put === "conflict") {
    // Either a move that stopped between its two writes put it there (the same item: go on and
    // delete the old one), or the invoice was uploaded anew under the new key: leave both.
    const { Item } = await table.client.send(
      new GetCommand({ TableName: table.tableName, Key: key, ConsistentRead: true }),
    );
    if (!Item || !isDeepStrictEqual(Item, item)) return "taken";
  }
  await conditional(() =>
    table.client.send(
      new DeleteCommand({
        TableName: table.tableName,
        Key: old,
        ConditionExpression: "#version = :version",
        ExpressionAttributeNames: { "#version": "version" },
        ExpressionAttributeValues: { ":version": invoice.version },
      }),
    ),
  );
  return "moved";
}
