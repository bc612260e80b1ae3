import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { TEMPLATE_NAMES } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";

// What an email may load or link to: the tenant's own logo, payment page and invoice page. Anything
// else a mail client fetches (a web font, a tracking pixel) tells a third party the reader's IP.
const LOGO = "https://cdn.nordlys.example/logo.png";
const PAY = "https://pay.example/2026-1001";
const INVOICE = "https://app.nordlys.example/invoices/2026-1001";
const OWN_HOSTS = new Set([LOGO, PAY, INVOICE].map((url) => new URL(url).host));

/** Every address the HTML points at, in attributes and in CSS. */
function addressesIn(html: string): string[] {
  const attributes = [...html.matchAll(/\b(?:src|href|background)\s*=\s*["']?([^"'\s>]*)/gi)];
  const css = [...html.matchAll(/url\(\s*["']?([^"')\s]*)/gi)];
  return [...attributes, ...css].map((match) => match[1] ?? "");
}

describe.each(SUPPORTED_LANGUAGES)("the HTML of every email in %s", (language) => {
  it.each(TEMPLATE_NAMES)("%s loads nothing and links nowhere but the tenant's own pages", (template) => {
    // Prepare
    const data = sampleEmail(template, language);
    data.tenant.logoUrl = LOGO;
    data.invoice.paymentUrl = PAY;
    if (data.alert) data.alert.invoiceUrl = INVOICE;

    // Act
    const { html } = renderEmail(template, SAMPLE_DEBTORS[language].locale, data);

    // Assess
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import/i);
    expect(html).toContain(`src="${LOGO}"`);
    for (const address of addressesIn(html)) {
      const url = new URL(address, "invalid:/");
      if (url.protocol === "mailto:") continue;
      expect(url.protocol, address).toBe("https:");
      expect(OWN_HOSTS, address).toContain(url.host);
    }
  });
});
