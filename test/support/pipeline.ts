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
import { type SesSendEvent, withLocalSendEvents } from "#adapters/ses/send-events.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { createInvoice, type Invoice } from "#domain/invoice/invoice.ts";
import { type InvoiceInput, InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import { type Tenant, type TenantInput, TenantSchema } from "#domain/tenant/tenant.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { followUpEvents } from "#events/follow-up-events.ts";
import { parseSesEventRecord, type SesEvent } from "#events/ses-event.ts";
import { MemoryDueQueue } from "#local/memory-queue.ts";
import { processDueInvoice, type SenderDeps, type SendOutcome } from "#sending/process-due-invoice.ts";
import { type LocalDynamo, startDynalite } from "./dynalite.ts";
import { type LocalSes, startLocalSes } from "./ses-local.ts";

export const TENANT: TenantInput = {
  id: "nordlys",
  name: "Nordlys Regnskap",
  legalName: "Nordlys Regnskap AS",
  organisationNumber: "923 456 789 MVA",
  address: ["Storgata 1", "0155 Oslo"],
  country: "NO",
  replyTo: "faktura@nordlys.example",
  ownerEmail: "eier@nordlys.example",
  payment: { iban: "NO9386011117947", bic: "DNBANOKK" },
  policy: DEFAULT_POLICY_INPUT,
};

export type Pipeline = {
  dynamo: LocalDynamo;
  ses: LocalSes;
  invoices: InvoiceTable;
  tenants: TenantTable;
  queue: MemoryDueQueue;
  clock: { now: Date };
  sendEvents: SesSendEvent[];
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
  const sendEvents: SesSendEvent[] = [];
  const sesClient = withLocalSendEvents(ses.client, (event) => void sendEvents.push(event), {
    now: () => clock.now,
  });
  const invoices = new InvoiceTable(dynamo.documents, dynamo.tableName);
  const tenants = new TenantTable(dynamo.documents, dynamo.tableName);
  const mailer = sesMailer(sesClient, { configurationSet: "dun" });
  const deps: SenderDeps = {
    invoices,
    tenants,
    mailer: options.wrapMailer ? options.wrapMailer(mailer) : mailer,
    config: { fromAddress: "dun@send.nordlys.example" },
  };
  const queue = new MemoryDueQueue();
  const outcomes: SendOutcome[] = [];

  const pipeline: Pipeline = {
    dynamo,
    ses,
    invoices,
    tenants,
    queue,
    clock,
    sendEvents,
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
      const now = clock.now;
      await dispatchDue({ invoices, queue }, now);
      await queue.deliver(async (message) => {
        const outcome = await processDueInvoice(deps, message, now);
        outcomes.push(outcome);
        return outcome.outcome !== "retry";
      });
      // The events Lambda: every Send event SES published since the last tick, and what SES would
      // publish next for each email (Delivery, or Bounce and Complaint for the simulator's addresses).
      for (const event of await pipeline.sesEvents()) await applySesEvent(deps, event, now);
    },
    async sesEvents() {
      const parsed: SesEvent[] = [];
      for (const record of sendEvents.splice(0)) {
        const send = parseSesEventRecord(record);
        if (!send.ok) throw new Error(`an unreadable Send event: ${send.error}`);
        parsed.push(send.value);
        if (options.followUps === false) continue;
        for (const followUp of followUpEvents(send.value, { at: clock.now })) {
          const event = parseSesEventRecord(followUp);
          if (!event.ok) throw new Error(`an unreadable follow-up event: ${event.error}`);
          parsed.push(event.value);
        }
      }
      return parsed;
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
