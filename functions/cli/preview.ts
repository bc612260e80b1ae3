/**
 * `dun preview`: one email as HTML, plain text and, where Chromium is installed, a PNG.
 *
 * With `--invoice N`, the next email of a stored invoice, decided and rendered by the sender's own
 * code (applyDueTransitions, decideNextAction, composeEmail) at the moment the sender would send
 * it: so what the preview shows is what the debtor gets. Nothing is sent and nothing is written
 * to the table. With `--stage S --locale L`, a template filled with sample data, which no invoice
 * has: a look at the wording, not at any email the pipeline sends.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { documentClient } from "#adapters/dynamo/client.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";
import { hashApiKey } from "#api/api-keys.ts";
import { addressesOf } from "#domain/invoice/customer.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { decideNextAction, type NextAction, type Step } from "#domain/ladder/ladder.ts";
import { applyDueTransitions } from "#domain/ladder/timed-transitions.ts";
import { resolveLanguage } from "#domain/locale/locale.ts";
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import type { StoredTenant } from "#ports/tenant-store.ts";
import type { RenderedEmail, TemplateName } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";
import { stepKey } from "#sending/claim.ts";
import { composeEmail } from "#sending/compose-email.ts";
import { DunApi } from "./api-client.ts";
import { readLocalFile } from "./api-location.ts";
import { CliError, type Output, tableNameOf, UsageError } from "./command.ts";
import { LOCAL_FILE } from "./local-file.ts";
import { findChromium, screenshotHtml } from "./screenshot.ts";
import { formatInstant } from "./table.ts";

export type PreviewFiles = { html: string; text: string; png?: string; subject: string };

/** A template filled with sample data (samples.ts): the wording of a stage, not an email anyone is sent. */
export async function writePreview(
  stage: TemplateName,
  locale: string,
  outDir: string,
): Promise<PreviewFiles> {
  const language = resolveLanguage(locale);
  const email = renderEmail(stage, locale, sampleEmail(stage, language));
  return writeEmailFiles(email, path.join(outDir, `${stage}.${locale}`), `Subject: ${email.subject}\n`);
}

export function defaultLocaleOf(locale: string): string {
  return SAMPLE_DEBTORS[resolveLanguage(locale)].locale;
}

async function writeEmailFiles(
  email: Pick<RenderedEmail, "subject" | "html" | "text">,
  base: string,
  headers: string,
): Promise<PreviewFiles> {
  await mkdir(path.dirname(base), { recursive: true });
  const files: PreviewFiles = { html: `${base}.html`, text: `${base}.txt`, subject: email.subject };
  await writeFile(files.html, email.html);
  await writeFile(files.text, `${headers}\n${email.text}`);
  const chromium = findChromium();
  if (chromium) {
    files.png = `${base}.png`;
    await screenshotHtml(email.html, files.png, chromium);
  }
  return files;
}

/** Where an invoice is read: a deployed stack's table, or local mode's (with its simulated clock). */
export type PreviewSource = {
  invoices: Pick<InvoiceStore, "get">;
  tenants: Pick<TenantTable, "get">;
  apiKeys: Pick<ApiKeyTable, "tenantOf">;
  /** For messages: "table dun-prod", "local mode's table dun-local". */
  where: string;
  /** The tenant's API key to take the tenant from when no --tenant names it, as the API does. */
  key?: string;
  /** "Now" where the invoice lives: local mode's clock runs apart from this machine's. */
  now(): Promise<Date>;
};

export type PreviewSourceOptions = { table?: string; key?: string };

/**
 * The table of --table or TABLE_NAME when one is named (a deployed stack, reached as the AWS SDK
 * finds it: AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB…), even while local mode runs, as `dun keys
 * create` does; else local mode's, which its .dun/local.json names.
 */
export async function previewSourceOf(
  options: PreviewSourceOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<PreviewSource> {
  if (options.table !== undefined || nonEmpty(env.TABLE_NAME) !== undefined) {
    const tableName = tableNameOf(options.table, env);
    const documents = documentClient();
    return {
      ...tablesOf(documents, tableName),
      where: `table ${tableName}`,
      key: nonEmpty(options.key) ?? nonEmpty(env.DUN_API_KEY),
      now: async () => new Date(),
    };
  }
  const local = await readLocalFile(cwd);
  if (local === undefined) {
    throw new UsageError(
      "no table to read the invoice from: pass --table NAME (or set TABLE_NAME) for a deployed stack, " +
        "or start local mode with `npm start` and run dun in the same directory",
    );
  }
  if (local.dynamoEndpoint === undefined || local.tableName === undefined) {
    throw new CliError(
      `${LOCAL_FILE} does not name local mode's table; restart local mode with \`npm start\``,
    );
  }
  // dynalite takes any credentials in any region; the operator's AWS settings are not for it.
  const documents = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: local.dynamoEndpoint,
      region: "eu-north-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    }),
  );
  const api = new DunApi({ url: local.apiUrl, source: LOCAL_FILE });
  return {
    ...tablesOf(documents, local.tableName),
    where: `local mode's table ${local.tableName}`,
    key: nonEmpty(options.key) ?? nonEmpty(local.apiKey),
    now: async () => new Date((await api.localClock()).now),
  };
}

function tablesOf(documents: DynamoDBDocumentClient, tableName: string) {
  return {
    invoices: invoiceTable(documents, tableName),
    tenants: new TenantTable(documents, tableName),
    apiKeys: new ApiKeyTable(documents, tableName),
  };
}

export type InvoicePreview = PreviewFiles & {
  invoiceNumber: string;
  /** The step as the sender names it: a stage, or `installment_N` (from 0). */
  step: string;
  /** When the sender sends it, and the moment its amounts and dates are stated for. */
  at: string;
  to: string[];
  cc: string[];
  replyTo: string;
};

/** The next email of a stored invoice, written to `outDir`; a CliError says why there is none. */
export async function previewInvoice(
  source: PreviewSource,
  request: { invoiceNumber: string; tenant?: string; at?: Date; outDir: string },
): Promise<InvoicePreview> {
  const tenantId = request.tenant ?? (await tenantOfKey(source));
  const stored = await source.invoices.get(tenantId, request.invoiceNumber);
  const tenantRecord = await source.tenants.get(tenantId, stored && addressesOf(stored.invoice.customer));
  if (!tenantRecord) throw new CliError(`no tenant ${tenantId} in ${source.where}`);
  if (!stored)
    throw new CliError(`no invoice ${request.invoiceNumber} of tenant ${tenantId} in ${source.where}`);
  const asOf = request.at ?? (await source.now());
  const next = nextEmailOf(stored, tenantRecord, asOf);
  if (next.kind === "nothing") throw new CliError(`invoice ${request.invoiceNumber} ${next.why}`);

  const { invoice, step, at, recipients } = next;
  const { tenant } = tenantRecord;
  // Named as the sender names it in tags and logs (stepKey): "reminder_1", "installment_0".
  const key =
    step.type === "stage" ? step.stage : stepKey({ type: "installment", installment: step.installment });
  // composeEmail, as the sender calls it. The envelope's tags and claim header name a claim the
  // sender makes only when it sends; the preview writes neither, and nor the From address, which
  // is the sender's configuration (FROM_ADDRESS), not the table's.
  const email = composeEmail({
    tenant,
    invoice,
    step,
    recipients,
    claimId: "preview",
    sentAt: at,
    config: { fromAddress: "preview@invalid" },
    tags: {
      tenant: encodeTagValue(tenant.id),
      invoice: encodeTagValue(invoice.invoiceNumber),
      step: key,
    },
  });
  const headers = [
    `To: ${email.to.join(", ")}`,
    ...(email.cc.length > 0 ? [`Cc: ${email.cc.join(", ")}`] : []),
    `Reply-To: ${email.replyTo}`,
    `Subject: ${email.subject}`,
  ];
  const files = await writeEmailFiles(
    email,
    path.join(request.outDir, `${fileNameOf(invoice.invoiceNumber)}.${key}`),
    `${headers.join("\n")}\n`,
  );
  return {
    invoiceNumber: invoice.invoiceNumber,
    step: key,
    at: at.toISOString(),
    to: email.to,
    cc: email.cc,
    replyTo: email.replyTo,
    ...files,
  };
}

/** The tenant whose API key the CLI has, as the API finds it: the key's hash in the table. */
async function tenantOfKey(source: PreviewSource): Promise<string> {
  if (source.key === undefined) {
    throw new UsageError("--tenant <id> is needed: the tenant whose invoice it is (or --key, its API key)");
  }
  const tenantId = await source.apiKeys.tenantOf(hashApiKey(source.key));
  if (tenantId === undefined) {
    throw new CliError(`the API key is not one of ${source.where}: pass --tenant <id>, the invoice's tenant`);
  }
  return tenantId;
}

export type NextEmail =
  | { kind: "email"; invoice: Invoice; step: Step; at: Date; recipients: string[] }
  | { kind: "nothing"; why: string };

/**
 * What the sender emails next, decided as it decides when the invoice's due slot comes (see
 * processDueInvoice): the time-driven changes due by then, then the ladder, at the step's own
 * time, which fixes the step's fees, interest and deadlines. Only the items read here count;
 * nothing is written, so an invoice whose decision moves its slot is left where it was.
 */
export function nextEmailOf(stored: StoredInvoice, tenantRecord: StoredTenant, asOf: Date): NextEmail {
  const { policy } = tenantRecord.tenant;
  if (stored.claim) {
    return {
      kind: "nothing",
      why:
        `has a send of ${stepKey(stored.claim.step)} under way (claimed ${formatInstant(stored.claim.at)}), ` +
        "which the sender settles before it decides another: preview again once `dun status` shows it sent",
    };
  }
  let at = asOf;
  // The dispatcher brings the invoice back at each slot the sender names until a send falls due;
  // a step decided for later is decided again then, as its amounts are counted to its own day.
  for (let round = 0; round < 4; round++) {
    const { invoice } = applyDueTransitions(stored.invoice, policy, at);
    const action = decideNextAction(invoice, policy, at);
    if (action.kind !== "send") return { kind: "nothing", why: waitingFor(action) };
    if (action.at.getTime() > at.getTime()) {
      at = action.at;
      continue;
    }
    const recipients = invoice.customer.emails.filter((email) => !tenantRecord.suppressed.has(email));
    if (recipients.length === 0) {
      return {
        kind: "nothing",
        why:
          `has no address dun may email: ${invoice.customer.emails.join(", ")} ` +
          "complained or bounced, so the sender would mark it contact_failed; give it a new one with " +
          "PATCH /v1/invoices/{n}/customer",
      };
    }
    return { kind: "email", invoice, step: action.step, at, recipients };
  }
  return {
    kind: "nothing",
    why: `has no send the ladder settles on after ${formatInstant(at.toISOString())}`,
  };
}

const NO_ACTION: Record<Extract<NextAction, { kind: "none" }>["reason"], string> = {
  paid: "is paid",
  cancelled: "is cancelled",
  written_off: "is written off",
  disputed: "is disputed: the ladder waits until the dispute is resolved",
  contact_failed: "cannot be emailed (contact failed): the ladder waits for a new address",
  in_collection: "is in collection: dun sends nothing more",
  ladder_complete: "has had every stage of its ladder: dun sends nothing more",
  beyond_holiday_table: "would next be emailed after the last year of dun's public holiday table",
};

const WAKES: Record<Extract<NextAction, { kind: "wake" }>["reason"], string> = {
  pause_ends: "its pause ends",
  promise_due: "its promised date (and grace) runs out",
  installment_overdue: "an installment of its payment plan is overdue",
  awaiting_delivery: "its last email is delivered, or presumed to be",
};

function waitingFor(action: Exclude<NextAction, { kind: "send" }>): string {
  if (action.kind === "none") return `has no email to send: it ${NO_ACTION[action.reason]}`;
  const at = action.at.toISOString();
  return (
    `has no email to send yet: it waits until ${formatInstant(at)}, when ${WAKES[action.reason]}; ` +
    `what it sends then depends on what happens by then (preview it with --at ${at})`
  );
}

/** An invoice number as a file name: "2026/118" is one file, not a folder. */
function fileNameOf(invoiceNumber: string): string {
  return invoiceNumber.replace(/[^\p{L}\p{N}._-]/gu, "_");
}

/** What `dun preview --invoice` says on stdout: the step, when, to whom, and the files. */
export function writeInvoicePreview(out: Output, preview: InvoicePreview): void {
  out.write(`Invoice ${preview.invoiceNumber}: ${preview.step} at ${formatInstant(preview.at)}\n`);
  out.write(`To: ${preview.to.join(", ")}\n`);
  if (preview.cc.length > 0) out.write(`Cc: ${preview.cc.join(", ")} (the account manager)\n`);
  out.write(`Reply-To: ${preview.replyTo}\n`);
  writeFilesWritten(out, preview);
}

export function writeFilesWritten(out: Output, files: PreviewFiles): void {
  out.write(`Subject: ${files.subject}\n`);
  for (const file of [files.html, files.text, files.png]) if (file) out.write(`wrote ${file}\n`);
  if (!files.png) out.write("no PNG: Chromium not found (apt-get install chromium, or set CHROMIUM_PATH)\n");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
