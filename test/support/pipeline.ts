/**
 * The whole sending pipeline on one machine, driven by a simulated clock: dynalite for DynamoDB,
 * aws-ses-v2-local for SES (with the Send events it does not emit made locally), the send queue in
 * memory. `tick()` runs what AWS would run at that moment: the dispatcher, the sender for every
 * queued message, and the events path for every Send event.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { SESClient } from "@aws-sdk/client-ses";
import { vi } from "vitest";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { type Mailer, sesMailer } from "#adapters/ses/mailer.ts";
import { withLocalSendEvents } from "#adapters/ses/send-events.ts";
import { type ApiDeps, handleApiRequest } from "#api/http-api.ts";
import { type DispatchReport, dispatchDue } from "#dispatching/dispatch-due.ts";
import { createInvoice, type Invoice } from "#domain/invoice/invoice.ts";
import { type InvoiceInput, InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { type Tenant, type TenantInput, TenantSchema } from "#domain/tenant/tenant.ts";
import type { SesEvent } from "#events/ses-event.ts";
import { DEMO_TENANT } from "#local/demo.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import { LocalPipeline, SendEventBuffer } from "#local/local-pipeline.ts";
import { type LocalSes, startLocalSes } from "#local/local-ses.ts";
import type { MemoryDueQueue } from "#local/memory-queue.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import type { SenderDeps, SendOutcome } from "#sending/process-due-invoice.ts";
import type { SendWindow } from "#sending/send-window.ts";
import { type ApiAnswer, addApiKey } from "./api.ts";

/** The demo seller of local mode, under the id the tests know it by. */
export const TENANT: TenantInput = { ...DEMO_TENANT, id: "nordlys" };

export type Pipeline = {
  dynamo: LocalDynamo;
  ses: LocalSes;
  invoices: InvoiceStore;
  tenants: TenantTable;
  queue: MemoryDueQueue;
  clock: { now: Date };
  outcomes: SendOutcome[];
  deps: SenderDeps;
  /** The HTTP API on the same tables and clock, as its Lambda handler calls it. */
  api: ApiDeps;
  /** An API request for the tenant `nordlys` (which addTenant() stores), answered by the real route code. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer>;
  addTenant(input?: TenantInput): Promise<Tenant>;
  addInvoice(input: InvoiceInput, tenantId?: string): Promise<Invoice>;
  tick(): Promise<void>;
  /** One dispatcher tick at `now` (as local mode runs it: the due index is never late in one process). */
  dispatch(now: Date): Promise<DispatchReport>;
  /** The SES events of the emails sent since the last call, follow-ups included, parsed as the events Lambda would. */
  sesEvents(): Promise<SesEvent[]>;
  runUntil(end: Date, stepMs: number): Promise<void>;
  close(): Promise<void>;
};

export type PipelineOptions = {
  start: Date;
  /** The claims' send window (#sending/send-window.ts), for the sender and the API alike; the deployed one unless given. */
  sendWindow?: SendWindow;
  /** Reaches the SES client (the real one, pointed at aws-ses-v2-local), to answer some sends as SES refuses them. */
  sesClient?: (client: SESClient) => void;
  /** Wraps the mailer or the tables, for fault injection. */
  wrapMailer?: (mailer: Mailer) => Mailer;
  dynamoClient?: (client: DynamoDBClient) => void;
  maxDynamoAttempts?: number;
  /** Whether SES's Delivery, Bounce and Complaint events follow each Send event; default yes. */
  followUps?: boolean;
};

export async function startPipeline(options: PipelineOptions): Promise<Pipeline> {
  const dynamo = await startDynalite({ maxAttempts: options.maxDynamoAttempts });
  options.dynamoClient?.(dynamo.client);
  const ses = await startLocalSes();
  // aws-ses-v2-local keeps one store per process, whatever server it came from.
  await ses.clear();
  const clock = { now: options.start };
  const sendEvents = new SendEventBuffer();
  const sesClient = withLocalSendEvents(ses.client, sendEvents.collect, { now: () => clock.now });
  options.sesClient?.(sesClient);
  const invoices = invoiceTable(dynamo.documents, dynamo.tableName, () => clock.now);
  const tenants = new TenantTable(dynamo.documents, dynamo.tableName);
  const mailer = sesMailer(sesClient, { configurationSet: "dun" });
  const deps: SenderDeps = {
    invoices,
    tenants,
    mailer: options.wrapMailer ? options.wrapMailer(mailer) : mailer,
    config: { fromAddress: "dun@send.nordlys.example" },
    sendWindow: options.sendWindow,
  };
  const api: ApiDeps = {
    invoices,
    tenants,
    apiKeys: new ApiKeyTable(dynamo.documents, dynamo.tableName),
    now: () => clock.now,
    sendWindow: options.sendWindow,
  };
  let apiKey: string | undefined;
  const cursor = new DispatchCursorTable(dynamo.documents, dynamo.tableName);
  const local = new LocalPipeline(deps, sendEvents, { cursor, followUps: options.followUps });
  const outcomes: SendOutcome[] = [];

  const pipeline: Pipeline = {
    dynamo,
    ses,
    invoices,
    tenants,
    queue: local.queue,
    clock,
    outcomes,
    deps,
    api,
    async call(method, path, body, headers = {}) {
      apiKey ??= await addApiKey(dynamo, "nordlys");
      const response = await handleApiRequest(api, {
        method,
        rawPath: path,
        query: {},
        headers: {
          authorization: `Bearer ${apiKey}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.statusCode, headers: response.headers, body: JSON.parse(response.body) };
    },
    async addTenant(input = TENANT) {
      const tenant = TenantSchema.parse(input);
      await tenants.put(tenant);
      return tenant;
    },
    async addInvoice(input, tenantId = "nordlys") {
      const stored = await tenants.get(tenantId);
      if (!stored) throw new Error(`no tenant ${tenantId}`);
      const { invoice, events } = createInvoice(
        tenantId,
        InvoiceInputSchema.parse(input),
        clock.now.toISOString(),
      );
      const next = decideNextAction(invoice, stored.tenant.policy, clock.now);
      const outcome = await invoices.create(invoice, events, next.kind === "none" ? undefined : next.at);
      if (outcome !== "ok") throw new Error(`invoice ${invoice.invoiceNumber} exists`);
      return invoice;
    },
    dispatch(now) {
      return dispatchDue({ invoices, cursor, queue: local.queue }, now, { settleMs: 0 });
    },
    async tick() {
      const report = await local.tick(clock.now);
      outcomes.push(...report.outcomes);
    },
    async sesEvents() {
      return local.sesEvents(clock.now);
    },
    async runUntil(end, stepMs) {
      while (clock.now.getTime() < end.getTime()) {
        await pipeline.tick();
        clock.now = new Date(clock.now.getTime() + stepMs);
      }
    },
    async close() {
      await ses.close();
      await dynamo.close();
    },
  };
  return pipeline;
}

/**
 * The environment a sender or events Lambda reads at import, pointed at this pipeline's dynalite
 * and SES stand-in, as vitest stubs (undone by vi.unstubAllEnvs()).
 */
export function stubLambdaEnvironment(pipeline: Pipeline, logLevel: "ERROR" | "CRITICAL" = "ERROR"): void {
  for (const [name, value] of Object.entries({
    AWS_REGION: "eu-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_DYNAMODB: pipeline.dynamo.endpoint,
    AWS_ENDPOINT_URL_SES: pipeline.ses.endpoint,
    TABLE_NAME: pipeline.dynamo.tableName,
    SES_CONFIGURATION_SET: "dun",
    FROM_ADDRESS: "dun@send.nordlys.example",
    EVENTS_DEAD_LETTER_QUEUE_URL: "https://sqs.eu-north-1.amazonaws.com/000000000000/dun-events-dlq",
    POWERTOOLS_LOG_LEVEL: logLevel,
  }))
    vi.stubEnv(name, value);
}
