/**
 * The HTTP API Lambda as API Gateway (HTTP API, payload format 2.0) invokes it, wired by its
 * environment alone: the event's mixed-case headers, base64 body and encoded path reach the API,
 * and a failure inside becomes a bare 500 that says nothing about dun's insides.
 */

import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { newApiKey } from "#api/api-keys.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";

/** An event shaped like the ones API Gateway sends (trimmed of what the handler never reads). */
function gatewayEvent(input: {
  method: string;
  rawPath: string;
  headers?: Record<string, string>;
  body?: string;
  base64?: boolean;
  query?: Record<string, string>;
}): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: input.rawPath,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: input.headers ?? {},
    queryStringParameters: input.query,
    requestContext: {
      accountId: "123456789012",
      apiId: "api1234",
      domainName: "api1234.execute-api.eu-north-1.amazonaws.com",
      domainPrefix: "api1234",
      http: {
        method: input.method,
        path: decodeURIComponent(input.rawPath),
        protocol: "HTTP/1.1",
        sourceIp: "192.0.2.10",
        userAgent: "curl/8.5.0",
      },
      requestId: "req-1",
      routeKey: "$default",
      stage: "$default",
      time: "20/Nov/2026:10:00:00 +0000",
      timeEpoch: 1_795_168_800_000,
    },
    body:
      input.body === undefined
        ? undefined
        : input.base64
          ? Buffer.from(input.body).toString("base64")
          : input.body,
    isBase64Encoded: input.base64 ?? false,
  };
}

describe("the HTTP API Lambda handler", () => {
  let pipeline: Pipeline;
  let key: string;

  beforeAll(async () => {
    pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
    await pipeline.addTenant();
    const created = newApiKey();
    await new ApiKeyTable(pipeline.dynamo.documents, pipeline.dynamo.tableName).put({
      hash: created.hash,
      tenantId: TENANT.id,
      createdAt: "2026-11-01T00:00:00.000Z",
    });
    key = created.key;
    vi.stubEnv("AWS_REGION", "eu-north-1");
    vi.stubEnv("AWS_ACCESS_KEY_ID", "local");
    vi.stubEnv("AWS_SECRET_ACCESS_KEY", "local");
    vi.stubEnv("AWS_ENDPOINT_URL_DYNAMODB", pipeline.dynamo.endpoint);
    vi.stubEnv("TABLE_NAME", pipeline.dynamo.tableName);
    vi.stubEnv("POWERTOOLS_LOG_LEVEL", "CRITICAL");
  });

  afterAll(async () => {
    vi.unstubAllEnvs();
    await pipeline.close();
  });

  it("takes a base64-encoded upload with mixed-case headers, then reads the invoice by its encoded number", async () => {
    const { handler } = await import("../../functions/handlers/api.ts");

    const uploaded = await handler(
      gatewayEvent({
        method: "POST",
        rawPath: "/v1/invoices",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify(anInvoiceInput({ invoiceNumber: "2026/9" })),
        base64: true,
      }),
    );
    const read = await handler(
      gatewayEvent({
        method: "GET",
        rawPath: "/v1/invoices/2026%2F9",
        headers: { authorization: `Bearer ${key}` },
      }),
    );

    expect(uploaded.statusCode).toBe(200);
    expect(JSON.parse(uploaded.body ?? "").summary.created).toBe(1);
    expect(read.statusCode).toBe(200);
    expect(JSON.parse(read.body ?? "")).toMatchObject({ invoiceNumber: "2026/9", status: "open" });
  });

  it("refuses a base64-encoded CSV that is not UTF-8, naming its row, rather than reading it leniently", async () => {
    const { handler } = await import("../../functions/handlers/api.ts");
    const csv =
      "invoiceNumber;currency;amount;issueDate;dueDate;customer.name;customer.email;customer.locale;customer.country;customer.type\n" +
      "W1252-9;EUR;100,00;2026-11-01;2026-11-16;M\u00fcller GmbH;ap@mueller.example;de-DE;DE;business\n";

    // Windows-1252 bytes, as API Gateway hands a body over base64-encoded.
    const bytes = Buffer.from(Uint8Array.from(csv, (character) => character.charCodeAt(0)));
    const answer = await handler({
      ...gatewayEvent({
        method: "POST",
        rawPath: "/v1/invoices",
        headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" },
      }),
      body: bytes.toString("base64"),
      isBase64Encoded: true,
    });

    expect(answer.statusCode).toBe(422);
    expect(JSON.parse(answer.body ?? "").errors).toEqual([
      { path: "row 2", message: expect.stringContaining('"CSV UTF-8"') },
    ]);
  });

  it("answers a failure inside with a bare 500 that names nothing of dun's insides", async () => {
    // Arrange: a key whose tenant item is damaged, so that reading it throws.
    const { handler } = await import("../../functions/handlers/api.ts");
    const broken = newApiKey();
    await new ApiKeyTable(pipeline.dynamo.documents, pipeline.dynamo.tableName).put({
      hash: broken.hash,
      tenantId: "damaged",
      createdAt: "2026-11-01T00:00:00.000Z",
    });
    await pipeline.dynamo.documents.send(
      new PutCommand({
        TableName: pipeline.dynamo.tableName,
        Item: { pk: "TENANT#damaged", sk: "TENANT", tenant: { id: "damaged" } },
      }),
    );

    // Act
    const response = await handler(
      gatewayEvent({
        method: "GET",
        rawPath: "/v1/invoices",
        headers: { authorization: `Bearer ${broken.key}` },
      }),
    );

    // Assess
    expect(response.statusCode).toBe(500);
    expect(response.headers?.["Content-Type"]).toBe("application/problem+json");
    const body = JSON.parse(response.body ?? "");
    expect(body).toEqual({
      type: "https://dun.dev/problems/internal",
      title: "Internal error",
      status: 500,
      detail: expect.any(String),
    });
    expect(response.body).not.toMatch(/zod|TENANT#|dun-test|damaged|at .*\.ts/i);
  });
});
