/**
 * The HTTP API Lambda (API Gateway HTTP API, payload format 2.0): the event becomes a plain
 * request for functions/api/http-api.ts, and anything unexpected a bare 500 with no detail.
 */
import { S3Client } from "@aws-sdk/client-s3";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { documentClient } from "#adapters/dynamo/client.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { UploadJobTable } from "#adapters/dynamo/upload-job-table.ts";
import { S3UploadFiles } from "#adapters/s3/upload-files.ts";
import { bodyText } from "#api/body-text.ts";
import { type ApiDeps, type HttpRequest, handleApiRequest } from "#api/http-api.ts";
import { problem } from "#api/problem.ts";
import { readEnvironment } from "./environment.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-api");
const documents = documentClient();
const deps: ApiDeps = {
  invoices: invoiceTable(documents, env.TABLE_NAME),
  tenants: new TenantTable(documents, env.TABLE_NAME),
  apiKeys: new ApiKeyTable(documents, env.TABLE_NAME),
  now: () => new Date(),
  ...(env.UPLOAD_BUCKET
    ? {
        uploads: {
          jobs: new UploadJobTable(documents, env.TABLE_NAME),
          files: new S3UploadFiles(new S3Client({}), env.UPLOAD_BUCKET),
        },
      }
    : {}),
};

export function requestOf(event: APIGatewayProxyEventV2): HttpRequest {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
  // A body API Gateway hands over base64-encoded is bytes, read as UTF-8 strictly (body-text.ts).
  const text =
    event.body === undefined || !event.isBase64Encoded
      ? { ok: true as const, text: event.body }
      : bodyText(Buffer.from(event.body, "base64"));
  return {
    method: event.requestContext.http.method.toUpperCase(),
    rawPath: event.rawPath,
    query: event.queryStringParameters ?? {},
    headers,
    ...(text.ok ? { body: text.text } : { body: undefined, notUtf8: text.notUtf8 }),
  };
}

export async function handler(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const response = await handleApiRequest(deps, requestOf(event));
    logger.info("request", {
      method: event.requestContext.http.method,
      path: event.rawPath,
      status: response.statusCode,
    });
    return response;
  } catch (error) {
    logger.error("request failed", { path: event.rawPath, error: error as Error });
    return problem(500);
  }
}
