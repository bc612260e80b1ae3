import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { TEMPLATE_NAMES } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";

const normaliseSpaces = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe.each(SUPPORTED_LANGUAGES)("every email in %s", (language) => {
  it.each(TEMPLATE_NAMES)("%s renders whole: subject, HTML and text", (template) => {
    // Act
    const email = renderEmail(template, SAMPLE_DEBTORS[language].locale, sampleEmail(template, language));

    // Assess
    expect(email.language).toBe(language);
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.subject).not.toMatch(/[\r\n]/);
    for (const part of [email.subject, email.html, email.text]) {
      expect(part).not.toMatch(/\{\{|\}\}|undefined|NaN|\[object Object\]/);
    }
    expect(email.html).toContain(`lang="${language}"`);
    expect(email.text.length).toBeGreaterThan(200);
  });
});

describe("the tenant's identity in every email", () => {
  it("carries the brand colour, the logo, and the legal footer in both parts", () => {
    // Prepare
    const data = sampleEmail("reminder_1", "en");
    data.tenant.brandColor = "#7c3aed";
    data.tenant.logoUrl = "https://cdn.example/nordlys.png";

    // Act
    const email = renderEmail("reminder_1", "en-GB", data);

    // Assess
    expect(email.html).toContain("#7c3aed");
    expect(email.html).toContain('src="https://cdn.example/nordlys.png"');
    for (const part of [email.html, email.text]) {
      expect(part).toContain("Nordlys Regnskap AS");
      expect(part).toContain("923 456 789 MVA");
      expect(part).toContain("Storgata 1, 0155 Oslo, Norway");
    }
  });

  it("shows the tenant's name where there is no logo", () => {
    const email = renderEmail("reminder_1", "en-GB", sampleEmail("reminder_1", "en"));
    expect(email.html).not.toContain("<img");
    expect(email.html).toContain("Nordlys Regnskap</div>");
  });
});

describe("user text in an email", () => {
  const hostile = "<img src=x onerror=alert(1)> {{tenant.secret}}";

  it("comes out escaped and inert in both parts", () => {
    // Prepare
    const data = sampleEmail("reminder_1", "en");
    // A person, so that the greeting names them.
    data.customer.type = "consumer";
    data.customer.name = hostile;
    data.invoice.paymentUrl = 'https://pay.example/x" onmouseover="alert(1)';

    // Act
    const email = renderEmail("reminder_1", "en-GB", data);

    // Assess
    expect(email.html).not.toContain("<img src=x");
    expect(email.html).toContain("&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt; {{tenant.secret}}");
    expect(email.html).not.toContain('" onmouseover="');
    // Plain text is never interpreted as markup, and Handlebars never evaluates data as a template.
    expect(email.text).toContain(`Dear ${hostile},`);
  });

  it("cannot break a subject line into a new mail header", () => {
    const data = sampleEmail("owner_alert", "en");
    data.customer.name = "Evil Ltd\r\nBcc: victim@example.com";
    const email = renderEmail("owner_alert", "en", data);
    expect(email.subject).toBe("Email to Evil Ltd Bcc: victim@example.com bounced");
  });
});

describe("numbers, amounts and dates follow the debtor's locale", () => {
  it.each([
    ["nb", "nb-NO", "1 234,50 kr", "16. november 2026"],
    ["da", "da-DK", "1.234,50 kr.", "16. november 2026"],
    ["de", "de-DE", "1.234,50 €", "16. November 2026"],
    ["fr", "fr-FR", "1 234,50 €", "16 novembre 2026"],
    ["en", "en-US", "£1,234.50", "November 16, 2026"],
  ] as const)("%s (%s): %s and %s", (language, locale, amount, date) => {
    // Prepare
    const data = sampleEmail("reminder_1", language);
    data.invoice.amount = 123_450;

    // Act
    const email = renderEmail("reminder_1", locale, data);

    // Assess
    expect(normaliseSpaces(email.text)).toContain(amount);
    expect(normaliseSpaces(email.text)).toContain(date);
  });
});

describe("the language chosen", () => {
  it.each([
    ["nb-NO", undefined, "nb"],
    ["no", undefined, "nb"],
    ["pt-BR", "de", "de"],
    ["pt-BR", undefined, "en"],
  ] as const)("locale %s with tenant default %s writes %s", (locale, tenantDefault, language) => {
    const data = sampleEmail("courtesy", "en");
    if (tenantDefault) data.tenant.defaultLanguage = tenantDefault;
    expect(renderEmail("courtesy", locale, data).language).toBe(language);
  });
});

describe("country wording", () => {
  it("a Norwegian final notice is an inkassovarsel with its 14-day deadline", () => {
    const email = renderEmail("final_notice", "nb-NO", sampleEmail("final_notice", "nb"));
    expect(email.text.toLowerCase()).toContain("inkassovarsel");
    expect(email.text).toContain("14");
    expect(email.text).toContain("§ 9");
  });

  it("an English-speaking debtor in Norway gets the inkassovarsel in English", () => {
    const data = sampleEmail("final_notice", "en");
    data.customer.country = "NO";
    const email = renderEmail("final_notice", "en-GB", data);
    expect(email.text).toContain("inkassoloven");
  });

  it("a Danish reminder with a fee names the rykkergebyr and renteloven § 9 b", () => {
    const data = { ...sampleEmail("reminder_2", "da"), stageFee: 3500 };
    const email = renderEmail("reminder_2", "da-DK", data);
    expect(email.text.toLowerCase()).toContain("rykkergebyr");
    expect(email.text).toContain("9 b");
  });

  it("an Italian final notice to a business is a costituzione in mora with interest under D.Lgs. 231/2002", () => {
    const email = renderEmail("final_notice", "it-IT", sampleEmail("final_notice", "it"));
    expect(email.text).toContain("231/2002");
    expect(email.text).toContain("costituzione in mora ai sensi dell’art. 1219 c.c.");
    expect(email.text.toLowerCase()).not.toContain("diffida");
  });
});

describe("stage by stage", () => {
  it("early emails say to ignore them if already paid; the collection notice does not ask for payment", () => {
    for (const template of ["courtesy", "reminder_1", "reminder_2", "final_notice"] as const) {
      expect(renderEmail(template, "en-GB", sampleEmail(template, "en")).text).toContain("already paid");
    }
    const collection = renderEmail("collection", "en-GB", sampleEmail("collection", "en"));
    expect(collection.text).not.toContain("Pay online");
  });

  it("the courtesy note shows the early-payment discount", () => {
    const email = renderEmail("courtesy", "en-GB", sampleEmail("courtesy", "en"));
    expect(email.text).toContain("2%");
    expect(email.text).toContain("£12,250.00");
  });

  it("an email that needs data it was not given says which", () => {
    const { installment: _missing, ...data } = sampleEmail("payment_plan_installment", "en");
    expect(() => renderEmail("payment_plan_installment", "en", data)).toThrow(
      "the payment_plan_installment email needs data.installment",
    );
  });
});
