/**
 * Realistic sample data for every email in every language: what `dun preview` renders, and what
 * the tests and the benchmark render. One debtor per language, in a country that speaks it.
 */
import type { Language } from "#domain/locale/locale.ts";
import type { EmailData, TemplateName } from "./email-data.ts";

type Debtor = { name: string; country: string; timeZone: string; currency: string; locale: string };

export const SAMPLE_DEBTORS: Readonly<Record<Language, Debtor>> = {
  en: {
    name: "Harbour Lights Ltd",
    country: "GB",
    timeZone: "Europe/London",
    currency: "GBP",
    locale: "en-GB",
  },
  nb: { name: "Fjordlys AS", country: "NO", timeZone: "Europe/Oslo", currency: "NOK", locale: "nb-NO" },
  da: { name: "Havblik ApS", country: "DK", timeZone: "Europe/Copenhagen", currency: "DKK", locale: "da-DK" },
  sv: {
    name: "Skärgårdsljus AB",
    country: "SE",
    timeZone: "Europe/Stockholm",
    currency: "SEK",
    locale: "sv-SE",
  },
  fi: { name: "Revontuli Oy", country: "FI", timeZone: "Europe/Helsinki", currency: "EUR", locale: "fi-FI" },
  de: { name: "Bergblick GmbH", country: "DE", timeZone: "Europe/Berlin", currency: "EUR", locale: "de-DE" },
  it: {
    name: "Luce del Lago S.r.l.",
    country: "IT",
    timeZone: "Europe/Rome",
    currency: "EUR",
    locale: "it-IT",
  },
  fr: {
    name: "Phare du Nord SARL",
    country: "FR",
    timeZone: "Europe/Paris",
    currency: "EUR",
    locale: "fr-FR",
  },
  es: {
    name: "Faro del Sur S.L.",
    country: "ES",
    timeZone: "Europe/Madrid",
    currency: "EUR",
    locale: "es-ES",
  },
  nl: {
    name: "Duinlicht B.V.",
    country: "NL",
    timeZone: "Europe/Amsterdam",
    currency: "EUR",
    locale: "nl-NL",
  },
  pl: {
    name: "Latarnia Sp. z o.o.",
    country: "PL",
    timeZone: "Europe/Warsaw",
    currency: "PLN",
    locale: "pl-PL",
  },
  ru: {
    name: "ООО «Северный маяк»",
    country: "RU",
    timeZone: "Europe/Moscow",
    currency: "RUB",
    locale: "ru-RU",
  },
};

const STAGE_FACTS: Readonly<Record<TemplateName, Partial<EmailData>>> = {
  courtesy: {
    sentAt: "2026-11-13T09:00:00.000Z",
    earlyPaymentDiscount: { rateBp: 200, until: "2026-11-11", discountedAmount: 1_225_000 },
  },
  reminder_1: { sentAt: "2026-11-23T09:00:00.000Z" },
  reminder_2: {
    sentAt: "2026-12-07T09:00:00.000Z",
    fees: 3500,
    interest: 7_397,
    interestRateBp: 1200,
    deadline: "2026-12-21",
  },
  final_notice: {
    sentAt: "2026-12-21T09:00:00.000Z",
    fees: 7000,
    interest: 14_384,
    interestRateBp: 1200,
    deadline: "2027-01-04",
  },
  collection: {
    sentAt: "2027-01-05T09:00:00.000Z",
    fees: 7000,
    interest: 19_315,
    interestRateBp: 1200,
    deadline: "2027-01-04",
  },
  payment_plan_installment: {
    sentAt: "2026-12-11T09:00:00.000Z",
    installment: { index: 2, count: 3, dueDate: "2026-12-15", amount: 416_667 },
  },
  payment_received: { sentAt: "2026-11-20T09:00:00.000Z", payment: { amount: 500_000, date: "2026-11-19" } },
  owner_alert: {
    sentAt: "2026-11-23T09:05:00.000Z",
    alert: { kind: "bounce", email: "faktura@fjordlys.example", detail: "550 5.1.1 Mailbox does not exist" },
  },
};

export function sampleEmail(template: TemplateName, language: Language): EmailData {
  const debtor = SAMPLE_DEBTORS[language];
  return {
    tenant: {
      name: "Nordlys Regnskap",
      legalName: "Nordlys Regnskap AS",
      organisationNumber: "923 456 789 MVA",
      address: ["Storgata 1", "0155 Oslo", "Norway"],
      brandColor: "#0f766e",
      replyTo: "faktura@nordlys.example",
      defaultLanguage: "en",
      payment: { iban: "NO9386011117947", bic: "DNBANOKK" },
    },
    customer: { name: debtor.name, country: debtor.country, timeZone: debtor.timeZone, type: "business" },
    invoice: {
      invoiceNumber: "2026-1001",
      currency: debtor.currency,
      amount: 1_250_000,
      amountPaid: template === "payment_received" ? 500_000 : 0,
      issueDate: "2026-11-01",
      dueDate: "2026-11-16",
      paymentUrl: "https://pay.example/2026-1001",
      paymentReference:
        debtor.country === "NO"
          ? { type: "kid", display: "1234567890128" }
          : { type: "rf", display: "RF18 5390 0754 7034" },
    },
    sentAt: "2026-11-23T09:00:00.000Z",
    ...STAGE_FACTS[template],
  };
}
