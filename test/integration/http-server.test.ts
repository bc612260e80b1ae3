/**
 * The local HTTP server over real HTTP (fetch) and the real DynamoDB API (dynalite): each request
 * reaches the API as the Lambda handler would hand it over, a body over the limit is refused
 * without being held, and a handler that throws is a bare 500 that tells the client nothing.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiDeps, HttpRequest } from "#api/http-api.ts";
import { problem } from "#api/problem.ts";
import { MAX_BODY_BYTES } from "#api/request-body.ts";
import { startApiServer } from "#local/http-server.ts";
import { type Api, startApi } from "../support/api.ts";
import { anInvoiceInput } from "../support/invoices.ts";

let api: Api<"a">;
let url: string;

beforeAll(async () => {
  api = await startApi({ now: new Date("2026-11-20T10:00:00Z"), tenants: ["a"] });
  url = await api.listen();
});

afterAll(async () => api?.close());

function send(path: string, init: RequestInit & { contentType?: string } = {}): Promise<Response> {
  const { contentType, headers, ...rest } = init;
  return fetch(`${url}${path}`, {
    ...rest,
    headers: {
      Authorization: `Bearer ${api.keys.a}`,
      ...(contentType ? { "Content-Type": contentType } : {}),
      ...(headers as Record<string, string> | undefined),
    },
  });
}

describe("requests and answers", () => {
  it("serves a GET with its query string, and the public description without a key", async () => {
    // Act
    const list = await send("/v1/invoices?status=open&overdue=false");
    const refused = await send("/v1/invoices?overdue=maybe");
    const description = await fetch(`${url}/v1/openapi.json`);

    // Assess
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe("application/json");
    expect(await list.json()).toEqual({ invoices: [] });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      errors: [{ path: "overdue", message: "must be true or false" }],
    });
    expect(description.status).toBe(200);
    expect(await description.json()).toMatchObject({ openapi: expect.stringMatching(/^3\.1/) });
  });

  it("hands a JSON body and the headers to the API, and the API's headers back", async () => {
    // Prepare
    const body = JSON.stringify(anInvoiceInput({ invoiceNumber: "HS-1" }));
    const payment = { method: "POST", contentType: "application/json", body: '{"amount":"500.00"}' };
    const retry = { ...payment, headers: { "Idempotency-Key": "hs-1-payment" } };

    // Act
    const created = await send("/v1/invoices", { method: "POST", contentType: "application/json", body });
    const paid = await send("/v1/invoices/HS-1/payments", retry);
    const replayed = await send("/v1/invoices/HS-1/payments", retry);
    const read = await send("/v1/invoices/HS-1");

    // Assess
    expect(created.status).toBe(200);
    expect(await created.json()).toMatchObject({
      results: [{ invoiceNumber: "HS-1", status: "created", errors: [] }],
    });
    expect(paid.status).toBe(200);
    expect(replayed.headers.get("idempotent-replayed")).toBe("true");
    expect(await replayed.text()).toBe(await paid.text());
    expect(await read.json()).toMatchObject({
      invoiceNumber: "HS-1",
      amountPaid: "500.00",
      status: "partially_paid",
    });
  });

  it("reads a CSV upload as UTF-8, byte order mark and all", async () => {
    // Prepare
    const csv = readFileSync(new URL("../../docs/examples/invoices.csv", import.meta.url));

    // Act
    const response = await send("/v1/invoices", { method: "POST", contentType: "text/csv", body: csv });

    // Assess
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      summary: { created: 5, updated: 0, unchanged: 0, rejected: 0, conflict: 0 },
    });
    const danish = await send("/v1/invoices/2026-1002");
    expect(await danish.json()).toMatchObject({ customer: { name: "Havnegade Køkken ApS" } });
  });

  it("keeps the path percent-encoded, so an invoice number may hold a slash", async () => {
    // Prepare
    const body = JSON.stringify(anInvoiceInput({ invoiceNumber: "2026/77" }));
    await send("/v1/invoices", { method: "POST", contentType: "application/json", body });

    // Act
    const encoded = await send("/v1/invoices/2026%2F77");
    const unencoded = await send("/v1/invoices/2026/77");

    // Assess
    expect(encoded.status).toBe(200);
    expect(await encoded.json()).toMatchObject({ invoiceNumber: "2026/77" });
    expect(unencoded.status).toBe(404);
  });
});

describe("what the server answers itself", () => {
  const tooLarge = JSON.parse(
    problem(413, `the body is larger than the limit of ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES })
      .body,
  );

  it("refuses a body over the limit with 413, whether its length is declared or not", async () => {
    // Prepare
    const oversized = "x".repeat(MAX_BODY_BYTES + 1);
    const chunks = [new Uint8Array(1_000_000).fill(32), new Uint8Array(MAX_BODY_BYTES).fill(32)];
    const streamed = new ReadableStream<Uint8Array>({
      pull(controller) {
        const chunk = chunks.shift();
        if (chunk) controller.enqueue(chunk);
        else controller.close();
      },
    });

    // Act
    const declared = await send("/v1/invoices", { method: "POST", contentType: "text/csv", body: oversized });
    const chunked = await send("/v1/invoices", {
      method: "POST",
      contentType: "text/csv",
      body: streamed,
      duplex: "half",
    } as RequestInit);
    const after = await send("/v1/invoices");

    // Assess
    expect(declared.status).toBe(413);
    expect(declared.headers.get("content-type")).toBe("application/problem+json");
    expect(await declared.json()).toEqual(tooLarge);
    expect(chunked.status).toBe(413);
    expect(await chunked.json()).toEqual(tooLarge);
    expect(after.status).toBe(200);
  });

  it("answers a handler that throws with a bare 500, and reports the error to the operator only", async () => {
    // Prepare
    const reported: { error: unknown; request: HttpRequest }[] = [];
    const failing: ApiDeps = {
      ...api.deps,
      apiKeys: {
        tenantOf: async () => {
          throw new Error("ResourceNotFoundException: table dun-secret-table at arn:aws:dynamodb:eu-north-1");
        },
      } as unknown as ApiDeps["apiKeys"],
    };
    const broken = await startApiServer(failing, {
      onError: (error, request) => reported.push({ error, request }),
    });

    // Act
    const response = await fetch(`${broken.url}/v1/invoices`, {
      headers: { Authorization: `Bearer ${api.keys.a}` },
    });
    const text = await response.text();
    await broken.close();

    // Assess
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("application/problem+json");
    expect(JSON.parse(text)).toEqual(JSON.parse(problem(500).body));
    expect(text).not.toMatch(/secret|arn:|ResourceNotFound/);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.request).toMatchObject({ method: "GET", rawPath: "/v1/invoices" });
    expect(String(reported[0]?.error)).toContain("dun-secret-table");
  });
});
