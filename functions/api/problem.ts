/**
 * The HTTP API's answers: JSON for success, RFC 9457 problem details for every failure, with the
 * fields a client got wrong listed one by one so that it can show them next to its own inputs.
 */
import * as z from "zod";
import "#domain/zod-messages.ts";

export const FieldErrorSchema = z.object({
  path: z.string().describe('where in the request: "customer.email", "lines[2].amount", "row 7: dueDate"'),
  message: z.string(),
});
export type FieldError = z.infer<typeof FieldErrorSchema>;

export const ProblemSchema = z
  .looseObject({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    errors: z.array(FieldErrorSchema).optional(),
    instance: z.string().optional(),
    state: z.string().optional().describe("409: the invoice's state that does not allow the action"),
    limit: z.number().int().optional().describe("413: the limit that was exceeded"),
  })
  .describe("RFC 9457 problem details (application/problem+json)");
export type Problem = z.infer<typeof ProblemSchema>;
/** API Gateway HTTP API (payload format 2.0) result. */
export type ApiResponse = { statusCode: number; headers: Record<string, string>; body: string };

export type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 500;

/**
 * One problem type per status; clients branch on `type`, so these URIs are part of the API and
 * must never change:
 * - 400 https://dun.dev/problems/malformed — the body or a parameter cannot be read at all
 * - 401 https://dun.dev/problems/unauthorized — no API key, or one dun does not know
 * - 403 https://dun.dev/problems/forbidden — the key is known but may not do this
 * - 404 https://dun.dev/problems/not-found — no such route, or no such invoice for this tenant
 * - 405 https://dun.dev/problems/method-not-allowed — the route exists, the method does not
 * - 409 https://dun.dev/problems/conflict — the request contradicts the invoice's state
 * - 413 https://dun.dev/problems/too-large — the body is over the limit
 * - 415 https://dun.dev/problems/unsupported-media-type — neither JSON nor CSV
 * - 422 https://dun.dev/problems/validation — readable, but fields are invalid (see `errors`)
 * - 500 https://dun.dev/problems/internal — dun's fault; the details are in dun's logs only
 */
const PROBLEM_TYPES: Record<ProblemStatus, { slug: string; title: string }> = {
  400: { slug: "malformed", title: "Malformed request" },
  401: { slug: "unauthorized", title: "Unauthorized" },
  403: { slug: "forbidden", title: "Forbidden" },
  404: { slug: "not-found", title: "Not found" },
  405: { slug: "method-not-allowed", title: "Method not allowed" },
  409: { slug: "conflict", title: "Conflict" },
  413: { slug: "too-large", title: "Content too large" },
  415: { slug: "unsupported-media-type", title: "Unsupported media type" },
  422: { slug: "validation", title: "Validation failed" },
  500: { slug: "internal", title: "Internal error" },
};
const PROBLEM_BASE = "https://dun.dev/problems/";

/** Fixed, so that no exception message, stack or table name can leak to a client through a 500. */
const INTERNAL_DETAIL = "Something went wrong on dun's side. The request may be retried.";

export function problem(
  status: ProblemStatus,
  detail?: string,
  extra?: { errors?: FieldError[]; [k: string]: unknown },
): ApiResponse {
  const { slug, title } = PROBLEM_TYPES[status];
  // Extensions first, so that none of them can overwrite the members RFC 9457 defines; a 500
  // takes none of the caller's text at all.
  const body: Problem =
    status === 500
      ? { type: PROBLEM_BASE + slug, title, status, detail: INTERNAL_DETAIL }
      : {
          ...extra,
          type: PROBLEM_BASE + slug,
          title,
          status,
          ...(detail === undefined ? {} : { detail }),
        };
  return {
    statusCode: status,
    // An error about one request (a missing key, a rejected field) must not be replayed by a cache.
    headers: { "Content-Type": "application/problem+json", "Cache-Control": "no-store" },
    body: JSON.stringify(body),
  };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResponse {
  return {
    statusCode: status,
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  };
}

/**
 * zod's issues as field errors, each with zod's own message and its path written the way the
 * JSON reads: `customer.email`, `lines[2].amount`, `[3].amount` in an array at the root, and ""
 * for the value itself. `prefix` places the issues inside a larger document (an item of an upload).
 */
export function fieldErrorsOf(error: z.ZodError, prefix: (string | number)[] = []): FieldError[] {
  return issuesToFieldErrors(error.issues, prefix);
}

type Issue = z.ZodError["issues"][number];

function issuesToFieldErrors(issues: readonly Issue[], prefix: readonly PropertyKey[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const at = [...prefix, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      // One error per key, at the key, so that each lands on its own field; the message stays zod's.
      return issue.keys.map((key) => ({ path: pathOf([...at, key]), message: issue.message }));
    }
    if (issue.code === "invalid_union") {
      // The branches' issues have paths relative to the union.
      const branch = mostSpecificBranch(issue.errors);
      if (branch) return issuesToFieldErrors(branch, at);
    }
    return [{ path: pathOf(at), message: issue.message }];
  });
}

/**
 * The branch the input came closest to matching. zod itself already reports the issues of a lone
 * branch whose only failures are checks (a length, a format); this decides when several branches
 * failed harder. A branch that failed on the value itself (an object given to a string branch, "c"
 * to a literal "a") says nothing useful. Of the others, one that refused a fixed value inside (a
 * `kind: "b"` given to the `kind: "a"` branch) was most likely not meant, so the fewest such
 * refusals win, then the fewest complaints, then zod's order. Counting is a guess, and a good one
 * only for strict objects, whose extra keys count against them; a schema that needs exact errors
 * uses z.discriminatedUnion, which zod resolves by itself. Undefined when no branch got anywhere
 * (or several matched an exclusive union): zod's own issue at the union is then the best there is.
 */
function mostSpecificBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  let best: { issues: readonly Issue[]; refusals: number; complaints: number } | undefined;
  for (const issues of branches) {
    const failedOnValue = issues.some(
      (issue) => issue.path.length === 0 && (issue.code === "invalid_type" || issue.code === "invalid_value"),
    );
    if (failedOnValue || issues.length === 0) continue;
    const candidate = {
      issues,
      refusals: issues.filter((issue) => issue.code === "invalid_value").length,
      complaints: issues.reduce(
        (count, issue) => count + (issue.code === "unrecognized_keys" ? issue.keys.length : 1),
        0,
      ),
    };
    if (
      !best ||
      candidate.refusals < best.refusals ||
      (candidate.refusals === best.refusals && candidate.complaints < best.complaints)
    ) {
      best = candidate;
    }
  }
  return best?.issues;
}

/** A key that would read ambiguously after a dot ("a.b", "x[0]", "") is written in brackets, quoted. */
const PLAIN_KEY = /^[^.[\]"\s]+$/;

export function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, position) => {
      if (typeof key === "number") return `[${key}]`;
      const name = typeof key === "symbol" ? (key.description ?? "") : key;
      if (!PLAIN_KEY.test(name)) return `[${JSON.stringify(name)}]`;
      return position === 0 ? name : `.${name}`;
    })
    .join("");
}
