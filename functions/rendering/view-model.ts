/**
 * Turns email data into what the templates print: every sentence already in the debtor's
 * language and every amount and date already formatted for their locale, so the templates
 * hold layout only. Which paragraphs a stage says live here; what the law of the debtor's country
 * adds to them is data (#domain/rules/notices.ts), printed here without asking which country.
 */
import { daysBetween } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { formatMoney } from "#domain/money/money.ts";
import type { PaymentAccountType } from "#domain/payment/payment-account.ts";
import { type NoticeMessage, type NoticeValue, noticesFor } from "#domain/rules/notices.ts";
import { STAGES, type Stage } from "#domain/vocabulary.ts";
import type { Translate } from "./catalog.ts";
import type { ParsedEmailData, TemplateName } from "./email-data.ts";

type Row = { label: string; value: string; strong: boolean; text: string };

export type EmailView = {
  lang: string;
  brandColor: string;
  subject: string;
  preheader: string;
  heading: string;
  greeting: string;
  paragraphs: string[];
  notice: { title: string | null; paragraphs: string[] } | null;
  rows: Row[];
  payButton: { url: string; label: string; textLabel: string } | null;
  payment: { title: string; rows: Row[]; hint: string | null } | null;
  closing: string[];
  signoff: string;
  tenant: { name: string; logoUrl: string | null };
  footer: string[];
};

const LADDER_STAGES: ReadonlySet<string> = new Set(STAGES);
/** Emails that ask for money the debtor may already have sent. */
const ASKS_FOR_PAYMENT: ReadonlySet<TemplateName> = new Set([
  "courtesy",
  "reminder_1",
  "reminder_2",
  "final_notice",
  "payment_plan_installment",
]);

// Creating an Intl formatter costs tens of microseconds, several times an email's whole render.
const formats = new Map<string, { dateFormat: Intl.DateTimeFormat; percentFormat: Intl.NumberFormat }>();

function formatsFor(locale: string) {
  let found = formats.get(locale);
  if (!found) {
    found = {
      // ISO dates are calendar dates: formatting them at UTC midnight keeps any zone from shifting a day.
      dateFormat: new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }),
      percentFormat: new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 2 }),
    };
    formats.set(locale, found);
  }
  return found;
}

/** Lines of a two-column table, aligned for the plain-text part too. */
function rowsOf(entries: [label: string, value: string, strong?: boolean][]): Row[] {
  const width = Math.max(0, ...entries.map(([label]) => label.length));
  return entries.map(([label, value, strong = false]) => ({
    label,
    value,
    strong,
    text: `${`${label}:`.padEnd(width + 2)}${value}`,
  }));
}

export function buildView(
  template: TemplateName,
  data: ParsedEmailData,
  translate: Translate,
  language: string,
  locale: string,
): EmailView {
  const { invoice, tenant, customer } = data;
  // Who reads decides the form of address (a company is greeted and addressed unlike a person in
  // most languages); the catalogs choose with {audience, select, ...}. The owner reads their alerts.
  const audience = template === "owner_alert" ? "owner" : customer.type;
  const withAudience = { audience };
  // The values below carry `audience` already; only a call with values of its own gets a copy.
  const t: Translate = (key, values) =>
    translate(
      key,
      values === undefined ? withAudience : "audience" in values ? values : { audience, ...values },
    );
  const money = (amount: number) => formatMoney({ amount, currency: invoice.currency }, locale);
  const { dateFormat, percentFormat } = formatsFor(locale);
  const date = (iso: string) => dateFormat.format(new Date(`${iso}T00:00:00Z`));
  const percent = (bp: number) => percentFormat.format(bp / 10_000);

  const { outstanding, amountDue: totalDue } = data;
  // The hand-over letter refers back to the deadline its final notice stated; every other email
  // states its own. Neither is ever made up here: the ladder decided both (#domain/ladder/ladder.ts).
  const statedDeadline = template === "collection" ? data.finalNoticeDeadline : data.deadline;
  const sentOn = localDateOf(new Date(data.sentAt), customer.timeZone);
  const rate = data.interestRateBp === undefined ? "" : percent(data.interestRateBp);
  const values = {
    audience,
    name: customer.name,
    customer: customer.name,
    number: invoice.invoiceNumber,
    amount: money(totalDue),
    dueDate: date(invoice.dueDate),
    deadline: statedDeadline ? date(statedDeadline) : "",
    days: Math.max(0, daysBetween(invoice.dueDate, sentOn)),
    tenant: tenant.legalName ?? tenant.name,
    replyTo: tenant.replyTo,
    rate,
    // This email's own fee: what a sentence about "the fee added" means.
    fee: money(data.stageFee),
    kind: data.alert?.kind ?? "other",
    email: data.alert?.email ?? "",
    type: data.payTo?.reference?.type ?? "other",
  };
  const say = (key: string, extra: Record<string, string | number> = {}) =>
    t(`${template}.${key}`, { ...values, ...extra });

  const paragraphs: string[] = [];
  let notice: EmailView["notice"] = null;
  let heading = say("heading");
  let rows: Row[];
  const closing: string[] = [];

  const amountRows = (): Row[] =>
    rowsOf([
      [t("common.invoiceNumber"), invoice.invoiceNumber],
      [t("common.dueDate"), date(invoice.dueDate)],
      [t("common.invoiceAmount"), money(invoice.amount)],
      ...(invoice.amountPaid > 0
        ? [[t("common.alreadyPaid"), `− ${money(invoice.amountPaid)}`] as [string, string]]
        : []),
      ...(data.fees > 0 ? [[t("common.reminderFees"), money(data.fees)] as [string, string]] : []),
      ...(data.interest > 0 ? [[t("common.interest"), money(data.interest)] as [string, string]] : []),
      ...(data.compensation > 0
        ? [[t("common.compensation"), money(data.compensation)] as [string, string]]
        : []),
      [t("common.amountDue"), money(totalDue), true],
      ...(data.deadline ? [[t("common.payBy"), date(data.deadline)] as [string, string]] : []),
    ]);

  switch (template) {
    case "courtesy": {
      paragraphs.push(say("body"));
      const discount = data.earlyPaymentDiscount;
      if (discount) {
        paragraphs.push(
          say("discount", {
            date: date(discount.until),
            percent: percent(discount.rateBp),
            discountedAmount: money(discount.discountedAmount),
          }),
        );
      }
      paragraphs.push(say("closing"));
      rows = amountRows();
      break;
    }
    case "reminder_1":
    case "reminder_2":
      paragraphs.push(say("body"), say("request"));
      rows = amountRows();
      break;
    case "final_notice":
      // The consequences of not paying are law, so the notices table words them (see below).
      paragraphs.push(say("body"), say("request"));
      rows = amountRows();
      break;
    case "collection": {
      const agency = tenant.collectionAgency;
      const named = { agencyNamed: agency ? "yes" : "no", agency: agency?.name ?? "" };
      paragraphs.push(say("body", named));
      if (agency?.contact) paragraphs.push(say("agencyContact", { ...named, agencyContact: agency.contact }));
      paragraphs.push(say("request", named));
      rows = amountRows().filter((row) => row.label !== t("common.payBy"));
      break;
    }
    case "payment_plan_installment": {
      const installment = data.installment;
      const extra: Record<string, string | number> = installment
        ? {
            index: installment.index,
            count: installment.count,
            dueDate: date(installment.dueDate),
            amount: money(installment.amount),
          }
        : {};
      paragraphs.push(say("body", extra), say("closing"));
      rows = rowsOf([
        [t("common.invoiceNumber"), invoice.invoiceNumber],
        [t("common.dueDate"), installment ? date(installment.dueDate) : date(invoice.dueDate)],
        [t("common.amountDue"), installment ? money(installment.amount) : money(outstanding), true],
      ]);
      break;
    }
    case "payment_received": {
      const payment = data.payment ?? { amount: 0, date: sentOn };
      paragraphs.push(say("body", { amount: money(payment.amount), date: date(payment.date) }));
      // An early-payment discount the debtor took settles the invoice for less than its amount.
      const discount = invoice.discountGranted ?? 0;
      const credit = invoice.amountPaid - (invoice.amount - discount);
      if (credit > 0) paragraphs.push(say("credit", { amount: money(credit) }));
      else if (outstanding === 0) paragraphs.push(say("settled"));
      else paragraphs.push(say("remaining", { amount: money(outstanding) }));
      rows = rowsOf([
        [t("common.invoiceNumber"), invoice.invoiceNumber],
        [t("common.invoiceAmount"), money(invoice.amount)],
        ...(discount > 0 ? [[t("common.discountGranted"), `− ${money(discount)}`] as [string, string]] : []),
        [t("common.alreadyPaid"), money(invoice.amountPaid)],
        [t("common.amountDue"), money(outstanding), true],
      ]);
      break;
    }
    case "owner_alert":
      paragraphs.push(say("body"));
      if (data.alert?.detail) paragraphs.push(say("detail", { detail: data.alert.detail }));
      paragraphs.push(say("action"));
      rows = amountRows();
      break;
  }

  if (LADDER_STAGES.has(template)) {
    // A debtor whose type is unknown is told only what a consumer may be: it claims the least.
    const said = noticesFor(customer.country, customer.type ?? "consumer", template as Stage, sentOn);
    const { collectionCosts } = data;
    const present: Record<NoticeValue, boolean> = {
      rate: data.interest > 0 && rate !== "",
      stageFee: data.stageFee > 0,
      compensation: data.compensation > 0,
      collectionCosts: collectionCosts !== undefined && collectionCosts > 0,
    };
    const noticeValues = {
      ...values,
      // `fee` in a notice is this email's own fee: the law speaks of each reminder's.
      fee: money(data.stageFee),
      compensation: money(data.compensation),
      collectionCosts: money(collectionCosts ?? 0),
    };
    const sayable = (message: NoticeMessage) => message.needs.every((value) => present[value]);
    const sayAll = (messages: NoticeMessage[]) =>
      messages.filter(sayable).map((message) => t(message.key, noticeValues));
    if (said.heading && sayable(said.heading)) heading = t(said.heading.key, noticeValues);
    paragraphs.push(...sayAll(said.paragraphs));
    const box = sayAll(said.notice);
    if (box.length > 0) notice = { title: null, paragraphs: box };
  }
  if (ASKS_FOR_PAYMENT.has(template)) closing.push(t("common.ignoreIfPaid"));
  if (template !== "owner_alert") closing.push(t("common.questions"));

  return {
    lang: language,
    brandColor: tenant.brandColor,
    subject: oneLine(
      say(
        "subject",
        template === "payment_plan_installment" && data.installment
          ? {
              index: data.installment.index,
              count: data.installment.count,
              dueDate: date(data.installment.dueDate),
            }
          : {},
      ),
    ),
    // The owner reads the heading first anyway; the debtor's emails have a preheader of their own.
    preheader: template === "owner_alert" ? heading : say("preheader"),
    heading,
    greeting: t("common.greeting", values),
    paragraphs,
    notice,
    rows,
    payButton: payButtonOf(template, data, t, money(totalDue)),
    payment: ASKS_FOR_PAYMENT.has(template) ? paymentDetailsOf(data, t) : null,
    closing,
    signoff: t("common.signoff"),
    tenant: { name: tenant.name, logoUrl: tenant.logoUrl ?? null },
    footer: footerOf(data, t, locale),
  };
}

const countryNames = new Map<string, Intl.DisplayNames>();

/** "NO" as the reader's locale names it: "Norway", "Norwegen", "Norja". */
function countryNameOf(country: string, locale: string): string {
  let names = countryNames.get(locale);
  if (!names) {
    names = new Intl.DisplayNames(locale, { type: "region", fallback: "code" });
    if (countryNames.size < 512) countryNames.set(locale, names);
  }
  return names.of(country) ?? country;
}

/** Subjects are mail headers: a line break in one would start a header of its own. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, " ").trim();
}

function payButtonOf(
  template: TemplateName,
  data: ParsedEmailData,
  t: Translate,
  amount: string,
): EmailView["payButton"] {
  if (template === "owner_alert") {
    const url = data.alert?.invoiceUrl;
    return url ? { url, label: t("owner_alert.invoiceLink"), textLabel: t("owner_alert.invoiceLink") } : null;
  }
  const url = data.invoice.paymentUrl;
  if (!url || !ASKS_FOR_PAYMENT.has(template)) return null;
  return { url, label: t("common.payButton", { amount }), textLabel: t("common.paymentLink") };
}

// The label each kind of account is known by in the debtor's bank.
const ACCOUNT_LABELS: Readonly<Record<PaymentAccountType, string>> = {
  "no-kontonummer": "common.account",
  "se-bankgiro": "common.bankgiro",
  "se-plusgiro": "common.plusgiro",
  "dk-fi-creditor": "common.fiCreditor",
  "fi-iban": "common.iban",
  iban: "common.iban",
};

/** Prints the account and reference the email data chose (compose-email.ts); it decides nothing itself. */
function paymentDetailsOf(data: ParsedEmailData, t: Translate): EmailView["payment"] {
  const payTo = data.payTo;
  if (!payTo) return null;
  const { account, reference } = payTo;
  const entries: [string, string][] = [[t(ACCOUNT_LABELS[account.type]), account.display]];
  if (account.bic) entries.push([t("common.bic"), account.bic]);
  if (reference) entries.push([t("common.reference", { type: reference.type }), reference.display]);
  let hint: string | null = null;
  if (reference) hint = t("common.referenceHint", { type: reference.type });
  else if (payTo.quoteInvoiceNumber)
    hint = t("common.quoteInvoiceNumber", { number: data.invoice.invoiceNumber });
  return { title: t("common.howToPay"), rows: rowsOf(entries), hint };
}

function footerOf(data: ParsedEmailData, t: Translate, locale: string): string[] {
  const { tenant } = data;
  const lines = [tenant.legalName ?? tenant.name];
  // The number is the one the tenant's country gives, so the label names that country's register.
  if (tenant.organisationNumber)
    lines.push(
      t("common.orgNumber", {
        number: tenant.organisationNumber,
        country: tenant.country,
        countryName: countryNameOf(tenant.country, locale),
      }),
    );
  if (tenant.address.length > 0) lines.push(tenant.address.join(", "));
  lines.push(t("common.sentOnBehalf", { tenant: tenant.legalName ?? tenant.name, replyTo: tenant.replyTo }));
  return lines;
}
