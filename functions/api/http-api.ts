/**
 * The HTTP API, as one function from a request to a response: the Lambda handler and local mode
 * both call it. The route table below is the whole API: the router dispatches on it and the
 * OpenAPI document is generated from it, so the two cannot drift apart.
 *
 * The tenant comes from the API key alone, so every route reads and writes that tenant's data
 * only; another tenant's invoice is simply not found (404, not 403, so that its existence does not
 * leak).
 */
import * as z from "zod";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { CustomerSummarySchema } from "#domain/invoice/standing.ts";
import { PolicySchema } from "#domain/ladder/policy.ts";
import { AgingReportSchema } from "#domain/reports/aging.ts";
import { RuleNameSchema } from "#domain/rules/country-rules.ts";
import { CustomerTypeSchema, INVOICE_STATES } from "#domain/vocabulary.ts";
import { actionRoute } from "./action-routes.ts";
import { hashApiKey, parseAuthorization } from "./api-keys.ts";
import { CustomerListSchema, getCustomer, listCustomers } from "./customer-routes.ts";
import type { ApiDeps, HttpRequest, RouteHandler } from "./http-request.ts";
import { INVOICE_ACTIONS } from "./invoice-actions.ts";
import {
  DEFAULT_PAGE_SIZE,
  getInvoice,
  listInvoices,
  MAX_PAGE_SIZE,
  postInvoices,
} from "./invoice-routes.ts";
import { ActionAnswerSchema, InvoiceViewSchema } from "./invoice-view.ts";
import { openApiDocument } from "./openapi.ts";
import { type ApiResponse, json, type ProblemStatus, problem } from "./problem.ts";
import { notUtf8Problem } from "./request-body.ts";
import { getAgingReport, putPolicy } from "./tenant-routes.ts";
import { UploadAnswerSchema } from "./upload-invoices.ts";
import { UploadJobRequestSchema } from "./upload-job.ts";
import {
  getUpload,
  getUploadRows,
  postUpload,
  UploadJobCreatedSchema,
  UploadJobViewSchema,
  UploadRowsPageSchema,
} from "./upload-job-routes.ts";

export type { ApiDeps, HttpRequest } from "./http-request.ts";

export type RouteSpec = {
  method: "GET" | "POST" | "PUT" | "PATCH";
  /** An OpenAPI path template; `{invoiceNumber}` matches one percent-encoded segment. */
  path: string;
  summary: string;
  query?: { name: string; schema: z.ZodType; description: string }[];
  body?: { schema: z.ZodType; csv?: boolean; required: boolean };
  idempotencyKey?: boolean;
  response: z.ZodType;
  /** Answers 201 Created rather than 200. */
  created?: boolean;
  /** The problems the route answers with, besides 401 and 500 which every private route may. */
  problems: ProblemStatus[];
} & (
  | { access: "tenant"; handle: RouteHandler }
  /** Served without an API key: the API's own description. */
  | { access: "public"; serve: () => Promise<ApiResponse> }
);

/** A rule the stored policy breaks for some debtors, and what dun does for them at send time instead. */
const PolicyWarningViewSchema = z.object({
  path: z.string(),
  message: z.string(),
  rule: RuleNameSchema,
  country: z.string(),
  customerTypes: z.array(CustomerTypeSchema),
  source: z.string(),
});
const PolicySavedSchema = z.object({
  policy: z.unknown(),
  checkedOn: z.string(),
  warnings: z
    .array(PolicyWarningViewSchema)
    .describe(
      "what the policy asks that the law of some debtors does not allow, and how dun adjusts it at send time",
    ),
});
const InvoiceListSchema = z.object({
  invoices: z.array(InvoiceViewSchema.omit({ timeline: true })),
  nextCursor: z.string().optional().describe("where the next page starts; absent on the last page"),
});

export const ROUTES: readonly RouteSpec[] = [
  {
    method: "POST",
    path: "/v1/invoices",
    summary: "Upload invoices: one, an array, or a CSV file; idempotent by invoice number",
    body: { schema: z.union([InvoiceInputSchema, z.array(InvoiceInputSchema)]), csv: true, required: true },
    response: UploadAnswerSchema,
    problems: [400, 413, 415, 422],
    access: "tenant",
    handle: postInvoices,
  },
  {
    method: "POST",
    path: "/v1/uploads",
    summary:
      "Start an upload of any size: a job and a presigned URL to PUT the file to; it is read in chunks once it is there",
    body: { schema: UploadJobRequestSchema, required: true },
    response: UploadJobCreatedSchema,
    created: true,
    problems: [400, 404, 413, 415, 422],
    access: "tenant",
    handle: postUpload,
  },
  {
    method: "GET",
    path: "/v1/uploads/{uploadId}",
    summary: "An upload job: its status and the rows read, created, updated, unchanged and rejected so far",
    response: UploadJobViewSchema,
    problems: [404],
    access: "tenant",
    handle: getUpload,
  },
  {
    method: "GET",
    path: "/v1/uploads/{uploadId}/rows",
    summary: "An upload job's per-row results, a page at a time, rejected rows with the field and the reason",
    query: [{ name: "cursor", schema: z.string(), description: "the nextCursor of the page before" }],
    response: UploadRowsPageSchema,
    problems: [400, 404],
    access: "tenant",
    handle: getUploadRows,
  },
  {
    method: "GET",
    path: "/v1/invoices",
    summary: "List the tenant's invoices",
    query: [
      { name: "status", schema: z.enum(INVOICE_STATES), description: "only invoices in this state" },
      { name: "overdue", schema: z.enum(["true", "false"]), description: "only (not) overdue invoices" },
      {
        name: "limit",
        schema: z.string().regex(/^\d{1,4}$/),
        description: `invoices per page, 1 to ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE})`,
      },
      {
        name: "cursor",
        schema: z.string(),
        description:
          "the nextCursor of the page before; every page but the last holds `limit` invoices that pass the filters",
      },
    ],
    response: InvoiceListSchema,
    problems: [400],
    access: "tenant",
    handle: listInvoices,
  },
  {
    method: "GET",
    path: "/v1/invoices/{invoiceNumber}",
    summary: "One invoice: state, stage, amount due, next action and its whole timeline",
    response: InvoiceViewSchema,
    problems: [404],
    access: "tenant",
    handle: getInvoice,
  },
  ...INVOICE_ACTIONS.map(
    (action): RouteSpec => ({
      method: action.method,
      path: `/v1/invoices/{invoiceNumber}/${action.segment}`,
      summary: action.summary,
      body: { schema: action.body, required: false },
      idempotencyKey: true,
      response: ActionAnswerSchema,
      problems: [400, 404, 409, 413, 415, 422],
      access: "tenant",
      handle: actionRoute(action),
    }),
  ),
  {
    method: "GET",
    path: "/v1/customers",
    summary:
      "The customers (by customer.id) with their credit hold: stop delivering on credit while it stands",
    query: [
      {
        name: "creditHold",
        schema: z.enum(["true", "false"]),
        description: "only customers (not) on credit hold",
      },
    ],
    response: CustomerListSchema,
    problems: [400],
    access: "tenant",
    handle: listCustomers,
  },
  {
    method: "GET",
    path: "/v1/customers/{customerId}",
    summary: "One customer's credit hold and its reasons: a broken promise, an invoice in collection",
    response: CustomerSummarySchema,
    problems: [404],
    access: "tenant",
    handle: getCustomer,
  },
  {
    method: "GET",
    path: "/v1/reports/aging",
    summary: "What is owed, by currency, in the buckets current, 1-30, 31-60, 61-90 and 90+ days overdue",
    response: AgingReportSchema,
    problems: [],
    access: "tenant",
    handle: getAgingReport,
  },
  {
    method: "PUT",
    path: "/v1/policy",
    summary: "Replace the dunning policy; refused, naming the rule, where it breaks a country's law",
    body: { schema: PolicySchema, required: true },
    response: PolicySavedSchema,
    problems: [400, 413, 415, 422],
    access: "tenant",
    handle: putPolicy,
  },
  {
    method: "GET",
    path: "/v1/openapi.json",
    summary: "This API's OpenAPI 3.1 description",
    access: "public",
    response: z.record(z.string(), z.unknown()),
    problems: [],
    serve: async () => json(200, openApi()),
  },
];

/**
 * Generated on the first request for it, not when the module loads: every cold start of the API
 * Lambda would otherwise pay for converting every schema to JSON Schema, for a route rarely asked.
 */
let document: Record<string, unknown> | undefined;
const openApi = () => {
  document ??= openApiDocument(ROUTES);
  return document;
};

const MATCHERS = ROUTES.map((route) => ({
  route,
  pattern: new RegExp(`^${route.path.replace(/\{[^}]+\}/g, "([^/]+)")}$`),
}));

export async function handleApiRequest(deps: ApiDeps, request: HttpRequest): Promise<ApiResponse> {
  const matching = MATCHERS.filter(({ pattern }) => pattern.test(request.rawPath));
  if (matching.length === 0) return problem(404, `no route ${request.rawPath}`);
  const found = matching.find(({ route }) => route.method === request.method);
  if (!found) {
    const allowed = matching.map(({ route }) => route.method).join(", ");
    const response = problem(405, `${request.method} is not allowed on ${request.rawPath}`);
    return { ...response, headers: { ...response.headers, Allow: allowed } };
  }
  const { route, pattern } = found;
  if (route.access === "public") return route.serve();

  const key = parseAuthorization(request.headers.authorization);
  if (!key.ok) return problem(401, key.error.message);
  const tenantId = await deps.apiKeys.tenantOf(hashApiKey(key.value));
  const tenant = tenantId && (await deps.tenants.get(tenantId));
  if (!tenant) return problem(401, "the API key is not valid");

  // Every route reads its body as text, so none is handed one that is not (body-text.ts).
  const notText = notUtf8Problem(request);
  if (notText) return notText;

  let params: string[];
  try {
    params = (pattern.exec(request.rawPath) ?? []).slice(1).map((part) => decodeURIComponent(part));
  } catch {
    return problem(400, "the path is not valid percent-encoding");
  }
  return route.handle(deps, tenant.tenant, request, params);
}
