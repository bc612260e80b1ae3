/**
 * Uploading invoices: each one is validated on its own and answered on its own — created,
 * updated, unchanged or rejected with the fields at fault — so one bad row never stops the rest
 * and nothing is half-written. The same upload twice changes nothing (idempotent by invoice
 * number); a changed amount on an invoice that already had reminders is applied and recorded.
 *
 * A large upload reads its invoices 100 at a time and writes the new ones many at once
 * (uploadInvoices); what each invoice becomes is decided the same way either way (decideUpload).
 *
 * What one row cannot do is that row's answer, never the whole upload's: an invoice the store
 * refuses (too large) is `rejected` saying why, and one that other requests kept changing while
 * this upload tried to write it is a `conflict`, to be uploaded again. An invoice a failed upload
 * stored without its `created` step gets the step from the next upload of it, which answers
 * `created` for it (the failed one never answered).
 */

import * as z from "zod";
import { inParallel } from "#adapters/dynamo/writes.ts";
import { createInvoice, type Invoice } from "#domain/invoice/invoice.ts";
import { InvoiceInputSchema, type ParsedInvoiceInput } from "#domain/invoice/invoice-input.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { changeAmount, recordPayment } from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Policy } from "#domain/ladder/policy.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import { receiptEntries, slotWithAlerts, withAlerts } from "#sending/owner-alert.ts";
import { type ClaimWaitDeps, type ReminderInFlight, waitOutStandingClaim } from "#sending/standing-claim.ts";
import { ReminderInFlightSchema } from "./invoice-view.ts";
import { type FieldError, FieldErrorSchema, fieldErrorsOf } from "./problem.ts";

export const UploadResultSchema = z.object({
  invoiceNumber: z.string().nullable(),
  status: z
    .enum(["created", "updated", "unchanged", "rejected", "conflict"])
    .describe(
      "conflict: other requests kept changing the invoice while this upload wrote it; upload it again",
    ),
  row: z.number().int().optional().describe("the CSV row, for uploads that came as a file"),
  errors: z.array(FieldErrorSchema),
  reminderInFlight: ReminderInFlightSchema.optional(),
});
export type UploadResult = z.infer<typeof UploadResultSchema>;

/**
 * How an upload that changes an invoice with a reminder on its way waits for it
 * (#sending/standing-claim.ts); without it (loading demo data), it does not wait.
 */
export type UploadWait = Omit<ClaimWaitDeps, "invoices">;

export const UploadSummarySchema = z.object({
  created: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  rejected: z.number().int(),
  conflict: z.number().int(),
});
export type UploadSummary = z.infer<typeof UploadSummarySchema>;

export const UploadAnswerSchema = z.object({
  results: z.array(UploadResultSchema),
  summary: UploadSummarySchema,
});

export function summarise(results: readonly UploadResult[]): UploadSummary {
  const summary: UploadSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0, conflict: 0 };
  for (const result of results) summary[result.status] += 1;
  return summary;
}

function invoiceNumberOf(input: unknown): string | null {
  const value = (input as { invoiceNumber?: unknown } | null)?.invoiceNumber;
  return typeof value === "string" && value.length <= 64 ? value : null;
}

/** JSON with sorted keys and no undefined values: the same data always reads the same. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner) =>
    inner && typeof inner === "object" && !Array.isArray(inner)
      ? Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : inner,
  );
}

/** The fields an upload may change on an invoice that exists; the rest is the invoice's own history. */
const UPLOADED_FIELDS = [
  "issueDate",
  "dueDate",
  "customer",
  "paymentReference",
  "paymentUrl",
  "lines",
  "earlyPaymentDiscount",
  "reminderFeeAgreed",
] as const;

/** The uploaded fields whose values differ between the stored invoice and the upload. */
function changedFields(before: Invoice, upload: ParsedInvoiceInput): string[] {
  return UPLOADED_FIELDS.filter((field) => canonical(before[field]) !== canonical(upload[field]));
}

/** What an upload does to one invoice, decided from the invoice as stored (if it is). */
export type UploadDecision =
  | { kind: "create"; invoice: Invoice; events: TimelineEvent[]; next: Date | undefined }
  | {
      kind: "update";
      before: Invoice;
      after: Invoice;
      events: TimelineEvent[];
      next: Date | undefined;
      whileClaimed: boolean;
    }
  | { kind: "unchanged" }
  | { kind: "rejected"; errors: FieldError[] };

export function decideUpload(
  existing: StoredInvoice | undefined,
  upload: ParsedInvoiceInput,
  tenant: { id: string; policy: Policy },
  now: Date,
): UploadDecision {
  const at = now.toISOString();
  if (!existing) {
    const { invoice, events } = createInvoice(tenant.id, upload, at);
    const next = decideNextAction(invoice, tenant.policy, now);
    return { kind: "create", invoice, events, next: next.kind === "none" ? undefined : next.at };
  }
  const before = existing.invoice;
  if (upload.currency !== before.currency) {
    return {
      kind: "rejected",
      errors: [
        { path: "currency", message: `cannot change from ${before.currency}: the invoice was issued in it` },
      ],
    };
  }
  const changed = changedFields(before, upload);
  // What the export says was paid beyond what dun knows is a payment dun has not heard of; less
  // than dun knows is an export that does not track payments, and never takes one back.
  const paidSince = upload.amountPaid - before.amountPaid;
  if (changed.length === 0 && upload.amount === before.amount && paidSince <= 0) {
    return { kind: "unchanged" };
  }
  let after: Invoice = {
    ...before,
    issueDate: upload.issueDate,
    dueDate: upload.dueDate,
    customer: upload.customer,
    paymentReference: upload.paymentReference,
    paymentUrl: upload.paymentUrl,
    lines: upload.lines,
    earlyPaymentDiscount: upload.earlyPaymentDiscount,
    reminderFeeAgreed: upload.reminderFeeAgreed,
    updatedAt: at,
  };
  const events: TimelineEvent[] =
    changed.length > 0 ? [{ type: "details_changed", at, fields: changed }] : [];
  if (upload.amount !== before.amount) {
    const amended = changeAmount(after, { amount: upload.amount, at });
    if (!amended.ok)
      return { kind: "rejected", errors: [{ path: "amount", message: amended.error.message }] };
    after = amended.value.invoice;
    events.push(...amended.value.events);
  }
  if (paidSince > 0) {
    const paid = recordPayment(after, { amount: paidSince, date: at.slice(0, 10), at, reference: "upload" });
    if (!paid.ok) return { kind: "rejected", errors: [{ path: "amountPaid", message: paid.error.message }] };
    after = paid.value.invoice;
    events.push(...paid.value.events);
  }
  const next = decideNextAction(after, tenant.policy, now);
  return {
    kind: "update",
    before,
    after,
    events,
    next: next.kind === "none" ? undefined : next.at,
    whileClaimed: existing.claim !== undefined,
  };
}

type Parsed = { ok: true; upload: ParsedInvoiceInput } | { ok: false; result: UploadResult };

function parse(input: unknown, row: number | undefined): Parsed {
  const parsed = InvoiceInputSchema.safeParse(input);
  if (parsed.success) return { ok: true, upload: parsed.data };
  return {
    ok: false,
    result: {
      invoiceNumber: invoiceNumberOf(input),
      status: "rejected",
      row,
      errors: fieldErrorsOf(parsed.error),
    },
  };
}

function answerOf(
  upload: ParsedInvoiceInput,
  row: number | undefined,
  status: UploadResult["status"],
  errors: FieldError[] = [],
): UploadResult {
  return { invoiceNumber: upload.invoiceNumber, status, row, errors };
}

/** One invoice, answered as it would be in a larger upload. */
export async function uploadInvoice(
  invoices: InvoiceStore,
  tenant: { id: string; policy: Policy },
  input: unknown,
  now: Date,
  row?: number,
  wait?: UploadWait,
): Promise<UploadResult> {
  const [result] = await uploadInvoices(invoices, tenant, [{ input, row }], now, wait);
  if (!result) throw new Error("the invoice went unanswered");
  return result;
}

/**
 * How long after an invoice's creation the upload that created it may still be writing its
 * `created` step: API Gateway waits 30 s at most for the API Lambda, which stops at 10 s.
 */
const CREATION_SETTLES_MS = 60_000;

/** How often a write that raced another change is decided again before the row is a `conflict`. */
const WRITE_ATTEMPTS = 5;

/** One invoice, read and written on its own; a write that raced another change is decided again. */
async function writeUpload(
  invoices: InvoiceStore,
  tenant: { id: string; policy: Policy },
  upload: ParsedInvoiceInput,
  now: Date,
  row: number | undefined,
  known?: StoredInvoice | null,
  wait?: UploadWait,
): Promise<UploadResult> {
  // `known` is the invoice as a batch read found it (null: not there); later attempts read afresh.
  let stored = known;
  let inFlight: ReminderInFlight | undefined;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    let existing =
      stored === undefined ? await invoices.get(tenant.id, upload.invoiceNumber) : (stored ?? undefined);
    stored = undefined;
    if (existing?.claim && wait) {
      // A reminder may be on its way to the address this upload changes: let it land first.
      const waited = await waitOutStandingClaim({ invoices, ...wait }, existing);
      existing = waited.stored;
      inFlight = waited.inFlight ?? inFlight;
    }
    const answer = (status: UploadResult["status"], errors: FieldError[] = []): UploadResult => ({
      ...answerOf(upload, row, status, errors),
      ...(inFlight ? { reminderInFlight: inFlight } : {}),
    });
    const decision = decideUpload(existing, upload, tenant, now);
    switch (decision.kind) {
      case "rejected":
        return answer("rejected", decision.errors);
      case "unchanged":
        return answer("unchanged");
      case "create": {
        const created = await invoices.create(decision.invoice, decision.events, decision.next);
        if (created === "ok") return answer("created");
        if (created !== "conflict") return answer("rejected", [{ path: "", message: created.unstorable }]);
        break; // created by a concurrent upload a moment ago: compare with it instead
      }
      case "update": {
        // A payment the export tells of gets its receipt, in the same write (as an API payment's does).
        const receipts = receiptEntries(decision.events, decision.before.version + 1);
        const outbox = Object.keys(receipts).length > 0 ? withAlerts(existing?.alerts, receipts) : undefined;
        const next = slotWithAlerts(decision.next, outbox ?? existing?.alerts, now);
        const saved = await invoices.save(decision.before, decision.after, decision.events, next, {
          whileClaimed: decision.whileClaimed,
          alerts: outbox,
        });
        if (saved === "ok") return answer("updated");
      }
    }
  }
  const changing = `was changed by other requests each of the ${WRITE_ATTEMPTS} times this upload wrote it; upload it again`;
  return {
    ...answerOf(upload, row, "conflict", [{ path: "invoiceNumber", message: changing }]),
    ...(inFlight ? { reminderInFlight: inFlight } : {}),
  };
}

/**
 * Many invoices: read in batches, new ones written together, changed ones one by one (several at
 * once), each answered on its own as uploadInvoice would. Items are `{ input, row }`; an item whose
 * invoice number came earlier in the same upload is for the caller to refuse before this.
 */
export async function uploadInvoices(
  invoices: InvoiceStore,
  tenant: { id: string; policy: Policy },
  items: readonly { input: unknown; row?: number }[],
  now: Date,
  wait?: UploadWait,
): Promise<UploadResult[]> {
  const parsed = items.map((item) => parse(item.input, item.row));
  const numbers = parsed.flatMap((p) => (p.ok ? [p.upload.invoiceNumber] : []));
  const stored = await invoices.getMany(tenant.id, numbers);
  // Invoices an upload that failed half-way stored without their `created` step get it now; one
  // created moments ago may be another upload's still writing its steps, and is left to it.
  const settled = now.getTime() - CREATION_SETTLES_MS;
  const completed = await invoices.completeCreations(
    [...stored.values()].filter(({ invoice }) => Date.parse(invoice.createdAt) < settled),
  );
  const results: (UploadResult | undefined)[] = parsed.map((p) => (p.ok ? undefined : p.result));

  const creates: {
    index: number;
    upload: ParsedInvoiceInput;
    decision: Extract<UploadDecision, { kind: "create" }>;
  }[] = [];
  const others: { index: number; upload: ParsedInvoiceInput; known?: StoredInvoice | null }[] = [];
  for (const [index, p] of parsed.entries()) {
    if (!p.ok) continue;
    const existing = stored.get(p.upload.invoiceNumber);
    const decision = decideUpload(existing, p.upload, tenant, now);
    const row = items[index]?.row;
    if (decision.kind === "create") creates.push({ index, upload: p.upload, decision });
    else if (decision.kind === "rejected")
      results[index] = answerOf(p.upload, row, "rejected", decision.errors);
    else if (decision.kind === "unchanged")
      results[index] = answerOf(
        p.upload,
        row,
        completed.has(p.upload.invoiceNumber) ? "created" : "unchanged",
      );
    else others.push({ index, upload: p.upload, known: existing ?? null });
  }

  const outcomes = await invoices.createMany(creates.map(({ decision }) => decision));
  for (const [position, { index, upload }] of creates.entries()) {
    const outcome = outcomes[position];
    const row = items[index]?.row;
    if (outcome === "ok") results[index] = answerOf(upload, row, "created");
    else if (outcome === undefined || outcome === "conflict") others.push({ index, upload });
    // …created concurrently since the read: decided again; or refused by the store, this row alone.
    else results[index] = answerOf(upload, row, "rejected", [{ path: "", message: outcome.unstorable }]);
  }
  await inParallel(others, 16, async ({ index, upload, known }) => {
    results[index] = await writeUpload(invoices, tenant, upload, now, items[index]?.row, known, wait);
  });
  return results.map((result) => {
    if (!result) throw new Error("an upload item went unanswered");
    return result;
  });
}
