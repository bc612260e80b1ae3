/**
 * dynalite refuses items over 400 KB as DynamoDB does, with DynamoDB's own errors ("Item size has
 * exceeded the maximum allowed size" for PutItem and BatchWriteItem, "Item size to update has
 * exceeded the maximum allowed size" for UpdateItem), but it counts a string in UTF-16 units and
 * an attribute name in characters, where DynamoDB counts UTF-8 bytes: 400 K of `€` or Cyrillic
 * passes it at three times or twice what DynamoDB takes. Every one of those checks asks its
 * database module's `itemSize`, so that is replaced by DynamoDB's rule (#adapters/dynamo/item-size.ts)
 * and the tests and local mode meet the real limit. (Its internal capacity counting keeps its own.)
 */
import { createRequire } from "node:module";
import { type AttributeValue, itemSize } from "#adapters/dynamo/item-size.ts";

type DynaliteDb = { itemSize: (item: Record<string, AttributeValue>) => number };

const require = createRequire(import.meta.url);

/** Makes dynalite, in this process, count item sizes in UTF-8 bytes as DynamoDB does. Idempotent. */
export function countItemSizesLikeDynamoDb(): void {
  const db = require("dynalite/db/index.js") as DynaliteDb;
  db.itemSize = itemSize;
}
