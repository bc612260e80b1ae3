/**
 * The pipeline's bill: DynamoDB requests per email over its whole life — the sender and SES's
 * events alike, counted through the real sender and events handlers (reminder-life.ts) — the
 * dispatcher's requests with 100 000 invoices that are not due against none, and what 1 000
 * emails cost in AWS at the deployed settings next to SES's own price for sending them.
 */

import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import type { Template as CdkTemplate } from "aws-cdk-lib/assertions";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { dueShardOf, invoiceKey } from "#adapters/dynamo/keys.ts";
import { sendingPlan } from "#adapters/ses/send-pacer.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { startDynalite } from "#local/local-dynamo.ts";
import { MemoryDueQueue } from "#local/memory-queue.ts";
import type { Figure, Suite } from "./figure.ts";
import {
  countRequests,
  emptyTally,
  LIFE_EVENTS,
  type ReminderLife,
  reminderLife,
  sumOf,
  type Tally,
} from "./reminder-life.ts";

/**
 * AWS list prices, US East (N. Virginia), December 2026, from each service's pricing page
 * (aws.amazon.com/<service>/pricing): free tiers left out, since dun is priced at scale.
 */
export const PRICES = {
  /** SES: $0.10 per 1 000 emails sent (outbound email, EC2 not involved). */
  sesPerEmail: 0.1 / 1000,
  /** DynamoDB on demand: $0.625 per million write request units, $0.125 per million read request units. */
  dynamoPerWriteUnit: 0.625 / 1e6,
  dynamoPerReadUnit: 0.125 / 1e6,
  /** SNS standard topics: $0.50 per million publishes (SES's events); deliveries to SQS cost nothing. */
  snsPerPublish: 0.5 / 1e6,
  /** SQS standard queues: $0.40 per million requests (each 64 KB chunk of a request). */
  sqsPerRequest: 0.4 / 1e6,
  /** Lambda arm64: $0.20 per million requests and $0.0000133334 per GB-second. */
  lambdaPerRequest: 0.2 / 1e6,
  lambdaPerGbSecondArm: 0.0000133334,
  /** CloudWatch Logs: $0.50 per GB ingested (standard log class). */
  logsPerGb: 0.5,
  /** CloudWatch: $0.10 per standard-resolution alarm a month. */
  alarmPerMonth: 0.1,
  /** KMS: $1 per customer managed key a month, $0.03 per 10 000 requests. */
  kmsKeyPerMonth: 1,
  kmsPerRequest: 0.03 / 10_000,
  /** EventBridge Scheduler: $1.00 per million invocations. */
  schedulerPerInvocation: 1 / 1e6,
} as const;

/**
 * The account's SES rate the cost is judged at: what SES grants an account it moves out of the
 * sandbox (14 emails a second). A deployment still in the sandbox (sendRate 1, the stack's default)
 * can email verified addresses only, so it sends no reminders to debtors; its cost is in the note.
 */
const PRODUCTION_SEND_RATE = 14;
/** Lambda writes START, END and REPORT for every invocation, about this many bytes together. */
const PLATFORM_LOG_BYTES_PER_INVOCATION = 330;
/** CloudWatch Logs counts 26 bytes of its own for every log event it ingests. */
const LOG_EVENT_OVERHEAD_BYTES = 26;
const SECONDS_A_MONTH = 30 * 86_400;

type Deployed = {
  memoryMb: { sender: number; events: number; dispatcher: number };
  alarms: number;
  keys: number;
  tickMinutes: number;
};

/** What the stack deploys, read from its template (bundling skipped, as in test/infra). */
async function deployed(): Promise<Deployed> {
  const { Template } = await import("aws-cdk-lib/assertions");
  const { testStack } = await import("../test/infra/stack.ts");
  const template: CdkTemplate = Template.fromStack(testStack({ production: true }));
  const memory = (description: string) => {
    const found = Object.values(template.findResources("AWS::Lambda::Function")).find((resource) =>
      String(resource.Properties?.Description ?? "").startsWith(description),
    );
    const size = Number(found?.Properties?.MemorySize);
    if (!Number.isFinite(size)) throw new Error(`no Lambda "${description}…" in the stack`);
    return size;
  };
  const schedule = Object.values(template.findResources("AWS::Scheduler::Schedule"))[0];
  const rate = /rate\((\d+) minutes?\)/.exec(String(schedule?.Properties?.ScheduleExpression));
  return {
    memoryMb: {
      sender: memory("dun sender"),
      events: memory("dun events"),
      dispatcher: memory("dun dispatcher"),
    },
    alarms: Object.keys(template.findResources("AWS::CloudWatch::Alarm")).length,
    keys: Object.keys(template.findResources("AWS::KMS::Key")).length,
    tickMinutes: Number(rate?.[1] ?? Number.NaN),
  };
}

/** The dispatcher's reads (and its time) for one tick with `notDue` invoices on the due index, none of them due. */
async function dispatcherRequests(notDue: number): Promise<{ reads: number; ms: number }> {
  const dynamo = await startDynalite();
  const table = invoiceTable(dynamo.documents, dynamo.tableName);
  // Invoices with a next action years away: on the due index, never due.
  const items = Array.from({ length: notDue }, (_, i) => ({
    ...invoiceKey("bench", `N-${i}`),
    nextActionAt: "2031-01-01T08:00:00.000Z",
    dueShard: dueShardOf("bench", `N-${i}`),
  }));
  for (let start = 0; start < items.length; start += 25) {
    const batch = items.slice(start, start + 25).map((Item) => ({ PutRequest: { Item } }));
    await dynamo.documents.send(new BatchWriteCommand({ RequestItems: { [dynamo.tableName]: batch } }));
  }
  const tally = emptyTally();
  countRequests(dynamo.client, () => tally);
  const queue = new MemoryDueQueue();
  const cursor = new DispatchCursorTable(dynamo.documents, dynamo.tableName);
  const started = performance.now();
  await dispatchDue({ invoices: table, cursor, queue }, new Date("2026-12-01T09:00:00Z"));
  const ms = performance.now() - started;
  await dynamo.close();
  if (queue.size !== 0)
    throw new Error(`the dispatcher found ${queue.size} of ${notDue} not-due invoices due`);
  return { reads: tally.reads, ms };
}

/** Requests, items and units per email, and where they came from, as the notes print them. */
function perEmail(tally: Tally, emails: number) {
  const each = (value: number) => Number((value / emails).toFixed(2));
  return {
    reads: each(tally.reads),
    writes: each(tally.writes),
    items: each(tally.itemsWritten),
    requests: Object.fromEntries(
      Object.entries(tally.requests).map(([name, count]) => [name.replace("Command", ""), each(count)]),
    ),
  };
}

/**
 * What 1 000 emails cost beyond SES, at `sendRate`, from what the life measured: DynamoDB's units,
 * SNS's publishes of SES's events, SQS's requests on both queues, the Lambdas' requests and
 * GB-seconds at their deployed memory, and the bytes they log.
 */
function costPerThousand(life: ReminderLife, plan: Deployed, sendRate: number, dispatcherPerTick: Tally) {
  const { emails } = life;
  const perThousand = 1000 / emails;
  const whole = sumOf([life.sender, ...LIFE_EVENTS.map((type) => life.events[type])]);
  const dynamo =
    ((whole.writeUnits + whole.indexWriteUnits) * PRICES.dynamoPerWriteUnit +
      whole.readUnits * PRICES.dynamoPerReadUnit) *
    perThousand;
  const events = LIFE_EVENTS.reduce((sum, type) => sum + life.eventCounts[type], 0);
  const sns = events * PRICES.snsPerPublish * perThousand;
  // The send queue: the dispatcher's SendMessageBatch (10 a request), the sender's receive and delete
  // per batch. The events queue: SNS's SendMessage per event, the events Lambda's receive and delete per batch of 10.
  const batch = sendingPlan(sendRate).batchSize;
  const sqsRequests =
    (life.emails / 10 + (2 * life.emails) / batch + events + (2 * events) / 10) * perThousand;
  const sqs = sqsRequests * PRICES.sqsPerRequest;
  // A backlog is sent at each instance's paced rate, and the sender is billed while it waits for its
  // slot: an email costs at least 1 / instanceSendRate seconds of the sender, or what it measurably took.
  const instanceRate = sendingPlan(sendRate).instanceSendRate;
  const senderSecondsPerEmail = Math.max(life.senderMs / 1000 / emails, 1 / instanceRate);
  const eventsSecondsPerEmail = life.eventsMs / 1000 / emails;
  const lambda =
    ((life.senderInvocations + life.eventsInvocations) / emails) * 1000 * PRICES.lambdaPerRequest +
    1000 *
      (senderSecondsPerEmail * (plan.memoryMb.sender / 1024) +
        eventsSecondsPerEmail * (plan.memoryMb.events / 1024)) *
      PRICES.lambdaPerGbSecondArm;
  const logLines =
    life.senderLog.lines + life.eventsLog.lines + 3 * (life.senderInvocations + life.eventsInvocations);
  const logBytes =
    life.senderLog.bytes +
    life.eventsLog.bytes +
    PLATFORM_LOG_BYTES_PER_INVOCATION * (life.senderInvocations + life.eventsInvocations) +
    LOG_EVENT_OVERHEAD_BYTES * logLines;
  const logs = (logBytes / 2 ** 30) * PRICES.logsPerGb * perThousand;
  const ses = 1000 * PRICES.sesPerEmail;
  const total = ses + dynamo + sns + sqs + lambda + logs;
  return {
    ses,
    dynamo,
    sns,
    sqs,
    lambda,
    logs,
    total,
    logBytesPerEmail: logBytes / emails,
    senderMsPerEmail: senderSecondsPerEmail * 1000,
    eventsMsPerEmail: eventsSecondsPerEmail * 1000,
    dispatcherPerTick,
  };
}

/**
 * What dun costs a month whatever it sends: the dispatcher's ticks (Scheduler, Lambda, its reads of
 * every due shard and its cursor, measured per tick), the alarms, the customer managed keys and
 * their requests (SQS and SNS reuse a data key for five minutes, so about one GenerateDataKey and one
 * Decrypt each per five minutes), and the Lambda pollers' long polls of the two queues (about five
 * pollers each, a 20-second long poll at a time, while idle).
 */
function fixedMonthly(plan: Deployed, perTick: Tally, tickMs: number) {
  const ticks = SECONDS_A_MONTH / (plan.tickMinutes * 60);
  const dispatcher =
    ticks *
    (PRICES.schedulerPerInvocation +
      PRICES.lambdaPerRequest +
      (tickMs / 1000) * (plan.memoryMb.dispatcher / 1024) * PRICES.lambdaPerGbSecondArm +
      perTick.readUnits * PRICES.dynamoPerReadUnit +
      perTick.writeUnits * PRICES.dynamoPerWriteUnit);
  const alarms = plan.alarms * PRICES.alarmPerMonth;
  const keys = plan.keys * (PRICES.kmsKeyPerMonth + 2 * (SECONDS_A_MONTH / 300) * PRICES.kmsPerRequest);
  const polls = 2 * 5 * (SECONDS_A_MONTH / 20) * PRICES.sqsPerRequest;
  return { dispatcher, alarms, keys, polls, total: dispatcher + alarms + keys + polls, ticks };
}

async function run(): Promise<Figure[]> {
  const plan = await deployed();
  const life = await reminderLife({ sendRate: PRODUCTION_SEND_RATE });
  const { emails, reminders } = life;
  const whole = sumOf([life.sender, ...LIFE_EVENTS.map((type) => life.events[type])]);
  const readsPerEmail = whole.reads / emails;
  const writesPerEmail = whole.writes / emails;
  const withNone = await dispatcherRequests(0);
  const withMany = await dispatcherRequests(100_000);
  const perTick = emptyTally();
  for (const key of ["reads", "writes", "readUnits", "writeUnits"] as const)
    perTick[key] = life.dispatcher[key] / life.ticks;

  const cost = costPerThousand(life, plan, PRODUCTION_SEND_RATE, perTick);
  const sandbox = costPerThousand(life, plan, 1, perTick);
  const large = costPerThousand(life, plan, 100, perTick);
  const fixed = fixedMonthly(plan, perTick, withNone.ms);
  const sources = Object.fromEntries([
    ["sender", perEmail(life.sender, emails)],
    ...LIFE_EVENTS.map((type) => [type, perEmail(life.events[type], emails)]),
  ]);
  const lifeOf = `${emails} emails SES took (${reminders} reminders to 40 debtors in five countries through the whole ladder, and the ${emails - reminders} owner hand-over alerts and account manager notes the ladder sends), each followed by its Send event, its Delivery and an Open, and every fifth reminder by a Click, through the real sender and events handlers`;
  const usd = (value: number) => `$${value.toFixed(5)}`;

  return [
    {
      name: "pipeline.dynamodb_reads_per_email",
      value: readsPerEmail,
      unit: "reads/email",
      ratio: {
        value: readsPerEmail / 4,
        of: "reads per email over its whole life, events included ÷ 4, the budget",
        goal: "≤ 1",
        met: readsPerEmail <= 4,
      },
      note: `${lifeOf}. Per email, by who asked: ${JSON.stringify(sources)}. Per reminder, with the alerts' and notes' requests charged to the reminders: ${(whole.reads / reminders).toFixed(2)} reads, ${(whole.writes / reminders).toFixed(2)} writes.`,
    },
    {
      name: "pipeline.dynamodb_writes_per_email",
      value: writesPerEmail,
      unit: "writes/email",
      ratio: {
        value: writesPerEmail / 6,
        of: "write requests per email over its whole life, events included ÷ 6, the budget",
        goal: "≤ 1",
        met: writesPerEmail <= 6,
      },
      note: `${(whole.itemsWritten / emails).toFixed(2)} items written per email (a BatchWriteItem writes the marker and the message record in one request); write capacity ${(whole.writeUnits / emails).toFixed(2)} units/email as dynalite reports them (by item size) plus ${(whole.indexWriteUnits / emails).toFixed(2)} due-index units/email counted from the update expressions; read capacity ${(whole.readUnits / emails).toFixed(2)} units/email.`,
    },
    {
      name: "pipeline.dispatcher_requests_100k_not_due",
      value: withMany.reads,
      unit: "requests",
      ratio: {
        value: withMany.reads / withNone.reads,
        of: `requests with 100 000 not-due invoices ÷ with none (${withNone.reads})`,
        goal: "= 1",
        met: withMany.reads === withNone.reads,
      },
    },
    {
      name: "pipeline.cost_per_1000_reminders",
      value: cost.total,
      unit: "USD",
      ratio: {
        value: cost.total / cost.ses,
        of: `total ÷ SES's price for 1 000 emails ($${cost.ses.toFixed(2)}), at sendRate ${PRODUCTION_SEND_RATE}`,
        // The SPEC's goal for the cost of reminders: at most 1.10 × what SES charges for them.
        goal: "≤ 1.1",
        met: cost.total / cost.ses <= 1.1,
      },
      note: `Per 1 000 emails at sendRate ${PRODUCTION_SEND_RATE} (SES's first rate out of the sandbox): SES ${usd(cost.ses)}, DynamoDB ${usd(cost.dynamo)} (the whole life's read, write and due-index units), SNS ${usd(cost.sns)} (SES publishes each event to the events topic; deliveries to SQS are free), SQS ${usd(cost.sqs)} (both queues' sends, receives and deletes), Lambda ${usd(cost.lambda)} (sender ${plan.memoryMb.sender} MB for ${cost.senderMsPerEmail.toFixed(0)} ms an email, the paced slot it waits for under a backlog, since its measured work is less; events ${plan.memoryMb.events} MB for ${cost.eventsMsPerEmail.toFixed(1)} ms measured against dynalite; requests per batch), CloudWatch Logs ${usd(cost.logs)} (${cost.logBytesPerEmail.toFixed(0)} bytes an email: the handlers' log lines at the deployed INFO level as measured, Lambda's START/END/REPORT lines, 26 bytes per event). At sendRate 1 (the sandbox, where the sender waits 2 s for each slot) ${sandbox.total.toFixed(4)} (${(sandbox.total / sandbox.ses).toFixed(3)} × SES); at sendRate 100 ${large.total.toFixed(4)} (${(large.total / large.ses).toFixed(3)} × SES). Fixed a month, whatever is sent: ${usd(fixed.total)} — dispatcher ticks ${usd(fixed.dispatcher)} (${fixed.ticks} ticks at ${plan.tickMinutes}-minute intervals: Scheduler, Lambda ${plan.memoryMb.dispatcher} MB for ${withNone.ms.toFixed(0)} ms, ${perTick.reads.toFixed(0)} reads and ${perTick.writes.toFixed(0)} write a tick), ${plan.alarms} alarms ${usd(fixed.alarms)}, ${plan.keys} KMS keys and their data-key requests ${usd(fixed.keys)}, the queues' idle long polls ${usd(fixed.polls)}. Prices (US East, list, no free tier): SES $0.10/1000 emails; DynamoDB on demand $0.625 per million write and $0.125 per million read request units; SNS $0.50 per million publishes; SQS $0.40 per million requests; Lambda arm64 $0.20 per million requests and $0.0000133334 per GB-second; CloudWatch Logs $0.50 per GB ingested, $0.10 per alarm a month; KMS $1 per key a month and $0.03 per 10 000 requests; EventBridge Scheduler $1 per million invocations.`,
    },
  ];
}

export const pipelineSuite: Suite = { title: "Pipeline", run };
