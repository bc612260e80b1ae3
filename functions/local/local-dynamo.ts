/**
 * A real DynamoDB API on this machine (dynalite, with the TransactWriteItems it lacks added in
 * front of it: dynamo-transactions.ts), with dun's table created in it: what local mode and the
 * tests use for DynamoDB. In memory by default; under `persistDir` (LevelDB files) the data
 * outlives the process, and the table is created only the first time. Item sizes are counted in
 * UTF-8 bytes as DynamoDB counts them (dynalite-item-size.ts).
 */
import type { AddressInfo } from "node:net";
import { DynamoDBClient, ResourceInUseException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { createTable } from "#adapters/dynamo/table-definition.ts";
import { countItemSizesLikeDynamoDb } from "./dynalite-item-size.ts";
import { withTransactions } from "./dynamo-transactions.ts";
import { listen } from "./listen.ts";

export type LocalDynamo = {
  endpoint: string;
  client: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  tableName: string;
  close(): Promise<void>;
};

export type LocalDynamoOptions = {
  maxAttempts?: number;
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Keep the data in LevelDB files here instead of in memory. */
  persistDir?: string;
  tableName?: string;
};

export async function startDynalite(options: LocalDynamoOptions = {}): Promise<LocalDynamo> {
  const { port = 0, host = "127.0.0.1", tableName = "dun-test" } = options;
  countItemSizesLikeDynamoDb();
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.persistDir ? { path: options.persistDir } : {}),
  });
  // dynalite itself on a port of its own, and in front of it the server that adds transactions.
  await listen(server, 0, "127.0.0.1", "DynamoDB (dynalite)");
  const front = withTransactions(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  await listen(front, port, host, "DynamoDB (dynalite)");
  const endpoint = `http://${host}:${(front.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: "eu-north-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: options.maxAttempts ?? 3,
  });
  try {
    await createTable(client, tableName);
  } catch (error) {
    // A persisted table from an earlier run: keep it and what it holds.
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  const documents = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  return {
    endpoint,
    client,
    documents,
    tableName,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => {
        front.close(() => resolve());
        front.closeAllConnections();
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
