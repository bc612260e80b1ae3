/**
 * Debtors in every language and every country dun has rules for, run through the whole ladder by
 * the real pipeline (dynalite, aws-ses-v2-local, the sender and the events path) on a simulated
 * clock: what test/integration/email-invariants.test.ts checks and what `npm run gallery` draws.
 *
 * SES's news after each send is made here, as the mailbox simulator would give it
 * (#events/follow-up-events.ts: a Delivery, or a Permanent bounce for `bounce@`), except for the
 * attempts a scenario names as soft-bounced, which get a Transient bounce instead of a Delivery;
 * the events Lambda's own code applies them all. The clock moves in whole hours and skips the
 * hours in which nothing is due (the due index's earliest slot) and no API action waits.
 */

import type { Mailer } from "#adapters/ses/mailer.ts";
import { decodeTagValue } from "#adapters/ses/tag-values.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { InvoiceInput } from "#domain/invoice/invoice-input.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type { TenantInput } from "#domain/tenant/tenant.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { followUpEvents } from "#events/follow-up-events.ts";
import { parseSesEventRecord, type SesEvent, type SesEventRecord } from "#events/ses-event.ts";
import type { StoredEmail } from "#local/local-ses.ts";
import type { MessageRecord } from "#ports/message-log.ts";
import { type Pipeline, startPipeline, TENANT } from "./pipeline.ts";

/** The tenant's accounts, one per scheme, and the IBAN for payers abroad (not in CHF). */
export const ACCOUNTS = {
  kontonummer: "8601.11.17947",
  bankgiro: "5050-1055",
  fiCreditor: "81234567",
  finnishIban: "FI21 1234 5600 0007 85",
  iban: "NO93 8601 1117 947",
  bic: "DNBANOKK",
} as const;

export const REFERENCES = {
  kid: "1234567890128",
  ocr: "1234567897",
  fik: "+71<000000000000018+81234567<",
  rf: "RF18 5390 0754 7034",
  viitenumero: "1232",
} as const;

export const LOGO_URL = "https://cdn.nordlys.example/logo.png";
export const PAY_HOST = "pay.nordlys.example";
export const OWNER = "eier@nordlys.example";

const fees = (amounts: Record<string, string>) => amounts;
const REMINDER_1_FEES = fees({
  NOK: "35.00",
  SEK: "60.00",
  DKK: "100.00",
  EUR: "5.00",
  GBP: "5.00",
  USD: "10.00",
  PLN: "20.00",
  RUB: "300.00",
  CHF: "10.00",
});
// Above some countries' caps on purpose (NOK 35 in Norway, EUR 5 for Finnish consumers): the ladder
// must lower them to the cap, and the email must state the lowered fee.
const REMINDER_2_FEES = fees({ ...REMINDER_1_FEES, NOK: "70.00", EUR: "15.00" });

export const SCENARIO_TENANT: TenantInput = {
  ...TENANT,
  logoUrl: LOGO_URL,
  collectionAgency: { name: "Kredinor AS", contact: "post@kredinor.example" },
  payment: {
    accounts: [
      { type: "no-kontonummer", number: ACCOUNTS.kontonummer },
      { type: "se-bankgiro", number: ACCOUNTS.bankgiro },
      { type: "dk-fi-creditor", number: ACCOUNTS.fiCreditor },
      { type: "fi-iban", iban: ACCOUNTS.finnishIban },
      {
        type: "iban",
        iban: ACCOUNTS.iban,
        bic: ACCOUNTS.bic,
        currencies: ["NOK", "SEK", "DKK", "EUR", "GBP", "USD", "PLN", "RUB"],
      },
    ],
  },
  policy: {
    ladder: {
      courtesy: { offsetDays: -3 },
      reminder_1: { offsetDays: 7, fee: REMINDER_1_FEES },
      reminder_2: { offsetDays: 21, fee: REMINDER_2_FEES, interest: true },
      final_notice: { offsetDays: 35, interest: true, deadlineDays: 14 },
      collection: { offsetDays: 49, interest: true },
    },
  },
};

/** An API request a scenario makes at a moment of the simulated clock. */
export type ScenarioAction = { at: string; method: string; path: string; body?: unknown; story: string };

export type Scenario = {
  invoice: InvoiceInput;
  /** What happens to this debtor, in a sentence. */
  story: string;
  actions?: ScenarioAction[];
  /** These attempts of these stages soft-bounce (1 = the first attempt). */
  softBounces?: { step: string; attempts: number[] }[];
};

export const START = new Date("2026-11-02T05:00:00Z");
export const END = new Date("2027-02-01T00:00:00Z");
const ISSUE_DATE = "2026-11-02";
const DUE_DATE = "2026-11-16";

type Debtor = {
  n: string;
  country: string;
  locale: string;
  timeZone?: string;
  currency: string;
  type: "business" | "consumer";
  name: string;
  amount: string;
  reference?: string;
  referenceType?: InvoiceInput["paymentReferenceType"];
  email?: string;
  extra?: Partial<InvoiceInput>;
};

function invoiceOf(debtor: Debtor): InvoiceInput {
  const slug = debtor.n.toLowerCase();
  return {
    invoiceNumber: debtor.n,
    currency: debtor.currency,
    amount: debtor.amount,
    issueDate: ISSUE_DATE,
    dueDate: DUE_DATE,
    customer: {
      id: `C-${debtor.n}`,
      name: debtor.name,
      email: debtor.email ?? `billing@${slug}.example`,
      locale: debtor.locale,
      country: debtor.country,
      ...(debtor.timeZone ? { timeZone: debtor.timeZone } : {}),
      type: debtor.type,
      accountManagerEmail: "kari@nordlys.example",
    },
    ...(debtor.reference ? { paymentReference: debtor.reference } : {}),
    ...(debtor.referenceType ? { paymentReferenceType: debtor.referenceType } : {}),
    paymentUrl: `https://${PAY_HOST}/${debtor.n}`,
    ...debtor.extra,
  };
}

const at = (instant: string) => instant;

/** One debtor per country and customer type; every language, reference type and API action among them. */
export function scenarios(): Scenario[] {
  const whole = (debtor: Debtor, story = "runs the whole ladder unpaid"): Scenario => ({
    invoice: invoiceOf(debtor),
    story,
  });
  return [
    whole({
      n: "NO-B",
      country: "NO",
      locale: "nb-NO",
      currency: "NOK",
      type: "business",
      name: "Fjordlys AS",
      amount: "12500.00",
      reference: REFERENCES.kid,
    }),
    {
      invoice: invoiceOf({
        n: "NO-C",
        country: "NO",
        locale: "nb-NO",
        currency: "NOK",
        type: "consumer",
        name: "Kari Nordmann",
        amount: "4800.00",
        reference: REFERENCES.kid,
      }),
      story: "pays NOK 1 000 after the first reminder, then nothing more",
      actions: [
        {
          at: at("2026-11-25T12:00:00Z"),
          method: "POST",
          path: "/v1/invoices/NO-C/payments",
          body: { amount: "1000.00", date: "2026-11-25" },
          story: "a partial payment",
        },
      ],
    },
    whole({
      n: "SE-B",
      country: "SE",
      locale: "sv-SE",
      currency: "SEK",
      type: "business",
      name: "Skärgårdens Bygg AB",
      amount: "18900.00",
      reference: REFERENCES.ocr,
      extra: { reminderFeeAgreed: true },
    }),
    whole(
      {
        n: "SE-C",
        country: "SE",
        locale: "sv-SE",
        currency: "SEK",
        type: "consumer",
        name: "Sven Svensson",
        amount: "2400.00",
        reference: REFERENCES.ocr,
      },
      "runs the whole ladder unpaid, with no reminder fee agreed",
    ),
    whole({
      n: "DK-B",
      country: "DK",
      locale: "da-DK",
      currency: "DKK",
      type: "business",
      name: "Havnegade Køkken ApS",
      amount: "4875.50",
      reference: REFERENCES.fik,
    }),
    {
      invoice: invoiceOf({
        n: "DK-C",
        country: "DK",
        locale: "da-DK",
        currency: "DKK",
        type: "consumer",
        name: "Mette Jensen",
        amount: "1250.00",
        reference: REFERENCES.fik,
      }),
      story: "the first reminder soft-bounces (mailbox full) and goes again the next day",
      softBounces: [{ step: "reminder_1", attempts: [1] }],
    },
    whole({
      n: "FI-B",
      country: "FI",
      locale: "fi-FI",
      currency: "EUR",
      type: "business",
      name: "Järvenpää Design Oy",
      amount: "2340.00",
      reference: REFERENCES.rf,
    }),
    whole(
      {
        n: "FI-C",
        country: "FI",
        locale: "fi-FI",
        currency: "EUR",
        type: "consumer",
        name: "Maija Virtanen",
        amount: "860.00",
        reference: REFERENCES.viitenumero,
      },
      "runs the whole ladder unpaid; pays by viitenumero",
    ),
    whole({
      n: "DE-B",
      country: "DE",
      locale: "de-DE",
      currency: "EUR",
      type: "business",
      name: "Brauhaus Elbe GmbH",
      amount: "7600.00",
      reference: REFERENCES.rf,
    }),
    {
      invoice: invoiceOf({
        n: "DE-C",
        country: "DE",
        locale: "de-DE",
        currency: "EUR",
        type: "consumer",
        name: "Anna Berg",
        amount: "1200.00",
        // A KID is no reference a German bank reads: the email asks for the invoice number.
        reference: REFERENCES.kid,
        referenceType: "kid",
      }),
      story: "disputes after the first reminder; the dispute is resolved and the ladder goes on",
      actions: [
        {
          at: at("2026-11-25T10:00:00Z"),
          method: "POST",
          path: "/v1/invoices/DE-C/dispute",
          body: { reason: "Lieferung unvollständig" },
          story: "a dispute",
        },
        {
          at: at("2026-12-10T10:00:00Z"),
          method: "POST",
          path: "/v1/invoices/DE-C/resolve-dispute",
          body: { note: "Restlieferung erfolgt" },
          story: "the dispute resolved",
        },
      ],
    },
    whole({
      n: "IT-B",
      country: "IT",
      locale: "it-IT",
      currency: "EUR",
      type: "business",
      name: "Trattoria del Porto S.r.l.",
      amount: "1450.00",
      reference: REFERENCES.rf,
    }),
    {
      invoice: invoiceOf({
        n: "IT-C",
        country: "IT",
        locale: "it-IT",
        currency: "EUR",
        type: "consumer",
        name: "Giulia Romano",
        amount: "640.00",
        extra: { earlyPaymentDiscount: { percent: "2", withinDays: 14 } },
      }),
      story: "is offered 2 % for paying within 14 days, and pays the discounted amount in time",
      actions: [
        {
          at: at("2026-11-14T10:00:00Z"),
          method: "POST",
          path: "/v1/invoices/IT-C/payments",
          body: { amount: "627.20", date: "2026-11-14" },
          story: "the discounted amount, in time",
        },
      ],
    },
    whole({
      n: "RU-B",
      country: "RU",
      locale: "ru-RU",
      timeZone: "Europe/Moscow",
      currency: "RUB",
      type: "business",
      name: "ООО «Северный ветер»",
      amount: "150000.00",
    }),
    {
      invoice: invoiceOf({
        n: "RU-C",
        country: "RU",
        locale: "ru-RU",
        timeZone: "Europe/Moscow",
        currency: "RUB",
        type: "consumer",
        name: "Анна Петрова",
        amount: "45000.00",
      }),
      story: "agrees a payment plan of two installments after the first reminder and keeps it",
      actions: [
        {
          at: at("2026-11-26T09:00:00Z"),
          method: "POST",
          path: "/v1/invoices/RU-C/payment-plan",
          body: {
            installments: [
              { dueDate: "2026-12-15", amount: "22500.00" },
              { dueDate: "2027-01-15", amount: "22500.00" },
            ],
          },
          story: "a payment plan",
        },
        {
          at: at("2026-12-14T09:00:00Z"),
          method: "POST",
          path: "/v1/invoices/RU-C/payments",
          body: { amount: "22500.00", date: "2026-12-14" },
          story: "the first installment",
        },
        {
          at: at("2027-01-14T09:00:00Z"),
          method: "POST",
          path: "/v1/invoices/RU-C/payments",
          body: { amount: "22500.00", date: "2027-01-14" },
          story: "the second installment",
        },
      ],
    },
    whole({
      n: "GB-B",
      country: "GB",
      locale: "en-GB",
      currency: "GBP",
      type: "business",
      name: "Thames Joinery Ltd",
      amount: "2500.00",
    }),
    {
      invoice: invoiceOf({
        n: "GB-C",
        country: "GB",
        locale: "en-GB",
        currency: "GBP",
        type: "consumer",
        name: "Oliver Smith",
        amount: "300.00",
        email: "bounce@gb-c.example",
      }),
      story: "the courtesy note hard-bounces; the seller gives a new address and the ladder goes on",
      actions: [
        {
          at: at("2026-11-20T10:00:00Z"),
          method: "PATCH",
          path: "/v1/invoices/GB-C/customer",
          body: { email: "oliver@gb-c.example" },
          story: "a new address",
        },
      ],
    },
    {
      invoice: invoiceOf({
        n: "US-B",
        country: "US",
        locale: "en-US",
        timeZone: "America/New_York",
        currency: "USD",
        type: "business",
        name: "Harbor Freight Partners LLC",
        amount: "5400.00",
      }),
      story: "pays in full, late, after the final notice",
      actions: [
        {
          at: at("2026-12-28T16:00:00Z"),
          method: "POST",
          path: "/v1/invoices/US-B/payments",
          body: { amount: "5400.00", date: "2026-12-28" },
          story: "a late payment in full",
        },
      ],
    },
    whole({
      n: "US-C",
      country: "US",
      locale: "en-US",
      timeZone: "America/Chicago",
      currency: "USD",
      type: "consumer",
      name: "Jordan Miller",
      amount: "320.00",
    }),
    whole({
      n: "NL-B",
      country: "NL",
      locale: "nl-NL",
      currency: "EUR",
      type: "business",
      name: "Grachtenhuis B.V.",
      amount: "3000.00",
      reference: REFERENCES.rf,
    }),
    whole({
      n: "NL-C",
      country: "NL",
      locale: "nl-NL",
      currency: "EUR",
      type: "consumer",
      name: "Sanne de Vries",
      amount: "1800.00",
    }),
    whole({
      n: "FR-B",
      country: "FR",
      locale: "fr-FR",
      currency: "EUR",
      type: "business",
      name: "Atelier Lumière SARL",
      amount: "3200.00",
      reference: REFERENCES.rf,
    }),
    whole(
      {
        n: "FR-C",
        country: "FR",
        locale: "fr-FR",
        currency: "EUR",
        type: "consumer",
        name: "Camille Martin",
        amount: "450.00",
        extra: { earlyPaymentDiscount: { percent: "3", withinDays: 7 } },
      },
      "had 3 % for paying within 7 days, a discount long gone by the courtesy note; runs the whole ladder",
    ),
    whole({
      n: "ES-B",
      country: "ES",
      locale: "es-ES",
      timeZone: "Europe/Madrid",
      currency: "EUR",
      type: "business",
      name: "Construcciones Levante S.L.",
      amount: "5000.00",
      reference: REFERENCES.rf,
    }),
    whole({
      n: "ES-C",
      country: "ES",
      locale: "es-ES",
      timeZone: "Europe/Madrid",
      currency: "EUR",
      type: "consumer",
      name: "Lucía García",
      amount: "700.00",
    }),
    whole(
      {
        n: "PL-B",
        country: "PL",
        locale: "pl-PL",
        currency: "PLN",
        type: "business",
        name: "Wisła Logistyka sp. z o.o.",
        amount: "12000.00",
        // An RF reference travels in euro only: in złoty the email asks for the invoice number.
        reference: REFERENCES.rf,
      },
      "runs the whole ladder unpaid, in złoty, with an RF reference no złoty transfer carries",
    ),
    whole({
      n: "PL-C",
      country: "PL",
      locale: "pl-PL",
      currency: "PLN",
      type: "consumer",
      name: "Anna Kowalska",
      amount: "900.00",
    }),
    whole(
      {
        n: "PT-B",
        country: "PT",
        locale: "pt-PT",
        timeZone: "Europe/Lisbon",
        currency: "EUR",
        type: "business",
        name: "Vinhos do Douro Lda.",
        amount: "2000.00",
        reference: REFERENCES.rf,
      },
      "runs the whole ladder unpaid under the EU default, in English (dun writes no Portuguese)",
    ),
    whole(
      {
        n: "AT-C",
        country: "AT",
        locale: "de-AT",
        currency: "EUR",
        type: "consumer",
        name: "Lukas Huber",
        amount: "980.00",
      },
      "runs the whole ladder unpaid under the EU default, in Austrian German",
    ),
    whole(
      {
        n: "CH-B",
        country: "CH",
        locale: "fr-CH",
        currency: "CHF",
        type: "business",
        name: "Horlogerie du Lac SA",
        amount: "4200.00",
      },
      "runs the whole ladder unpaid under the default rules, in francs no account takes",
    ),
    whole(
      {
        n: "CH-C",
        country: "CH",
        locale: "de-CH",
        currency: "CHF",
        type: "consumer",
        name: "Nina Keller",
        amount: "600.00",
      },
      "runs the whole ladder unpaid under the default rules, in Swiss German formats",
    ),
  ];
}

/** One email the pipeline sent, with what the pipeline recorded about it. */
export type SentEmail = {
  email: StoredEmail;
  /** The message record: which invoice and step the email was, and when it went. */
  record: MessageRecord;
  scenario: Scenario;
  /** The invoice as it stands at the end of the run. */
  invoice: Invoice;
  timeline: TimelineEvent[];
};

export type ScenarioRun = {
  pipeline: Pipeline;
  scenarios: Scenario[];
  emails: SentEmail[];
  /** API answers that were not 200, which a scenario did not expect. */
  failedActions: string[];
};

const HOUR = 3_600_000;

/** Runs every scenario concurrently in one pipeline, from START to END. The caller closes the pipeline. */
export async function runScenarios(): Promise<ScenarioRun> {
  const sent: { messageId: string; to: string[]; cc: string[]; tags: Record<string, string> }[] = [];
  const capture = (mailer: Mailer): Mailer => ({
    async send(email, limits) {
      const result = await mailer.send(email, limits);
      if (result.ok)
        sent.push({ messageId: result.value.messageId, to: email.to, cc: email.cc, tags: email.tags });
      return result;
    },
  });
  const pipeline = await startPipeline({ start: START, followUps: false, wrapMailer: capture });
  const all = scenarios();
  const failedActions: string[] = [];
  await pipeline.addTenant(SCENARIO_TENANT);
  for (const scenario of all) await pipeline.addInvoice(scenario.invoice);

  const actions = all.flatMap((scenario) => scenario.actions ?? []).sort((a, b) => a.at.localeCompare(b.at));
  const attempts = new Map<string, number>();
  const softBounces = new Map(
    all.map((scenario) => [scenario.invoice.invoiceNumber, scenario.softBounces ?? []] as const),
  );

  const followUps = async () => {
    for (const message of sent.splice(0)) {
      const now = pipeline.clock.now;
      const invoiceNumber = decodeTagValue(message.tags.invoice ?? "");
      const step = message.tags.step ?? "";
      const key = `${invoiceNumber}|${step}`;
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const tags = Object.fromEntries(Object.entries(message.tags).map(([name, value]) => [name, [value]]));
      const soft = softBounces
        .get(invoiceNumber)
        ?.some((bounce) => bounce.step === step && bounce.attempts.includes(attempt));
      const records: SesEventRecord[] = soft
        ? [transientBounceOf(message.messageId, message.to, tags, now)]
        : followUpEvents(sendEventOf(message.messageId, [...message.to, ...message.cc], tags, now), {
            at: now,
          });
      for (const record of records) {
        const event = parseSesEventRecord(record);
        if (!event.ok) throw new Error(`an unreadable follow-up: ${event.error}`);
        await applySesEvent(pipeline.deps, event.value, now);
      }
    }
  };

  while (pipeline.clock.now.getTime() < END.getTime()) {
    const now = pipeline.clock.now;
    while (actions[0] && Date.parse(actions[0].at) <= now.getTime()) {
      const action = actions.shift();
      if (!action) break;
      const answer = await pipeline.call(action.method, action.path, action.body);
      if (answer.status !== 200)
        failedActions.push(
          `${action.method} ${action.path} (${action.story}): ${answer.status} ${JSON.stringify(answer.body)}`,
        );
    }
    await pipeline.tick();
    await followUps();
    // Whole hours, skipping those in which nothing is due and no action waits.
    const due = await pipeline.invoices.nextDueAt();
    const candidates = [due?.getTime(), actions[0] && Date.parse(actions[0].at), END.getTime()].filter(
      (time): time is number => time !== undefined,
    );
    const next = Math.max(now.getTime() + HOUR, Math.ceil(Math.min(...candidates) / HOUR) * HOUR);
    pipeline.clock.now = new Date(next);
  }

  const byNumber = new Map(all.map((scenario) => [scenario.invoice.invoiceNumber, scenario]));
  const stored = await pipeline.ses.store();
  const emails: SentEmail[] = [];
  const invoices = new Map<string, { invoice: Invoice; timeline: TimelineEvent[] }>();
  for (const email of stored) {
    const record = await pipeline.invoices.findMessage(email.messageId);
    if (!record) throw new Error(`no message record for ${email.messageId} (${email.subject})`);
    const scenario = byNumber.get(record.invoiceNumber);
    if (!scenario) throw new Error(`an email about ${record.invoiceNumber}, which no scenario has`);
    let found = invoices.get(record.invoiceNumber);
    if (!found) {
      const invoice = (await pipeline.invoices.get(record.tenantId, record.invoiceNumber))?.invoice;
      if (!invoice) throw new Error(`invoice ${record.invoiceNumber} is gone`);
      found = { invoice, timeline: await pipeline.invoices.timeline(record.tenantId, record.invoiceNumber) };
      invoices.set(record.invoiceNumber, found);
    }
    emails.push({ email, record, scenario, ...found });
  }
  emails.sort(
    (a, b) =>
      a.record.sentAt.localeCompare(b.record.sentAt) ||
      a.record.invoiceNumber.localeCompare(b.record.invoiceNumber),
  );
  return { pipeline, scenarios: all, emails, failedActions };
}

function sendEventOf(messageId: string, to: string[], tags: Record<string, string[]>, now: Date): SesEvent {
  return {
    type: "send",
    messageId,
    at: now.toISOString(),
    eventId: `send-${messageId}`,
    tags,
    destination: to,
    recipients: to.map((address) => address.toLowerCase()),
  };
}

function transientBounceOf(
  messageId: string,
  to: string[],
  tags: Record<string, string[]>,
  now: Date,
): SesEventRecord {
  return {
    eventType: "Bounce",
    mail: {
      timestamp: now.toISOString(),
      messageId,
      destination: to,
      headersTruncated: false,
      tags,
    },
    bounce: {
      bounceType: "Transient",
      bounceSubType: "MailboxFull",
      bouncedRecipients: to.map((emailAddress) => ({
        emailAddress,
        action: "failed",
        status: "5.2.2",
        diagnosticCode: "smtp; 552 5.2.2 Mailbox full",
      })),
      timestamp: now.toISOString(),
      feedbackId: `transient-${messageId}`,
      reportingMTA: "dsn; localhost",
    },
  } as SesEventRecord;
}
