/**
 * Where a reminder is rendered. Takes a template, the debtor's locale and the email's data, and
 * returns the subject, the HTML part and the plain-text part. Only the Handlebars runtime runs
 * here: the templates were compiled from MJML at build time (templates/build.ts).
 */
import type HandlebarsApi from "handlebars";
import HandlebarsRuntime from "handlebars/runtime.js";
import type { EmailData, RenderedEmail, TemplateName } from "./email-data.ts";
import { htmlTemplates, textTemplate } from "./generated/templates.js";
import { type EmailTemplates, renderWith } from "./render-with.ts";
import type { EmailView } from "./view-model.ts";

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

const PRECOMPILED: EmailTemplates = { html: templateFor, text: () => templateFor("text") };

/** Renders one email from the precompiled templates (see render-with.ts for what is checked). */
export function renderEmail(
  template: TemplateName,
  locale: string | undefined,
  input: EmailData,
): RenderedEmail {
  return renderWith(PRECOMPILED, template, locale, input);
}
