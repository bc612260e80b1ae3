/**
 * Invariants over every email the real pipeline sends: debtors in twelve languages and every
 * country dun has rules for (test/support/email-scenarios.ts) run through the whole ladder on the
 * simulated clock, through dynalite and aws-ses-v2-local, and each email SES took is read back from
 * its store and held against the invoice's own record (its stagesSent and timeline) and the law.
 *
 * A violation names the invoice, the email and the line it is on. What fails on the current code
 * and is known is listed in KNOWN_DEFECTS, each for the lead to fix: the test fails on any other
 * violation, and on a listed one that no longer happens (take it off the list then).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addDays, type IsoDate } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { countedStages } from "#domain/invoice/delivery.ts";
import { discountOfferOf, type SentStage } from "#domain/invoice/invoice.ts";
import {
  canonicalLocale,
  catalogLanguageOf,
  type Language,
  resolveLanguage,
  SUPPORTED_LANGUAGES,
} from "#domain/locale/locale.ts";
import { formatMoney, parseAmount } from "#domain/money/money.ts";
import { parseFik } from "#domain/payment/payment-reference.ts";
import { customerRulesFor } from "#domain/rules/country-rules.ts";
import { fixedCompensation } from "#domain/rules/interest.ts";
import { STAGES, type Stage } from "#domain/vocabulary.ts";
import { translatorFor } from "#rendering/catalog.ts";
import {
  ACCOUNTS,
  LOGO_URL,
  OWNER,
  PAY_HOST,
  runScenarios,
  SCENARIO_TENANT,
  type ScenarioRun,
  type SentEmail,
} from "../support/email-scenarios.ts";

/**
 * Violations the current code produces, by invariant, each as `<invoice> <step>: <what>` (the
 * start of the violation's text). Each is a defect in the pipeline's emails, not in this test.
 */
const KNOWN_DEFECTS: Record<string, string[]> = {};

let run: ScenarioRun;

beforeAll(async () => {
  run = await runScenarios();
}, 180_000);

afterAll(async () => run?.pipeline.close());

// ——— Reading an email ———

type Reading = {
  sent: SentEmail;
  step: string;
  text: string;
  html: string;
  language: string;
  /** The locale its numbers and dates must be written in. */
  locale: string;
  sentOn: IsoDate;
  stage?: SentStage;
  stageIndex: number;
  /** Where the line is, for a violation's message. */
  id: string;
  t: (key: string, values?: Record<string, string | number>) => string;
  money: (amount: number) => string;
  date: (iso: string) => string;
};

const ASKS_FOR_PAYMENT = new Set(["courtesy", "reminder_1", "reminder_2", "final_notice", "installment"]);

/** The locale an email must be formatted in: the debtor's, when it asks for the language written; else that language's own. */
function formattingLocaleOf(locale: string, language: string): string {
  const canonical = canonicalLocale(locale);
  return canonical && catalogLanguageOf(canonical) === language
    ? new Intl.Locale(canonical, { language }).toString()
    : language;
}

/** Written to the tenant's people (the owner, the account manager): in the tenant's language and its country's formats. */
const TENANT_MAIL: ReadonlySet<string> = new Set(["owner_alert", "account_manager_note"]);

function readingOf(sent: SentEmail): Reading {
  const { record, invoice } = sent;
  const toOwner = TENANT_MAIL.has(record.step);
  const tenantLanguage = SCENARIO_TENANT.defaultLanguage ?? "en";
  const language = toOwner ? tenantLanguage : resolveLanguage(invoice.customer.locale, tenantLanguage);
  const locale = toOwner
    ? formattingLocaleOf(`${tenantLanguage}-${SCENARIO_TENANT.country}`, language)
    : formattingLocaleOf(invoice.customer.locale, language);
  const translate = translatorFor(language);
  const audience = toOwner ? "owner" : invoice.customer.type;
  const dateFormat = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" });
  const stageIndex = invoice.stagesSent.findIndex((stage) => stage.messageId === sent.email.messageId);
  return {
    sent,
    step: record.step,
    text: sent.email.body.text ?? "",
    html: sent.email.body.html ?? "",
    language,
    locale,
    sentOn: localDateOf(new Date(record.sentAt), invoice.customer.timeZone),
    stage: invoice.stagesSent[stageIndex],
    stageIndex,
    id: `${record.invoiceNumber} ${record.step}`,
    t: (key, values) => translate(key, { audience, ...values }),
    money: (amount) => formatMoney({ amount, currency: invoice.currency }, locale),
    date: (iso) => dateFormat.format(new Date(`${iso}T00:00:00Z`)),
  };
}

const kindOf = (step: string) => (step.startsWith("installment") ? "installment" : step);

/** The line of the text that holds `needle`, to quote in a violation. */
function lineOf(text: string, needle: string): string {
  return (
    text
      .split("\n")
      .find((line) => line.includes(needle))
      ?.trim() ?? needle
  );
}

/** The value of a "Label: value" row of the text's tables, or undefined when the email has no such row. */
function rowValue(text: string, label: string): string | undefined {
  for (const line of text.split("\n")) {
    if (line.startsWith(`${label}:`)) return line.slice(label.length + 1).trim();
  }
  return undefined;
}

/** What the invoice's record says the email stated: the amounts as they stood when it was sent. */
function statedByRecord(reading: Reading) {
  const { invoice, timeline, record } = reading.sent;
  const stage = reading.stage;
  const before = invoice.stagesSent.slice(0, Math.max(0, reading.stageIndex));
  let paid = 0;
  let discount = 0;
  for (const event of timeline) {
    if (event.at > record.sentAt) continue;
    if (event.type === "created") paid += event.amountPaid;
    if (event.type === "payment_recorded") {
      paid += event.amount;
      discount += event.discount ?? 0;
    }
  }
  const outstanding = Math.max(0, invoice.amount - discount - paid);
  const feesBefore = countedStages({ stagesSent: before }).reduce((sum, sent) => sum + sent.fee, 0);
  const fees = feesBefore + (stage?.fee ?? 0);
  const interest = stage?.interest ?? 0;
  const compensation = stage?.compensation ?? 0;
  return {
    paid,
    discount,
    outstanding,
    fees,
    interest,
    compensation,
    total: outstanding + fees + interest + compensation,
    counted: countedStages({ stagesSent: before }),
  };
}

// ——— The invariants ———

type Check = (reading: Reading) => string[];

const stageEmails = (reading: Reading) =>
  reading.stage !== undefined && STAGES.includes(reading.step as Stage);

/** Every date written in the text, as ISO dates, found by writing each day of the run in the email's own format. */
function datesIn(reading: Reading): IsoDate[] {
  let days = writtenDays.get(reading.locale);
  if (!days) {
    days = [];
    for (let day = "2026-09-01"; day <= "2027-06-30"; day = addDays(day, 1))
      days.push([day, new RegExp(`(?<![\\p{N}])${escapeRegExp(reading.date(day))}`, "u")]);
    writtenDays.set(reading.locale, days);
  }
  return days.filter(([, written]) => written.test(reading.text)).map(([day]) => day);
}

const writtenDays = new Map<string, [IsoDate, RegExp][]>();

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

const noPastPayByDate: Check = (reading) => {
  if (TENANT_MAIL.has(reading.step)) return [];
  const { invoice } = reading.sent;
  const violations: string[] = [];
  if (reading.stage?.deadline && reading.stage.deadline < reading.sentOn)
    violations.push(
      `${reading.id}: the record's deadline ${reading.stage.deadline} is before the send date ${reading.sentOn}`,
    );
  const finalNotice = statedByRecord(reading).counted.find((sent) => sent.stage === "final_notice");
  // Dates that may lie in the past: when the invoice was issued and due, and, in the hand-over
  // letter, the deadline the final notice gave.
  const history = new Set<string>([invoice.issueDate, invoice.dueDate]);
  if (reading.step === "collection" && finalNotice?.deadline) history.add(finalNotice.deadline);
  for (const day of datesIn(reading)) {
    if (day < reading.sentOn && !history.has(day))
      violations.push(
        `${reading.id}: states ${day}, before it was sent (${reading.sentOn}): "${lineOf(reading.text, reading.date(day))}"`,
      );
  }
  return violations;
};

const totalAddsUp: Check = (reading) => {
  if (!stageEmails(reading)) return [];
  const { invoice } = reading.sent;
  const stated = statedByRecord(reading);
  const violations: string[] = [];
  const expectRow = (key: string, expected: string | undefined) => {
    const label = reading.t(key);
    const actual = rowValue(reading.text, label);
    if (actual !== expected)
      violations.push(
        `${reading.id}: "${label}" reads ${actual === undefined ? "nothing" : `"${actual}"`}, the record says ${expected === undefined ? "no such row" : `"${expected}"`}`,
      );
  };
  expectRow("common.invoiceAmount", reading.money(invoice.amount));
  expectRow("common.alreadyPaid", stated.paid > 0 ? `− ${reading.money(stated.paid)}` : undefined);
  expectRow("common.reminderFees", stated.fees > 0 ? reading.money(stated.fees) : undefined);
  expectRow("common.interest", stated.interest > 0 ? reading.money(stated.interest) : undefined);
  expectRow("common.compensation", stated.compensation > 0 ? reading.money(stated.compensation) : undefined);
  expectRow("common.amountDue", reading.money(stated.total));
  return violations;
};

const installmentAmounts: Check = (reading) => {
  if (kindOf(reading.step) !== "installment") return [];
  const index = Number(reading.step.slice("installment_".length));
  const plan = reading.sent.scenario.actions?.find((action) => action.path.endsWith("/payment-plan"));
  const installment = (plan?.body as { installments: { dueDate: string; amount: string }[] } | undefined)
    ?.installments[index];
  if (!installment) return [`${reading.id}: no installment ${index} in the scenario's plan`];
  const amount = parseAmount(installment.amount, reading.sent.invoice.currency);
  if (!amount.ok) return [`${reading.id}: unreadable installment amount`];
  const violations: string[] = [];
  const due = rowValue(reading.text, reading.t("common.amountDue"));
  if (due !== reading.money(amount.value))
    violations.push(
      `${reading.id}: "${reading.t("common.amountDue")}" reads "${due}", the plan says ${reading.money(amount.value)}`,
    );
  if (installment.dueDate < reading.sentOn)
    violations.push(
      `${reading.id}: the installment's due date ${installment.dueDate} is before ${reading.sentOn}`,
    );
  if (!reading.text.includes(reading.date(installment.dueDate)))
    violations.push(
      `${reading.id}: does not state the installment's due date ${reading.date(installment.dueDate)}`,
    );
  return violations;
};

const feeWithinCap: Check = (reading) => {
  const stage = reading.stage;
  if (!stageEmails(reading) || !stage) return [];
  const { invoice } = reading.sent;
  const cap = customerRulesFor(invoice.customer.country, invoice.customer.type, reading.sentOn).maxReminderFee
    .value;
  const violations: string[] = [];
  if (stage.stage === "courtesy" && stage.fee > 0)
    violations.push(`${reading.id}: a fee before the due date`);
  if (cap && cap.currency === invoice.currency && stage.fee > cap.amount)
    violations.push(
      `${reading.id}: fee ${reading.money(stage.fee)} above the cap ${reading.money(cap.amount)}`,
    );
  if (cap && cap.currency !== invoice.currency && stage.fee > 0)
    violations.push(
      `${reading.id}: fee ${reading.money(stage.fee)} against a cap in ${cap.currency}, which dun cannot show is kept`,
    );
  return violations;
};

/** A stage that did not reach the debtor charged nothing: the next email's fees leave it out. */
const bouncedStageChargesNothing: Check = (reading) => {
  if (!stageEmails(reading)) return [];
  const before = reading.sent.invoice.stagesSent.slice(0, reading.stageIndex);
  const lost = before.filter((sent) => !countedStages({ stagesSent: [sent] }).length && sent.fee > 0);
  if (lost.length === 0) return [];
  const stated = statedByRecord(reading);
  const withLost = stated.fees + lost.reduce((sum, sent) => sum + sent.fee, 0);
  const fees = rowValue(reading.text, reading.t("common.reminderFees"));
  return fees === reading.money(withLost)
    ? [`${reading.id}: its fees (${fees}) include those of stages that never reached the debtor`]
    : [];
};

const INTEREST_STAGES: ReadonlySet<string> = new Set(
  Object.entries(SCENARIO_TENANT.policy.ladder)
    .filter(([, step]) => step?.interest)
    .map(([stage]) => stage),
);

const compensationAsTheLawGives: Check = (reading) => {
  const stage = reading.stage;
  if (!stageEmails(reading) || !stage) return [];
  const { invoice } = reading.sent;
  const { customer } = invoice;
  const stated = statedByRecord(reading);
  const law =
    INTEREST_STAGES.has(stage.stage) && reading.sentOn > invoice.dueDate
      ? fixedCompensation({
          country: customer.country,
          customerType: customer.type,
          currency: invoice.currency,
          principal: invoice.amount,
          on: reading.sentOn,
          reminderFeesCharged: stated.fees,
        })
      : null;
  const expected = law?.amount ?? 0;
  const violations: string[] = [];
  if (customer.type === "consumer" && stage.compensation > 0)
    violations.push(`${reading.id}: a consumer is charged compensation ${reading.money(stage.compensation)}`);
  if (stage.compensation !== expected)
    violations.push(
      `${reading.id}: compensation ${reading.money(stage.compensation)}, the law gives ${reading.money(expected)} (${customer.country} ${customer.type})`,
    );
  return violations;
};

/** Which of the tenant's accounts a reference is payable with. */
function belongsWith(
  reference: { type: string; value: string },
  currency: string,
  country: string,
): string[] {
  switch (reference.type) {
    case "kid":
      return [ACCOUNTS.kontonummer];
    case "ocr":
      return [ACCOUNTS.bankgiro];
    case "fik": {
      const fik = parseFik(reference.value);
      return fik.ok && fik.value.creditorNumber === ACCOUNTS.fiCreditor ? [ACCOUNTS.fiCreditor] : [];
    }
    case "rf":
      return currency === "EUR" ? [ACCOUNTS.iban, ACCOUNTS.finnishIban] : [];
    default:
      return country === "FI" ? [ACCOUNTS.finnishIban] : Object.values(ACCOUNTS);
  }
}

const referenceBesideItsAccount: Check = (reading) => {
  if (!ASKS_FOR_PAYMENT.has(kindOf(reading.step))) return [];
  const { invoice } = reading.sent;
  const shown = [
    ACCOUNTS.kontonummer,
    ACCOUNTS.bankgiro,
    ACCOUNTS.fiCreditor,
    ACCOUNTS.finnishIban,
    ACCOUNTS.iban,
  ].filter((account) => reading.text.includes(account));
  const violations: string[] = [];
  if (shown.length > 1) violations.push(`${reading.id}: shows ${shown.length} accounts: ${shown.join(", ")}`);
  const reference = invoice.paymentReference;
  if (!reference) return violations;
  const printed = reading.text.includes(reference.display);
  const own = belongsWith(reference, invoice.currency, invoice.customer.country);
  if (printed && !shown.some((account) => own.includes(account)))
    violations.push(
      `${reading.id}: ${reference.type} reference beside ${shown.join(", ") || "no account"}: "${lineOf(reading.text, reference.display)}"`,
    );
  if (!printed && shown.length > 0) {
    const hint = reading.t("common.quoteInvoiceNumber", { number: invoice.invoiceNumber });
    if (!reading.text.includes(hint))
      violations.push(`${reading.id}: neither the reference nor the invoice number to quote`);
    if (shown.some((account) => own.includes(account)))
      violations.push(`${reading.id}: leaves the ${reference.type} reference out beside its own account`);
  }
  return violations;
};

/** Words of the English catalog that the email's language does not use itself. */
const englishOnly = (() => {
  // The catalogs as written: the bundled ones are parsed into syntax trees.
  const catalogOf = (language: string): Record<string, string> =>
    JSON.parse(readFileSync(new URL(`../../templates/messages/${language}.json`, import.meta.url), "utf8"));
  const words = (catalog: Record<string, string>) =>
    new Set(
      Object.values(catalog)
        .join(" ")
        .toLowerCase()
        .match(/\p{L}{4,}/gu) ?? [],
    );
  const english = words(catalogOf("en"));
  return new Map(
    SUPPORTED_LANGUAGES.map((language) => {
      const own = words(catalogOf(language));
      return [language, new Set([...english].filter((word) => !own.has(word)))] as const;
    }),
  );
})();

/** The text with what is no language's words taken out: names, addresses, links. */
function wordsOfLanguage(reading: Reading): string {
  const { invoice } = reading.sent;
  const tenant = SCENARIO_TENANT;
  const names = [
    invoice.customer.name,
    tenant.name,
    tenant.legalName ?? "",
    ...(tenant.address ?? []),
    tenant.collectionAgency?.name ?? "",
    tenant.collectionAgency?.contact ?? "",
  ].filter(Boolean);
  let text = `${reading.sent.email.subject}\n${reading.text}\n${visibleTextOf(reading.html)}`
    .replace(/https?:\/\/\S+/g, " ")
    .replace(/\S+@\S+/g, " ");
  for (const name of names) text = text.replaceAll(name, " ");
  return text;
}

const oneLanguage: Check = (reading) => {
  const violations: string[] = [];
  const text = `${reading.sent.email.subject}\n${reading.text}\n${visibleTextOf(reading.html)}`;
  const doubled = text
    .split("\n")
    .find((line) => /(?<!\.)\.\.(?!\.)/.test(line.replace(/https?:\/\/\S+/g, "")));
  if (doubled) violations.push(`${reading.id}: a doubled dot: "${doubled.trim()}"`);
  if (/\b20\d\d-\d\d-\d\d\b/.test(text))
    violations.push(
      `${reading.id}: an ISO date: "${lineOf(text, text.match(/\b20\d\d-\d\d-\d\d\b/)?.[0] ?? "")}"`,
    );
  if (reading.language !== "en") {
    const foreign = englishOnly.get(reading.language as Language) ?? new Set<string>();
    const found = [
      ...new Set(
        wordsOfLanguage(reading)
          .toLowerCase()
          .match(/\p{L}{4,}/gu) ?? [],
      ),
    ].filter((word) => foreign.has(word));
    for (const word of found)
      violations.push(
        `${reading.id} (${reading.language}): the English word "${word}": "${lineOf(text, word)}"`,
      );
    // The dates it states, written in English, would be another language's format.
    const english = new Intl.DateTimeFormat("en", { dateStyle: "long", timeZone: "UTC" });
    const due = english.format(new Date(`${reading.sent.invoice.dueDate}T00:00:00Z`));
    if (text.includes(due))
      violations.push(`${reading.id} (${reading.language}): a date in English: "${lineOf(text, due)}"`);
  }
  if (stageEmails(reading) && !text.includes(reading.date(reading.sent.invoice.dueDate)))
    violations.push(
      `${reading.id}: the due date is not written as ${reading.locale} writes it (${reading.date(reading.sent.invoice.dueDate)})`,
    );
  return violations;
};

const OWN_HOSTS = new Set([new URL(LOGO_URL).host, PAY_HOST]);

/** Every address the HTML points at, in attributes and in CSS. */
function addressesIn(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href|background)\s*=\s*["']?([^"'\s>]*)/gi)];
  const css = [...html.matchAll(/url\(\s*["']?([^"')\s]*)/gi)];
  return [...attributes, ...css].map((match) => match[1] ?? "");
}

const nothingFromThirdParties: Check = (reading) => {
  const { html } = reading;
  const violations: string[] = [];
  if (/<link\b/i.test(html)) violations.push(`${reading.id}: a <link> in the HTML`);
  if (/@import/i.test(html)) violations.push(`${reading.id}: an @import in the HTML`);
  for (const address of addressesIn(html)) {
    const url = new URL(address, "invalid:/");
    if (url.protocol === "mailto:") continue;
    if (url.protocol !== "https:" || !OWN_HOSTS.has(url.host))
      violations.push(`${reading.id}: the HTML points at ${address}`);
  }
  return violations;
};

const collectionQuotesFinalNotice: Check = (reading) => {
  if (reading.step !== "collection" || !reading.stage) return [];
  const finalNotice = statedByRecord(reading).counted.find((sent) => sent.stage === "final_notice");
  if (!finalNotice?.deadline)
    return [`${reading.id}: no final notice with a deadline reached the debtor first`];
  return reading.text.includes(reading.date(finalNotice.deadline))
    ? []
    : [`${reading.id}: does not quote the final notice's deadline ${reading.date(finalNotice.deadline)}`];
};

const finalNoticeStatesItsDeadline: Check = (reading) => {
  if (reading.step !== "final_notice" || !reading.stage) return [];
  const deadline = reading.stage.deadline;
  if (!deadline) return [`${reading.id}: the record has no deadline`];
  return rowValue(reading.text, reading.t("common.payBy")) === reading.date(deadline)
    ? []
    : [
        `${reading.id}: "${reading.t("common.payBy")}" is not the recorded deadline ${reading.date(deadline)}`,
      ];
};

const discountOnlyWhileItHolds: Check = (reading) => {
  if (reading.step !== "courtesy") return [];
  const offer = discountOfferOf(reading.sent.invoice);
  if (!offer) return [];
  const stated = statedByRecord(reading);
  const open = offer.until >= reading.sentOn && stated.discount === 0;
  const offered = reading.text.includes(reading.date(offer.until));
  if (open && !offered) return [`${reading.id}: the discount until ${offer.until} is open but not offered`];
  if (!open && offered)
    return [
      `${reading.id}: offers a discount whose last day ${offer.until} is past: "${lineOf(reading.text, reading.date(offer.until))}"`,
    ];
  if (open && !reading.text.includes(reading.money(stated.outstanding - offer.amount)))
    return [
      `${reading.id}: does not state the discounted amount ${reading.money(stated.outstanding - offer.amount)}`,
    ];
  return [];
};

/** What a reader sees of the HTML: its text, without the head, tags or entities. */
function visibleTextOf(html: string): string {
  return html
    .replace(/<head[\s\S]*?<\/head>/gi, " ")
    .replace(/<style[\s\S]*?<\/style>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;|&#160;/g, "\u00a0")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal) => String.fromCodePoint(Number(decimal)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/[ \t]+/g, " ");
}

/** The HTML part states what the text part does: the amount due, the pay-by date, the account. */
const htmlSaysWhatTextSays: Check = (reading) => {
  if (!stageEmails(reading)) return [];
  const visible = visibleTextOf(reading.html).replace(/\s+/g, " ");
  const normal = (text: string) => text.replace(/\s+/g, " ");
  const violations: string[] = [];
  const stated = statedByRecord(reading);
  const expected = [reading.money(stated.total)];
  if (reading.stage?.deadline && reading.step !== "collection")
    expected.push(reading.date(reading.stage.deadline));
  const reference = reading.sent.invoice.paymentReference;
  if (reference && reading.text.includes(reference.display)) expected.push(reference.display);
  if (!reference || !reading.text.includes(reference.display)) {
    if (reference && visible.includes(normal(reference.display)))
      violations.push(`${reading.id}: the HTML prints the ${reference.type} reference the text leaves out`);
  }
  for (const value of expected)
    if (!visible.includes(normal(value))) violations.push(`${reading.id}: the HTML does not state ${value}`);
  return violations;
};

/** Sent in the debtor's business hours (the policy's: 09:00–17:00, Monday to Friday), in their zone. */
const atADecentHour: Check = (reading) => {
  // Tenant mail and a receipt are no dunning: a receipt goes when the payment is recorded.
  if (TENANT_MAIL.has(reading.step) || reading.step === "payment_received") return [];
  const zone = reading.sent.invoice.customer.timeZone;
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date(reading.sent.record.sentAt));
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  const minutes = Number(part("hour")) * 60 + Number(part("minute"));
  const weekend = part("weekday") === "Sat" || part("weekday") === "Sun";
  return weekend || minutes < 9 * 60 || minutes >= 17 * 60
    ? [`${reading.id}: sent ${part("weekday")} ${part("hour")}:${part("minute")} in ${zone}`]
    : [];
};

/** The final notice gives at least the period the policy and the debtor's law ask, counted as the law counts. */
const finalNoticeGivesTheLawsPeriod: Check = (reading) => {
  if (reading.step !== "final_notice" || !reading.stage?.deadline) return [];
  const { customer } = reading.sent.invoice;
  const rules = customerRulesFor(customer.country, customer.type, reading.sentOn);
  const lawDays = rules.finalNoticeDeadlineDays.value ?? 0;
  const fromReceipt = rules.finalNoticeDeadlineCounting.value === "fromDayAfterReceipt";
  const policyDays = SCENARIO_TENANT.policy.ladder.final_notice?.deadlineDays ?? 0;
  const earliest =
    [addDays(reading.sentOn, policyDays), addDays(reading.sentOn, lawDays + (fromReceipt ? 1 : 0))]
      .sort()
      .at(-1) ?? reading.sentOn;
  return reading.stage.deadline < earliest
    ? [
        `${reading.id}: deadline ${reading.stage.deadline}, the law and the policy give until ${earliest} at least`,
      ]
    : [];
};

/** Interest only from the stage the policy claims it in (reminder_2 on). */
const interestOnlyWhereClaimed: Check = (reading) => {
  const stage = reading.stage;
  if (!stageEmails(reading) || !stage) return [];
  return !INTEREST_STAGES.has(stage.stage) && stage.interest > 0
    ? [`${reading.id}: interest ${reading.money(stage.interest)} on a stage that claims none`]
    : [];
};

const INVARIANTS: [name: string, check: Check][] = [
  ["no date to pay by before the send date, in the debtor's zone", noPastPayByDate],
  [
    "the stated amounts are the invoice's record: principal − paid + fees + interest + compensation",
    totalAddsUp,
  ],
  ["an installment reminder states the installment's amount and date", installmentAmounts],
  ["each fee within its country's cap", feeWithinCap],
  ["a stage that did not reach the debtor charges nothing in the next email", bouncedStageChargesNothing],
  [
    "compensation where the law gives it (businesses, in its currency), none for consumers",
    compensationAsTheLawGives,
  ],
  ["a payment reference only beside its own account", referenceBesideItsAccount],
  ["one language and its formats, no English words in another, no doubled dots", oneLanguage],
  ["no third-party resource in the HTML", nothingFromThirdParties],
  [
    "the HTML part states the amount due, the pay-by date and the reference as the text does",
    htmlSaysWhatTextSays,
  ],
  ["sent in the debtor's business hours, in the debtor's zone", atADecentHour],
  ["the final notice gives the period the policy and the debtor's law ask", finalNoticeGivesTheLawsPeriod],
  ["interest only on the stages that claim it", interestOnlyWhereClaimed],
  ["the final notice states its recorded deadline", finalNoticeStatesItsDeadline],
  ["the collection letter quotes the final notice's deadline", collectionQuotesFinalNotice],
  ["a courtesy email offers a discount only while it holds", discountOnlyWhileItHolds],
];

describe("the scenarios", () => {
  it("were all played: every API action answered 200", () => {
    expect(run.failedActions).toEqual([]);
  });

  it("reached every stage in every language, and told the owner", () => {
    const seen = new Set(run.emails.map((sent) => `${kindOf(sent.record.step)} ${readingOf(sent).language}`));
    for (const language of SUPPORTED_LANGUAGES)
      for (const stage of STAGES) expect(seen, `${stage} in ${language}`).toContain(`${stage} ${language}`);
    expect(seen).toContain("installment ru");
    expect(run.emails.some((sent) => sent.email.destination.to.includes(OWNER))).toBe(true);
  });

  it("ended as each story says", () => {
    const of = (n: string) => run.emails.filter((sent) => sent.record.invoiceNumber === n);
    // The steps of the ladder and the plan; the receipts are counted on their own below.
    const steps = (n: string) =>
      of(n)
        .map((sent) => sent.record.step)
        .filter((step) => !["payment_received", "account_manager_note", "owner_alert"].includes(step));
    const receipts = (n: string) => of(n).filter((sent) => sent.record.step === "payment_received").length;
    const invoice = (n: string) => of(n)[0]?.invoice;
    expect(invoice("IT-C")).toMatchObject({ status: "paid", discountGranted: 1280 });
    expect(steps("IT-C")).toEqual(["courtesy"]);
    expect(invoice("RU-C")?.status).toBe("paid");
    expect(steps("RU-C")).toEqual(["courtesy", "reminder_1", "installment_0", "installment_1"]);
    expect(invoice("US-B")?.status).toBe("paid");
    expect(steps("US-B")).not.toContain("collection");
    // The soft-bounced attempt had a fee of its own, which no later email may count.
    expect(invoice("DK-C")?.stagesSent.map((sent) => [sent.stage, sent.delivery, sent.fee])).toContainEqual([
      "reminder_1",
      "soft_bounced",
      10_000,
    ]);
    expect(steps("DK-C").filter((step) => step === "reminder_1")).toHaveLength(2);
    expect(invoice("GB-C")?.stagesSent[0]).toMatchObject({ stage: "courtesy", delivery: "bounced" });
    expect(invoice("GB-C")?.status).toBe("collection");
    expect(invoice("DE-C")?.status).toBe("collection");
    expect(invoice("NO-C")?.amountPaid).toBe(100_000);
    // One receipt per payment recorded.
    for (const n of ["IT-C", "NO-C", "US-B"])
      expect(receipts(n), `receipts of ${n}`).toBe(invoice(n)?.payments.length);
  });
});

describe("every email the pipeline sent", () => {
  it.each(INVARIANTS)("%s", (name, check) => {
    const violations = run.emails.flatMap((sent) => check(readingOf(sent)));
    const known = KNOWN_DEFECTS[name] ?? [];
    const isKnown = (violation: string) => known.some((defect) => violation.startsWith(defect));
    expect(
      violations.filter((violation) => !isKnown(violation)),
      "new violations",
    ).toEqual([]);
    expect(
      known.filter((defect) => !violations.some((violation) => violation.startsWith(defect))),
      "known defects that no longer happen: take them off KNOWN_DEFECTS",
    ).toEqual([]);
  });
});

describe("the checks themselves", () => {
  /** A real email the pipeline sent, with its text or HTML changed as a defect would change it. */
  const planted = (
    invoiceNumber: string,
    step: string,
    change: { text?: (text: string) => string; html?: (html: string) => string },
  ) => {
    const sent = run.emails.find(
      (email) => email.record.invoiceNumber === invoiceNumber && email.record.step === step,
    );
    if (!sent) throw new Error(`no ${step} to ${invoiceNumber}`);
    const { text = "", html = "" } = sent.email.body;
    return readingOf({
      ...sent,
      email: {
        ...sent.email,
        body: { text: change.text?.(text) ?? text, html: change.html?.(html) ?? html },
      },
    });
  };

  it("catch a total that does not add up", () => {
    const label = translatorFor("de")("common.amountDue", { audience: "business" });
    const reading = planted("DE-B", "reminder_2", {
      text: (text) => text.replace(new RegExp(`^(${label}:\\s+).+$`, "m"), "$11,00 €"),
    });
    expect(totalAddsUp(reading)).toHaveLength(1);
  });

  it("catch an English word in a German email, and a doubled dot", () => {
    const reading = planted("DE-B", "reminder_1", { text: (text) => `${text}\nPlease pay the invoice..` });
    expect(oneLanguage(reading).join("\n")).toMatch(
      /"invoice"[\s\S]*doubled dot|doubled dot[\s\S]*"invoice"/,
    );
  });

  it("catch a KID beside an IBAN", () => {
    const reading = planted("DE-C", "reminder_1", { text: (text) => `${text}\nKID: 1234567890128` });
    expect(referenceBesideItsAccount(reading).join("\n")).toContain("kid reference beside");
  });

  it("catch a pay-by date already past", () => {
    const reading = planted("NO-B", "reminder_2", {
      text: (text) => `${text}\nBetal innen 20. november 2026.`,
    });
    expect(noPastPayByDate(reading).join("\n")).toContain("2026-11-20");
  });

  it("catch a web font loaded from a third party", () => {
    const reading = planted("FR-B", "final_notice", {
      html: (html) =>
        html.replace(
          "</head>",
          '<link href="https://fonts.googleapis.com/css?family=Roboto" rel="stylesheet"></head>',
        ),
    });
    expect(nothingFromThirdParties(reading).join("\n")).toContain("fonts.googleapis.com");
  });
});
