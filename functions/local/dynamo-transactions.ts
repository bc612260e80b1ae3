/**
 * TransactWriteItems for dynalite, which has no transactions: a server in front of it that answers
 * that one operation itself and hands every other request to dynalite unchanged.
 *
 * A transaction here is what DynamoDB promises: every condition is checked before anything is
 * written, and then either every write is made or none is. It holds a lock on each item it names
 * (and every single write through this server holds the locks of its items), so no other write
 * lands between the checks and the writes. A failed condition cancels the transaction with
 * DynamoDB's own answer, `TransactionCanceledException` with one `CancellationReasons` entry per
 * item (`ConditionalCheckFailed` for the one that failed, with the item as it was when the request
 * asks for `ReturnValuesOnConditionCheckFailure: ALL_OLD`, `None` for the others). A write that
 * dynalite refuses after the checks passed (an item over the size limit) is undone with the items
 * written before it and cancels the transaction as a `ValidationError` of that item. Reads are not
 * isolated from a transaction being written, which only a reader racing one could notice.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { Readable } from "node:stream";

type AttributeMap = Record<string, unknown>;
type Operation = {
  TableName: string;
  Key?: AttributeMap;
  Item?: AttributeMap;
  ConditionExpression?: string;
  ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
  [field: string]: unknown;
};
type TransactItem = { Put?: Operation; Update?: Operation; Delete?: Operation; ConditionCheck?: Operation };
type Reason = { Code: string; Message?: string; Item?: AttributeMap };

type ValidationModule = { types: Record<string, unknown>; custom?: unknown };
type DynaliteError = Error & { statusCode?: number; body?: unknown };
const requireDynalite = createRequire(import.meta.url);
const validations = requireDynalite("dynalite/validations") as {
  checkTypes(data: unknown, types: unknown): Operation;
  checkValidations(data: unknown, types: unknown, custom: unknown, store: unknown): void;
};
const dynaliteDb = requireDynalite("dynalite/db") as {
  MAX_SIZE: number;
  checkConditional(data: Operation, existing: AttributeMap | undefined): DynaliteError | null | undefined;
};
/** The validation of the single-item operation a transaction's item is: it parses the condition. */
const validationOf: Record<keyof TransactItem, ValidationModule> = {
  Put: requireDynalite("dynalite/validations/putItem"),
  Update: requireDynalite("dynalite/validations/updateItem"),
  Delete: requireDynalite("dynalite/validations/deleteItem"),
  ConditionCheck: requireDynalite("dynalite/validations/deleteItem"),
};

const TARGET_PREFIX = "DynamoDB_20120810.";
const ERROR_PREFIX = "com.amazonaws.dynamodb.v20120810#";
const SINGLE_WRITES = new Set(["PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem"]);
/** DynamoDB bills each item of a transaction at twice the write units of the same write alone. */
const TRANSACTION_UNIT_FACTOR = 2;
/** What dynalite's validations read of its store: the item size limit, its default. */
const VALIDATION_STORE = { options: { maxItemSize: dynaliteDb.MAX_SIZE } };
/** DynamoDB's limit on the items of one transaction. */
const MAX_TRANSACT_ITEMS = 100;

/**
 * A server that answers TransactWriteItems and passes everything else to `dynalite`, which listens
 * at `dynaliteEndpoint` for the single-item requests a transaction is carried out with.
 */
export function withTransactions(dynalite: Server, dynaliteEndpoint: string): Server {
  const [handleInDynalite] = dynalite.listeners("request") as ((
    request: IncomingMessage,
    response: ServerResponse,
  ) => void)[];
  if (!handleInDynalite) throw new Error("dynalite's server has no request handler");
  const locks = new KeyLocks();
  const inner = innerClient(dynaliteEndpoint);

  return createServer((request, response) => {
    const operation = String(request.headers["x-amz-target"] ?? "").slice(TARGET_PREFIX.length);
    if (operation !== "TransactWriteItems" && !SINGLE_WRITES.has(operation)) {
      handleInDynalite(request, response);
      return;
    }
    void readBody(request).then(async (body) => {
      const parsed = parseJson(body);
      if (operation !== "TransactWriteItems" || parsed === undefined) {
        const release = await locks.acquire(parsed === undefined ? [] : keysOfWrite(operation, parsed));
        response.once("close", release);
        handleInDynalite(replay(request, body), response);
        return;
      }
      const answer = await transactWrite(parsed as { TransactItems?: TransactItem[] }, locks, inner).catch(
        (error: unknown) => ({
          status: 500,
          body: { __type: "com.amazon.coral.service#InternalFailure", message: String(error) },
        }),
      );
      send(response, answer.status, answer.body);
    });
  });
}

async function transactWrite(
  request: { TransactItems?: TransactItem[]; ReturnConsumedCapacity?: string },
  locks: KeyLocks,
  inner: InnerClient,
): Promise<{ status: number; body: unknown }> {
  const items = request.TransactItems ?? [];
  if (items.length === 0 || items.length > MAX_TRANSACT_ITEMS) {
    return validationError(`TransactItems must hold 1 to ${MAX_TRANSACT_ITEMS} items, not ${items.length}`);
  }
  const steps: { kind: keyof TransactItem; operation: Operation; key: AttributeMap }[] = [];
  for (const item of items) {
    const kinds = (Object.keys(item) as (keyof TransactItem)[]).filter((kind) => item[kind] !== undefined);
    const kind = kinds[0];
    const operation = kind && item[kind];
    if (kinds.length !== 1 || !kind || !operation) {
      return validationError(
        "each of TransactItems must hold exactly one of Put, Update, Delete, ConditionCheck",
      );
    }
    steps.push({
      kind,
      operation,
      key: kind === "Put" ? keyOf(operation.Item ?? {}) : (operation.Key ?? {}),
    });
  }
  const lockKeys = steps.map(({ operation, key }) => lockKeyOf(operation.TableName, key));
  if (new Set(lockKeys).size !== lockKeys.length) {
    return validationError("Transaction request cannot include multiple operations on one item");
  }

  const release = await locks.acquire(lockKeys);
  try {
    const before: (AttributeMap | undefined)[] = [];
    const reasons: Reason[] = [];
    for (const { kind, operation, key } of steps) {
      const parsed = parseOperation(kind, operation);
      if ("error" in parsed) return { status: 400, body: parsed.error };
      const existing = await inner.getItem(operation.TableName, key);
      before.push(existing);
      const failed = dynaliteDb.checkConditional(parsed.data, existing);
      reasons.push(
        failed
          ? {
              Code: "ConditionalCheckFailed",
              Message: "The conditional request failed",
              ...(operation.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && existing
                ? { Item: existing }
                : {}),
            }
          : { Code: "None" },
      );
    }
    if (reasons.some((reason) => reason.Code !== "None")) return cancelled(reasons);

    let units = 0;
    for (const [index, { kind, operation }] of steps.entries()) {
      if (kind === "ConditionCheck") continue;
      const { ReturnValuesOnConditionCheckFailure: _returns, ...single } = operation;
      const written = await inner.call(`${kind}Item`, { ...single, ReturnConsumedCapacity: "TOTAL" });
      units += TRANSACTION_UNIT_FACTOR * consumedUnits(written.body);
      if (written.status === 200) continue;
      // Undo what went before, so that the transaction is written whole or not at all.
      for (const [done, step] of steps.slice(0, index).entries()) {
        if (step.kind === "ConditionCheck") continue;
        const old = before[done];
        await (old
          ? inner.call("PutItem", { TableName: step.operation.TableName, Item: old })
          : inner.call("DeleteItem", { TableName: step.operation.TableName, Key: step.key }));
      }
      const message = String((written.body as { message?: unknown }).message ?? "invalid write");
      return cancelled(
        steps.map((_, at) =>
          at === index ? { Code: "ValidationError", Message: message } : { Code: "None" },
        ),
      );
    }
    // A condition check is read as a write unit of its own, as DynamoDB bills it.
    units += TRANSACTION_UNIT_FACTOR * steps.filter((step) => step.kind === "ConditionCheck").length;
    const tableName = steps[0]?.operation.TableName;
    return {
      status: 200,
      body:
        request.ReturnConsumedCapacity && request.ReturnConsumedCapacity !== "NONE"
          ? { ConsumedCapacity: [{ TableName: tableName, CapacityUnits: units }] }
          : {},
    };
  } finally {
    release();
  }
}

/** The operation validated as dynalite validates the single-item request, which parses its condition. */
function parseOperation(
  kind: keyof TransactItem,
  operation: Operation,
): { data: Operation } | { error: unknown } {
  const validation = validationOf[kind];
  try {
    const data = validations.checkTypes(structuredClone(operation), validation.types);
    validations.checkValidations(data, validation.types, validation.custom, VALIDATION_STORE);
    return { data };
  } catch (error) {
    const refused = error as DynaliteError;
    if (refused.statusCode) return { error: refused.body };
    throw error;
  }
}

function consumedUnits(body: unknown): number {
  const consumed = (body as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity;
  return consumed?.CapacityUnits ?? 0;
}

function cancelled(reasons: Reason[]) {
  return {
    status: 400,
    body: {
      __type: `${ERROR_PREFIX}TransactionCanceledException`,
      message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons
        .map((reason) => reason.Code)
        .join(", ")}]`,
      CancellationReasons: reasons,
    },
  };
}

function validationError(message: string) {
  return { status: 400, body: { __type: "com.amazon.coral.validate#ValidationException", message } };
}

/** dun's table is keyed by `pk` and `sk` (table-definition.ts). */
function keyOf(item: AttributeMap): AttributeMap {
  return { pk: item.pk, sk: item.sk };
}

function lockKeyOf(tableName: string, key: AttributeMap): string {
  return JSON.stringify([tableName, key.pk, key.sk]);
}

/** The items a single write names, for their locks. */
function keysOfWrite(operation: string, body: unknown): string[] {
  const request = body as {
    TableName?: string;
    Item?: AttributeMap;
    Key?: AttributeMap;
    RequestItems?: Record<
      string,
      { PutRequest?: { Item?: AttributeMap }; DeleteRequest?: { Key?: AttributeMap } }[]
    >;
  };
  if (operation === "BatchWriteItem") {
    return Object.entries(request.RequestItems ?? {}).flatMap(([table, writes]) =>
      (Array.isArray(writes) ? writes : []).map((write) =>
        lockKeyOf(
          table,
          write.PutRequest?.Item ? keyOf(write.PutRequest.Item) : (write.DeleteRequest?.Key ?? {}),
        ),
      ),
    );
  }
  const key = operation === "PutItem" ? keyOf(request.Item ?? {}) : (request.Key ?? {});
  return [lockKeyOf(String(request.TableName), key)];
}

/**
 * One lock per item, taken in key order by every request that needs several, so that two of them
 * never wait for each other.
 */
class KeyLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async acquire(keys: readonly string[]): Promise<() => void> {
    const releases: (() => void)[] = [];
    for (const key of [...new Set(keys)].sort()) releases.push(await this.one(key));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const release of releases) release();
    };
  }

  private async one(key: string): Promise<() => void> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release: () => void = () => {};
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.tails.set(key, tail);
    await previous;
    return () => {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }
}

type InnerClient = {
  call(operation: string, body: unknown): Promise<{ status: number; body: unknown }>;
  getItem(tableName: string, key: AttributeMap): Promise<AttributeMap | undefined>;
};

/** Single-item requests straight to dynalite, in DynamoDB's wire format (which it checks the form of, not the signature). */
function innerClient(endpoint: string): InnerClient {
  const call = async (operation: string, body: unknown) => {
    const response = await fetch(endpoint, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": `${TARGET_PREFIX}${operation}`,
        "x-amz-date": "20260101T000000Z",
        authorization:
          "AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=local",
      },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };
  return {
    call,
    async getItem(tableName, key) {
      const answer = await call("GetItem", { TableName: tableName, Key: key, ConsistentRead: true });
      if (answer.status !== 200)
        throw new Error(`dynalite GetItem answered ${answer.status}: ${JSON.stringify(answer.body)}`);
      return (answer.body as { Item?: AttributeMap }).Item;
    },
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => resolve(Buffer.concat(parts)));
    request.on("error", reject);
  });
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

/** The request again, its body already read, for dynalite's own handler to read. */
function replay(request: IncomingMessage, body: Buffer): IncomingMessage {
  return Object.assign(Readable.from([body]), {
    headers: request.headers,
    method: request.method,
    url: request.url,
  }) as unknown as IncomingMessage;
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.statusCode = status;
  response.setHeader("Content-Type", "application/x-amz-json-1.0");
  response.setHeader("Content-Length", Buffer.byteLength(text, "utf8"));
  response.end(text);
}
