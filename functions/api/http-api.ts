/**
 * The HTTP API, as one function from a request to a response: the Lambda handler and local mode
 * both call it. The tenant comes from the API key alone, so every route reads and writes that
 * tenant's data only; another tenant's invoice is simply not found (404, not 403, so that its
 * existence does not leak).
 */
import type { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import type { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import { hashApiKey, parseAuthorization } from "./api-keys.ts";
import { MAX_CSV_ROWS, readInvoiceCsv } from "./csv-invoices.ts";
import { invoiceView } from "./invoice-view.ts";
import { type ApiResponse, json, problem } from "./problem.ts";
import { summarise, type UploadResult, uploadInvoice } from "./upload-invoices.ts";

export type ApiDeps = { invoices: InvoiceTable; tenants: TenantTable; apiKeys: ApiKeyTable; now: () => Date };

export type HttpRequest = {
  method: string;
  /** The path as sent, still percent-encoded: an invoice number may hold a "/" (sent as %2F). */
  rawPath: string;
  query: Record<string, string | undefined>;
  /** Header names in lower case. */
  headers: Record<string, string | undefined>;
  body: string | undefined;
};

/** Lambda's synchronous payload limit, less room for the envelope. */
export const MAX_BODY_BYTES = 5_500_000;
/** Invoices in one JSON array, as many as rows in one CSV. */
export const MAX_JSON_INVOICES = MAX_CSV_ROWS;

type Route = {
  method: string;
  pattern: RegExp;
  handle: (deps: ApiDeps, tenant: Tenant, request: HttpRequest, params: string[]) => Promise<ApiResponse>;
};

const ROUTES: Route[] = [
  { method: "POST", pattern: /^\/v1\/invoices$/, handle: postInvoices },
  { method: "GET", pattern: /^\/v1\/invoices$/, handle: listInvoices },
  { method: "GET", pattern: /^\/v1\/invoices\/([^/]+)$/, handle: getInvoice },
];

export async function handleApiRequest(deps: ApiDeps, request: HttpRequest): Promise<ApiResponse> {
  const matching = ROUTES.filter((route) => route.pattern.test(request.rawPath));
  if (matching.length === 0) return problem(404, `no route ${request.rawPath}`);
  const route = matching.find((candidate) => candidate.method === request.method);
  if (!route) return problem(405, `${request.method} is not allowed on ${request.rawPath}`);

  const key = parseAuthorization(request.headers.authorization);
  if (!key.ok) return problem(401, key.error.message);
  const tenantId = await deps.apiKeys.tenantOf(hashApiKey(key.value));
  const tenant = tenantId && (await deps.tenants.get(tenantId));
  if (!tenant) return problem(401, "the API key is not valid");

  let params: string[];
  try {
    params = (route.pattern.exec(request.rawPath) ?? []).slice(1).map((part) => decodeURIComponent(part));
  } catch {
    return problem(400, "the path is not valid percent-encoding");
  }
  return route.handle(deps, tenant.tenant, request, params);
}

async function postInvoices(deps: ApiDeps, tenant: Tenant, request: HttpRequest): Promise<ApiResponse> {
  const body = request.body ?? "";
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
    return problem(413, `the body is larger than ${MAX_BODY_BYTES} bytes`, { limit: MAX_BODY_BYTES });
  }
  const contentType = (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  const now = deps.now();
  let results: UploadResult[];
  let single = false;

  if (contentType === "application/json") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      return problem(400, `the body is not valid JSON: ${(error as Error).message}`);
    }
    if (Array.isArray(parsed) && parsed.length > MAX_JSON_INVOICES) {
      return problem(413, `at most ${MAX_JSON_INVOICES} invoices in one upload`, {
        limit: MAX_JSON_INVOICES,
      });
    }
    if (Array.isArray(parsed) && parsed.length === 0) return problem(422, "the upload holds no invoices");
    if (parsed === null || typeof parsed !== "object") {
      return problem(400, "the body must be an invoice object or an array of invoices");
    }
    single = !Array.isArray(parsed);
    const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const seen = new Map<string, number>();
    results = [];
    for (const [index, item] of items.entries()) {
      const number = (item as { invoiceNumber?: unknown } | null)?.invoiceNumber;
      const first = typeof number === "string" ? seen.get(number) : undefined;
      if (typeof number === "string" && first !== undefined) {
        results.push({
          invoiceNumber: number,
          status: "rejected",
          errors: [
            {
              path: `[${index}].invoiceNumber`,
              message: `${number} is already at [${first}] in this upload`,
            },
          ],
        });
        continue;
      }
      if (typeof number === "string") seen.set(number, index);
      results.push(await uploadInvoice(deps.invoices, tenant, item, now));
    }
  } else if (contentType === "text/csv") {
    const read = readInvoiceCsv(body);
    if (!read.ok) {
      const errors = read.problems.map((p) => ({
        path: p.row === null ? p.path : `row ${p.row}: ${p.path}`,
        message: p.message,
      }));
      if (read.reason === "too_many_rows") {
        return problem(413, `at most ${MAX_CSV_ROWS} rows in one CSV upload`, {
          limit: MAX_CSV_ROWS,
          errors,
        });
      }
      return problem(
        read.reason === "malformed" || read.reason === "empty" ? 400 : 422,
        "the CSV file cannot be read",
        {
          errors,
        },
      );
    }
    results = read.problems.map((p) => ({
      invoiceNumber: null,
      status: "rejected" as const,
      row: p.row ?? undefined,
      errors: [{ path: p.path, message: p.message }],
    }));
    for (const row of read.rows)
      results.push(await uploadInvoice(deps.invoices, tenant, row.input, now, row.row));
    results.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  } else {
    return problem(415, `send application/json or text/csv, not ${contentType || "nothing"}`);
  }

  const summary = summarise(results);
  if (single && results[0]?.status === "rejected") {
    return problem(422, "the invoice breaks the rules", { errors: results[0].errors, results, summary });
  }
  if (summary.rejected === results.length) {
    return problem(422, "every invoice in the upload breaks the rules", { results, summary });
  }
  return json(200, { results, summary });
}

async function getInvoice(
  deps: ApiDeps,
  tenant: Tenant,
  _request: HttpRequest,
  [number]: string[],
): Promise<ApiResponse> {
  const stored = number ? await deps.invoices.get(tenant.id, number) : undefined;
  if (!stored || !number) return problem(404, `no invoice ${number ?? ""}`);
  const timeline = await deps.invoices.timeline(tenant.id, number);
  return json(200, invoiceView(stored.invoice, tenant.policy, deps.now(), timeline));
}

async function listInvoices(deps: ApiDeps, tenant: Tenant, request: HttpRequest): Promise<ApiResponse> {
  const { status, overdue } = request.query;
  if (overdue !== undefined && overdue !== "true" && overdue !== "false") {
    return problem(400, "overdue must be true or false", {
      errors: [{ path: "overdue", message: "must be true or false" }],
    });
  }
  const now = deps.now();
  const views = (await deps.invoices.list(tenant.id))
    .map((stored) => invoiceView(stored.invoice, tenant.policy, now))
    .filter((view) => status === undefined || view.status === status)
    .filter((view) => overdue === undefined || view.overdue === (overdue === "true"));
  return json(200, { invoices: views });
}
