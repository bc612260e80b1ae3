/**
 * `npm run build:templates`: compiles every email once, at build time, so that sending never
 * runs MJML (milliseconds and megabytes per email) — only the Handlebars runtime (microseconds).
 *
 *   templates/emails/<name>.mjml ──mjml (strict)──▶ HTML with {{placeholders}} ──Handlebars.precompile──▶
 *   functions/rendering/generated/templates.js, with the text template; the catalogs go to
 *   functions/rendering/generated/catalogs.js.
 *
 * Both are written small (a Lambda bundle's budget is 500 kB): the markup of every template is one
 * table of distinct strings, the messages are parsed here into ICU syntax trees so that no Lambda
 * carries the parser, and the table and the catalogs are packed (functions/domain/packed-json.ts),
 * every language's catalog in one stream, since they share their keys and much of their wording —
 * what renders is byte for byte what it was.
 *
 * A template that MJML rejects fails the build, naming the file and the line.
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { MessageFormatElement } from "@formatjs/icu-messageformat-parser";
import Handlebars from "handlebars";
import { IntlMessageFormat } from "intl-messageformat";
import mjml2html from "mjml";
import { packJson, packJsonTexts } from "#domain/packed-json.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const emails = path.join(here, "emails");
const generated = path.resolve(here, "../functions/rendering/generated");
const out = path.join(generated, "templates.js");
const catalogsOut = path.join(generated, "catalogs.js");

/**
 * MJML validates colour attributes, so the templates carry this stand-in for the tenant's brand
 * colour, and the compiled HTML gets the Handlebars expression in its place.
 */
export const BRAND_COLOR_STAND_IN = "#010203";

/** One MJML file to HTML with Handlebars placeholders; `includeRoot` bounds what mj-include may read. */
export async function compileMjmlFile(file: string, includeRoot: string): Promise<string> {
  const rejected = (details: string) =>
    new Error(`MJML rejected ${path.relative(process.cwd(), file)}:\n${details}`);
  // Strict validation throws on the first broken template; other failures come back as errors.
  const { html, errors } = await mjml2html(await readFile(file, "utf8"), {
    filePath: file,
    validationLevel: "strict",
    keepComments: false,
    // MJML 5 ignores mj-include unless asked, and then only below the folder it is given.
    ignoreIncludes: false,
    includePath: includeRoot,
    // MJML links Google Fonts for any font of its default list named in the stack (Roboto here):
    // every reader's mail client would then tell Google their IP address. The stack is system
    // fonts, so nothing is loaded from anywhere.
    fonts: {},
  }).catch((error: Error) => {
    throw rejected(error.message.trim());
  });
  if (errors.length > 0)
    throw rejected(errors.map((e) => `  ${e.tagName} line ${e.line}: ${e.message}`).join("\n"));
  const name = path.basename(file);
  if (!html.includes(BRAND_COLOR_STAND_IN)) throw new Error(`${name} never uses the brand colour`);
  // MJML writes lang="und" unless told; the language is only known at send time.
  if (!html.includes('<html lang="und"')) throw new Error(`${name}: MJML no longer writes <html lang="und">`);
  const remote = html.match(/<link\b[^>]*>|@import[^;]*;?/i);
  if (remote) throw new Error(`${name} loads a resource from elsewhere: ${remote[0]}`);
  return (
    html
      .replaceAll(BRAND_COLOR_STAND_IN, "{{brandColor}}")
      .replace('<html lang="und"', '<html lang="{{lang}}"')
      // Indentation is a third of MJML's output and means nothing to a mail client (no <pre> here).
      .replace(/\n\s+/g, "\n")
  );
}

function precompile(source: string, options: { text: boolean }): string {
  // strict: a placeholder the data does not have is an error, not an empty string in an email.
  return Handlebars.precompile(source, { strict: true, noEscape: options.text }) as string;
}

// A string literal as Handlebars.precompile writes one (JSON-quoted), long enough to be markup:
// property names and helper names in the compiled code are all far shorter.
const MARKUP_LITERAL = /"(?:[^"\\\n]|\\.)*"/g;
const MARKUP_MIN_LENGTH = 40;

/**
 * The compiled templates with their markup moved into one table of distinct strings: the layouts
 * share most of their markup (the head, the header, the footer), which is written once, and the
 * compiled code reads `markup[i]` where it had the literal.
 */
function withMarkupTable(specs: readonly string[]): { specs: string[]; markup: string[] } {
  const markup: string[] = [];
  const index = new Map<string, number>();
  const rewritten = specs.map((spec) =>
    spec.replace(MARKUP_LITERAL, (literal) => {
      if (literal.length < MARKUP_MIN_LENGTH) return literal;
      let at = index.get(literal);
      if (at === undefined) {
        at = markup.push(JSON.parse(literal) as string) - 1;
        index.set(literal, at);
      }
      return `markup[${at}]`;
    }),
  );
  return { specs: rewritten, markup };
}

export async function buildTemplates(): Promise<string[]> {
  const names = (await readdir(emails))
    .filter((f) => f.endsWith(".mjml"))
    .map((f) => f.slice(0, -".mjml".length));
  // Emails whose layouts come out the same (they differ in what the view model says, not in
  // where) share one compiled template: each is a third of a Lambda bundle's budget otherwise.
  const layouts = new Map<string, string>();
  const html: string[] = [];
  for (const name of names.sort()) {
    const compiled = precompile(await compileMjmlFile(path.join(emails, `${name}.mjml`), emails), {
      text: false,
    });
    let layout = layouts.get(compiled);
    if (!layout) {
      layout = `layout${layouts.size}`;
      layouts.set(compiled, layout);
    }
    html.push(`  ${JSON.stringify(name)}: ${layout},`);
  }
  const text = precompile(await readFile(path.join(emails, "text/email.txt.hbs"), "utf8"), { text: true });
  const { specs, markup } = withMarkupTable([...layouts.keys(), text]);
  const textSpec = specs.pop();
  const layoutConstants = [...layouts.values()].map((layout, at) => `const ${layout} = ${specs[at]};`);

  const messagesDir = path.join(here, "messages");
  const catalogs: Record<string, Record<string, MessageFormatElement[]>> = {};
  for (const file of (await readdir(messagesDir)).filter((f) => f.endsWith(".json")).sort()) {
    const language = file.slice(0, -".json".length);
    const messages: Record<string, string> = JSON.parse(await readFile(path.join(messagesDir, file), "utf8"));
    catalogs[language] = parsedMessages(messages, language);
  }

  const templatesModule = [
    "// Generated by templates/build.ts from templates/emails. Do not edit.",
    'import { unpackJson } from "#domain/packed-json.ts";',
    // Kept here as well, so that what reads the catalogs from here keeps working.
    'export { catalogs } from "./catalogs.js";',
    `const markup = unpackJson(${JSON.stringify(packJson(markup))});`,
    ...layoutConstants,
    `export const htmlTemplates = {\n${html.join("\n")}\n};`,
    `export const textTemplate = ${textSpec};`,
    "",
  ].join("\n");
  const catalogsModule = [
    "// Generated by templates/build.ts from templates/messages. Do not edit.",
    'import { unpackedTogetherOnRead } from "#domain/packed-json.ts";',
    `export const catalogs = unpackedTogetherOnRead(${JSON.stringify(Object.keys(catalogs))}, ${JSON.stringify(packJsonTexts(catalogs))});`,
    "",
  ].join("\n");
  await mkdir(generated, { recursive: true });
  await writeFile(out, templatesModule);
  await writeFile(catalogsOut, catalogsModule);
  return names;
}

/**
 * Each message as the syntax tree IntlMessageFormat parses it into for its language, so that the
 * Lambdas format trees and never parse: their bundles leave the ICU parser out (infra/bundling.ts).
 * The tree is the one the constructor builds itself, with the same options and locale, so what a
 * message formats to is what it formatted to from its text.
 */
function parsedMessages(messages: Record<string, string>, language: string) {
  return Object.fromEntries(
    Object.entries(messages).map(([key, message]) => {
      try {
        return [key, new IntlMessageFormat(message, language).getAst()];
      } catch (error) {
        throw new Error(
          `templates/messages/${language}.json: ${key} is not an ICU message: ${String(error)}`,
        );
      }
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const names = await buildTemplates();
  process.stdout.write(
    `templates: compiled ${names.length} emails into ${path.relative(process.cwd(), out)}\n`,
  );
}
