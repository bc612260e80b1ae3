import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBusinessTime } from "#domain/calendar/business-time.ts";
import type { InvoiceInput } from "#domain/invoice/invoice-input.ts";
import { translatorFor } from "#rendering/catalog.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

const debtors = [
  {
    n: "NO-1",
    name: "Fjordlys AS",
    locale: "nb-NO",
    country: "NO",
    timeZone: "Europe/Oslo",
    currency: "NOK",
    due: "2026-11-16",
    language: "nb",
  },
  {
    n: "DE-1",
    name: "Bergblick GmbH",
    locale: "de-DE",
    country: "DE",
    timeZone: "Europe/Berlin",
    currency: "EUR",
    due: "2026-11-20",
    language: "de",
  },
  {
    n: "SE-1",
    name: "Skärgårdsljus AB",
    locale: "sv-SE",
    country: "SE",
    timeZone: "Europe/Stockholm",
    currency: "SEK",
    due: "2026-11-18",
    language: "sv",
  },
  {
    n: "IT-1",
    name: "Luce del Lago S.r.l.",
    locale: "it-IT",
    country: "IT",
    timeZone: "Europe/Rome",
    currency: "EUR",
    due: "2026-11-25",
    language: "it",
  },
  {
    n: "US-1",
    name: "Harbour Lights Inc",
    locale: "en-US",
    country: "US",
    timeZone: "America/New_York",
    currency: "USD",
    due: "2026-11-19",
    language: "en",
  },
] as const;

function uploadOf(debtor: (typeof debtors)[number]): InvoiceInput {
  const base = anInvoiceInput();
  return {
    ...base,
    invoiceNumber: debtor.n,
    currency: debtor.currency,
    amount: "1500.00",
    dueDate: debtor.due,
    paymentReference: undefined,
    customer: {
      ...base.customer,
      name: debtor.name,
      email: `billing@${debtor.n.toLowerCase()}.example`,
      locale: debtor.locale,
      country: debtor.country,
      timeZone: debtor.timeZone,
    },
  };
}

describe("the whole ladder, through DynamoDB (dynalite) and SES (aws-ses-v2-local)", () => {
  let pipeline: Pipeline;

  beforeAll(async () => {
    // Prepare: one tenant, five debtors in five countries, the clock at 1 November 2026.
    pipeline = await startPipeline({ start: new Date("2026-11-01T00:00:00Z") });
    await pipeline.addTenant();
    for (const debtor of debtors) await pipeline.addInvoice(uploadOf(debtor));

    // Act: three-hourly ticks until mid-February, as the scheduler would run them.
    await pipeline.runUntil(new Date("2027-02-15T00:00:00Z"), 3 * 3_600_000);
  }, 300_000);

  afterAll(async () => pipeline?.close());

  it("sends every stage to every debtor exactly once, in order, in their language, in their business hours", async () => {
    // Assess
    const emails = await pipeline.ses.store();
    for (const debtor of debtors) {
      const sent = [];
      for (const email of emails.filter((e) =>
        e.destination.to.includes(`billing@${debtor.n.toLowerCase()}.example`),
      )) {
        const record = await pipeline.invoices.findMessage(email.messageId);
        expect(record, email.subject).toBeDefined();
        if (!record) continue;
        sent.push({ step: record.step, at: new Date(record.sentAt), email });
      }
      sent.sort((a, b) => a.at.getTime() - b.at.getTime());
      expect(
        sent.map((s) => s.step),
        debtor.n,
      ).toEqual(["courtesy", "reminder_1", "reminder_2", "final_notice", "collection"]);
      const signoff = translatorFor(debtor.language)("common.signoff");
      for (const { at, email, step } of sent) {
        expect(
          isBusinessTime(at, {
            timeZone: debtor.timeZone,
            country: debtor.country,
            hours: { start: "09:00", end: "17:00", weekdays: [1, 2, 3, 4, 5] },
          }),
          `${debtor.n} ${step} at ${at.toISOString()}`,
        ).toBe(true);
        expect(email.body.text, `${debtor.n} ${step}`).toContain(signoff);
        expect(email.replyTo).toEqual(["faktura@nordlys.example"]);
        expect(email.subject).toContain(debtor.n);
      }
      // The account manager is never copied: they get a note of their own (below).
      expect(sent.flatMap((s) => s.email.destination.cc)).toEqual([]);
    }
  });

  it("tells the account manager once per invoice, in the tenant's language", async () => {
    const emails = await pipeline.ses.store();
    const notes = emails.filter((email) => email.destination.to.includes("kari@seller.example"));
    const english = translatorFor("en");
    expect(notes.map((email) => email.subject).sort()).toEqual(
      debtors
        .map((debtor) =>
          english("owner_alert.subject", { kind: "overdue", number: debtor.n, customer: debtor.name }),
        )
        .sort(),
    );
  });

  it("hands every invoice over, tells the owner once per invoice, and keeps the whole story in the timeline", async () => {
    const emails = await pipeline.ses.store();
    const alerts = emails.filter((email) => email.destination.to.includes("eier@nordlys.example"));
    expect(alerts).toHaveLength(debtors.length);
    for (const debtor of debtors) {
      const stored = await pipeline.invoices.get("nordlys", debtor.n);
      expect(stored?.invoice.status).toBe("collection");
      expect(stored?.claim).toBeUndefined();
      const timeline = await pipeline.invoices.timeline("nordlys", debtor.n);
      // SES's Delivery event for each of the five emails, and the dunning story itself.
      expect(timeline.filter((event) => event.type === "email_delivered")).toHaveLength(5);
      expect(timeline.filter((event) => !event.type.startsWith("email_")).map((event) => event.type)).toEqual(
        [
          "created",
          "stage_sent",
          "stage_sent",
          "stage_sent",
          "stage_sent",
          "stage_sent",
          "handed_to_collection",
        ],
      );
    }
  });

  it("leaves nothing on the due index once every ladder has ended", async () => {
    const before = pipeline.queue.size;
    await pipeline.tick();
    expect(before).toBe(0);
    expect(pipeline.outcomes.filter((o) => ["retry", "refused", "deferred"].includes(o.outcome))).toEqual([]);
  });
});
