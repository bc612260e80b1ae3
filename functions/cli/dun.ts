/**
 * The `dun` command line (`npx dun …`). Each command is a thin wrapper around a module that
 * does the work, so the same work is reachable from tests without a shell.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { canonicalLocale, SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { TEMPLATE_NAMES, type TemplateName } from "#rendering/email-data.ts";
import { writePreview } from "./preview.ts";

function locale(value: string): string {
  const canonical = canonicalLocale(value);
  if (!canonical) throw new InvalidArgumentError(`"${value}" is not a BCP 47 locale such as nb-NO or de`);
  return canonical;
}

const program = new Command("dun")
  .description("dun: multilingual invoice dunning on AWS serverless")
  .showHelpAfterError();

program
  .command("preview")
  .description(
    `write one email as HTML, text and (where Chromium is installed) PNG; languages: ${SUPPORTED_LANGUAGES.join(", ")}`,
  )
  .addOption(
    new Option("--stage <stage>", "the email to render").choices(TEMPLATE_NAMES).makeOptionMandatory(),
  )
  .requiredOption("--locale <locale>", "the debtor's locale, e.g. nb-NO", locale)
  .option("--out <dir>", "where to write the files", "preview")
  .action(async (options: { stage: TemplateName; locale: string; out: string }) => {
    const files = await writePreview(options.stage, options.locale, options.out);
    process.stdout.write(`Subject: ${files.subject}\n`);
    for (const file of [files.html, files.text, files.png]) if (file) process.stdout.write(`wrote ${file}\n`);
    if (!files.png)
      process.stdout.write("no PNG: Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)\n");
  });

await program.parseAsync();
