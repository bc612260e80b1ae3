/**
 * The dispatcher under the day's burst. Most reminders fall due at one instant (09:00 in the
 * debtor's zone), far more than SES sends in a minute:
 *
 * - 100 000 invoices due at once, drained by senders paced at SES's 14 emails a second, tick by tick
 *   at the deployed one-minute tick, through the real dispatcher and cursor on dynalite: the messages
 *   it puts on the send queue per reminder sent, beside what a dispatcher that enqueues everything
 *   `nextActionAt <= now` on every tick (dun before the cursor) would have put there in the same run.
 * - One tick with 1 000 000 due, at the deployed 60 s timeout, its messages sent by the real SQS
 *   client (to a local endpoint that answers as SQS does, after an in-region round trip): its time as
 *   a share of the timeout.
 */
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SQSClient } from "@aws-sdk/client-sqs";
import { BatchWriteCommand, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { allDueShards, DUE_INDEX, dueShardOf, invoiceKey } from "#adapters/dynamo/keys.ts";
import { SqsDueQueue } from "#adapters/sqs/due-queue.ts";
import { dispatchDue, TICK_BUDGET } from "#dispatching/dispatch-due.ts";
import type { DueMessage, DueQueue } from "#dispatching/due-message.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import type { Figure, Suite } from "./figure.ts";

const SES_PER_SECOND = 14;
const TICK_MS = 60_000;
/** The dispatcher's timeout at a one-minute tick (infra/constructs/dispatch.ts). */
const TICK_TIMEOUT_MS = 60_000;
/** What an SQS request takes in the region, about. */
const SQS_ROUND_TRIP_MS = 10;
const BURST = 100_000;
const HUGE = 1_000_000;
const DUE_AT = Date.parse("2026-12-07T08:00:00.000Z");

/** Writes `items` 25 a request, again for whatever DynamoDB leaves unprocessed. */
async function writeAll(dynamo: LocalDynamo, items: Record<string, unknown>[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  while (requests.length > 0) {
    const batch = requests.slice(0, 25);
    requests = requests.slice(25);
    const { UnprocessedItems } = await dynamo.documents.send(
      new BatchWriteCommand({ RequestItems: { [dynamo.tableName]: batch } }),
    );
    requests.push(...((UnprocessedItems?.[dynamo.tableName] ?? []) as typeof requests));
  }
}

/** Invoices on the due index, due at `at`: the index's own items, as the sender leaves them. */
async function putDue(dynamo: LocalDynamo, count: number, at: number, prefix: string): Promise<void> {
  const slot = new Date(at).toISOString();
  const items = (start: number, end: number) =>
    Array.from({ length: end - start }, (_, i) => ({
      ...invoiceKey("bench", `${prefix}-${start + i}`),
      nextActionAt: slot,
      dueShard: dueShardOf("bench", `${prefix}-${start + i}`),
    }));
  // 16 writers at once, each a stretch of the invoices.
  const stretch = Math.ceil(count / 16);
  await Promise.all(
    Array.from({ length: 16 }, (_, w) =>
      writeAll(dynamo, items(w * stretch, Math.min(count, (w + 1) * stretch))),
    ),
  );
}

/** How many invoices `nextActionAt <= now` finds: what the dispatcher before the cursor enqueued on every tick. */
async function dueNow(dynamo: LocalDynamo, now: number): Promise<number> {
  let count = 0;
  for (const shard of allDueShards()) {
    let after: Record<string, unknown> | undefined;
    do {
      const page = await dynamo.documents.send(
        new QueryCommand({
          TableName: dynamo.tableName,
          IndexName: DUE_INDEX,
          KeyConditionExpression: "dueShard = :shard AND nextActionAt <= :now",
          ExpressionAttributeValues: { ":shard": shard, ":now": new Date(now).toISOString() },
          Select: "COUNT",
          ExclusiveStartKey: after,
        }),
      );
      count += page.Count ?? 0;
      after = page.LastEvaluatedKey;
    } while (after);
  }
  return count;
}

class CountingQueue implements DueQueue {
  readonly waiting: DueMessage[] = [];
  enqueued = 0;
  async enqueue(messages: readonly DueMessage[]): Promise<void> {
    this.enqueued += messages.length;
    this.waiting.push(...messages);
  }
}

async function burst(): Promise<{
  indexed: number;
  enqueued: number;
  sent: number;
  oldEnqueued: number;
  ticks: number;
}> {
  const dynamo = await startDynalite();
  try {
    await putDue(dynamo, BURST, DUE_AT, "B");
    // dynalite leaves the odd item out of its index (2 in 40 000, found by a scan); DynamoDB does
    // not. The burst is what the index holds.
    const indexed = await dueNow(dynamo, DUE_AT);
    const queue = new CountingQueue();
    const deps = {
      invoices: invoiceTable(dynamo.documents, dynamo.tableName),
      cursor: new DispatchCursorTable(dynamo.documents, dynamo.tableName),
      queue,
    };
    const nextStage = new Date(DUE_AT + 14 * 86_400_000).toISOString();
    let sent = 0;
    let oldEnqueued = 0;
    let ticks = 0;
    for (let now = DUE_AT; sent < indexed; now += TICK_MS) {
      ticks += 1;
      // Before the cursor, a tick read up to now and enqueued all it found.
      oldEnqueued += await dueNow(dynamo, now);
      await dispatchDue(deps, new Date(now));
      // A minute of sending at SES's rate: each email sent moves its invoice to its next stage.
      const taken = queue.waiting.splice(0, SES_PER_SECOND * (TICK_MS / 1000));
      await writeAll(
        dynamo,
        taken.map((message) => ({
          ...invoiceKey(message.tenantId, message.invoiceNumber),
          nextActionAt: nextStage,
          dueShard: dueShardOf(message.tenantId, message.invoiceNumber),
        })),
      );
      sent += taken.length;
      if (ticks > 10 * (BURST / (SES_PER_SECOND * 60))) throw new Error("the burst never drained");
    }
    return { indexed, enqueued: queue.enqueued, sent, oldEnqueued, ticks };
  } finally {
    await dynamo.close();
  }
}

/** A local SQS endpoint for SendMessageBatch (AWS JSON 1.0), answering after SQS_ROUND_TRIP_MS. */
async function startSqsEndpoint(): Promise<{ server: Server; url: string; received: () => number }> {
  let received = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        Entries: { Id: string; MessageBody: string }[];
      };
      received += body.Entries.length;
      const successful = body.Entries.map((entry) => ({
        Id: entry.Id,
        MessageId: `${entry.Id}-${received}`,
        MD5OfMessageBody: createHash("md5").update(entry.MessageBody, "utf8").digest("hex"),
      }));
      setTimeout(() => {
        response.writeHead(200, { "content-type": "application/x-amz-json-1.0" });
        response.end(JSON.stringify({ Successful: successful, Failed: [] }));
      }, SQS_ROUND_TRIP_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, received: () => received };
}

async function hugeTick(): Promise<{ ms: number; enqueued: number; caughtUp: boolean }> {
  const dynamo = await startDynalite();
  const sqs = await startSqsEndpoint();
  try {
    await putDue(dynamo, HUGE, DUE_AT, "H");
    const client = new SQSClient({
      endpoint: sqs.url,
      region: "eu-north-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    });
    const deps = {
      invoices: invoiceTable(dynamo.documents, dynamo.tableName),
      cursor: new DispatchCursorTable(dynamo.documents, dynamo.tableName),
      queue: new SqsDueQueue(client, `${sqs.url}/000000000000/dun-send`),
    };
    // As the handler does: stop reading once TICK_BUDGET of the remaining time is spent.
    const started = Date.now();
    const stopAt = started + TICK_TIMEOUT_MS * TICK_BUDGET;
    const report = await dispatchDue(deps, new Date(DUE_AT + 5 * 60_000), {
      outOfTime: () => Date.now() >= stopAt,
    });
    const ms = Date.now() - started;
    client.destroy();
    return { ms, enqueued: sqs.received(), caughtUp: report.caughtUp };
  } finally {
    sqs.server.close();
    await dynamo.close();
  }
}

async function run(): Promise<Figure[]> {
  const drained = await burst();
  const perReminder = drained.enqueued / drained.sent;
  const oldPerReminder = drained.oldEnqueued / drained.sent;
  const tick = await hugeTick();
  const share = tick.ms / TICK_TIMEOUT_MS;
  return [
    {
      name: "dispatch.messages_per_reminder_100k_burst",
      value: perReminder,
      unit: "messages/reminder",
      ratio: {
        value: perReminder,
        of: "SQS messages enqueued ÷ reminders sent",
        goal: "≤ 1.05",
        met: perReminder <= 1.05,
      },
      note: `${BURST} invoices due at one instant (${drained.indexed} on dynalite's index), senders at ${SES_PER_SECOND}/s, a tick a minute: ${drained.sent} sent over ${drained.ticks} ticks, ${drained.enqueued} messages enqueued; a dispatcher enqueuing every due invoice on every tick would have enqueued ${drained.oldEnqueued} in the same run (${oldPerReminder.toFixed(1)} per reminder).`,
    },
    {
      name: "dispatch.tick_share_of_timeout_1m_due",
      value: tick.ms,
      unit: "ms",
      ratio: {
        value: share,
        of: `one tick's time with ${HUGE} due ÷ its ${TICK_TIMEOUT_MS / 1000} s timeout`,
        goal: "≤ 0.5",
        met: share <= 0.5,
      },
      note: `the tick stopped at its budget (${TICK_BUDGET} of its time) having enqueued ${tick.enqueued} messages through the real SQS client (each SendMessageBatch answered after ${SQS_ROUND_TRIP_MS} ms); caught up: ${tick.caughtUp}. The next tick goes on from its cursor.`,
    },
  ];
}

export const dispatchSuite: Suite = { title: "Dispatcher", run };
