/**
 * What local mode loads so there is something to watch: a demo seller (a Norwegian accounting
 * firm) and invoices for debtors in eight countries and languages, dated around the day the clock
 * starts: some already overdue, some due soon, one whose address bounces (the SES mailbox
 * simulator's `bounce@`), so that the whole ladder and a bounce play out as the clock moves.
 */
import { addDays } from "#domain/calendar/iso-date.ts";
import type { InvoiceInput } from "#domain/invoice/invoice-input.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import type { TenantInput } from "#domain/tenant/tenant.ts";

export const DEMO_TENANT: TenantInput = {
  id: "demo",
  name: "Nordlys Regnskap",
  legalName: "Nordlys Regnskap AS",
  organisationNumber: "923 456 789 MVA",
  address: ["Storgata 1", "0155 Oslo"],
  country: "NO",
  replyTo: "faktura@nordlys.example",
  ownerEmail: "eier@nordlys.example",
  // Norwegian payers pay the kontonummer, Swedish ones the bankgiro, Danish ones by FIK; everyone
  // else, the IBAN in any of the currencies the demo invoices are in.
  payment: {
    accounts: [
      { type: "no-kontonummer", number: "8601.11.17947" },
      { type: "se-bankgiro", number: "5050-1055" },
      { type: "dk-fi-creditor", number: "81234567" },
      {
        type: "iban",
        iban: "NO93 8601 1117 947",
        bic: "DNBANOKK",
        currencies: ["NOK", "SEK", "DKK", "EUR", "USD"],
      },
    ],
  },
  policy: DEFAULT_POLICY_INPUT,
};

/** A copy of the demo seller under another id (`dun keys create --tenant NAME` in local mode). */
export function demoTenantNamed(id: string): TenantInput {
  return { ...DEMO_TENANT, id, name: `${DEMO_TENANT.name} (${id})` };
}

type Debtor = {
  name: string;
  email: string;
  locale: string;
  country: string;
  timeZone?: string;
  currency: string;
  amount: string;
  /** Due this many days after the day the clock starts (negative: already overdue). */
  dueInDays: number;
};

const DEBTORS: readonly Debtor[] = [
  {
    name: "Fjordlys AS",
    email: "faktura@fjordlys.example",
    locale: "nb-NO",
    country: "NO",
    currency: "NOK",
    amount: "12500.00",
    dueInDays: -9,
  },
  {
    name: "Havnegade Køkken ApS",
    email: "bogholderi@havnegade.example",
    locale: "da-DK",
    country: "DK",
    currency: "DKK",
    amount: "4875.50",
    dueInDays: -2,
  },
  {
    name: "Skärgårdens Bygg AB",
    email: "ekonomi@skargarden.example",
    locale: "sv-SE",
    country: "SE",
    currency: "SEK",
    amount: "18900.00",
    dueInDays: 4,
  },
  {
    name: "Järvenpää Design Oy",
    email: "laskut@jarvenpaa.example",
    locale: "fi-FI",
    country: "FI",
    currency: "EUR",
    amount: "2340.00",
    dueInDays: -16,
  },
  {
    name: "Brauhaus Elbe GmbH",
    email: "buchhaltung@brauhaus-elbe.example",
    locale: "de-DE",
    country: "DE",
    currency: "EUR",
    amount: "7600.00",
    dueInDays: 2,
  },
  {
    name: "Trattoria del Porto S.r.l.",
    email: "amministrazione@delporto.example",
    locale: "it-IT",
    country: "IT",
    currency: "EUR",
    amount: "1450.00",
    dueInDays: -23,
  },
  {
    name: "Atelier Lumière SARL",
    email: "compta@atelier-lumiere.example",
    locale: "fr-FR",
    country: "FR",
    currency: "EUR",
    amount: "3200.00",
    dueInDays: 9,
  },
  {
    name: "Harbor Freight Partners LLC",
    email: "bounce@harbor-freight.example",
    locale: "en-US",
    country: "US",
    timeZone: "America/New_York",
    currency: "USD",
    amount: "5400.00",
    dueInDays: -5,
  },
];

/** The demo invoices, dated around `today` (the clock's first day). */
export function demoInvoices(today: string): InvoiceInput[] {
  return DEBTORS.map((debtor, index) => {
    const dueDate = addDays(today, debtor.dueInDays);
    const invoiceNumber = `DEMO-${1001 + index}`;
    return {
      invoiceNumber,
      currency: debtor.currency,
      amount: debtor.amount,
      issueDate: addDays(dueDate, -14),
      dueDate,
      customer: {
        id: `C-${101 + index}`,
        name: debtor.name,
        email: debtor.email,
        locale: debtor.locale,
        country: debtor.country,
        ...(debtor.timeZone ? { timeZone: debtor.timeZone } : {}),
        type: "business",
      },
      paymentUrl: `https://pay.nordlys.example/${invoiceNumber}`,
    };
  });
}
