import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEmail } from "#local/local-ses.ts";
import { translatorFor } from "#rendering/catalog.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";

const FRENCH_CONSUMER = {
  invoiceNumber: "FR-1",
  name: "Camille Martin",
  email: "camille@martin.example",
  locale: "fr-FR",
  country: "FR",
  timeZone: "Europe/Paris",
  type: "consumer",
} as const;
const ITALIAN_BUSINESS = {
  invoiceNumber: "IT-1",
  name: "Luce del Lago S.r.l.",
  email: "amministrazione@lucedellago.example",
  locale: "it-IT",
  country: "IT",
  timeZone: "Europe/Rome",
  type: "business",
} as const;

describe("what the final notice and the hand-over say, through the real pipeline", () => {
  let pipeline: Pipeline;
  const sent = new Map<string, StoredEmail>();

  beforeAll(async () => {
    // Prepare: a seller that names its agency, a ladder that reaches the final notice and collection.
    pipeline = await startPipeline({ start: new Date("2026-11-01T00:00:00Z") });
    await pipeline.addTenant({
      ...TENANT,
      collectionAgency: { name: "Recouvrement Nord", contact: "dossiers@recouvrement-nord.example" },
      policy: {
        ladder: {
          reminder_1: { offsetDays: 7, interest: true },
          final_notice: { offsetDays: 21, interest: true, deadlineDays: 14 },
          collection: { offsetDays: 36, interest: true },
        },
      },
    });
    for (const { invoiceNumber, ...customer } of [FRENCH_CONSUMER, ITALIAN_BUSINESS]) {
      const base = anInvoiceInput();
      await pipeline.addInvoice({
        ...base,
        invoiceNumber,
        currency: "EUR",
        amount: "1500.00",
        dueDate: "2026-11-16",
        paymentReference: undefined,
        customer: { ...base.customer, ...customer },
      });
    }

    // Act: four-hourly ticks until every ladder has ended.
    await pipeline.runUntil(new Date("2027-01-20T00:00:00Z"), 4 * 3_600_000);
    for (const email of await pipeline.ses.store()) {
      const record = await pipeline.invoices.findMessage(email.messageId);
      if (record) sent.set(`${email.destination.to[0]} ${record.step}`, email);
    }
  }, 300_000);

  afterAll(async () => pipeline?.close());

  it("tells a French consumer of a mise en demeure and claims no recovery costs (art. L111-8 CPCE)", () => {
    // Assess
    const text = sent.get(`${FRENCH_CONSUMER.email} final_notice`)?.body.text ?? "";
    expect(text).toContain("mise en demeure");
    expect(text).toContain("L111-8");
    expect(text).toContain("restent à notre charge");
    expect(text).not.toContain("mis à votre charge");
    expect(text).not.toContain(translatorFor("fr")("common.compensation"));
    expect(text).not.toContain("compte client");
  });

  it("tells an Italian business of interest under D.Lgs. 231/2002 in a costituzione in mora, not a diffida", () => {
    // Assess
    const text = sent.get(`${ITALIAN_BUSINESS.email} final_notice`)?.body.text ?? "";
    expect(text).toContain("ai sensi del D.Lgs. 231/2002");
    expect(text).toContain("costituzione in mora ai sensi dell’art. 1219 c.c.");
    expect(text.toLowerCase()).not.toContain("diffida");
  });

  it("names the tenant's agency in the hand-over notice, as a hand-over under way", () => {
    // Assess
    for (const debtor of [FRENCH_CONSUMER, ITALIAN_BUSINESS]) {
      const text = sent.get(`${debtor.email} collection`)?.body.text ?? "";
      expect(text, debtor.invoiceNumber).toContain("Recouvrement Nord");
      expect(text, debtor.invoiceNumber).toContain("dossiers@recouvrement-nord.example");
    }
    expect(sent.get(`${FRENCH_CONSUMER.email} collection`)?.body.text).toContain(
      "Nous transmettons donc la créance",
    );
  });
});
