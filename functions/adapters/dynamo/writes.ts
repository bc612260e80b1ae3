/**
 * How the DynamoDB adapters write: conditional writes whose failed condition is an outcome, not an
 * error; update expressions from their clauses; batches within DynamoDB's limits (reads too), with
 * backoff for what a batch hands back unprocessed.
 */

import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type DynamoDBDocumentClient,
} from "@aws-sdk/lib-dynamodb";
import type { WriteOutcome } from "#ports/invoice-store.ts";

/** The table an adapter writes to, and the clock its writes are made on. */
export type TableContext = {
  client: DynamoDBDocumentClient;
  tableName: string;
  clock: () => Date;
};

/** BatchGetItem takes at most 100 keys, BatchWriteItem 25 items. */
export const BATCH_GET_LIMIT = 100;
export const BATCH_WRITE_LIMIT = 25;
/** Conditional writes in flight at once for one upload: enough to hide latency, few enough not to throttle. */
export const PARALLEL_WRITES = 32;

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

/** `work` over every item, at most `limit` at once; the answers in the items' order. */
export async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Backoff for the keys and items a batch call handed back unprocessed (throttling). */
export const unprocessedPause = (attempt: number) =>
  new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));

/** A write whose condition failed: the SDK's own exception class, as DynamoDB's answer is parsed into it. */
export function isConditionFailure(error: unknown): error is ConditionalCheckFailedException {
  return error instanceof ConditionalCheckFailedException;
}

/**
 * A request DynamoDB refused as invalid (an item over 400 KB, say). The SDK models no class of its
 * own for it: it is a DynamoDBServiceException named ValidationException.
 */
export function isValidationFailure(error: unknown): error is DynamoDBServiceException {
  return error instanceof DynamoDBServiceException && error.name === "ValidationException";
}

/**
 * DynamoDB's words when it refuses an item as it is (too large, a value it cannot hold), or
 * undefined for any other error. A single write says so as a ValidationException; a transaction
 * (report-totals.ts) cancels with a `ValidationError` among its reasons instead.
 */
export function storeRefusal(error: unknown): string | undefined {
  if (isValidationFailure(error)) return error.message;
  if (error instanceof TransactionCanceledException) {
    const refused = error.CancellationReasons?.find((reason) => reason.Code === "ValidationError");
    if (refused) return refused.Message ?? error.message;
  }
  return undefined;
}

/** SET and REMOVE clauses joined into one UpdateExpression. */
export function updateExpression(set: string[], remove: string[]): string {
  return [
    set.length > 0 ? `SET ${set.join(", ")}` : "",
    remove.length > 0 ? `REMOVE ${remove.join(", ")}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}

export async function conditional(write: () => Promise<unknown>): Promise<WriteOutcome> {
  try {
    await write();
    return "ok";
  } catch (error) {
    if (isConditionFailure(error)) return "conflict";
    throw error;
  }
}

/** Puts, 25 to a BatchWriteItem, until DynamoDB has taken every one. */
export async function writeBatch(table: TableContext, items: Record<string, unknown>[]): Promise<void> {
  let requests: { PutRequest?: { Item?: Record<string, unknown> } }[] | undefined = items.map((Item) => ({
    PutRequest: { Item },
  }));
  for (let attempt = 0; requests && requests.length > 0; attempt++) {
    if (attempt > 0) await unprocessedPause(attempt);
    const { UnprocessedItems }: BatchWriteCommandOutput = await table.client.send(
      new BatchWriteCommand({ RequestItems: { [table.tableName]: requests as never } }),
    );
    requests = UnprocessedItems?.[table.tableName];
  }
}

/**
 * Items by key, 100 to a BatchGetItem (`parallel` of them in flight at once), until DynamoDB has
 * answered every key; in no particular order, and without the keys that name no item.
 */
export async function readBatch(
  table: TableContext,
  keys: readonly Record<string, unknown>[],
  options: { consistent: boolean; parallel: number; projection?: string },
): Promise<Record<string, unknown>[]> {
  const batches = await inParallel(chunks(keys, BATCH_GET_LIMIT), options.parallel, async (batch) => {
    const found: Record<string, unknown>[] = [];
    let pending: Record<string, unknown>[] | undefined = batch;
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await unprocessedPause(attempt);
      const { Responses, UnprocessedKeys }: BatchGetCommandOutput = await table.client.send(
        new BatchGetCommand({
          RequestItems: {
            [table.tableName]: {
              Keys: pending,
              ConsistentRead: options.consistent,
              ...(options.projection ? { ProjectionExpression: options.projection } : {}),
            },
          },
        }),
      );
      found.push(...(Responses?.[table.tableName] ?? []));
      pending = UnprocessedKeys?.[table.tableName]?.Keys;
    }
    return found;
  });
  return batches.flat();
}
