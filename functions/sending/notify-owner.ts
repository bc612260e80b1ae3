/**
 * Emails the tenant (the seller) when something needs a person: an invoice handed over to
 * collection here; bounces, complaints and disputes from the events path. In the tenant's own
 * language, to the owner's address.
 */

import type { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { emailSubjectOf, type SenderConfig } from "./compose-email.ts";

export type OwnerAlert = {
  kind: "bounce" | "complaint" | "dispute" | "handover";
  email?: string;
  detail?: string;
};

/**
 * Whether the owner was emailed. Not retried when SES refuses: the alert's cause (a bounce, a
 * dispute, a hand-over) is already in the invoice's timeline, and the caller logs the refusal as
 * LOG_OWNER_NOT_ALERTED, which has an alarm of its own (infra/constructs/alarms.ts).
 */
export type OwnerAlerted = { sent: true } | { sent: false; reason: string };

export async function notifyOwner(
  deps: { invoices: InvoiceTable; mailer: Mailer; config: SenderConfig },
  tenant: Tenant,
  invoice: Invoice,
  alert: OwnerAlert,
  at: Date,
): Promise<OwnerAlerted> {
  const rendered = renderEmail("owner_alert", tenant.defaultLanguage, {
    ...emailSubjectOf(tenant, invoice),
    sentAt: at.toISOString(),
    alert,
  });
  const result = await deps.mailer.send({
    from: `dun <${deps.config.fromAddress}>`,
    to: [tenant.ownerEmail],
    cc: [],
    replyTo: tenant.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: {
      tenant: encodeTagValue(tenant.id),
      invoice: encodeTagValue(invoice.invoiceNumber),
      step: "owner_alert",
    },
  });
  if (!result.ok) return { sent: false, reason: result.error.message };
  await deps.invoices.putMessage({
    messageId: result.value.messageId,
    tenantId: tenant.id,
    invoiceNumber: invoice.invoiceNumber,
    step: "owner_alert",
    recipients: [tenant.ownerEmail],
    sentAt: at.toISOString(),
  });
  return { sent: true };
}
