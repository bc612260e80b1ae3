/**
 * Uploading invoices: each one is validated on its own and answered on its own — created,
 * updated, unchanged or rejected with the fields at fault — so one bad row never stops the rest
 * and nothing is half-written. The same upload twice changes nothing (idempotent by invoice
 * number); a changed amount on an invoice that already had reminders is applied and recorded.
 */

import type { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { createInvoice, type Invoice } from "#domain/invoice/invoice.ts";
import { InvoiceInputSchema, type ParsedInvoiceInput } from "#domain/invoice/invoice-input.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { changeAmount } from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Policy } from "#domain/ladder/policy.ts";
import { type FieldError, fieldErrorsOf } from "./problem.ts";

export type UploadResult = {
  invoiceNumber: string | null;
  status: "created" | "updated" | "unchanged" | "rejected";
  /** The CSV row, for uploads that came as a file. */
  row?: number;
  errors: FieldError[];
};

export type UploadSummary = { created: number; updated: number; unchanged: number; rejected: number };

export function summarise(results: readonly UploadResult[]): UploadSummary {
  const summary: UploadSummary = { created: 0, updated: 0, unchanged: 0, rejected: 0 };
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
function uploadedFields(invoice: Invoice | ParsedInvoiceInput): string {
  const { invoiceNumber, currency, issueDate, dueDate, customer, paymentReference, paymentUrl, lines } =
    invoice;
  const { earlyPaymentDiscount, reminderFeeAgreed } = invoice;
  return canonical({
    invoiceNumber,
    currency,
    issueDate,
    dueDate,
    customer,
    paymentReference,
    paymentUrl,
    lines,
    earlyPaymentDiscount,
    reminderFeeAgreed,
  });
}

export async function uploadInvoice(
  invoices: InvoiceTable,
  tenant: { id: string; policy: Policy },
  input: unknown,
  now: Date,
  row?: number,
): Promise<UploadResult> {
  const parsed = InvoiceInputSchema.safeParse(input);
  if (!parsed.success) {
    return {
      invoiceNumber: invoiceNumberOf(input),
      status: "rejected",
      row,
      errors: fieldErrorsOf(parsed.error),
    };
  }
  const upload = parsed.data;
  const at = now.toISOString();
  for (let attempt = 0; attempt < 5; attempt++) {
    const existing = await invoices.get(tenant.id, upload.invoiceNumber);
    if (!existing) {
      const { invoice, events } = createInvoice(tenant.id, upload, at);
      const next = decideNextAction(invoice, tenant.policy, now);
      const created = await invoices.create(invoice, events, next.kind === "none" ? undefined : next.at);
      if (created === "ok")
        return { invoiceNumber: upload.invoiceNumber, status: "created", row, errors: [] };
      continue; // created by a concurrent upload a moment ago: compare with it instead
    }
    const before = existing.invoice;
    if (upload.currency !== before.currency) {
      return {
        invoiceNumber: upload.invoiceNumber,
        status: "rejected",
        row,
        errors: [
          {
            path: "currency",
            message: `cannot change from ${before.currency}: the invoice was issued in it`,
          },
        ],
      };
    }
    const sameFields = uploadedFields(upload) === uploadedFields(before);
    if (sameFields && upload.amount === before.amount) {
      return { invoiceNumber: upload.invoiceNumber, status: "unchanged", row, errors: [] };
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
    const events: TimelineEvent[] = [];
    if (upload.amount !== before.amount) {
      const changed = changeAmount(after, { amount: upload.amount, at });
      if (!changed.ok) {
        return {
          invoiceNumber: upload.invoiceNumber,
          status: "rejected",
          row,
          errors: [{ path: "amount", message: changed.error.message }],
        };
      }
      after = changed.value.invoice;
      events.push(...changed.value.events);
    }
    const next = decideNextAction(after, tenant.policy, now);
    const saved = await invoices.save(before, after, events, next.kind === "none" ? undefined : next.at, {
      whileClaimed: existing.claim !== undefined,
    });
    if (saved === "ok") return { invoiceNumber: upload.invoiceNumber, status: "updated", row, errors: [] };
  }
  throw new Error(`invoice ${upload.invoiceNumber} kept changing during the upload`);
}
