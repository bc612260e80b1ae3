/**
 * Rendering one email, whatever compiled its templates: the data checked, the language chosen, the
 * view built, the HTML and text templates filled. The Lambdas fill templates precompiled at build
 * time (render-email.ts); the rendering bench fills the same view through MJML compiled at run
 * time, so that the two differ in where the template functions come from and in nothing else.
 */
import { canonicalLocale, catalogLanguageOf, resolveLanguage } from "#domain/locale/locale.ts";
import { translatorFor } from "./catalog.ts";
import { type EmailData, EmailDataSchema, type RenderedEmail, type TemplateName } from "./email-data.ts";
import { buildView, type EmailView } from "./view-model.ts";

/** The compiled templates a renderer fills: one HTML template per email, one text template for all. */
export type EmailTemplates = {
  html(template: TemplateName): (view: EmailView) => string;
  text(): (view: EmailView) => string;
};

const formattingLocales = new Map<string, string>();

/**
 * The locale numbers and dates are written in. The debtor's own, region and all (de-AT, fr-CH),
 * when it asks for the language the email is written in; "nn-NO" and "no-NO" read Bokmål, so they
 * get nb-NO. A locale whose language dun does not write falls back whole: a pt-PT debtor who
 * reads English reads English numbers and dates too, not Portuguese ones among English words.
 */
function formattingLocale(locale: string | undefined, language: string): string {
  const key = `${locale ?? ""}\u0000${language}`;
  let found = formattingLocales.get(key);
  if (found === undefined) {
    const canonical = locale && canonicalLocale(locale);
    found =
      canonical && catalogLanguageOf(canonical) === language
        ? new Intl.Locale(canonical, { language }).toString()
        : language;
    if (formattingLocales.size < 10_000) formattingLocales.set(key, found);
  }
  return found;
}

/**
 * The part of the data that some emails cannot be written without: a reminder that asks for payment
 * by a date is given the date, never left to fall back on another.
 */
const REQUIRED: Partial<Record<TemplateName, "installment" | "payment" | "alert" | "deadline">> = {
  reminder_2: "deadline",
  final_notice: "deadline",
  payment_plan_installment: "installment",
  payment_received: "payment",
  owner_alert: "alert",
};

/**
 * Renders one email with `templates`. Data that does not fit the schema is a bug in the caller, not
 * user input (users never hand the renderer data directly), so it throws rather than returns an error.
 */
export function renderWith(
  templates: EmailTemplates,
  template: TemplateName,
  locale: string | undefined,
  input: EmailData,
): RenderedEmail {
  const data = EmailDataSchema.parse(input);
  const required = REQUIRED[template];
  if (required && data[required] === undefined)
    throw new RangeError(`the ${template} email needs data.${required}`);
  const language = resolveLanguage(locale, data.tenant.defaultLanguage);
  const view = buildView(
    template,
    data,
    translatorFor(language),
    language,
    formattingLocale(locale, language),
  );
  return {
    subject: view.subject,
    html: templates.html(template)(view),
    text: `${templates
      .text()(view)
      .replace(/\n{3,}/g, "\n\n")
      .trim()}\n`,
    language,
  };
}
