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
import type { OwnerAlert } from "./owner-alert.ts";

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

/**
 * The language a debtor reads when dun does not write theirs (a pt-PT debtor): the policy's
 * `defaultLanguage` where the tenant set one — it is about debtors, as the rest of the policy is —
 * else the tenant's own. Owner mail is never written in it (ownerLocaleOf).
 */
export function debtorFallbackOf(tenant: Tenant): string {
  return tenant.policy.defaultLanguage ?? tenant.defaultLanguage;
}

/**
 * The locale owner mail (alerts, the account manager's note) is written in: the tenant's language
 * with its country's formats, so a Norwegian seller writing Norwegian reads nb-NO dates and
 * numbers, and one who left English reads English with Norwegian formats (en-NO: "4 December
 * 2026", "1 234,50"), not US ones. Never the debtor's: the owner and the manager work for the seller.
 */
export function ownerLocaleOf(tenant: Tenant): string {
  return `${tenant.defaultLanguage}-${tenant.country}`;
}

/** The invoice's page in the tenant's dashboard, where the tenant has one. */
export function invoiceUrlOf(tenant: Tenant, invoice: Invoice): string | undefined {
  if (!tenant.dashboardUrl) return undefined;
  return `${tenant.dashboardUrl.replace(/\/+$/, "")}/invoices/${encodeURIComponent(invoice.invoiceNumber)}`;
}

/** What owner mail about `invoice` is rendered from: its locale, and `common` with the alert. */
export function ownerMailOf(
  tenant: Tenant,
  invoice: Invoice,
  common: EmailData,
  alert: { kind: OwnerAlert["kind"]; email?: string; detail?: string },
): [locale: string, data: EmailData] {
  return [
    ownerLocaleOf(tenant),
    {
      ...common,
      tenant: { ...common.tenant, defaultLanguage: tenant.defaultLanguage },
      alert: {
        kind: alert.kind,
        email: alert.email,
        detail: alert.detail,
        invoiceUrl: invoiceUrlOf(tenant, invoice),
      },
    },
  ];
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
      // What a debtor reads whose language dun does not write: the policy's choice where it made
      // one, else the tenant's own language (debtorFallbackOf).
      defaultLanguage: debtorFallbackOf(tenant),
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
      discountGranted: invoice.discountGranted,
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
  return {
    from: `${tenant.name} <${input.config.fromAddress}>`,
    to: input.recipients,
    // The account manager is told once, in a note of their own (complete-claim.ts), never copied:
    // a copy would come at every stage, in the debtor's language.
    cc: [],
    replyTo: tenant.replyTo,
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    tags: input.tags,
    readReceiptTo: tenant.replyTo,
    headers: { "X-Dun-Claim": input.claimId },
  };
}
