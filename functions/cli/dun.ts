/**
 * The `dun` command line (`npx dun …`). Each command is a thin wrapper around a module that
 * does the work, so the same work is reachable from tests without a shell.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { documentClient } from "#adapters/dynamo/client.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { canonicalLocale, SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { TEMPLATE_NAMES, type TemplateName } from "#rendering/email-data.ts";
import { CliError, tableNameOf } from "./command.ts";
import { createKey } from "./keys.ts";
import { writePreview } from "./preview.ts";
import { putTenant } from "./tenant.ts";

function locale(value: string): string {
  const canonical = canonicalLocale(value);
  if (!canonical) throw new InvalidArgumentError(`"${value}" is not a BCP 47 locale such as nb-NO or de`);
  return canonical;
}

/**
 * Runs a command's work; a CliError is the user's to fix, so it is printed alone on stderr with
 * exit code 1, while anything else keeps its stack trace.
 */
async function run(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!(error instanceof CliError)) throw error;
    process.stderr.write(`dun: ${error.message}\n`);
    process.exitCode = 1;
  }
}

/** The tables of --table or TABLE_NAME, reached the way the AWS SDK finds them (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB…). */
function tables(tableOption: string | undefined) {
  const tableName = tableNameOf(tableOption);
  const documents = documentClient();
  return {
    tableName,
    tenants: new TenantTable(documents, tableName),
    apiKeys: new ApiKeyTable(documents, tableName),
  };
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

const tableOption = "the DynamoDB table (default: the TABLE_NAME environment variable)";

program
  .command("keys")
  .description("API keys of the HTTP API")
  .command("create")
  .description("create an API key for a stored tenant; the key is shown once and stored only as a hash")
  .requiredOption("--tenant <id>", "the tenant the key acts for")
  .option("--label <text>", "what the key is for, e.g. accounting export")
  .option("--table <name>", tableOption)
  .action((options: { tenant: string; label?: string; table?: string }) =>
    run(() =>
      createKey(
        { ...tables(options.table), out: process.stdout, now: () => new Date() },
        { tenantId: options.tenant, label: options.label },
      ),
    ),
  );

program
  .command("tenant")
  .description("tenants: who sends, how debtors pay, and the dunning policy")
  .command("put")
  .description("store a new tenant from a JSON file checked against the tenant schema; prints its id")
  .argument("<file>", "the tenant as JSON")
  .option("--table <name>", tableOption)
  .action((file: string, options: { table?: string }) =>
    run(() => putTenant({ ...tables(options.table), out: process.stdout }, file)),
  );

await program.parseAsync();
