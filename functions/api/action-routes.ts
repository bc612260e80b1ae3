/**
 * The action routes (POST /v1/invoices/{n}/payments and the rest, PATCH …/customer): read the
 * invoice, apply the state-machine function, save on condition nobody changed it meanwhile.
 *
 * An `Idempotency-Key` header makes a retry safe: the answer is kept on the invoice under the key,
 * in the same conditional write as the change, so a retried payment is answered again instead of
 * being booked twice. Keys (kept as their hashes) are scoped to the invoice and remembered for a day (the newest
 * IDEMPOTENCY_KEYS_KEPT of them); the same key with a different request is refused.
 *
 * A payment's receipt to the debtor goes into the invoice's outbox in that same write: so it goes
 * once however often the request is retried, and a failure after the write cannot lose it. The
 * sender sends it when the due slot brings the invoice back (#sending/owner-alert.ts).
 */
import { createHash } from "node:crypto";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { IdempotentResponse } from "#ports/invoice-store.ts";
import { receiptEntries, slotWithAlerts, withAlerts } from "#sending/owner-alert.ts";
import { type ReminderInFlight, waitOutStandingClaim } from "#sending/standing-claim.ts";
import type { RouteHandler } from "./http-request.ts";
import type { InvoiceAction } from "./invoice-actions.ts";
import { invoiceView } from "./invoice-view.ts";
import { type ApiResponse, json, problem } from "./problem.ts";
import { MAX_ACTION_BODY_BYTES, readJsonBody } from "./request-body.ts";

export const IDEMPOTENCY_KEYS_KEPT = 20;
/**
 * The answers an invoice remembers, all together, in UTF-8 bytes of their bodies: an answer is the
 * invoice's view (a kilobyte or two, more with a long customer and many emails sent), so the
 * newest that fit in 32 KB are kept, and the invoice item's budget holds whatever the answers
 * say (docs/DATA-MODEL.md, "Item sizes").
 */
export const REMEMBERED_ANSWERS_BYTES = 32 * 1024;
const IDEMPOTENCY_KEY_TTL_MS = 24 * 3_600_000;
/** Printable ASCII, as the IETF Idempotency-Key draft's examples (UUIDs, random tokens) are. */
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;
const ATTEMPTS = 5;

export function actionRoute(action: InvoiceAction): RouteHandler {
  return async (deps, tenant, request, [number]) => {
    const key = request.headers["idempotency-key"];
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      return problem(400, "the Idempotency-Key header must be 1-255 printable ASCII characters", {
        errors: [{ path: "Idempotency-Key", message: "must be 1-255 printable ASCII characters" }],
      });
    }
    const body = readJsonBody(request, action.body, MAX_ACTION_BODY_BYTES);
    if (!body.ok) return body.error;
    // Kept under the key's hash: a fixed length whatever the key, and no key ("__proto__",
    // "constructor") can mean anything to the objects and the marshalling it passes through.
    const slot = key === undefined ? undefined : `sha256:${sha256(key)}`;
    const fingerprint = sha256(`${request.method} ${request.rawPath}\n${JSON.stringify(body.value)}`);

    let inFlight: ReminderInFlight | undefined;
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const read = number ? await deps.invoices.get(tenant.id, number) : undefined;
      if (!read || !number) return problem(404, `no invoice ${number ?? ""}`);
      // A reminder may be on its way to SES this very moment: let it land (or its window pass) first.
      const waited = await waitOutStandingClaim(deps, read);
      const stored = waited.stored;
      if (!stored) return problem(404, `no invoice ${number}`);
      inFlight = waited.inFlight ?? inFlight;
      const earlier = slot !== undefined && stored.requests ? stored.requests[slot] : undefined;
      if (earlier) return replay(earlier, fingerprint);

      const now = deps.now();
      const at = now.toISOString();
      const applied = action.apply(stored.invoice, body.value, at);
      if (!applied.ok) {
        const error = applied.error;
        if (error.code === "illegal_transition") {
          return problem(409, error.message, { state: error.from, action: action.segment });
        }
        return problem(422, error.message, { errors: [{ path: error.field, message: error.message }] });
      }
      const { invoice, events } = applied.value;
      const next = decideNextAction(invoice, tenant.policy, now);
      const receipts = receiptEntries(events, stored.invoice.version + 1);
      const outbox = Object.keys(receipts).length > 0 ? withAlerts(stored.alerts, receipts) : undefined;
      const response = json(200, {
        ...invoiceView(invoice, tenant.policy, now),
        ...(inFlight ? { reminderInFlight: inFlight } : {}),
      });
      const requests =
        slot === undefined
          ? undefined
          : remembered(stored.requests, slot, { fingerprint, status: 200, body: response.body, at }, now);
      const saved = await deps.invoices.save(
        stored.invoice,
        invoice,
        events,
        slotWithAlerts(next.kind === "none" ? undefined : next.at, outbox ?? stored.alerts, now),
        { whileClaimed: stored.claim !== undefined, requests, alerts: outbox },
      );
      if (saved === "ok") return response;
    }
    return problem(409, "the invoice kept changing while this request was applied; send it again");
  };
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function replay(earlier: IdempotentResponse, fingerprint: string): ApiResponse {
  if (earlier.fingerprint !== fingerprint) {
    return problem(422, "this Idempotency-Key was already used for a different request on this invoice", {
      errors: [{ path: "Idempotency-Key", message: "was already used for a different request" }],
    });
  }
  return {
    statusCode: earlier.status,
    headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
    body: earlier.body,
  };
}

/**
 * The invoice's remembered requests with this one added, the expired and the oldest let go: at
 * most IDEMPOTENCY_KEYS_KEPT, their bodies within REMEMBERED_ANSWERS_BYTES (this one always kept).
 */
function remembered(
  requests: Record<string, IdempotentResponse> | undefined,
  key: string,
  response: IdempotentResponse,
  now: Date,
): Record<string, IdempotentResponse> {
  let room = REMEMBERED_ANSWERS_BYTES - bodyBytes(response);
  const fresh = Object.entries(requests ?? {})
    .filter(([, kept]) => now.getTime() - Date.parse(kept.at) < IDEMPOTENCY_KEY_TTL_MS)
    .sort(([, a], [, b]) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))
    .slice(0, IDEMPOTENCY_KEYS_KEPT - 1)
    .filter(([, kept]) => {
      room -= bodyBytes(kept);
      return room >= 0;
    });
  return Object.fromEntries([...fresh, [key, response]]);
}

const bodyBytes = (answer: IdempotentResponse) => Buffer.byteLength(answer.body, "utf8");
