import { describe, expect, it } from "vitest";
import { type Language, SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { TEMPLATE_NAMES } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";

const PERSON = "Kim Berg";

/** How each language opens a letter to a company, and to a person whose gender it does not know. */
const GREETINGS: Readonly<Record<Language, { business: string; consumer: string }>> = {
  en: { business: "Dear Sir or Madam,", consumer: `Dear ${PERSON},` },
  nb: { business: "Hei,", consumer: `Hei ${PERSON},` },
  da: { business: "Hej,", consumer: `Kære ${PERSON},` },
  sv: { business: "Hej,", consumer: `Hej ${PERSON},` },
  fi: { business: "Hyvä vastaanottaja,", consumer: `Hyvä ${PERSON},` },
  de: { business: "Sehr geehrte Damen und Herren,", consumer: `Guten Tag ${PERSON},` },
  it: { business: `Spettabile ${SAMPLE_DEBTORS.it.name},`, consumer: `Gentile ${PERSON},` },
  fr: { business: "Madame, Monsieur,", consumer: `Bonjour ${PERSON},` },
  es: { business: "Estimado cliente:", consumer: `Buenos días, ${PERSON}:` },
  nl: { business: "Geachte heer, mevrouw,", consumer: `Geachte ${PERSON},` },
  pl: { business: "Szanowni Państwo,", consumer: "Dzień dobry," },
  ru: { business: "Уважаемые господа!", consumer: `Здравствуйте, ${PERSON}!` },
};

/**
 * Where a language addresses a company unlike a person: words that must not reach the other.
 * (final_notice.consequence and the collection notice are not held to this yet.)
 */
const NOT_FOR: Partial<Record<Language, { business: RegExp; consumer: RegExp }>> = {
  it: {
    business: /\b(la preghiamo|la invitiamo|le ricordiamo|la ringraziamo|suo|sua|ha versato|risponda)\b/i,
    consumer: /\b(vi|vostr[aoie]|avete|potete|rispondete)\b/i,
  },
  pl: { business: /(?!)/, consumer: /Państw/ },
};
const HELD_TO_FORM = TEMPLATE_NAMES.filter(
  (name) => !["final_notice", "collection", "owner_alert"].includes(name),
);

const DEBTOR_EMAILS = TEMPLATE_NAMES.filter((name) => name !== "owner_alert");
const AUDIENCES = ["business", "consumer"] as const;

function render(
  template: (typeof TEMPLATE_NAMES)[number],
  language: Language,
  audience: "business" | "consumer",
) {
  const data = sampleEmail(template, language);
  data.customer.type = audience;
  if (audience === "consumer") data.customer.name = PERSON;
  // A four-digit amount: the one CLDR leaves ungrouped in it, es and pl.
  data.invoice.amount = 145_000;
  // The amounts the pipeline would state for it (#domain/invoice/amount-due.ts).
  data.outstanding = Math.max(0, 145_000 - data.invoice.amountPaid);
  data.amountDue = data.outstanding + (data.fees ?? 0) + (data.interest ?? 0) + (data.compensation ?? 0);
  if (data.installment) data.installment.amount = 145_000;
  if (data.payment) data.payment.amount = 100_000;
  return renderEmail(template, SAMPLE_DEBTORS[language].locale, data);
}

describe.each(SUPPORTED_LANGUAGES)("in %s", (language) => {
  describe.each(AUDIENCES)("to a %s", (audience) => {
    it.each(DEBTOR_EMAILS)("%s greets the reader as one greets them in the language", (template) => {
      const email = render(template, language, audience);
      expect(email.text.split("\n\n")[1]).toBe(GREETINGS[language][audience]);
    });

    it.each(TEMPLATE_NAMES)("%s has no doubled dot and groups every amount's thousands", (template) => {
      const email = render(template, language, audience);
      for (const part of [email.subject, email.text]) {
        expect(part).not.toMatch(/[^.]\.\.(?!\.)/);
        // 1450,00 or 1450.00: four digits before the decimals with no group separator (not an
        // account number such as 8601.11.17947).
        expect(part).not.toMatch(/(?<![\d.])\d{4,}[.,]\d{2}(?![\d.])/);
      }
    });

    const forbidden = NOT_FOR[language]?.[audience];
    if (forbidden)
      it.each(HELD_TO_FORM)("%s addresses the reader in the form meant for them", (template) => {
        expect(render(template, language, audience).text).not.toMatch(forbidden);
      });
  });
});

describe("the owner's alert", () => {
  it.each(SUPPORTED_LANGUAGES)("in %s greets the owner, not the debtor", (language) => {
    const email = render("owner_alert", language, "consumer");
    expect(email.text.split("\n\n")[1]).not.toContain(PERSON);
  });
});

describe("the register number in the footer", () => {
  it.each([
    ["NO", "nb", "Org.nr. 923 456 789 MVA"],
    ["NO", "en", "Organisation number (Norway): 923 456 789 MVA"],
    ["NO", "fi", "Rekisterinumero (Norja): 923 456 789 MVA"],
    ["FI", "fi", "Y-tunnus 923 456 789 MVA"],
    ["FI", "sv", "FO-nummer 923 456 789 MVA"],
    ["DK", "da", "CVR-nr. 923 456 789 MVA"],
    ["DE", "de", "Registernummer: 923 456 789 MVA"],
    ["IT", "it", "P.IVA 923 456 789 MVA"],
    ["PL", "pl", "NIP 923 456 789 MVA"],
    ["RU", "ru", "ИНН 923 456 789 MVA"],
  ] as const)("of a tenant in %s reads, in %s, %s", (country, language, line) => {
    // Prepare
    const data = sampleEmail("reminder_1", language);
    data.tenant.country = country;

    // Act
    const email = renderEmail("reminder_1", SAMPLE_DEBTORS[language].locale, data);

    // Assess
    expect(email.text.split("\n")).toContain(line);
  });
});
