/**
 * The HTTP API over the real DynamoDB API (dynalite), as the integration tests drive it: one
 * tenant built from TENANT per name given ("a" is tenant-a, whose API key is `keys.a`), a clock
 * pinned to one instant, and requests handed to handleApiRequest as the Lambda handler hands them
 * over — or, after `listen()`, sent over real HTTP to the local server.
 */
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { newApiKey } from "#api/api-keys.ts";
import { type ApiDeps, handleApiRequest } from "#api/http-api.ts";
import type { ApiResponse } from "#api/problem.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import { type ApiServer, startApiServer } from "#local/http-server.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import { TENANT } from "./pipeline.ts";

export type ApiOptions<Name extends string> = {
  /** The instant every request is answered at. */
  now: Date;
  /** One tenant per name; the first is the one calling unless a call names another. */
  tenants: readonly [Name, ...Name[]];
};

export type CallOptions<Name extends string> = {
  /** Whose API key is sent: the first tenant's unless named. */
  who?: Name;
  /** The Authorization header to send instead of `who`'s key; null sends none. */
  authorization?: string | null;
  /** Sent as it is when a string, as JSON otherwise; undefined sends no body. */
  body?: unknown;
  /** The Content-Type sent with a body: JSON unless named; null sends none. */
  contentType?: string | null;
  /** Further headers, in any case; they win over the ones above. */
  headers?: Record<string, string>;
};

/** An answer with its body read as JSON. */
export type ApiAnswer = {
  status: number;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: a test reads the answer field by field, as a client does.
  body: any;
};

export type Api<Name extends string> = {
  dynamo: LocalDynamo;
  deps: ApiDeps;
  /** Each tenant's API key, by its name. */
  keys: Record<Name, string>;
  /** Sends a request (`path` may hold a query string) and reads the answer's body as JSON. */
  call(method: string, path: string, options?: CallOptions<Name>): Promise<ApiAnswer>;
  /** The same, with the answer as the API gave it: the body as text, for what JSON cannot show. */
  callRaw(method: string, path: string, options?: CallOptions<Name>): Promise<ApiResponse>;
  /** Serves the API over real HTTP on a free port until close(), and gives its URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
};

const KEY_CREATED_AT = "2026-11-01T00:00:00.000Z";

/** Stores a new API key for the tenant, as `dun keys create` does, and gives the key. */
export async function addApiKey(dynamo: LocalDynamo, tenantId: string): Promise<string> {
  const { key, hash } = newApiKey();
  await new ApiKeyTable(dynamo.documents, dynamo.tableName).put({
    hash,
    tenantId,
    createdAt: KEY_CREATED_AT,
  });
  return key;
}

export async function startApi<Name extends string>(options: ApiOptions<Name>): Promise<Api<Name>> {
  const dynamo = await startDynalite();
  const deps: ApiDeps = {
    invoices: invoiceTable(dynamo.documents, dynamo.tableName),
    tenants: new TenantTable(dynamo.documents, dynamo.tableName),
    apiKeys: new ApiKeyTable(dynamo.documents, dynamo.tableName),
    now: () => options.now,
  };
  const keys = {} as Record<Name, string>;
  for (const name of options.tenants) {
    await deps.tenants.put(TenantSchema.parse({ ...TENANT, id: `tenant-${name}` }));
    keys[name] = await addApiKey(dynamo, `tenant-${name}`);
  }
  const servers: ApiServer[] = [];

  const callRaw: Api<Name>["callRaw"] = (method, path, call = {}) => {
    const [rawPath = path, query = ""] = path.split("?");
    const authorization =
      call.authorization === undefined
        ? `Bearer ${keys[call.who ?? options.tenants[0]]}`
        : call.authorization;
    const contentType = call.contentType === undefined ? "application/json" : call.contentType;
    const { body } = call;
    return handleApiRequest(deps, {
      method,
      rawPath,
      query: Object.fromEntries(new URLSearchParams(query)),
      headers: {
        ...(authorization === null ? {} : { authorization }),
        ...(body === undefined || contentType === null ? {} : { "content-type": contentType }),
        ...Object.fromEntries(
          Object.entries(call.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
        ),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });
  };

  return {
    dynamo,
    deps,
    keys,
    callRaw,
    async call(method, path, call) {
      const response = await callRaw(method, path, call);
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) };
    },
    async listen() {
      const server = await startApiServer(deps);
      servers.push(server);
      return server.url;
    },
    async close() {
      for (const server of servers) await server.close();
      await dynamo.close();
    },
  };
}
