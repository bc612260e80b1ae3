/**
 * The test DynamoDB (dynalite) refuses an item over 400 KB as DynamoDB counts it, in UTF-8 bytes,
 * with DynamoDB's own errors: so no test passes with an item the real table would refuse.
 */
import { PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_ITEM_BYTES } from "#adapters/dynamo/item-size.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";

let dynamo: LocalDynamo;
beforeAll(async () => {
  dynamo = await startDynalite();
});
afterAll(async () => dynamo?.close());

const key = { pk: "SIZE", sk: "ITEM" };
// The attributes' names and the key take 2 + 4 + 2 + 4 + 4 bytes; `text` gets the rest.
const fixed = 2 + 4 + 2 + 4 + 4;

describe("the test DynamoDB's item size limit", () => {
  it("takes an item of exactly 400 KB in UTF-8 and refuses one byte more", async () => {
    // Prepare: 3-byte letters, one character in UTF-16, so dynalite alone would count a third.
    const room = MAX_ITEM_BYTES - fixed;
    const fits = `${"€".repeat(Math.floor(room / 3))}${"a".repeat(room % 3)}`;

    // Act
    const put = (text: string) =>
      dynamo.documents.send(new PutCommand({ TableName: dynamo.tableName, Item: { ...key, text } }));

    // Assess
    await expect(put(fits)).resolves.toBeDefined();
    await expect(put(`${fits}a`)).rejects.toMatchObject({
      name: "ValidationException",
      message: "Item size has exceeded the maximum allowed size",
    });
  });

  it("refuses an update that would take an item over 400 KB", async () => {
    // Prepare
    await dynamo.documents.send(
      new PutCommand({ TableName: dynamo.tableName, Item: { ...key, text: "ж".repeat(110_000) } }),
    );

    // Act
    const update = dynamo.documents.send(
      new UpdateCommand({
        TableName: dynamo.tableName,
        Key: key,
        UpdateExpression: "SET more = :more",
        ExpressionAttributeValues: { ":more": "ж".repeat(110_000) },
      }),
    );

    // Assess
    await expect(update).rejects.toMatchObject({
      name: "ValidationException",
      message: "Item size to update has exceeded the maximum allowed size",
    });
  });
});
