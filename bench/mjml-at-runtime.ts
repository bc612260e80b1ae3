/**
 * The rendering bench's baseline: the same emails with MJML run when the sender runs, as a sender
 * without a build step would do it well — each template through MJML and the Handlebars compiler
 * once, on first use, and kept. Everything else (data checks, language, view, text clean-up) is
 * render-with.ts, as for the precompiled path, so the two differ only in where templates come from.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import Handlebars from "handlebars";
import type { TemplateName } from "#rendering/email-data.ts";
import type { EmailTemplates } from "#rendering/render-with.ts";
import type { EmailView } from "#rendering/view-model.ts";
import { compileMjmlFile } from "../templates/build.ts";

type Compiled = (view: EmailView) => string;

/**
 * `names` compiled from the MJML in `emailsDirectory` (templates/emails, shipped beside the code),
 * with the options the build precompiles them with, so the HTML comes out byte for byte the same.
 */
export async function mjmlTemplates(
  emailsDirectory: string,
  names: readonly TemplateName[],
): Promise<EmailTemplates> {
  const html = new Map<TemplateName, Compiled>();
  for (const name of names) {
    const source = await compileMjmlFile(path.join(emailsDirectory, `${name}.mjml`), emailsDirectory);
    html.set(name, Handlebars.compile(source, { strict: true }));
  }
  const text: Compiled = Handlebars.compile(
    await readFile(path.join(emailsDirectory, "text/email.txt.hbs"), "utf8"),
    { strict: true, noEscape: true },
  );
  return {
    html: (name) => {
      const template = html.get(name);
      if (!template) throw new RangeError(`${name} was not compiled: pass it to mjmlTemplates`);
      return template;
    },
    text: () => text,
  };
}
