/** The DynamoDB document client as every adapter here expects it. */
import { DynamoDBClient, type DynamoDBClientConfig } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

export function documentClient(config: DynamoDBClientConfig = {}): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(config), {
    // Optional fields of the domain's objects are undefined rather than absent; DynamoDB has no undefined.
    marshallOptions: { removeUndefinedValues: true },
  });
}
