/**
 * Reading a JSON request body: its size, its media type, its syntax and then its shape, each
 * failing with its own status (413, 415, 400, 422) so a client can tell what to fix.
 */
import type * as z from "zod";
import { err, ok, type Result } from "#domain/result.ts";
import type { HttpRequest } from "./http-request.ts";
import { type ApiResponse, type FieldError, fieldErrorsOf, pathOf, problem } from "./problem.ts";

/** Lambda's synchronous payload limit (6 MB), less room for the envelope. */
export const MAX_BODY_BYTES = 5_500_000;
/** A body that names one action on one invoice: a payment plan of 60 installments fits many times over. */
export const MAX_ACTION_BODY_BYTES = 64 * 1024;

/** The media type without its parameters, in lower case; "" when there is none. */
export function mediaTypeOf(request: HttpRequest): string {
  return (request.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

export function tooLarge(request: HttpRequest, limit: number): ApiResponse | undefined {
  if (Buffer.byteLength(request.body ?? "") <= limit) return undefined;
  return problem(413, `the body is larger than the limit of ${limit} bytes`, { limit });
}

/**
 * The first `__proto__` key in parsed JSON, as a field error. JSON.parse makes it an ordinary own
 * key, but zod's records skip it without a word, so a value under it would vanish silently; it is
 * refused instead, wherever it is.
 */
export function prototypeKeyError(value: unknown, path: (string | number)[] = []): FieldError | undefined {
  if (value === null || typeof value !== "object") return undefined;
  if (!Array.isArray(value) && Object.hasOwn(value, "__proto__")) {
    return { path: pathOf([...path, "__proto__"]), message: "is not a key dun accepts" };
  }
  for (const [key, inner] of Object.entries(value)) {
    const found = prototypeKeyError(inner, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return undefined;
}

/**
 * A JSON body checked against a schema. An empty body reads as `{}` (so `POST …/resume` needs
 * none), and it is then the schema that says what is missing.
 */
export function readJsonBody<Schema extends z.ZodType>(
  request: HttpRequest,
  schema: Schema,
  limit: number,
): Result<z.output<Schema>, ApiResponse> {
  const large = tooLarge(request, limit);
  if (large) return err(large);
  const text = request.body ?? "";
  let parsed: unknown = {};
  if (text.trim() !== "") {
    const mediaType = mediaTypeOf(request);
    if (mediaType !== "application/json") {
      return err(problem(415, `send application/json, not ${mediaType || "no Content-Type"}`));
    }
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return err(problem(400, `the body is not valid JSON: ${(error as Error).message}`));
    }
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return err(problem(400, "the body must be a JSON object"));
  }
  const prototypeKey = prototypeKeyError(parsed);
  if (prototypeKey) return err(problem(422, "the request breaks the rules", { errors: [prototypeKey] }));
  const result = schema.safeParse(parsed);
  if (!result.success) {
    return err(problem(422, "the request breaks the rules", { errors: fieldErrorsOf(result.error) }));
  }
  return ok(result.data);
}
