/**
 * The OpenAPI 3.1 document, generated from the route table and its zod schemas (z.toJSONSchema),
 * never written by hand: what the API checks and what it publishes are the same schemas.
 */
import * as z from "zod";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { PolicySchema } from "#domain/ladder/policy.ts";
import { AgingReportSchema } from "#domain/reports/aging.ts";
import type { RouteSpec } from "./http-api.ts";
import { InvoiceViewSchema } from "./invoice-view.ts";
import { ProblemSchema, type ProblemStatus } from "./problem.ts";
import { UploadAnswerSchema } from "./upload-invoices.ts";

type Registry = z.core.$ZodRegistry<{ id: string }>;

/**
 * Schemas that get a component of their own under these names, wherever they appear; every other
 * request and response schema gets one named after its operation.
 */
const REQUEST_NAMES: [z.ZodType, string][] = [
  [InvoiceInputSchema, "InvoiceInput"],
  [PolicySchema, "Policy"],
];
const RESPONSE_NAMES: [z.ZodType, string][] = [
  [InvoiceViewSchema, "Invoice"],
  [UploadAnswerSchema, "UploadAnswer"],
  [AgingReportSchema, "AgingReport"],
  [ProblemSchema, "Problem"],
];

const PROBLEM_DESCRIPTIONS: Record<ProblemStatus, string> = {
  400: "Malformed: the body or a parameter cannot be read",
  401: "No API key, or one dun does not know",
  403: "Forbidden",
  404: "No such route, or no such invoice for this tenant",
  405: "The route does not take this method",
  409: "The invoice's state does not allow the action (the state is named in `state`)",
  413: "The body is over the limit (named in `limit`)",
  415: "Neither application/json nor (where allowed) text/csv",
  422: "Readable, but fields break the rules (listed in `errors`)",
  500: "dun's fault; the request may be retried",
};

/**
 * JSON Schema for one zod schema, as a request (`input`: before defaults and transforms) or as a
 * response (`output`). What JSON Schema cannot say (a refinement, a transform) is left to the
 * description and to the API's own 422 answers.
 */
function jsonSchema(schema: z.ZodType, io: "input" | "output"): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

const problemContent = { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } };
const componentUri = (id: string) => `#/components/schemas/${id}`;

/** A reference to the schema's component, registering it under `id` if it has none yet. */
function componentRef(registry: Registry, schema: z.ZodType, id: string): { $ref: string } {
  if (!registry.has(schema)) registry.add(schema, { id });
  return { $ref: componentUri(registry.get(schema)?.id ?? id) };
}

/** The components of a registry, each registered schema inside another replaced by a $ref. */
function components(registry: Registry, io: "input" | "output"): Record<string, unknown> {
  const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: "any", uri: componentUri }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $schema: _dialect, $id: _id, ...schema }]) => [id, schema]),
  );
}

const PATH_PARAMETERS: Record<string, string> = {
  invoiceNumber: "The invoice number, percent-encoded (a / is sent as %2F)",
  customerId: "The customer.id the invoices carry, percent-encoded",
  uploadId: "The upload job's id, as POST /v1/uploads gave it",
};

/**
 * `getInvoices` for the collection, `getInvoice` for one of it (`/v1/invoices/{invoiceNumber}`):
 * a segment followed by a placeholder names one item. OpenAPI wants every id unique.
 */
function operationIdOf(route: RouteSpec): string {
  const words = route.path
    .replace(/^\/v1/, "")
    .replace(/s\/\{[^}]+\}/g, "")
    .replace(/\.json$/, "")
    .split(/[/-]/)
    .filter(Boolean);
  return (
    route.method.toLowerCase() + words.map((word) => word.replace(/^./, (c) => c.toUpperCase())).join("")
  );
}

function operation(route: RouteSpec, requests: Registry, responses: Registry): Record<string, unknown> {
  const id = operationIdOf(route);
  const name = id.replace(/^./, (c) => c.toUpperCase());
  const parameters: Record<string, unknown>[] = [];
  for (const [, name] of route.path.matchAll(/\{([^}]+)\}/g)) {
    parameters.push({
      name,
      in: "path",
      required: true,
      description: PATH_PARAMETERS[name ?? ""] ?? name,
      schema: { type: "string" },
    });
  }
  for (const query of route.query ?? []) {
    parameters.push({
      name: query.name,
      in: "query",
      required: false,
      description: query.description,
      schema: jsonSchema(query.schema, "input"),
    });
  }
  if (route.idempotencyKey) {
    parameters.push({
      name: "Idempotency-Key",
      in: "header",
      required: false,
      description:
        "Makes a retry safe: the same key with the same request on the same invoice within a day is answered with the first answer (header Idempotent-Replayed: true), and changes nothing again",
      schema: { type: "string", minLength: 1, maxLength: 255 },
    });
  }
  const statuses: ProblemStatus[] =
    route.access === "tenant" ? [...route.problems, 401, 500] : route.problems;
  const answers: Record<string, unknown> = {
    [route.created ? 201 : 200]: {
      description: route.created ? "Created" : "OK",
      content: { "application/json": { schema: componentRef(responses, route.response, `${name}Response`) } },
    },
  };
  for (const status of [...new Set(statuses)].sort()) {
    answers[String(status)] = { description: PROBLEM_DESCRIPTIONS[status], content: problemContent };
  }
  return {
    summary: route.summary,
    operationId: id,
    ...(route.access === "tenant" ? {} : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body
      ? {
          requestBody: {
            required: route.body.required,
            content: {
              "application/json": { schema: componentRef(requests, route.body.schema, `${name}Request`) },
              ...(route.body.csv
                ? {
                    "text/csv": {
                      schema: {
                        type: "string",
                        description: "One invoice per row; the columns are listed in docs/API.md",
                      },
                    },
                  }
                : {}),
            },
          },
        }
      : {}),
    responses: answers,
  };
}

export function openApiDocument(routes: readonly RouteSpec[]): Record<string, unknown> {
  const requests: Registry = z.registry<{ id: string }>();
  const responses: Registry = z.registry<{ id: string }>();
  for (const [schema, id] of REQUEST_NAMES) requests.add(schema, { id });
  for (const [schema, id] of RESPONSE_NAMES) responses.add(schema, { id });
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = operation(
      route,
      requests,
      responses,
    );
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "dun",
      version: "1.0.0",
      description:
        "Dunning for small businesses: upload unpaid invoices, and dun follows each up, in the debtor's language and within the debtor's country's rules, until it is paid, disputed or handed over. Amounts are decimal strings in the invoice's currency.",
    },
    servers: [{ url: "/" }],
    security: [{ apiKey: [] }],
    paths,
    components: {
      securitySchemes: {
        apiKey: { type: "http", scheme: "bearer", description: "A key from `dun keys create`" },
      },
      schemas: { ...components(requests, "input"), ...components(responses, "output") },
    },
  };
}
