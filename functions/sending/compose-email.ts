/**
 * Turns a decided step into the email to send: the data the renderer fills in, and the envelope
 * (recipients, reply-to, SES tags that let events find their way back, the read-receipt request).
 */

import type { OutgoingEmail } from "#adapters/ses/mailer.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import type { Step } from "#domain/ladder/ladder.ts";
import { statutoryRateOn } from "#domain/rules/interest.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import { type EmailData, TEMPLATE_NAMES, type TemplateName } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";

export type SenderConfig = {
  /** The verified SES identity every email is sent from; the tenant's name is its display name. */
  fromAddress: string;
};

const KNOWN_TEMPLATES: ReadonlySet<string> = new Set(TEMPLATE_NAMES);

function templateOf(step: Step): TemplateName {
  if (step.type === "installment") return "payment_plan_installment";
  // A policy may name its own template for a stage; one dun does not have falls back to the stage's.
  return (KNOWN_TEMPLATES.has(step.template) ? step.template : step.stage) as TemplateName;
}

/** Who writes, to whom, about which invoice: what every email about an invoice states. */
export function emailSubjectOf(
  tenant: Tenant,
  invoice: Invoice,
): Pick<EmailData, "tenant" | "customer" | "invoice"> {
  return {
    tenant: {
      name: tenant.name,
      legalName: tenant.legalName,
      organisationNumber: tenant.organisationNumber,
      address: tenant.address,
      brandColor: tenant.brandColor,
      logoUrl: tenant.logoUrl,
      replyTo: tenant.replyTo,
      defaultLanguage: tenant.defaultLanguage,
      payment: tenant.payment,
      collectionAgency: tenant.collectionAgency,
    },
    customer: {
      name: invoice.customer.name,
      country: invoice.customer.country,
      timeZone: invoice.customer.timeZone,
      type: invoice.customer.type,
    },
    invoice: {
      invoiceNumber: invoice.invoiceNumber,
      currency: invoice.currency,
      amount: invoice.amount,
      amountPaid: invoice.amountPaid,
      issueDate: invoice.issueDate,
      dueDate: invoice.dueDate,
      paymentUrl: invoice.paymentUrl,
      paymentReference: invoice.paymentReference && {
        type: invoice.paymentReference.type,
        display: invoice.paymentReference.display,
      },
    },
  };
}

export function emailDataFor(tenant: Tenant, invoice: Invoice, step: Step, sentAt: Date): EmailData {
  const sentOn = localDateOf(sentAt, invoice.customer.timeZone);
  const feesSoFar = invoice.stagesSent.reduce((sum, sent) => sum + sent.fee, 0);
  const outstanding = outstandingOf(invoice);
  const discount = invoice.earlyPaymentDiscount;
  const installments = invoice.installments ?? [];
  const rate = statutoryRateOn({
    country: invoice.customer.country,
    customerType: invoice.customer.type,
    dueDate: invoice.dueDate,
    on: sentOn,
  });
  return {
    ...emailSubjectOf(tenant, invoice),
    sentAt: sentAt.toISOString(),
    ...(step.type === "stage"
      ? {
          fees: feesSoFar + step.fee.amount,
          stageFee: step.fee.amount,
          interest: step.interest.amount,
          interestRateBp: step.interest.amount > 0 && rate !== null ? rate : undefined,
          deadline: step.deadline,
        }
      : {
          installment: {
            index: step.installment + 1,
            count: installments.length,
            dueDate: step.dueDate,
            amount: step.amount.amount,
          },
        }),
    earlyPaymentDiscount:
      step.type === "stage" && step.stage === "courtesy" && discount
        ? {
            rateBp: discount.rateBp,
            until: addDays(invoice.issueDate, discount.withinDays),
            discountedAmount: outstanding - Math.round((invoice.amount * discount.rateBp) / 10_000),
          }
        : undefined,
  };
}

export function composeEmail(input: {
  tenant: Tenant;
  invoice: Invoice;
  step: Step;
  recipients: string[];
  tags: Record<string, string>;
  claimId: string;
  sentAt: Date;
  config: SenderConfig;
}): OutgoingEmail {
  const { tenant, invoice, step } = input;
  const rendered = renderEmail(
    templateOf(step),
    invoice.customer.locale,
    emailDataFor(tenant, invoice, step, input.sentAt),
  );
  const manager = invoice.customer.accountManagerEmail;
  return {
    from: `${tenant.name} <${input.config.fromAddress}>`,
    to: input.recipients,
    cc: step.type === "stage" && step.notifyAccountManager && manager ? [manager] : [],
    replyTo: tenant.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: input.tags,
    readReceiptTo: tenant.replyTo,
    headers: { "X-Dun-Claim": input.claimId },
  };
}
