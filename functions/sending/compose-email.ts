/**
 * Turns a decided step into the email to send: the data the renderer fills in, and the envelope
 * (recipients, reply-to, SES tags that let events find their way back, the read-receipt request).
 */

import type { OutgoingEmail } from "#adapters/ses/mailer.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { type AmountDue, amountDueOf } from "#domain/invoice/amount-due.ts";
import { discountOfferOf, type Invoice } from "#domain/invoice/invoice.ts";
import type { Step } from "#domain/ladder/ladder.ts";
import { choosePaymentAccount } from "#domain/payment/payment-account.ts";
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

/** Who writes, to whom, about which invoice and where it is paid: what every email about an invoice states. */
export function emailSubjectOf(
  tenant: Tenant,
  invoice: Invoice,
): Pick<EmailData, "tenant" | "customer" | "invoice" | "payTo"> {
  return {
    tenant: {
      name: tenant.name,
      legalName: tenant.legalName,
      organisationNumber: tenant.organisationNumber,
      country: tenant.country,
      address: tenant.address,
      brandColor: tenant.brandColor,
      logoUrl: tenant.logoUrl,
      replyTo: tenant.replyTo,
      defaultLanguage: tenant.defaultLanguage,
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
    },
    // Decided here, not in the template: a reference printed beside an account it does not belong
    // to is one the debtor's bank drops or refuses.
    payTo: choosePaymentAccount(tenant.payment.accounts, {
      country: invoice.customer.country,
      currency: invoice.currency,
      reference: invoice.paymentReference,
    }),
  };
}

export function emailDataFor(tenant: Tenant, invoice: Invoice, step: Step, sentAt: Date): EmailData {
  const sentOn = localDateOf(sentAt, invoice.customer.timeZone);
  const installments = invoice.installments ?? [];
  if (step.type === "installment") {
    return {
      ...emailSubjectOf(tenant, invoice),
      sentAt: sentAt.toISOString(),
      ...emailAmountsOf(amountDueOf(invoice)),
      installment: {
        index: step.installment + 1,
        count: installments.length,
        dueDate: step.dueDate,
        amount: step.amount.amount,
      },
    };
  }
  const due = amountDueOf(invoice, step);
  const rate = statutoryRateOn({
    country: invoice.customer.country,
    customerType: invoice.customer.type,
    dueDate: invoice.dueDate,
    on: sentOn,
  });
  // Offered only while it can still be taken: a discount whose last day has passed is no offer.
  const offer = discountOfferOf(invoice);
  const discountOpen =
    step.stage === "courtesy" && offer && !invoice.discountGranted && offer.until >= sentOn;
  return {
    ...emailSubjectOf(tenant, invoice),
    sentAt: sentAt.toISOString(),
    ...emailAmountsOf(due),
    interestRateBp: due.interest > 0 && rate !== null ? rate : undefined,
    deadline: step.deadline,
    collectionCosts: step.collectionCosts?.amount,
    finalNoticeDeadline: step.finalNoticeDeadline,
    earlyPaymentDiscount: discountOpen
      ? {
          rateBp: offer.rateBp,
          until: offer.until,
          discountedAmount: Math.max(0, due.outstanding - offer.amount),
        }
      : undefined,
  };
}

/** The amounts an email states, as the domain decided them (amount-due.ts). */
export function emailAmountsOf(
  due: AmountDue,
): Pick<EmailData, "outstanding" | "fees" | "stageFee" | "interest" | "compensation" | "amountDue"> {
  return {
    outstanding: due.outstanding,
    fees: due.fees,
    stageFee: due.stageFee,
    interest: due.interest,
    compensation: due.compensation,
    amountDue: due.total,
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
