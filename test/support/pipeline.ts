/**
 * The whole sending pipeline on one machine, driven by a simulated clock: dynalite for DynamoDB,
 * aws-ses-v2-local for SES (with the Send events it does not emit made locally), the send queue in
 * memory. `tick()` runs what AWS would run at that moment: the dispatcher, the sender for every
 * queued message, and the events path for every Send event.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { type Mailer, sesMailer } from "#adapters/ses/mailer.ts";
import { withLocalSendEvents } from "#adapters/ses/send-events.ts";
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
import type { SenderDeps, SendOutcome } from "#sending/process-due-invoice.ts";

/** The demo seller of local mode, under the id the tests know it by. */
export const TENANT: TenantInput = { ...DEMO_TENANT, id: "nordlys" };

export type Pipeline = {
  dynamo: LocalDynamo;
  ses: LocalSes;
  invoices: InvoiceTable;
  tenants: TenantTable;
  queue: MemoryDueQueue;
  clock: { now: Date };
  outcomes: SendOutcome[];
  deps: SenderDeps;
  addTenant(input?: TenantInput): Promise<Tenant>;
  addInvoice(input: InvoiceInput, tenantId?: string): Promise<Invoice>;
  tick(): Promise<void>;
  /** The SES events of the emails sent since the last call, follow-ups included, parsed as the events Lambda would. */
  sesEvents(): Promise<SesEvent[]>;
  runUntil(end: Date, stepMs: number): Promise<void>;
  close(): Promise<void>;
};

export type PipelineOptions = {
  start: Date;
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
  const invoices = new InvoiceTable(dynamo.documents, dynamo.tableName);
  const tenants = new TenantTable(dynamo.documents, dynamo.tableName);
  const mailer = sesMailer(sesClient, { configurationSet: "dun" });
  const deps: SenderDeps = {
    invoices,
    tenants,
    mailer: options.wrapMailer ? options.wrapMailer(mailer) : mailer,
    config: { fromAddress: "dun@send.nordlys.example" },
  };
  const local = new LocalPipeline(deps, sendEvents, { followUps: options.followUps });
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
