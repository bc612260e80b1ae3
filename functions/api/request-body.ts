/**
 * Reading a JSON request body: its size, its encoding, its media type, its syntax and depth and
 * then its shape, each failing with its own status (413, 400, 415, 400, 422) so a client can tell
 * what to fix.
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
 * How deep arrays and objects may nest in a JSON body. An invoice nests four levels (an upload's
 * array, the invoice, its lines, a line), a policy five; what goes deeper is no request dun
 * takes, and a body of 10 000 nested "[" would overflow the stack of every function that walks
 * the parsed value (zod, the __proto__ search, JSON.stringify) into a 500.
 */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of JSON text, counted without parsing it, stopping as soon as it passes `limit`. */
function nestingPasses(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c)
        index++; // a backslash: the next character is escaped, even a quote
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** JSON text parsed, or the 400 that says why it cannot be: its syntax, or nesting past MAX_JSON_DEPTH. */
export function parseJson(text: string): Result<unknown, ApiResponse> {
  if (nestingPasses(text, MAX_JSON_DEPTH)) {
    return err(
      problem(400, `the body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`, {
        errors: [{ path: "", message: `must nest at most ${MAX_JSON_DEPTH} levels deep` }],
        limit: MAX_JSON_DEPTH,
      }),
    );
  }
  try {
    return ok(JSON.parse(text));
  } catch (error) {
    return err(problem(400, `the body is not valid JSON: ${(error as Error).message}`));
  }
}

/**
 * The answer to a body that is not UTF-8 (see body-text.ts), undefined for one that is. A CSV file
 * is told its row and how to export it again; any other body is simply not text dun reads.
 */
export function notUtf8Problem(request: HttpRequest): ApiResponse | undefined {
  const at = request.notUtf8;
  if (!at) return undefined;
  if (mediaTypeOf(request) === "text/csv") {
    return problem(422, "the CSV file is not UTF-8 text", {
      errors: [
        {
          path: `row ${at.line}`,
          message:
            `holds a byte that is not UTF-8 (byte ${at.offset} of the file): the file was saved in another ` +
            'encoding, such as Excel\'s plain "CSV" (Windows-1252); save it as "CSV UTF-8" and upload it again',
        },
      ],
    });
  }
  return problem(
    400,
    `the body is not UTF-8 text: line ${at.line} holds a byte that is not (byte ${at.offset})`,
  );
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
  const large = tooLarge(request, limit) ?? notUtf8Problem(request);
  if (large) return err(large);
  const text = request.body ?? "";
  let parsed: unknown = {};
  if (text.trim() !== "") {
    const mediaType = mediaTypeOf(request);
    if (mediaType !== "application/json") {
      return err(problem(415, `send application/json, not ${mediaType || "no Content-Type"}`));
    }
    const read = parseJson(text);
    if (!read.ok) return err(read.error);
    parsed = read.value;
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
