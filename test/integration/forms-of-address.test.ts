import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEmail } from "#local/local-ses.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

const GERMAN_COMPANY = "billing@kessler.example";
const POLISH_PERSON = "anna.nowak@poczta.example";

describe("a company and a person, greeted and addressed as each is in their language", () => {
  let pipeline: Pipeline;
  let emails: StoredEmail[];
  const to = (address: string) => emails.filter((email) => email.destination.to.includes(address));

  beforeAll(async () => {
    // Prepare: the Norwegian demo seller, a German brewery and a Polish consumer, due 20 November.
    pipeline = await startPipeline({ start: new Date("2026-11-01T00:00:00Z") });
    await pipeline.addTenant();
    const base = anInvoiceInput();
    await pipeline.addInvoice({
      ...base,
      invoiceNumber: "DE-7",
      currency: "EUR",
      amount: "1450.00",
      dueDate: "2026-11-20",
      paymentReference: undefined,
      customer: {
        ...base.customer,
        name: "Brauerei Kessler GmbH",
        email: GERMAN_COMPANY,
        locale: "de-DE",
        country: "DE",
        timeZone: "Europe/Berlin",
        type: "business",
      },
    });
    await pipeline.addInvoice({
      ...base,
      invoiceNumber: "PL-8",
      currency: "PLN",
      amount: "1450.00",
      dueDate: "2026-11-20",
      paymentReference: undefined,
      customer: {
        ...base.customer,
        name: "Anna Nowak",
        email: POLISH_PERSON,
        locale: "pl-PL",
        country: "PL",
        timeZone: "Europe/Warsaw",
        type: "consumer",
      },
    });

    // Act: the scheduler's ticks through the courtesy note and the first reminder.
    await pipeline.runUntil(new Date("2026-11-30T00:00:00Z"), 3 * 3_600_000);
    emails = await pipeline.ses.store();
  }, 120_000);

  afterAll(async () => pipeline?.close());

  it("greets the German company as a company, with Sie, and its seller's register number as Norway's", () => {
    // Assess
    const sent = to(GERMAN_COMPANY);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const email of sent) {
      const text = email.body.text ?? "";
      expect(text.split("\n\n")[1], email.subject).toBe("Sehr geehrte Damen und Herren,");
      expect(text).not.toContain("Guten Tag Brauerei");
      expect(text).toContain("Sie");
      expect(text).toContain("Registernummer (Norwegen): 923 456 789 MVA");
      expect(text.replace(/\s/g, " ")).toContain("1.450,00 €");
      expect(email.body.html).toContain("Sehr geehrte Damen und Herren,");
    }
  });

  it("greets the Polish person without a vocative, and never as «Państwo»", () => {
    // Assess
    const sent = to(POLISH_PERSON);
    expect(sent.length).toBeGreaterThanOrEqual(2);
    for (const email of sent) {
      const text = email.body.text ?? "";
      expect(text.split("\n\n")[1], email.subject).toBe("Dzień dobry,");
      expect(text).not.toContain("Anna Nowak,");
      expect(text).not.toMatch(/Państw/);
      expect(text).toContain("Numer rejestrowy (Norwegia): 923 456 789 MVA");
      expect(text.replace(/\s/g, " ")).toContain("1 450,00 zł");
    }
    const reminder = sent.find((email) => email.subject.startsWith("Przypomnienie o płatności"));
    expect(reminder?.body.text).toContain("Być może płatność została po prostu przeoczona.");
  });
});
