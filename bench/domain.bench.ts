/**
 * The pure domain's hot paths: validating uploads (the API's 10 000-row CSV must fit a Lambda
 * invocation many times over) and deciding the next action (the sender decides once per email;
 * the decision must never be what limits the send rate).
 */

import { addDays } from "#domain/calendar/iso-date.ts";
import { createInvoice } from "#domain/invoice/invoice.ts";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { DEFAULT_POLICY_INPUT, PolicySchema } from "#domain/ladder/policy.ts";
import { type Figure, medianMsPerCall, type Suite } from "./figure.ts";

/** API Gateway's HTTP API integration timeout: the hard ceiling for one synchronous upload. */
const API_TIMEOUT_MS = 30_000;
/** A generous SES sending quota; the domain decision must keep up with it many times over. */
const SES_SENDS_PER_SECOND = 1_000;

const COUNTRIES = [
  { country: "NO", locale: "nb-NO", timeZone: "Europe/Oslo", currency: "NOK" },
  { country: "DE", locale: "de-DE", timeZone: "Europe/Berlin", currency: "EUR" },
  { country: "SE", locale: "sv-SE", timeZone: "Europe/Stockholm", currency: "SEK" },
  { country: "US", locale: "en-US", timeZone: "America/New_York", currency: "USD" },
  { country: "IT", locale: "it-IT", timeZone: "Europe/Rome", currency: "EUR" },
] as const;

function uploads(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const place = COUNTRIES[i % COUNTRIES.length] ?? COUNTRIES[0];
    return {
      invoiceNumber: `2026-${100_000 + i}`,
      currency: place.currency,
      amount: `${(i % 900) + 1} ${String(i % 1000).padStart(3, "0")},${String(i % 100).padStart(2, "0")}`,
      issueDate: "2026-11-01",
      dueDate: addDays("2026-11-01", 14 + (i % 30)),
      customer: {
        id: `C-${i % 500}`,
        name: `Customer ${i} AS`,
        email: `billing${i}@customer.example`,
        locale: place.locale,
        country: place.country,
        timeZone: place.timeZone,
        type: i % 3 === 0 ? "consumer" : "business",
      },
      paymentUrl: `https://pay.example/${i}`,
    };
  });
}

async function run(): Promise<Figure[]> {
  const rows = uploads(10_000);
  const parseMs = medianMsPerCall(
    () => {
      for (const row of rows) InvoiceInputSchema.parse(row);
    },
    { calls: 1, rounds: 5 },
  );

  const policy = PolicySchema.parse(DEFAULT_POLICY_INPUT);
  const invoices = rows
    .slice(0, 1000)
    .map((row) => createInvoice("bench", InvoiceInputSchema.parse(row), "2026-11-01T08:00:00.000Z").invoice);
  const now = new Date("2026-12-20T10:00:00Z");
  const decideMs = medianMsPerCall(
    (i) => {
      const invoice = invoices[i % invoices.length];
      if (invoice) decideNextAction(invoice, policy, now);
    },
    { calls: 2000 },
  );
  const decisionsPerSecond = 1000 / decideMs;

  return [
    {
      name: "upload.validate_10k_invoices",
      value: parseMs,
      unit: "ms",
      ratio: {
        value: parseMs / API_TIMEOUT_MS,
        of: "share of the HTTP API's 30 s timeout",
        goal: "≤ 0.05",
        met: parseMs / API_TIMEOUT_MS <= 0.05,
      },
      note: "10 000 uploads across five countries through the zod upload schema, amounts with a decimal comma and space grouping.",
    },
    {
      name: "ladder.decide_next_action",
      value: decisionsPerSecond,
      unit: "decisions/s",
      ratio: {
        value: decisionsPerSecond / SES_SENDS_PER_SECOND,
        of: "decisions per second ÷ 1 000 SES sends per second",
        goal: "≥ 10",
        met: decisionsPerSecond / SES_SENDS_PER_SECOND >= 10,
      },
      note: "Includes business-time scheduling with public holidays, the fee and statutory-interest rules, on warm caches.",
    },
  ];
}

export const domainSuite: Suite = { title: "Domain", run };
