import { describe, expect, it } from "vitest";
import type { Language } from "#domain/locale/locale.ts";
import type { CustomerType } from "#domain/vocabulary.ts";
import type { EmailData, TemplateName } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";

const normaliseSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

/** A sample email of `template` to a debtor of `type` in the sample country of `language`. */
function emailTo(
  language: Language,
  type: CustomerType,
  changes: Partial<EmailData> = {},
  template: TemplateName = "final_notice",
) {
  const data = sampleEmail(template, language);
  const email = renderEmail(template, SAMPLE_DEBTORS[language].locale, {
    ...data,
    ...changes,
    customer: { ...data.customer, type },
  });
  return { ...email, text: normaliseSpaces(email.text) };
}

describe("a Norwegian final notice", () => {
  it.each(["business", "consumer"] as const)("to a %s is an inkassovarsel under inkassoloven § 9", (type) => {
    const email = emailTo("nb", type);
    expect(email.html).toContain("Inkassovarsel</");
    expect(email.text).toContain("inkassovarsel etter inkassoloven § 9");
    expect(email.text).toContain("minst 14 dager etter den dagen dette varselet ble sendt");
    expect(email.text).toContain("aldri mer enn satsene i inkassoforskriften");
  });

  it("puts a business, not a consumer, on credit hold", () => {
    expect(emailTo("nb", "business").text).toContain("sperret for kreditt");
    expect(emailTo("nb", "consumer").text).not.toContain("kreditt");
  });
});

describe("a Danish reminder", () => {
  it("states its own rykkergebyr, not the running total", () => {
    const email = emailTo("da", "consumer", { fees: 20_000, stageFee: 10_000 }, "reminder_2");
    expect(email.text).toContain("rykkergebyr på 100,00 kr. for denne rykker");
    expect(email.text).not.toContain("rykkergebyr på 200,00");
  });

  it("that charged no fee names none", () => {
    const email = emailTo("da", "business", { fees: 10_000, stageFee: 0 }, "reminder_2");
    expect(email.text).not.toContain("rykkergebyr");
  });

  it.each(["business", "consumer"] as const)(
    "is, as a final notice to a %s, the 10-day warning before collection",
    (type) => {
      expect(emailTo("da", type).text).toContain("mindst 10 dage til at betale");
    },
  );
});

describe("an Italian final notice", () => {
  it("to a business is a costituzione in mora, with interest under D.Lgs. 231/2002 and the EUR 40", () => {
    const email = emailTo("it", "business", { compensation: 4000 });
    expect(email.text).toContain("costituzione in mora ai sensi dell’art. 1219 c.c.");
    expect(email.text).toContain("interessi di mora ai sensi del D.Lgs. 231/2002, al tasso del 12% annuo");
    expect(email.text).toContain("40,00 €");
    expect(email.text.toLowerCase()).not.toContain("diffida");
  });

  it("to a consumer claims the tasso legale of art. 1284 c.c., never D.Lgs. 231/2002", () => {
    const email = emailTo("it", "consumer", { interestRateBp: 160 });
    expect(email.text).toContain("tasso legale (art. 1284 c.c.), attualmente pari al 1,6% annuo");
    expect(email.text).toContain("costituzione in mora");
    expect(email.text).not.toContain("231/2002");
    expect(email.text.toLowerCase()).not.toContain("diffida");
    expect(email.text).not.toContain("bloccata");
  });
});

describe("a Russian final notice", () => {
  it("to a business is a претензия naming ст. 395 ГК РФ and the 30 days of ст. 4 АПК РФ", () => {
    const email = emailTo("ru", "business");
    expect(email.html).toContain("Претензия</");
    expect(email.text).toContain(
      "претензией в соответствии с ч. 5 ст. 4 Арбитражного процессуального кодекса РФ",
    );
    expect(email.text).toContain("проценты по ст. 395 ГК РФ");
    expect(email.text).toContain("в течение 30 календарных дней со дня её направления");
  });

  it("to a consumer claims no arbitrazh-court procedure", () => {
    const email = emailTo("ru", "consumer");
    expect(email.text).not.toContain("АПК");
    expect(email.text).not.toContain("арбитражный суд");
  });
});

describe("a Dutch final notice", () => {
  it("to a consumer is a veertiendagenbrief: 14 days from the day after receipt, and the exact BIK amount", () => {
    // EUR 12,500: 15 % of 2,500 + 10 % of 2,500 + 5 % of 5,000 + 1 % of 2,500 = EUR 900, as the
    // ladder states it on the final notice's step (statutoryCollectionCosts).
    const email = emailTo("nl", "consumer", { collectionCosts: 90_000 });
    expect(email.html).toContain("Veertiendagenbrief</");
    expect(email.text).toContain(
      "binnen veertien dagen, te rekenen vanaf de dag nadat u deze brief hebt ontvangen",
    );
    expect(email.text).toContain("incassokosten van € 900,00 in rekening");
    expect(email.text).not.toContain("op rekening totdat");
  });

  it("to a consumer in a currency the scale does not name is no veertiendagenbrief", () => {
    const data = sampleEmail("final_notice", "nl");
    const email = emailTo("nl", "consumer", { invoice: { ...data.invoice, currency: "USD" } });
    expect(email.text).not.toContain("veertiendagenbrief");
  });

  it("to a business claims the Directive's compensation instead", () => {
    const email = emailTo("nl", "business", { compensation: 4000 });
    expect(email.text).not.toContain("veertiendagenbrief");
    expect(email.text).toContain("2011/7/EU");
    expect(email.text).toContain("€ 40,00");
  });
});

describe("a French final notice", () => {
  it("to a consumer is a mise en demeure that leaves recovery costs with the creditor (art. L111-8 CPCE)", () => {
    const email = emailTo("fr", "consumer");
    expect(email.text).toContain("mise en demeure de payer au sens de l’article 1344 du Code civil");
    expect(email.text).toContain("L111-8");
    expect(email.text).toContain("restent à notre charge");
    expect(email.text).not.toContain("mis à votre charge");
    expect(email.text).not.toContain("compte client");
  });

  it("to a business claims the indemnité forfaitaire of art. L441-10 C. com.", () => {
    const email = emailTo("fr", "business", { compensation: 4000 });
    expect(email.text).toContain("L441-10 du Code de commerce");
    expect(email.text).toContain("40,00 €");
    expect(email.text).toContain("votre compte client sera bloqué");
  });
});

describe("a German final notice", () => {
  it("to a consumer claims only the Verzugsschaden", () => {
    const email = emailTo("de", "consumer");
    expect(email.text).toContain("schulden Sie nur den Schaden");
    expect(email.text).toContain("Verzugsschaden, §§ 280, 286 BGB");
    expect(email.text).not.toContain("Verzugspauschale");
    expect(email.text).not.toContain("gesperrt");
  });

  it("to a business claims the Verzugspauschale of § 288 Abs. 5 BGB", () => {
    const email = emailTo("de", "business", { compensation: 4000 });
    expect(email.text).toContain(
      "Nach § 288 Abs. 5 BGB steht uns wegen des Zahlungsverzugs eine Pauschale von 40,00 € zu",
    );
    expect(email.text).toContain("Kundenkonto");
  });
});

describe("the hand-over notice", () => {
  const agency = { name: "Kredinor AS", contact: "post@kredinor.example" };

  it("names the agency the tenant named, and how to reach it", () => {
    const data = sampleEmail("collection", "en");
    const email = renderEmail("collection", "en-GB", {
      ...data,
      tenant: { ...data.tenant, collectionAgency: agency },
    });
    expect(email.text).toMatch(
      /We are therefore handing the claim of £[\d,.]+ over to the debt collection agency Kredinor AS,/,
    );
    expect(email.text).toContain("You can reach Kredinor AS at post@kredinor.example.");
  });

  it("says what is true the minute it is sent: the claim is being handed over, not already with an agency", () => {
    const email = renderEmail("collection", "en-GB", sampleEmail("collection", "en"));
    expect(email.text).toMatch(
      /handing the claim of £[\d,.]+ over to a debt collection agency, which will contact you/,
    );
    expect(email.text).not.toContain("has been handed over");
    expect(email.text).not.toContain("You can reach");
  });

  it("tells a consumer nothing of credit hold", () => {
    expect(emailTo("en", "consumer", {}, "collection").text).not.toContain("credit hold");
    expect(emailTo("en", "business", {}, "collection").text).toContain("credit hold");
  });
});
