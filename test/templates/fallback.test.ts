import { describe, expect, it } from "vitest";
import { renderEmail } from "#rendering/render-email.ts";
import { sampleEmail } from "#rendering/samples.ts";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("a locale dun does not write falls back whole", () => {
  it.each([
    // Text and formats from the same language: no Portuguese or Chinese numbers among English words.
    ["pt-PT", "en", "en", "€12,500.00", "November 16, 2026"],
    ["zh-CN", "en", "en", "€12,500.00", "November 16, 2026"],
    ["pt-PT", "de", "de", "12.500,00 €", "16. November 2026"],
  ] as const)(
    "%s with tenant default %s: %s words, %s and %s",
    (locale, tenantDefault, language, amount, date) => {
      // Prepare
      const data = sampleEmail("reminder_1", "de");
      data.tenant.defaultLanguage = tenantDefault;

      // Act
      const email = renderEmail("reminder_1", locale, data);

      // Assess
      expect(email.language).toBe(language);
      expect(plain(email.text)).toContain(amount);
      expect(plain(email.text)).toContain(date);
    },
  );

  it.each([
    // A language dun writes keeps the debtor's region for its formats.
    ["es-MX", "es", "EUR 12,500.00"],
    ["de-AT", "de", "€ 12.500,00"],
    ["de-CH", "de", "EUR 12’500.00"],
    ["fr-CH", "fr", "12 500.00 €"],
    ["nb-NO", "nb", "12 500,00 €"],
    // Nynorsk and "no" read the Bokmål catalog, and get Bokmål's formats for their region.
    ["nn-NO", "nb", "12 500,00 €"],
  ] as const)("%s writes %s with its own regional formats: %s", (locale, language, amount) => {
    const email = renderEmail("reminder_1", locale, sampleEmail("reminder_1", "de"));
    expect(email.language).toBe(language);
    expect(plain(email.text).replace("'", "’")).toContain(amount);
  });
});

describe("a value that ends in a dot at the end of a sentence", () => {
  it("leaves one dot, not two: a Russian date", () => {
    const email = renderEmail("reminder_2", "ru-RU", sampleEmail("reminder_2", "ru"));
    expect(email.text).toContain("не позднее 21 декабря 2026 г. Если");
    expect(email.text).not.toMatch(/[^.]\.\.(?!\.)/);
  });

  it("leaves one dot, not two: a Danish amount and a company name", () => {
    // Prepare
    const data = sampleEmail("courtesy", "da");
    data.tenant.legalName = "Nordlys Regnskap A.m.b.a.";

    // Act
    const email = renderEmail("courtesy", "da-DK", data);

    // Assess
    expect(plain(email.text)).toContain("Så skal du kun betale 12.250,00 kr.\n");
    expect(email.text).toContain("Sendt på vegne af Nordlys Regnskap A.m.b.a. Svar går til");
    expect(email.text).not.toMatch(/[^.]\.\.(?!\.)/);
  });
});
