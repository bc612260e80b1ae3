/**
 * Local mode: the whole pipeline on one machine, with no AWS account. DynamoDB is dynalite, SES is
 * aws-ses-v2-local (whose web page is the inbox), the HTTP API is the same handler as in Lambda
 * behind a local HTTP adapter, and a simulated clock runs the dispatcher, the sender and the events
 * path tick by tick. A demo seller with an API key and invoices in eight languages is loaded.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { sesMailer } from "#adapters/ses/mailer.ts";
import { withLocalSendEvents } from "#adapters/ses/send-events.ts";
import { newApiKey } from "#api/api-keys.ts";
import type { ApiDeps } from "#api/http-api.ts";
import { uploadInvoices } from "#api/upload-invoices.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import type { SenderDeps } from "#sending/process-due-invoice.ts";
import { SEND_WINDOW, type SendWindow } from "#sending/send-window.ts";
import { DEMO_TENANT, demoInvoices } from "./demo.ts";
import { type ApiServer, startApiServer } from "./http-server.ts";
import { LocalClock } from "./local-clock.ts";
import { type LocalDynamo, startDynalite } from "./local-dynamo.ts";
import { LocalPipeline, SendEventBuffer, type SentStep } from "./local-pipeline.ts";
import { localRoutes } from "./local-routes.ts";
import { type LocalS3, startLocalS3 } from "./local-s3.ts";
import { type LocalSes, startLocalSes } from "./local-ses.ts";
import { type LocalUploadOptions, LocalUploads } from "./local-uploads.ts";

export type LocalStackOptions = {
  /** The HTTP API's port; 0 picks a free one. */
  port?: number;
  /** The SES stand-in's port (its web page is the inbox); 0 picks a free one. */
  sesPort?: number;
  host?: string;
  /** Keep DynamoDB's data (and the clock) in this folder between runs; in memory when left out. */
  persistDir?: string;
  /** Simulated seconds per real second. */
  speed?: number;
  /** Where the clock starts; now by default (or where a persisted clock stopped, if later). */
  start?: Date;
  /** Load the demo seller's invoices (on a fresh table only). */
  demo?: boolean;
  /** Told of every email the pipeline sends, with the simulated time it went out. */
  onSent?: (sent: SentStep, at: Date) => void;
  /** How the upload worker cuts a large upload into chunks and invocations. */
  uploads?: LocalUploadOptions;
};

export type LocalStack = {
  apiUrl: string;
  inboxUrl: string;
  apiKey: string;
  tenantId: string;
  clock: LocalClock;
  pipeline: LocalPipeline;
  dynamo: LocalDynamo;
  ses: LocalSes;
  /** The upload bucket (s3rver), and the upload queue and worker behind it. */
  s3: LocalS3;
  uploads: LocalUploads;
  /** Demo invoices loaded at start (0 on a persisted table that had them already). */
  demoInvoices: number;
  close(): Promise<void>;
};

const FROM_ADDRESS = "reminders@send.nordlys.example";
/**
 * Local mode waits for SES's answer far longer than the deployed sender (send-window.ts): real SES
 * publishes a Send event for an email it took even when dun stopped waiting for the answer, which
 * records it; the stand-in's Send events come from the answer itself (withLocalSendEvents), so an
 * answer given up on would be an email nobody records. On a loaded machine an answer can take
 * seconds. Actions wait out a standing claim by the same window.
 */
const LOCAL_SEND_WINDOW: SendWindow = { ...SEND_WINDOW, requestTimeoutMs: 60_000 };
const CLOCK_FILE = "clock.json";

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const { host = "127.0.0.1", persistDir, speed = 1 } = options;
  const started: { close(): Promise<void> }[] = [];
  try {
    if (persistDir) await mkdir(persistDir, { recursive: true });
    const dynamo = await startDynalite({
      host,
      persistDir: persistDir && join(persistDir, "dynamodb"),
      tableName: "dun-local",
    });
    started.push(dynamo);
    const ses = await startLocalSes({ host, port: options.sesPort ?? 0 });
    started.push(ses);
    const s3 = await startLocalS3({ host, ...(persistDir ? { directory: join(persistDir, "s3") } : {}) });
    started.push(s3);

    const start = await startingTime(options.start ?? new Date(), persistDir);
    let clock: LocalClock | undefined;
    const now = () => clock?.now() ?? start;
    const sendEvents = new SendEventBuffer();
    const sesClient = withLocalSendEvents(ses.client, sendEvents.collect, { now });
    const invoices = invoiceTable(dynamo.documents, dynamo.tableName, now);
    const tenants = new TenantTable(dynamo.documents, dynamo.tableName);
    const apiKeys = new ApiKeyTable(dynamo.documents, dynamo.tableName);
    const senderDeps: SenderDeps = {
      invoices,
      tenants,
      mailer: sesMailer(sesClient, { configurationSet: "dun-local" }),
      config: { fromAddress: FROM_ADDRESS },
      sendWindow: LOCAL_SEND_WINDOW,
    };
    const pipeline = new LocalPipeline(senderDeps, sendEvents, {
      cursor: new DispatchCursorTable(dynamo.documents, dynamo.tableName),
    });
    clock = new LocalClock(
      start,
      {
        tick: async (at) => {
          const report = await pipeline.tick(at);
          for (const sent of report.sent) options.onSent?.(sent, at);
          return { sent: report.sent.length };
        },
        nextDueAt: () => invoices.nextDueAt(),
        hasPendingWork: () => pipeline.hasPendingWork,
        dispatching: () => !pipeline.paused,
      },
      speed,
    );
    const apiDeps: ApiDeps = { invoices, tenants, apiKeys, now, sendWindow: LOCAL_SEND_WINDOW };
    const uploads = new LocalUploads(apiDeps, dynamo, s3, options.uploads);
    apiDeps.uploads = uploads.apiDeps;
    // Jobs in flight finish before the tables they write to close.
    started.push({ close: () => uploads.idle() });

    const demo = await loadDemo(apiDeps, start, options.demo ?? true);
    const server: ApiServer = await startApiServer(apiDeps, {
      host,
      port: options.port ?? 0,
      localRoutes: localRoutes({ api: apiDeps, clock, pipeline, events: senderDeps }),
    });
    started.push(server);
    const running = clock;
    if (persistDir) started.push({ close: () => saveClock(persistDir, running.now()) });
    running.start();

    return {
      apiUrl: server.url,
      inboxUrl: ses.endpoint,
      apiKey: demo.apiKey,
      tenantId: DEMO_TENANT.id,
      clock: running,
      pipeline,
      dynamo,
      ses,
      s3,
      uploads,
      demoInvoices: demo.loaded,
      close: async () => {
        await running.stop();
        await closeAll(started);
      },
    };
  } catch (error) {
    await closeAll(started);
    throw error;
  }
}

/** Closes in reverse order of starting; one that fails does not keep the others open. */
async function closeAll(started: { close(): Promise<void> }[]): Promise<void> {
  for (const part of started.reverse()) await part.close().catch(() => undefined);
}

/**
 * The demo seller, a new API key for it (a key is stored only as a hash, so each start makes one),
 * and, on a table that has none of them yet, the demo invoices, uploaded the way the API does it.
 */
async function loadDemo(api: ApiDeps, start: Date, withInvoices: boolean) {
  if (!(await api.tenants.get(DEMO_TENANT.id))) await api.tenants.put(TenantSchema.parse(DEMO_TENANT));
  const { key, hash } = newApiKey();
  await api.apiKeys.put({
    hash,
    tenantId: DEMO_TENANT.id,
    createdAt: start.toISOString(),
    label: "local mode",
  });
  let loaded = 0;
  if (withInvoices) {
    const inputs = demoInvoices(start.toISOString().slice(0, 10));
    const existing = await api.invoices.getMany(
      DEMO_TENANT.id,
      inputs.map((input) => input.invoiceNumber),
    );
    if (existing.size === 0) {
      const tenant = TenantSchema.parse(DEMO_TENANT);
      const results = await uploadInvoices(
        api.invoices,
        tenant,
        inputs.map((input) => ({ input })),
        start,
      );
      loaded = results.filter((result) => result.status === "created").length;
    }
  }
  return { apiKey: key, loaded };
}

/** A persisted clock goes on from where it stopped, unless real time is already later. */
async function startingTime(requested: Date, persistDir: string | undefined): Promise<Date> {
  if (!persistDir) return requested;
  try {
    const saved = new Date(JSON.parse(await readFile(join(persistDir, CLOCK_FILE), "utf8")).now);
    return Number.isNaN(saved.getTime()) || saved < requested ? requested : saved;
  } catch {
    return requested;
  }
}

async function saveClock(persistDir: string, now: Date): Promise<void> {
  await writeFile(join(persistDir, CLOCK_FILE), `${JSON.stringify({ now: now.toISOString() })}\n`);
}
