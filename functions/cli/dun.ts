/**
 * The `dun` command line (`npx dun …`). Each command is a thin wrapper around a module that
 * does the work, so the same work is reachable from tests without a shell. docs/CLI.md is its manual.
 */
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SchedulerClient } from "@aws-sdk/client-scheduler";
import { SQSClient } from "@aws-sdk/client-sqs";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { documentClient } from "#adapters/dynamo/client.ts";
import { moveInvoiceKeys } from "#adapters/dynamo/invoice-key-move.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { MAX_SYNC_UPLOAD_ROWS } from "#api/sync-upload-limit.ts";
import { canonicalLocale, SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { INVOICE_STATES } from "#domain/vocabulary.ts";
import { TEMPLATE_NAMES, type TemplateName } from "#rendering/email-data.ts";
import { showAging } from "./aging.ts";
import { DunApi } from "./api-client.ts";
import { apiLocationOf, findApi, type LocateOptions } from "./api-location.ts";
import { advanceClock, showClock } from "./clock.ts";
import { EXIT, type Terminal, tableNameOf, UsageError, writeJson } from "./command.ts";
import { listCustomers } from "./customers.ts";
import { DEFAULT_API_PORT, DEFAULT_SES_PORT, runDev } from "./dev.ts";
import { dispatchTargetOf, setLocalDispatch, setScheduleState } from "./dispatch.ts";
import { listInvoices, showStatus } from "./invoices.ts";
import { createKey, createLocalKey, keyTargetOf } from "./keys.ts";
import { LOCAL_DIR } from "./local-file.ts";
import {
  previewInvoice,
  previewSourceOf,
  writeFilesWritten,
  writeInvoicePreview,
  writePreview,
} from "./preview.ts";
import {
  deadLetterQueueArnOf,
  moveDeadLetters,
  REDRIVE_ENV,
  replayTicks,
  showMoveStatus,
  tickRedriveOf,
} from "./redrive.ts";
import { runCommand } from "./run.ts";
import { putTenant } from "./tenant.ts";
import { rebuildTotals } from "./totals.ts";
import { type UploadFormat, uploadFile } from "./upload.ts";
import { DEFAULT_LIMITS } from "./upload-plan.ts";

type GlobalOptions = LocateOptions & { json?: boolean };

/** Runs a command's work with stdout and stderr, and exits with the code it ends with (see command.ts EXIT). */
async function run(command: Command, work: (terminal: Terminal) => Promise<unknown>): Promise<void> {
  const terminal: Terminal = {
    out: process.stdout,
    err: process.stderr,
    json: command.optsWithGlobals<GlobalOptions>().json === true,
  };
  process.exitCode = await runCommand(terminal, () => work(terminal));
}

/** The API of --api/--key, DUN_API_URL/DUN_API_KEY or local mode's .dun/local.json. */
async function apiOf(command: Command): Promise<DunApi> {
  return new DunApi(await apiLocationOf(command.optsWithGlobals<GlobalOptions>()));
}

/** The tables of --table or TABLE_NAME, reached the way the AWS SDK finds them (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB…). */
function tables(tableOption: string | undefined) {
  const tableName = tableNameOf(tableOption);
  const documents = documentClient();
  return {
    tableName,
    tenants: new TenantTable(documents, tableName),
    apiKeys: new ApiKeyTable(documents, tableName),
    invoices: invoiceTable(documents, tableName),
  };
}

function locale(value: string): string {
  const canonical = canonicalLocale(value);
  if (!canonical) throw new InvalidArgumentError(`"${value}" is not a BCP 47 locale such as nb-NO or de`);
  return canonical;
}

function instant(value: string): Date {
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(at.getTime())) {
    throw new InvalidArgumentError(`"${value}" is not an ISO 8601 time such as 2026-11-23T08:00:00Z`);
  }
  return at;
}

function wholeNumber(min: number, max: number) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\d+$/.test(value) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a whole number from ${min} to ${max}`);
    }
    return number;
  };
}

const EXIT_CODES_HELP = `
Where the API is: --api URL --key KEY, else DUN_API_URL and DUN_API_KEY, else the
.dun/local.json that local mode (npm start) writes in the directory it runs in.

Exit codes:
  0  done
  1  failed: a file that cannot be read, an invoice or tenant not stored, no email to
     preview, or an unexpected error
  2  usage: the command line is wrong (an unknown option, a missing or unreadable value)
  3  refused: the API (or AWS) refused the request, or an upload had rows rejected
  4  unreachable: the API could not be reached

docs/CLI.md describes every command.`;

const program = new Command("dun")
  .description("dun: multilingual invoice dunning on AWS serverless")
  .option("--api <url>", "the dun API (default: DUN_API_URL, else local mode's .dun/local.json)")
  .option("--key <key>", "its API key (default: DUN_API_KEY, else local mode's)")
  .option("--json", "machine-readable output: one JSON document on stdout, nothing else there")
  .addHelpText("after", EXIT_CODES_HELP)
  .showHelpAfterError()
  // Set before the commands are added, so that they inherit it: usage errors exit with 2, not commander's 1.
  .exitOverride();

program
  .command("dev")
  .description(
    "local mode (npm start): DynamoDB, the SES inbox, the HTTP API and the dispatcher on this machine",
  )
  .option(
    "--port <port>",
    `the HTTP API's port; 0 picks a free one`,
    wholeNumber(0, 65_535),
    DEFAULT_API_PORT,
  )
  .option(
    "--ses-port <port>",
    "the SES inbox's port; 0 picks a free one",
    wholeNumber(0, 65_535),
    DEFAULT_SES_PORT,
  )
  .option(
    "--speed <factor>",
    "simulated seconds per real second (86400: a day a second; 0: only `clock advance` moves it)",
    wholeNumber(0, 31_536_000),
    1,
  )
  .option("--start <time>", "where the clock starts, an ISO 8601 time (default: now)", instant)
  .option("--persist", `keep the data in ${LOCAL_DIR}/data between runs`, false)
  .action((options: { port: number; sesPort: number; speed: number; start?: Date; persist: boolean }) =>
    // Not through run(): local mode runs until Ctrl-C or SIGTERM, and ends the process itself.
    runDev(options),
  );

program
  .command("upload")
  .description("upload invoices from a CSV or JSON file; big files go up in chunks, with progress on stderr")
  .argument("<file>", "a .csv file (docs/CSV.md) or a .json file of one invoice or an array of them")
  .addOption(
    new Option("--format <format>", "what the file holds, when its name does not say").choices([
      "csv",
      "json",
    ]),
  )
  .option(
    "--chunk-size <invoices>",
    `invoices per request (default ${DEFAULT_LIMITS.rowsPerChunk})`,
    wholeNumber(1, MAX_SYNC_UPLOAD_ROWS),
  )
  .action((file: string, options: { format?: UploadFormat; chunkSize?: number }, command: Command) =>
    run(command, async (terminal) =>
      uploadFile(
        {
          api: await apiOf(command),
          terminal,
          limits: { ...DEFAULT_LIMITS, rowsPerChunk: options.chunkSize ?? DEFAULT_LIMITS.rowsPerChunk },
        },
        file,
        { format: options.format },
      ),
    ),
  );

program
  .command("status")
  .description("one invoice: its state and stage, what is due, what dun does next and when, and its timeline")
  .argument("<invoice-number>", "the invoice number, as uploaded")
  .action((invoiceNumber: string, _options: unknown, command: Command) =>
    run(command, async (terminal) => showStatus({ api: await apiOf(command), terminal }, invoiceNumber)),
  );

program
  .command("list")
  .description("a table of invoices, all pages of them")
  .option("--overdue", "only invoices past their due date and not settled")
  .addOption(new Option("--status <state>", "only invoices in this state").choices(INVOICE_STATES))
  .option("--page-size <n>", "invoices per request (1-1000)", wholeNumber(1, 1000), 1000)
  .action((options: { overdue?: boolean; status?: string; pageSize: number }, command: Command) =>
    run(command, async (terminal) => listInvoices({ api: await apiOf(command), terminal }, options)),
  );

program
  .command("customers")
  .description(
    "the customers (by customer id) and their credit hold: stop delivering on credit while it stands",
  )
  .option("--on-hold", "only customers on credit hold")
  .action((options: { onHold?: boolean }, command: Command) =>
    run(command, async (terminal) => listCustomers({ api: await apiOf(command), terminal }, options)),
  );

program
  .command("aging")
  .description("what is still owed, per currency, by days overdue: current, 1-30, 31-60, 61-90, 90+")
  .action((_options: unknown, command: Command) =>
    run(command, async (terminal) => showAging({ api: await apiOf(command), terminal })),
  );

const clock = program
  .command("clock")
  .description("local mode's simulated clock: show it, or advance it and run every tick in between")
  .action((_options: unknown, command: Command) =>
    run(command, async (terminal) => showClock({ api: await apiOf(command), terminal })),
  );
clock
  .command("show")
  .description("the local clock's time and speed")
  .action((_options: unknown, command: Command) =>
    run(command, async (terminal) => showClock({ api: await apiOf(command), terminal })),
  );
clock
  .command("advance")
  .description("move the local clock forward; the reminders that fall due meanwhile are sent")
  .argument("[duration]", "how far: 14d, 36h or 90m")
  .option("--to <instant>", "to this instant instead, e.g. 2027-01-10T09:00:00Z")
  .action((duration: string | undefined, options: { to?: string }, command: Command) =>
    run(command, async (terminal) =>
      advanceClock({ api: await apiOf(command), terminal }, { duration, to: options.to }),
    ),
  );

const dispatch = program
  .command("dispatch")
  .description("the kill switch: pause or resume the dispatcher tick that sends reminders");
for (const [name, paused] of [
  ["pause", true],
  ["resume", false],
] as const) {
  dispatch
    .command(name)
    .description(
      paused
        ? "stop sending reminders: the tick stops, invoices keep their place on the ladder"
        : "send reminders again: what fell due goes out at the next tick",
    )
    .option("--aws", "the deployed stack's EventBridge Scheduler schedule, even when the API is local")
    .option("--schedule <name>", "the dispatcher's schedule (default: DUN_SCHEDULE_NAME); implies --aws")
    .option("--schedule-group <name>", "its schedule group (default: DUN_SCHEDULE_GROUP, else default)")
    .action((options: { aws?: boolean; schedule?: string; scheduleGroup?: string }, command: Command) =>
      run(command, async (terminal) => {
        const location = await findApi(command.optsWithGlobals<GlobalOptions>());
        const target = dispatchTargetOf(options, location);
        if (target.kind === "local")
          return setLocalDispatch({ api: new DunApi(target.location), terminal }, paused);
        return setScheduleState({ scheduler: new SchedulerClient({}), terminal }, target, paused);
      }),
    );
}

const REDRIVE_HELP = `
Each dead-letter queue alarms on its first message (docs/DEPLOY.md, "When an alarm fires"): read
the message and the Lambda's log, fix the cause, then redrive. The queues are the stack's outputs:
  send    SendDeadLetterQueueArn     --dlq-arn or ${REDRIVE_ENV.send}
  events  EventsDeadLetterQueueArn   --dlq-arn or ${REDRIVE_ENV.events}
  tick    TickDeadLetterQueueUrl     --dlq-url or ${REDRIVE_ENV.tick}
          DispatcherFunctionName     --function or ${REDRIVE_ENV.dispatcher}
AWS credentials and region as for the AWS CLI (AWS_PROFILE, AWS_REGION).`;

const redrive = program
  .command("redrive")
  .description("replay what failed every retry, from a deployed stack's dead-letter queues")
  .addHelpText("after", REDRIVE_HELP);
for (const [queue, what] of [
  ["send", "reminders the sender gave up on"],
  ["events", "SES events the events Lambda gave up on"],
] as const) {
  redrive
    .command(queue)
    .description(`move the ${what} back to the ${queue} queue (SQS's dead-letter queue redrive)`)
    .option("--dlq-arn <arn>", `the ${queue} dead-letter queue's ARN (default: ${REDRIVE_ENV[queue]})`)
    .option(
      "--rate <messages>",
      "messages moved a second, 1-500 (default: as fast as SQS goes)",
      wholeNumber(1, 500),
    )
    .option("--status", "show how far the latest redrive got instead of starting one")
    .addHelpText("after", REDRIVE_HELP)
    .action((options: { dlqArn?: string; rate?: number; status?: boolean }, command: Command) =>
      run(command, async (terminal) => {
        const arn = deadLetterQueueArnOf(queue, options.dlqArn);
        const deps = { sqs: new SQSClient({}), terminal };
        if (options.status) return showMoveStatus(deps, queue, arn);
        return moveDeadLetters(deps, queue, arn, options.rate === undefined ? {} : { rate: options.rate });
      }),
    );
}
redrive
  .command("tick")
  .description(
    "replay the dispatcher ticks the Scheduler could not deliver: each through the dispatcher, then deleted",
  )
  .option("--dlq-url <url>", `the tick dead-letter queue's URL (default: ${REDRIVE_ENV.tick})`)
  .option("--function <name>", `the dispatcher Lambda (default: ${REDRIVE_ENV.dispatcher})`)
  .addHelpText("after", REDRIVE_HELP)
  .action((options: { dlqUrl?: string; function?: string }, command: Command) =>
    run(command, (terminal) =>
      replayTicks({ sqs: new SQSClient({}), lambda: new LambdaClient({}), terminal }, tickRedriveOf(options)),
    ),
  );

const tableOption = "the DynamoDB table (default: the TABLE_NAME environment variable)";

const PREVIEW_HELP = `
With --invoice, the email is the one the sender sends next for that invoice, decided and rendered
by the sender's own code at the moment it would send it; nothing is sent and nothing is written.
The invoice is read from --table or TABLE_NAME (a deployed stack, with the operator's AWS
credentials), else from local mode's table (npm start, in this directory). Its tenant is --tenant,
else the one of the API key (--key, DUN_API_KEY, or local mode's).

With --stage and --locale, a template filled with sample data: its wording, not an email any
invoice gets.`;

program
  .command("preview")
  .description(
    "write an email as HTML, text and (where Chromium is installed) PNG: an invoice's next email as the " +
      `sender would send it (--invoice), or a stage's template with sample data (--stage, --locale; languages: ${SUPPORTED_LANGUAGES.join(", ")})`,
  )
  .option("--invoice <invoice-number>", "the stored invoice whose next email to render")
  .option(
    "--at <instant>",
    "with --invoice: as of this moment, e.g. 2026-12-01T09:00:00Z (default: now)",
    instant,
  )
  .option("--tenant <id>", "with --invoice: the invoice's tenant (default: the API key's)")
  .option("--table <name>", `with --invoice: ${tableOption}, else local mode's`)
  .addOption(new Option("--stage <stage>", "sample data: the email to render").choices(TEMPLATE_NAMES))
  .option("--locale <locale>", "sample data: the debtor's locale, e.g. nb-NO", locale)
  .option("--out <dir>", "where to write the files", "preview")
  .addHelpText("after", PREVIEW_HELP)
  .action((options: PreviewOptions, command: Command) =>
    run(command, async ({ out, json }) => {
      const mode = previewModeOf(options);
      if (mode === "invoice") {
        const globals = command.optsWithGlobals<GlobalOptions>();
        const source = await previewSourceOf({ table: options.table, key: globals.key });
        const preview = await previewInvoice(source, {
          invoiceNumber: options.invoice as string,
          tenant: options.tenant,
          at: options.at,
          outDir: options.out,
        });
        return json ? writeJson(out, preview) : writeInvoicePreview(out, preview);
      }
      const files = await writePreview(options.stage as TemplateName, options.locale as string, options.out);
      return json ? writeJson(out, files) : writeFilesWritten(out, files);
    }),
  );

type PreviewOptions = {
  invoice?: string;
  at?: Date;
  tenant?: string;
  table?: string;
  stage?: TemplateName;
  locale?: string;
  out: string;
};

/** A stored invoice's email, or a sample one: never both, and each with only its own options. */
function previewModeOf(options: PreviewOptions): "invoice" | "sample" {
  if (options.invoice !== undefined) {
    const sampleOnly = [options.stage && "--stage", options.locale && "--locale"].filter(Boolean);
    if (sampleOnly.length > 0) {
      throw new UsageError(
        `${sampleOnly.join(" and ")} with --invoice: an invoice's email is its next stage, in its customer's locale`,
      );
    }
    return "invoice";
  }
  const invoiceOnly = [
    options.at && "--at",
    options.tenant !== undefined && "--tenant",
    options.table !== undefined && "--table",
  ].filter(Boolean);
  if (invoiceOnly.length > 0) throw new UsageError(`${invoiceOnly.join(", ")} only go with --invoice`);
  if (options.stage === undefined || options.locale === undefined) {
    throw new UsageError(
      "say which email: --invoice N for a stored invoice's next one, or --stage S --locale L for sample data",
    );
  }
  return "sample";
}

program
  .command("keys")
  .description("API keys of the HTTP API")
  .command("create")
  .description(
    "create an API key, shown once: with --table or TABLE_NAME in the DynamoDB table of a deployed stack, " +
      "where only its hash is stored, even while local mode runs; otherwise in local mode through its local route",
  )
  .option(
    "--tenant <name>",
    "local mode: the tenant's name, made from the demo tenant if new (default: the demo tenant); " +
      "with a table: the id of a stored tenant (required)",
  )
  .option("--label <text>", "what the key is for, e.g. accounting export")
  .option("--table <name>", tableOption)
  .action((options: { tenant?: string; label?: string; table?: string }, command: Command) =>
    run(command, async (terminal) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const target = keyTargetOf({ table: options.table, api: globals.api });
      const local = target.kind === "api" ? await findApi(globals) : undefined;
      if (local) {
        await createLocalKey({ api: new DunApi(local), terminal }, options);
        return;
      }
      const tenantId = options.tenant;
      if (tenantId === undefined)
        throw new UsageError("--tenant <id> is needed: the stored tenant the key acts for");
      // With no API found either, tables() says that no table is given.
      const tableName = target.kind === "table" ? target.tableName : undefined;
      await createKey(
        { ...tables(tableName), out: terminal.out, now: () => new Date(), json: terminal.json },
        { tenantId, label: options.label },
      );
    }),
  );

program
  .command("tenant")
  .description("tenants: who sends, how debtors pay, and the dunning policy")
  .command("put")
  .description("store a new tenant from a JSON file checked against the tenant schema; prints its id")
  .argument("<file>", "the tenant as JSON")
  .option("--table <name>", tableOption)
  .action((file: string, options: { table?: string }, command: Command) =>
    run(command, async ({ out, err, json }) => {
      const tenant = await putTenant(
        { ...tables(options.table), out: json ? { write: () => {} } : out, err },
        file,
      );
      if (json) writeJson(out, { tenantId: tenant.id });
    }),
  );

program
  .command("migrate")
  .description("one-off moves of a deployed table's items to the keys this version reads")
  .command("invoice-keys")
  .description(
    "move invoice items to their own partitions with their list entries (docs/DATA-MODEL.md, " +
      '"Moving a deployed table"); pause the dispatcher first; safe to run again',
  )
  .option("--table <name>", tableOption)
  .action((options: { table?: string }, command: Command) =>
    run(command, async ({ out, err, json }) => {
      const tableName = tableNameOf(options.table);
      const table = { client: documentClient(), tableName, clock: () => new Date() };
      const move = await moveInvoiceKeys(table, (sofar) => err.write(`moved ${sofar.moved} invoices…\n`));
      if (json) return writeJson(out, move);
      out.write(`moved ${move.moved} invoices in ${tableName}\n`);
      for (const taken of move.taken)
        out.write(`left ${taken}: an invoice of that number is under the new key already\n`);
    }),
  );

program
  .command("totals")
  .description("the report totals the aging report and the customers' credit hold are read from")
  .command("rebuild")
  .description(
    "rebuild a tenant's report totals from its invoices (once, for invoices stored before dun kept them); run while nothing writes them",
  )
  .requiredOption("--tenant <id>", "the tenant whose totals are rebuilt")
  .option("--table <name>", tableOption)
  .action((options: { tenant: string; table?: string }, command: Command) =>
    run(command, async ({ out, json }) => {
      await rebuildTotals({ invoices: tables(options.table).invoices, out, json }, options.tenant);
    }),
  );

// `dun list | head` closes stdout early: the reader has what it wanted, which is no failure.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(EXIT.ok);
});

try {
  await program.parseAsync();
} catch (error) {
  // Commander has already said what was wrong with the command line, or shown the help asked for.
  if (!(error instanceof CommanderError)) throw error;
  const helpAskedFor = error.code === "commander.helpDisplayed" || error.code === "commander.version";
  process.exitCode = helpAskedFor ? EXIT.ok : EXIT.usage;
}
