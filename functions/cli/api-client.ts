/**
 * The dun HTTP API as the CLI sees it: a base URL and a key, one method per route the CLI uses,
 * over fetch. Two kinds of failure stay apart, because the user does different things about them:
 * the API answered and refused (ApiError, with the problem+json it sent: status, title, detail and
 * the fields at fault), or it could not be reached at all (ApiUnreachableError).
 *
 * Answers are checked with zod for what the CLI reads of them, and no more: a newer API may add
 * members, which are kept (loose objects) so that `--json` prints the answer whole.
 */
import * as z from "zod";
import { type FieldError, ProblemSchema } from "#api/problem.ts";
import {
  UploadAnswerSchema as ApiUploadAnswerSchema,
  UploadResultSchema as ApiUploadResultSchema,
} from "#api/upload-invoices.ts";
import { UploadJobCreatedSchema, UploadJobViewSchema, UploadRowsPageSchema } from "#api/upload-job-routes.ts";
import { CustomerSummarySchema } from "#domain/invoice/standing.ts";
import type { ApiLocation } from "./api-location.ts";
import { CliError, UsageError } from "./command.ts";

/** RFC 9457 problem details as the API sends them (docs/API.md, "Errors"). */
export type Problem = {
  type?: string;
  title: string;
  status: number;
  detail?: string;
  errors: FieldError[];
  /** The whole answer, extensions included (`limit`, `state`, an upload's `results`…). */
  body: unknown;
};

/** The API answered with an error status. */
export class ApiError extends Error {
  override readonly name = "ApiError";

  constructor(
    /** "GET /v1/invoices/INV-1": which request was refused. */
    readonly request: string,
    readonly problem: Problem,
  ) {
    const { status, title, detail } = problem;
    super(`${request} answered ${status} ${title}${detail ? `: ${detail}` : ""}`);
  }

  get status(): number {
    return this.problem.status;
  }
}

/** No answer at all: nothing listens there, the name does not resolve, or it took too long. */
export class ApiUnreachableError extends Error {
  override readonly name = "ApiUnreachableError";

  constructor(
    readonly url: string,
    /** ECONNREFUSED, ENOTFOUND, timeout… */
    readonly reason: string,
    hint: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot reach the dun API at ${url} (${reason}); ${hint}`, options);
  }
}

// ——— what the CLI reads of the answers ———

/** The API's own upload answer, each result loose: members a newer API adds are kept, for `--json`. */
export const UploadResultSchema = ApiUploadResultSchema.loose();
export type UploadResult = z.infer<typeof UploadResultSchema>;
export type { UploadSummary } from "#api/upload-invoices.ts";

export const UploadAnswerSchema = ApiUploadAnswerSchema.extend({
  results: z.array(UploadResultSchema),
}).loose();
export type UploadAnswer = z.infer<typeof UploadAnswerSchema>;

const NextActionSchema = z.looseObject({
  kind: z.string(),
  at: z.string().optional(),
  step: z.string().optional(),
  reason: z.string().optional(),
});

export const InvoiceViewSchema = z.looseObject({
  invoiceNumber: z.string(),
  status: z.string(),
  stage: z.string().nullable(),
  currency: z.string(),
  amount: z.string(),
  amountPaid: z.string(),
  amountDue: z.string(),
  issueDate: z.string(),
  dueDate: z.string(),
  overdue: z.boolean(),
  customer: z.looseObject({
    name: z.string(),
    emails: z.array(z.string()).optional(),
    locale: z.string().optional(),
    country: z.string().optional(),
  }),
  nextAction: NextActionSchema,
  emails: z
    .array(
      z.looseObject({
        stage: z.string(),
        sentAt: z.string(),
        delivery: z.string().optional(),
        openedAt: z.string().nullable().optional(),
        clickedAt: z.string().nullable().optional(),
      }),
    )
    .optional(),
  timeline: z.array(z.looseObject({ type: z.string(), at: z.string() })).optional(),
});
export type InvoiceView = z.infer<typeof InvoiceViewSchema>;

export const InvoicePageSchema = z.looseObject({
  invoices: z.array(InvoiceViewSchema),
  nextCursor: z.string().optional(),
});
export type InvoicePage = z.infer<typeof InvoicePageSchema>;

export const CustomerListSchema = z.looseObject({ customers: z.array(CustomerSummarySchema.loose()) });
export type CustomerList = z.infer<typeof CustomerListSchema>;

const AgingCellSchema = z.looseObject({ count: z.number(), amount: z.number(), display: z.string() });
export const AgingReportSchema = z.looseObject({
  asOf: z.string(),
  currencies: z.array(
    z.looseObject({
      currency: z.string(),
      buckets: z.record(z.string(), AgingCellSchema),
      total: AgingCellSchema,
    }),
  ),
});
export type AgingReport = z.infer<typeof AgingReportSchema>;

export const ClockStateSchema = z.looseObject({ now: z.string(), speed: z.number(), paused: z.boolean() });
export type ClockState = z.infer<typeof ClockStateSchema>;

export const ClockAdvanceSchema = z.looseObject({
  now: z.string(),
  ticks: z.number(),
  emailsSent: z.number(),
});
export type ClockAdvance = z.infer<typeof ClockAdvanceSchema>;

export const DispatchStateSchema = z.looseObject({ paused: z.boolean() });

export const LocalKeySchema = z.looseObject({ tenantId: z.string(), apiKey: z.string() });
export type LocalKey = z.infer<typeof LocalKeySchema>;

export type InvoiceQuery = { status?: string; overdue?: boolean; limit?: number; cursor?: string };

type RequestOptions = {
  query?: Record<string, string | undefined>;
  body?: string;
  contentType?: string;
  /** The local-only routes (`/_local/…`) need no key; every `/v1` route but one does. */
  auth?: boolean;
  timeoutMs?: number;
};

/** Long enough for a 5 MB upload to a cold Lambda; advancing the local clock sets its own. */
const DEFAULT_TIMEOUT_MS = 120_000;

export class DunApi {
  constructor(
    readonly location: ApiLocation,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** POST /v1/invoices. A 422 that rejected every invoice still carries the per-invoice answer: it is returned. */
  async uploadInvoices(body: string, contentType: "text/csv" | "application/json"): Promise<UploadAnswer> {
    try {
      return await this.call("POST", "/v1/invoices", UploadAnswerSchema, { body, contentType });
    } catch (error) {
      if (error instanceof ApiError && error.status === 422) {
        const answer = UploadAnswerSchema.safeParse(error.problem.body);
        if (answer.success) return answer.data;
      }
      throw error;
    }
  }

  /** POST /v1/uploads: a job for a file too large for one request, and the URL to PUT it to. */
  startUploadJob(format: "csv" | "json") {
    return this.call("POST", "/v1/uploads", UploadJobCreatedSchema, {
      body: JSON.stringify({ format }),
      contentType: "application/json",
    });
  }

  /** The PUT of a job's file to its presigned URL: S3, not the API, so no API key goes with it. */
  async putUploadFile(url: string, headers: Record<string, string>, body: string): Promise<void> {
    let response: Response;
    try {
      response = await this.fetchImpl(url, { method: "PUT", headers, body });
    } catch (error) {
      throw new CliError(
        `the upload to S3 failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (!response.ok) {
      throw new CliError(
        `S3 refused the upload (${response.status}): ${(await response.text()).slice(0, 300)}`,
      );
    }
  }

  getUploadJob(id: string) {
    return this.call("GET", `/v1/uploads/${encodeURIComponent(id)}`, UploadJobViewSchema);
  }

  getUploadRows(id: string, cursor?: string) {
    return this.call("GET", `/v1/uploads/${encodeURIComponent(id)}/rows`, UploadRowsPageSchema, {
      query: { cursor },
    });
  }

  getInvoice(invoiceNumber: string): Promise<InvoiceView> {
    return this.call("GET", `/v1/invoices/${encodeURIComponent(invoiceNumber)}`, InvoiceViewSchema);
  }

  listInvoices(query: InvoiceQuery = {}): Promise<InvoicePage> {
    return this.call("GET", "/v1/invoices", InvoicePageSchema, {
      query: {
        status: query.status,
        overdue: query.overdue === undefined ? undefined : String(query.overdue),
        limit: query.limit === undefined ? undefined : String(query.limit),
        cursor: query.cursor,
      },
    });
  }

  listCustomers(query: { creditHold?: boolean } = {}): Promise<CustomerList> {
    return this.call("GET", "/v1/customers", CustomerListSchema, {
      query: { creditHold: query.creditHold === undefined ? undefined : String(query.creditHold) },
    });
  }

  agingReport(): Promise<AgingReport> {
    return this.call("GET", "/v1/reports/aging", AgingReportSchema);
  }

  localClock(): Promise<ClockState> {
    return this.call("GET", "/_local/clock", ClockStateSchema, { auth: false });
  }

  /** Answers once every dispatcher tick in between has run, which for months of ticks takes a while. */
  advanceLocalClock(to: { advance: string } | { to: string }): Promise<ClockAdvance> {
    return this.call("POST", "/_local/clock", ClockAdvanceSchema, {
      auth: false,
      body: JSON.stringify(to),
      contentType: "application/json",
      timeoutMs: 30 * 60_000,
    });
  }

  setLocalDispatch(paused: boolean): Promise<z.infer<typeof DispatchStateSchema>> {
    return this.call("POST", "/_local/dispatch", DispatchStateSchema, {
      auth: false,
      body: JSON.stringify({ paused }),
      contentType: "application/json",
    });
  }

  createLocalKey(request: { tenant?: string; label?: string }): Promise<LocalKey> {
    return this.call("POST", "/_local/keys", LocalKeySchema, {
      auth: false,
      body: JSON.stringify(request),
      contentType: "application/json",
    });
  }

  /** One request; the answer checked against `schema`. */
  async call<Schema extends z.ZodType>(
    method: string,
    path: string,
    schema: Schema,
    options: RequestOptions = {},
  ): Promise<z.infer<Schema>> {
    const body = await this.send(method, path, options);
    const parsed = schema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CliError(
        `${method} ${this.location.url}${path} answered something dun's CLI does not understand` +
          `${issue ? ` (${issue.path.join(".") || "the answer"}: ${issue.message})` : ""}; ` +
          `is ${this.location.url} a dun API of the same version as this CLI?`,
      );
    }
    return parsed.data;
  }

  /** One request; the answer's JSON body, or an ApiError for any status from 300 up. */
  async send(method: string, path: string, options: RequestOptions = {}): Promise<unknown> {
    const { query = {}, body, contentType, auth = true, timeoutMs = DEFAULT_TIMEOUT_MS } = options;
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value !== undefined) search.set(name, value);
    const url = `${this.location.url}${path}${search.size > 0 ? `?${search}` : ""}`;
    const headers: Record<string, string> = { accept: "application/json, application/problem+json" };
    if (auth) headers.authorization = `Bearer ${this.keyFor(path)}`;
    if (contentType) headers["content-type"] = contentType;

    let response: Response;
    let text: string;
    try {
      response = await this.fetchImpl(url, { method, headers, body, signal: AbortSignal.timeout(timeoutMs) });
      text = await response.text();
    } catch (error) {
      throw this.unreachable(error, timeoutMs);
    }
    const json = parseJson(text);
    if (response.status >= 300) {
      throw new ApiError(`${method} ${path}`, problemOf(response, json, text));
    }
    if (json === undefined) {
      throw new CliError(
        `${method} ${url} answered ${response.status} without JSON; is ${this.location.url} a dun API?`,
      );
    }
    return json;
  }

  private keyFor(path: string): string {
    if (this.location.key !== undefined) return this.location.key;
    throw new UsageError(
      `no API key for ${this.location.url} (needed for ${path}): pass --key KEY or set DUN_API_KEY; ` +
        "`dun keys create` makes one",
    );
  }

  private unreachable(error: unknown, timeoutMs: number): ApiUnreachableError {
    const { url, source } = this.location;
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    const reason = timedOut ? `no answer within ${Math.round(timeoutMs / 1000)} s` : networkCodeOf(error);
    const hint = source.endsWith("local.json")
      ? `local mode wrote that URL to ${source} when it started: is \`npm start\` still running?`
      : `check ${source === "--api" ? "--api" : source} and the network; for local mode, run \`npm start\``;
    return new ApiUnreachableError(url, reason, hint, { cause: error });
  }
}

/** What the network layer said went wrong: undici wraps the system's error (and its code) in `cause`. */
function networkCodeOf(error: unknown): string {
  let current: unknown = error;
  let deepest = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === "string") return code;
    deepest = current.message;
    current = current.cause;
  }
  return deepest;
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API's problem details, any member of which may be missing from an answer that did not come from dun. */
const ProblemBodySchema = ProblemSchema.partial().extend({
  // API Gateway's own answers (a throttle, a missing route before the Lambda) say only this.
  message: z.string().optional(),
});

/** The answer as a problem, whether it came as problem+json, as API Gateway's `{"message"}`, or as text. */
function problemOf(response: Response, json: unknown, text: string): Problem {
  const body = ProblemBodySchema.safeParse(json);
  const title = (body.success ? body.data.title : undefined) ?? (response.statusText || "Error");
  const detail = body.success
    ? (body.data.detail ?? body.data.message)
    : text.trim() === ""
      ? undefined
      : clip(text.trim(), 200);
  return {
    type: body.success ? body.data.type : undefined,
    title,
    status: response.status,
    ...(detail === undefined ? {} : { detail }),
    errors: (body.success ? body.data.errors : undefined) ?? [],
    body: json ?? text,
  };
}

function clip(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, " ");
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}
