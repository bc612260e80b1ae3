/**
 * The invoice collection: uploading (one invoice, an array, or a CSV file), listing, and reading
 * one invoice with its timeline.
 */
import { INVOICE_NUMBER } from "#domain/invoice/invoice-input.ts";
import type { ListFilter } from "#domain/invoice/listing.ts";
import { INVOICE_STATES } from "#domain/vocabulary.ts";
import { readInvoiceCsv } from "./csv-invoices.ts";
import type { RouteHandler } from "./http-request.ts";
import { invoiceView } from "./invoice-view.ts";
import { type FieldError, json, problem } from "./problem.ts";
import { MAX_BODY_BYTES, mediaTypeOf, parseJson, prototypeKeyError, tooLarge } from "./request-body.ts";
import { MAX_SYNC_UPLOAD_ROWS } from "./sync-upload-limit.ts";
import { summarise, type UploadResult, uploadInvoices } from "./upload-invoices.ts";

/** Invoices in one JSON array, as many as rows in one CSV: what the API Lambda measurably finishes. */
export const MAX_JSON_INVOICES = MAX_SYNC_UPLOAD_ROWS;

/** A synchronous upload over the limit: the limit, and where a larger one goes. */
function tooManyRows(unit: "invoices" | "rows", errors?: FieldError[]) {
  return problem(
    413,
    `at most ${MAX_SYNC_UPLOAD_ROWS} ${unit} in one synchronous upload, what the API finishes within its ` +
      "timeout: upload a larger file through POST /v1/uploads (asynchronous, with progress and per-row " +
      "results), or with `dun upload`, which splits it into requests within the limit",
    { limit: MAX_SYNC_UPLOAD_ROWS, ...(errors ? { errors } : {}) },
  );
}

export const postInvoices: RouteHandler = async (deps, tenant, request) => {
  const large = tooLarge(request, MAX_BODY_BYTES);
  if (large) return large;
  const body = request.body ?? "";
  const mediaType = mediaTypeOf(request);
  const now = deps.now();
  let results: UploadResult[];
  let single = false;

  if (mediaType === "application/json") {
    const read = parseJson(body);
    if (!read.ok) return read.error;
    const parsed = read.value;
    if (Array.isArray(parsed) && parsed.length > MAX_JSON_INVOICES) return tooManyRows("invoices");
    if (Array.isArray(parsed) && parsed.length === 0) {
      return problem(422, "the upload holds no invoices", {
        errors: [{ path: "", message: "must hold at least one invoice" }],
      });
    }
    if (parsed === null || typeof parsed !== "object") {
      return problem(400, "the body must be an invoice object or an array of invoices");
    }
    single = !Array.isArray(parsed);
    const items: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const answers = new Array<UploadResult | undefined>(items.length);
    const seen = new Map<string, number>();
    const fresh: { input: unknown; index: number }[] = [];
    for (const [index, item] of items.entries()) {
      const number = (item as { invoiceNumber?: unknown } | null)?.invoiceNumber;
      const first = typeof number === "string" ? seen.get(number) : undefined;
      if (typeof number === "string" && first !== undefined) {
        answers[index] = {
          invoiceNumber: number,
          status: "rejected",
          errors: [
            {
              path: `[${index}].invoiceNumber`,
              message: `${number} is already at [${first}] in this upload`,
            },
          ],
        };
        continue;
      }
      if (typeof number === "string") seen.set(number, index);
      const prototypeKey = prototypeKeyError(item);
      if (prototypeKey) {
        answers[index] = {
          invoiceNumber: typeof number === "string" ? number : null,
          status: "rejected",
          errors: [prototypeKey],
        };
        continue;
      }
      fresh.push({ input: item, index });
    }
    const uploaded = await uploadInvoices(deps.invoices, tenant, fresh, now, deps);
    for (const [position, { index }] of fresh.entries()) answers[index] = uploaded[position];
    results = answers.filter((answer): answer is UploadResult => answer !== undefined);
  } else if (mediaType === "text/csv") {
    const read = readInvoiceCsv(body, MAX_SYNC_UPLOAD_ROWS);
    if (!read.ok) {
      const errors = read.problems.map((p) => ({
        path: p.row === null ? p.path : `row ${p.row}: ${p.path}`,
        message: p.message,
      }));
      if (read.reason === "too_many_rows") return tooManyRows("rows", errors);
      const status = read.reason === "malformed" || read.reason === "empty" ? 400 : 422;
      return problem(status, "the CSV file cannot be read", { errors });
    }
    // One answer per row, however many of its cells could not be read: the summary counts rows.
    results = [];
    const rejectedRows = new Map<number, UploadResult>();
    for (const p of read.problems) {
      const error = { path: p.path, message: p.message };
      const known = p.row === null ? undefined : rejectedRows.get(p.row);
      if (known) known.errors.push(error);
      else {
        const result: UploadResult = {
          invoiceNumber: null,
          status: "rejected",
          row: p.row ?? undefined,
          errors: [error],
        };
        results.push(result);
        if (p.row !== null) rejectedRows.set(p.row, result);
      }
    }
    const rows = read.rows.map((row) => ({ input: row.input, row: row.row }));
    results.push(...(await uploadInvoices(deps.invoices, tenant, rows, now, deps)));
    results.sort((a, b) => (a.row ?? 0) - (b.row ?? 0));
  } else {
    return problem(415, `send application/json or text/csv, not ${mediaType || "no Content-Type"}`);
  }

  const summary = summarise(results);
  if (single && results[0]?.status === "conflict") {
    return problem(
      409,
      "other requests kept changing the invoice while this upload wrote it: upload it again",
      {
        errors: results[0].errors,
        results,
        summary,
      },
    );
  }
  if (single && results[0]?.status === "rejected") {
    return problem(422, "the invoice breaks the rules", { errors: results[0].errors, results, summary });
  }
  if (summary.rejected === results.length) {
    // Every item's errors, placed in the upload: "[2].customer.email" in an array, "row 7: dueDate" in a CSV.
    const errors = results.flatMap((result, index) =>
      result.errors.map((error) => ({
        path:
          result.row !== undefined
            ? `row ${result.row}: ${error.path}`
            : error.path.startsWith("[")
              ? error.path
              : `[${index}]${error.path === "" || error.path.startsWith("[") ? "" : "."}${error.path}`,
        message: error.message,
      })),
    );
    return problem(422, "every invoice in the upload breaks the rules", { errors, results, summary });
  }
  return json(200, { results, summary });
};

export const getInvoice: RouteHandler = async (deps, tenant, _request, [number]) => {
  const stored = number ? await deps.invoices.get(tenant.id, number) : undefined;
  if (!stored || !number) return problem(404, `no invoice ${number ?? ""}`);
  const timeline = await deps.invoices.timeline(tenant.id, number);
  return json(200, invoiceView(stored.invoice, tenant.policy, deps.now(), timeline));
};

/** Invoices per page of GET /v1/invoices: by default, and at most. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/**
 * A page of the tenant's invoices in invoice-number order. The cursor is the last invoice number
 * of the page before, so it names nothing of another tenant's: it is only ever read under the
 * tenant of the key. Filters are applied by the store as it reads, so a page is full (`limit`
 * invoices) or the last one, and has a `nextCursor` only when another invoice that passes follows.
 */
export const listInvoices: RouteHandler = async (deps, tenant, request) => {
  const { status, overdue, limit, cursor } = request.query;
  const errors: FieldError[] = [];
  if (status !== undefined && !(INVOICE_STATES as readonly string[]).includes(status)) {
    errors.push({ path: "status", message: `must be one of ${INVOICE_STATES.join(", ")}` });
  }
  if (overdue !== undefined && overdue !== "true" && overdue !== "false") {
    errors.push({ path: "overdue", message: "must be true or false" });
  }
  const size = limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
  if (!/^\d{1,4}$/.test(limit ?? "1") || !Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    errors.push({ path: "limit", message: `must be a whole number from 1 to ${MAX_PAGE_SIZE}` });
  }
  const after = cursor === undefined ? undefined : afterOf(cursor);
  if (cursor !== undefined && after === undefined) {
    errors.push({ path: "cursor", message: "is not a cursor this API gave out" });
  }
  if (errors.length > 0)
    return problem(400, errors.map((e) => `${e.path} ${e.message}`).join("; "), { errors });

  const now = deps.now();
  const filter: ListFilter = {
    status: INVOICE_STATES.find((state) => state === status),
    overdue: overdue === undefined ? undefined : overdue === "true",
    // The same day the view's `overdue` is judged on.
    today: now.toISOString().slice(0, 10),
  };
  const page = await deps.invoices.page(tenant.id, { limit: size, after, filter });
  const invoices = page.invoices.map((stored) => invoiceView(stored.invoice, tenant.policy, now));
  return json(200, { invoices, ...(page.after === undefined ? {} : { nextCursor: cursorOf(page.after) }) });
};

const cursorOf = (invoiceNumber: string) => Buffer.from(invoiceNumber, "utf8").toString("base64url");

function afterOf(cursor: string): string | undefined {
  const invoiceNumber = Buffer.from(cursor, "base64url").toString("utf8");
  return INVOICE_NUMBER.test(invoiceNumber) && cursorOf(invoiceNumber) === cursor ? invoiceNumber : undefined;
}
