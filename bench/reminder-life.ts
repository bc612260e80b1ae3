/**
 * A reminder's whole life, counted: the dispatcher, the REAL sender handler (functions/handlers/
 * sender.ts, sqsSender) and the REAL events handler (functions/handlers/events.ts,
 * sesEventsHandler) on dynalite and aws-ses-v2-local, with every email SES took followed by the
 * events SES publishes for it, as the events queue hands them over (SQS records, batches of ten):
 * its Send event, its Delivery, one Open, and a Click for every fifth. An SDK middleware counts
 * each DynamoDB request, and the capacity dynalite reports for it, by who made it; what the
 * handlers log is counted in bytes, and their time is measured.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { Context, SQSRecord } from "aws-lambda";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { sendingPlan } from "#adapters/ses/send-pacer.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { followUpEvents } from "#events/follow-up-events.ts";
import type { SesEvent, SesEventRecord } from "#events/ses-event.ts";
import { anInvoiceInput } from "../test/support/invoices.ts";
import { startPipeline } from "../test/support/pipeline.ts";
import { sqsRecordOf } from "../test/support/sqs-events.ts";

export type Tally = {
  reads: number;
  writes: number;
  readUnits: number;
  writeUnits: number;
  /** Writes to the due index, which dynalite does not count: moving an item on it is a delete and a put. */
  indexWriteUnits: number;
  /** Items the writes wrote (a BatchWriteItem writes several in one request). */
  itemsWritten: number;
  requests: Record<string, number>;
};

const READS = new Set(["GetItemCommand", "QueryCommand", "BatchGetItemCommand", "ScanCommand"]);

export const emptyTally = (): Tally => ({
  reads: 0,
  writes: 0,
  readUnits: 0,
  writeUnits: 0,
  indexWriteUnits: 0,
  itemsWritten: 0,
  requests: {},
});

/** Counts every DynamoDB request, and the capacity DynamoDB reports for it, into whatever tally is current. */
export function countRequests(client: DynamoDBClient, current: () => Tally | undefined): void {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= "TOTAL";
      const expression = String(input.UpdateExpression ?? "");
      // The slot as it was, to tell whether the due index changes: nobody here asks for ReturnValues.
      if (expression.includes("nextActionAt")) input.ReturnValues ??= "UPDATED_OLD";
      let result: Awaited<ReturnType<typeof next>>;
      try {
        result = await next(args);
      } catch (error) {
        // A write refused by its condition is a request all the same, and DynamoDB bills it at
        // least a write unit (it says no more in the error).
        const tally = current();
        if (tally && !READS.has(String(context.commandName))) {
          const name = `${String(context.commandName)} (refused)`;
          tally.requests[name] = (tally.requests[name] ?? 0) + 1;
          tally.writes += 1;
          tally.writeUnits += 1;
        }
        throw error;
      }
      const tally = current();
      if (tally) {
        const name = String(context.commandName);
        tally.requests[name] = (tally.requests[name] ?? 0) + 1;
        if (READS.has(name)) tally.reads += 1;
        else {
          tally.writes += 1;
          const batch = input.RequestItems as Record<string, unknown[]> | undefined;
          tally.itemsWritten += batch
            ? Object.values(batch).reduce((sum, items) => sum + items.length, 0)
            : 1;
        }
        const consumed = (
          result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
        ).ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (sum, c) => sum + (c.CapacityUnits ?? 0),
          0,
        );
        if (READS.has(name)) tally.readUnits += units;
        else tally.writeUnits += units;
        if (expression.includes("nextActionAt")) tally.indexWriteUnits += indexWrites(input, result.output);
      }
      return result;
    },
    { step: "initialize", name: "benchCountRequests" },
  );
}

type AttributeValue = { S?: string } | undefined;

/**
 * The due index's writes an update makes, as DynamoDB bills them: a slot set where there was none
 * is a put, a slot moved a delete and a put, a slot removed a delete, and a slot set to the value it
 * had (a delivery that leaves the next action where it was) no index write at all.
 */
function indexWrites(input: Record<string, unknown>, output: unknown): number {
  const expression = String(input.UpdateExpression ?? "");
  const values = (input.ExpressionAttributeValues ?? {}) as Record<string, AttributeValue>;
  const before = (output as { Attributes?: Record<string, AttributeValue> }).Attributes?.nextActionAt?.S;
  const set = /nextActionAt = (:\w+)/.exec(expression.split("REMOVE")[0] ?? "");
  if (!set) return before === undefined ? 0 : 1;
  const after = set[1] === undefined ? undefined : values[set[1]]?.S;
  if (before === undefined) return 1;
  return before === after ? 0 : 2;
}

const PLACES = [
  { country: "NO", locale: "nb-NO", timeZone: "Europe/Oslo", currency: "NOK" },
  { country: "DE", locale: "de-DE", timeZone: "Europe/Berlin", currency: "EUR" },
  { country: "SE", locale: "sv-SE", timeZone: "Europe/Stockholm", currency: "SEK" },
  { country: "IT", locale: "it-IT", timeZone: "Europe/Rome", currency: "EUR" },
  { country: "FI", locale: "fi-FI", timeZone: "Europe/Helsinki", currency: "EUR" },
] as const;

/** The SES event types of a reminder's life, each counted on its own. */
export const LIFE_EVENTS = ["send", "delivery", "open", "click"] as const;
export type LifeEvent = (typeof LIFE_EVENTS)[number];

export type ReminderLife = {
  /** Emails to debtors: the reminders the figures are per. */
  reminders: number;
  /** Every email SES took: reminders, owner alerts, the account manager's notes. */
  emails: number;
  sender: Tally;
  events: Record<LifeEvent, Tally>;
  dispatcher: Tally;
  ticks: number;
  /** SES events handed to the events handler, by type. */
  eventCounts: Record<LifeEvent, number>;
  senderInvocations: number;
  eventsInvocations: number;
  senderMs: number;
  eventsMs: number;
  /** What the handlers' loggers wrote: bytes and lines. */
  senderLog: { bytes: number; lines: number };
  eventsLog: { bytes: number; lines: number };
};

const CONTEXT = {
  functionName: "dun-bench",
  awsRequestId: "bench",
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

/** The handler modules, imported with the environment they read at import, then restored. */
async function handlerModules() {
  const saved = { ...process.env };
  Object.assign(process.env, {
    AWS_REGION: "eu-north-1",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    TABLE_NAME: "dun-bench",
    SES_CONFIGURATION_SET: "dun",
    FROM_ADDRESS: "dun@send.nordlys.example",
    EVENTS_DEAD_LETTER_QUEUE_URL: "https://sqs.eu-north-1.amazonaws.com/000000000000/dun-events-dlq",
    // As deployed (infra/constructs/dun-function.ts, production): what is logged is what is paid for.
    LOG_LEVEL: "INFO",
    POWERTOOLS_LOG_LEVEL: "INFO",
  });
  try {
    const sender = await import("../functions/handlers/sender.ts");
    const events = await import("../functions/handlers/events.ts");
    const { redactingLogger } = await import("../functions/handlers/logger.ts");
    return {
      sqsSender: sender.sqsSender,
      sesEventsHandler: events.sesEventsHandler,
      senderLogger: redactingLogger("dun-sender"),
      eventsLogger: redactingLogger("dun-events"),
    };
  } finally {
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

/** Runs `work` with stdout counted instead of printed: the log lines a Lambda would ship. */
async function logged<T>(log: { bytes: number; lines: number }, work: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    const text = typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    log.bytes += Buffer.byteLength(text, "utf8");
    log.lines += text.split("\n").filter((line) => line.length > 0).length;
    return true;
  }) as typeof process.stdout.write;
  try {
    return await work();
  } finally {
    process.stdout.write = write;
  }
}

/** The mail object of an SES event record, as SES repeats it in every event of one email. */
function mailOf(send: SesEvent): SesEventRecord["mail"] {
  return {
    timestamp: send.at,
    messageId: send.messageId,
    source: "dun@send.nordlys.example",
    sourceArn: "arn:aws:ses:eu-north-1:000000000000:identity/send.nordlys.example",
    sendingAccountId: "000000000000",
    destination: send.destination,
    headersTruncated: false,
    tags: send.tags,
  };
}

function sendRecordOf(send: SesEvent): SesEventRecord {
  return { eventType: "Send", mail: mailOf(send), send: {} };
}

function openOf(send: SesEvent, at: Date): SesEventRecord {
  return {
    eventType: "Open",
    mail: mailOf(send),
    open: {
      timestamp: at.toISOString(),
      ipAddress: "192.0.2.10",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
    },
  };
}

function clickOf(send: SesEvent, at: Date): SesEventRecord {
  return {
    eventType: "Click",
    mail: mailOf(send),
    click: {
      timestamp: at.toISOString(),
      link: "https://pay.nordlys.example/invoice",
      linkTags: {},
      ipAddress: "192.0.2.10",
      userAgent: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)",
    },
  };
}

/**
 * Forty invoices in five countries through their whole ladders, ticking every three hours from
 * November to February, at the sender's deployed batch size for `sendRate`.
 */
export async function reminderLife(options: { sendRate: number; invoices?: number }): Promise<ReminderLife> {
  const { sqsSender, sesEventsHandler, senderLogger, eventsLogger } = await handlerModules();
  let current: Tally | undefined;
  const sender = emptyTally();
  const dispatcher = emptyTally();
  const events = Object.fromEntries(LIFE_EVENTS.map((type) => [type, emptyTally()])) as Record<
    LifeEvent,
    Tally
  >;
  const eventCounts = Object.fromEntries(LIFE_EVENTS.map((type) => [type, 0])) as Record<LifeEvent, number>;
  const pipeline = await startPipeline({
    start: new Date("2026-11-01T00:00:00Z"),
    dynamoClient: (client) => countRequests(client, () => current),
    // The Send events alone: what follows them is made here, at the times a reminder's life has them.
    followUps: false,
  });
  await pipeline.addTenant();
  for (let i = 0; i < (options.invoices ?? 40); i++) {
    const place = PLACES[i % PLACES.length] ?? PLACES[0];
    const base = anInvoiceInput();
    await pipeline.addInvoice({
      ...base,
      invoiceNumber: `B-${i}`,
      currency: place.currency,
      dueDate: addDays("2026-11-10", i % 14),
      paymentReference: undefined,
      customer: {
        ...base.customer,
        email: `b${i}@debtor.example`,
        locale: place.locale,
        country: place.country,
        timeZone: place.timeZone,
      },
    });
  }
  const { invoices, queue, clock } = pipeline;
  const cursor = new DispatchCursorTable(pipeline.dynamo.documents, pipeline.dynamo.tableName);
  const deps = { ...pipeline.deps, deadLetters: { holdsAny: async () => false } };
  const senderHandler = sqsSender(
    deps,
    async () => {},
    senderLogger,
    () => clock.now,
  );
  const eventsHandler = sesEventsHandler(deps, eventsLogger, () => clock.now);
  const batchSize = sendingPlan(options.sendRate).batchSize;
  const life: ReminderLife = {
    reminders: 0,
    emails: 0,
    sender,
    events,
    dispatcher,
    ticks: 0,
    eventCounts,
    senderInvocations: 0,
    eventsInvocations: 0,
    senderMs: 0,
    eventsMs: 0,
    senderLog: { bytes: 0, lines: 0 },
    eventsLog: { bytes: 0, lines: 0 },
  };
  let recordId = 0;
  // Opens and clicks come later than the Send and the Delivery: on the next tick.
  let later: { type: LifeEvent; record: SesEventRecord }[] = [];

  const applyEvents = async (type: LifeEvent, records: SesEventRecord[]) => {
    for (let at = 0; at < records.length; at += 10) {
      const batch: SQSRecord[] = records
        .slice(at, at + 10)
        .map((record) => sqsRecordOf(`e-${recordId++}`, JSON.stringify(record)));
      current = events[type];
      const started = performance.now();
      const answer = await logged(life.eventsLog, () => eventsHandler({ Records: batch }));
      life.eventsMs += performance.now() - started;
      current = undefined;
      life.eventsInvocations += 1;
      eventCounts[type] += batch.length;
      if ("batchItemFailures" in answer && answer.batchItemFailures.length > 0)
        throw new Error(`the events handler failed ${answer.batchItemFailures.length} ${type} events`);
    }
  };

  let reminderIndex = 0;
  while (clock.now.getTime() < Date.parse("2027-02-20T00:00:00Z")) {
    const now = clock.now;
    current = dispatcher;
    await dispatchDue({ invoices, cursor, queue }, now, { settleMs: 0 });
    current = undefined;
    life.ticks += 1;

    const due: SQSRecord[] = [];
    await queue.deliver(async (message) => {
      due.push(sqsRecordOf(`s-${recordId++}`, JSON.stringify(message)));
      return true;
    });
    for (let at = 0; at < due.length; at += batchSize) {
      const batch = due.slice(at, at + batchSize);
      current = sender;
      const started = performance.now();
      const answer = await logged(life.senderLog, () => senderHandler({ Records: batch }, CONTEXT));
      life.senderMs += performance.now() - started;
      current = undefined;
      life.senderInvocations += 1;
      const failed = new Set(answer.batchItemFailures.map((failure) => failure.itemIdentifier));
      const again = batch.filter((record) => failed.has(record.messageId));
      await queue.enqueue(again.map((record) => JSON.parse(record.body)));
    }

    await applyEvents(
      "open",
      later.filter((entry) => entry.type === "open").map((entry) => entry.record),
    );
    await applyEvents(
      "click",
      later.filter((entry) => entry.type === "click").map((entry) => entry.record),
    );
    later = [];

    const sent = await pipeline.sesEvents();
    await applyEvents("send", sent.map(sendRecordOf));
    const deliveries: SesEventRecord[] = [];
    for (const send of sent) {
      deliveries.push(...followUpEvents(send, { at: new Date(now.getTime() + 5_000) }));
      life.emails += 1;
      const reminder = send.destination.some((address) => address.endsWith("@debtor.example"));
      if (reminder) life.reminders += 1;
      const opened = new Date(now.getTime() + 3_600_000);
      later.push({ type: "open", record: openOf(send, opened) });
      if (reminder && reminderIndex++ % 5 === 0)
        later.push({ type: "click", record: clickOf(send, new Date(opened.getTime() + 60_000)) });
    }
    await applyEvents("delivery", deliveries);
    clock.now = new Date(now.getTime() + 3 * 3_600_000);
  }
  await pipeline.close();
  return life;
}

/** The sum of tallies. */
export function sumOf(tallies: readonly Tally[]): Tally {
  const total = emptyTally();
  for (const tally of tallies) {
    total.reads += tally.reads;
    total.writes += tally.writes;
    total.readUnits += tally.readUnits;
    total.writeUnits += tally.writeUnits;
    total.indexWriteUnits += tally.indexWriteUnits;
    total.itemsWritten += tally.itemsWritten;
    for (const [name, count] of Object.entries(tally.requests))
      total.requests[name] = (total.requests[name] ?? 0) + count;
  }
  return total;
}
