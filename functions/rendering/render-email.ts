/**
 * Where a reminder is rendered. Takes a template, the debtor's locale and the email's data, and
 * returns the subject, the HTML part and the plain-text part. Only the Handlebars runtime runs
 * here: the templates were compiled from MJML at build time (templates/build.ts).
 */
import type HandlebarsApi from "handlebars";
import HandlebarsRuntime from "handlebars/runtime.js";
import { canonicalLocale, catalogLanguageOf, resolveLanguage } from "#domain/locale/locale.ts";
import { translatorFor } from "./catalog.ts";
import { type EmailData, EmailDataSchema, type RenderedEmail, type TemplateName } from "./email-data.ts";
import { htmlTemplates, textTemplate } from "./generated/templates.js";
import { buildView, type EmailView } from "./view-model.ts";

// The runtime's own typings declare nothing; it is the same API as the full package, minus the compiler.
const Handlebars = HandlebarsRuntime as unknown as typeof HandlebarsApi;

type Compiled = (view: EmailView) => string;
const compiled = new Map<string, Compiled>();

function templateFor(name: string): Compiled {
  let template = compiled.get(name);
  if (!template) {
    const spec = name === "text" ? textTemplate : htmlTemplates[name];
    if (!spec) throw new RangeError(`no compiled template ${name}: run npm run build:templates`);
    template = Handlebars.template(spec);
    compiled.set(name, template);
  }
  return template;
}

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
 * Renders one email. Data that does not fit the schema is a bug in the caller, not user input
 * (users never hand the renderer data directly), so it throws rather than returns an error.
 */
export function renderEmail(
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
    html: templateFor(template)(view),
    text: `${templateFor("text")(view)
      .replace(/\n{3,}/g, "\n\n")
      .trim()}\n`,
    language,
  };
}
