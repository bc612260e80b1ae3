/**
 * The table as CreateTable describes it: what local mode and the tests create in dynalite. The CDK
 * app (infra/constructs/data.ts) declares the same keys and index; a test holds the two together.
 */
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { DUE_INDEX, LIST_INDEX } from "./keys.ts";

export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST",
    AttributeDefinitions: [
      { AttributeName: "pk", AttributeType: "S" },
      { AttributeName: "sk", AttributeType: "S" },
      { AttributeName: "dueShard", AttributeType: "S" },
      { AttributeName: "nextActionAt", AttributeType: "S" },
      { AttributeName: "listShard", AttributeType: "S" },
      { AttributeName: "listNumber", AttributeType: "S" },
    ],
    KeySchema: [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: DUE_INDEX,
        KeySchema: [
          { AttributeName: "dueShard", KeyType: "HASH" },
          { AttributeName: "nextActionAt", KeyType: "RANGE" },
        ],
        // The dispatcher needs the keys only: they name the tenant and the invoice.
        Projection: { ProjectionType: "KEYS_ONLY" },
      },
      {
        IndexName: LIST_INDEX,
        KeySchema: [
          { AttributeName: "listShard", KeyType: "HASH" },
          { AttributeName: "listNumber", KeyType: "RANGE" },
        ],
        // What the list's filters read; the page's invoices are then read by key. A change that
        // leaves `listed` alone (a claim, a stage sent) writes nothing to this index.
        Projection: { ProjectionType: "INCLUDE", NonKeyAttributes: ["listed"] },
      },
    ],
  };
}

export async function createTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await client.send(new CreateTableCommand(tableDefinition(tableName)));
}
