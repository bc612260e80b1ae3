/**
 * TransactWriteItems on the local DynamoDB (functions/local/dynamo-transactions.ts): all or nothing,
 * and a failed condition answered as DynamoDB answers it.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import { GetCommand, PutCommand, TransactWriteCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(() => dynamo.close());

const get = async (sk: string) =>
  (await dynamo.documents.send(new GetCommand({ TableName: dynamo.tableName, Key: { pk: "T", sk } }))).Item;

describe("TransactWriteItems on dynalite", () => {
  it("writes every item when every condition holds", async () => {
    // Prepare
    await dynamo.documents.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { pk: "T", sk: "a", version: 1 } }),
    );

    // Act
    await dynamo.documents.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: dynamo.tableName,
              Key: { pk: "T", sk: "a" },
              UpdateExpression: "SET version = :next",
              ConditionExpression: "version = :read",
              ExpressionAttributeValues: { ":read": 1, ":next": 2 },
            },
          },
          {
            Update: {
              TableName: dynamo.tableName,
              Key: { pk: "T", sk: "total" },
              UpdateExpression: "ADD amount :amount",
              ExpressionAttributeValues: { ":amount": 5 },
            },
          },
        ],
      }),
    );

    // Assess
    expect(await get("a")).toMatchObject({ version: 2 });
    expect(await get("total")).toMatchObject({ amount: 5 });
  });

  it("reports twice the write units of each item's write, as DynamoDB bills a transaction", async () => {
    // Act
    const answer = await dynamo.documents.send(
      new TransactWriteCommand({
        ReturnConsumedCapacity: "TOTAL",
        TransactItems: [
          { Put: { TableName: dynamo.tableName, Item: { pk: "T", sk: "units-1" } } },
          { Put: { TableName: dynamo.tableName, Item: { pk: "T", sk: "units-2", note: "x".repeat(1500) } } },
        ],
      }),
    );

    // Assess: 1 unit for the small item, 2 for the one over 1 KB, each doubled.
    expect(answer.ConsumedCapacity).toEqual([{ TableName: dynamo.tableName, CapacityUnits: 6 }]);
  });

  it("writes nothing and names the failed condition, with the item as it was, when one fails", async () => {
    // Prepare
    await dynamo.documents.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { pk: "T", sk: "b", version: 7 } }),
    );

    // Act
    const failure = await dynamo.documents
      .send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: dynamo.tableName,
                Key: { pk: "T", sk: "c" },
                UpdateExpression: "ADD amount :amount",
                ExpressionAttributeValues: { ":amount": 5 },
              },
            },
            {
              Put: {
                TableName: dynamo.tableName,
                Item: { pk: "T", sk: "b", version: 8 },
                ConditionExpression: "version = :read",
                ExpressionAttributeValues: { ":read": 6 },
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(failure).toBeInstanceOf(TransactionCanceledException);
    expect((failure as TransactionCanceledException).CancellationReasons).toEqual([
      { Code: "None" },
      {
        Code: "ConditionalCheckFailed",
        Message: "The conditional request failed",
        Item: { pk: { S: "T" }, sk: { S: "b" }, version: { N: "7" } },
      },
    ]);
    expect(await get("c")).toBeUndefined();
    expect(await get("b")).toMatchObject({ version: 7 });
  });

  it("undoes the writes before one that dynalite refuses", async () => {
    // Act
    const failure = await dynamo.documents
      .send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: dynamo.tableName, Item: { pk: "T", sk: "d", note: "small" } } },
            {
              Update: {
                TableName: dynamo.tableName,
                Key: { pk: "T", sk: "e" },
                UpdateExpression: "SET note = :note",
                ExpressionAttributeValues: { ":note": "x".repeat(420_000) },
              },
            },
          ],
        }),
      )
      .catch((error: unknown) => error);

    // Assess
    expect(
      (failure as TransactionCanceledException).CancellationReasons?.map((reason) => reason.Code),
    ).toEqual(["None", "ValidationError"]);
    expect(await get("d")).toBeUndefined();
    expect(await get("e")).toBeUndefined();
  });

  it("lets concurrent transactions on one item add up exactly", async () => {
    // Act
    await Promise.all(
      Array.from({ length: 40 }, () =>
        dynamo.documents.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: dynamo.tableName,
                  Key: { pk: "T", sk: "sum" },
                  UpdateExpression: "ADD amount :one",
                  ExpressionAttributeValues: { ":one": 1 },
                },
              },
            ],
          }),
        ),
      ),
    );

    // Assess
    expect(await get("sum")).toMatchObject({ amount: 40 });
  });
});
