/**
 * The sender Lambda: one SQS batch of due invoices, each processed on its own. A message whose
 * invoice kept changing under it is reported as a batch item failure, so SQS brings it back after
 * the visibility timeout and the rest of the batch is not sent twice; an email SES would not take
 * for now is not a failure here (the invoice stays due with a backoff, and the message is done). The
 * records are worked on at once, but each waits for its pacing slot first — this instance's share
 * of the account's SES sending rate — so that SES has no reason to throttle, and so that the claim
 * it then writes is followed by SES at once (#sending/send-window.ts). A batch holds as many
 * records as 10 s of slots (infra/constructs/sending.ts), so the sends keep to the rate throughout.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { SESClient } from "@aws-sdk/client-ses";
import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { documentClient } from "#adapters/dynamo/client.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { sesMailer } from "#adapters/ses/mailer.ts";
import { type Pace, sendPacer } from "#adapters/ses/send-pacer.ts";
import { SqsDeadLetters } from "#adapters/sqs/dead-letters.ts";
import { DueMessageSchema } from "#dispatching/due-message.ts";
import { processDueInvoice, type SenderDeps } from "#sending/process-due-invoice.ts";
import { readEnvironment, required } from "./environment.ts";
import {
  LOG_EMAIL_REFUSED,
  LOG_OWNER_NOT_ALERTED,
  LOG_SENDING_BLOCKED,
  LOG_SENDING_THROTTLED,
} from "./log-messages.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-sender");
const documents = documentClient();
// This instance's share of the account's SES sending rate; the stack runs as many instances as
// that rate needs, and no more (infra/constructs/sending.ts).
const pace = sendPacer(env.INSTANCE_SEND_RATE, {
  now: () => performance.now(),
  sleep: (milliseconds) => sleep(milliseconds),
});
// maxAttempts 1: the SDK must never repeat a send that may have reached SES (see adapters/ses/mailer.ts).
const deps: SenderDeps = {
  invoices: invoiceTable(documents, env.TABLE_NAME),
  tenants: new TenantTable(documents, env.TABLE_NAME),
  mailer: sesMailer(new SESClient({ maxAttempts: 1 }), {
    configurationSet: required(env, "SES_CONFIGURATION_SET"),
  }),
  config: { fromAddress: required(env, "FROM_ADDRESS") },
  // A stale claim is released only while no SES event waits here (#sending/stale-claim.ts).
  deadLetters: new SqsDeadLetters(new SQSClient({}), required(env, "EVENTS_DEAD_LETTER_QUEUE_URL")),
};

export class RetryLater extends Error {
  override readonly name = "RetryLater";
}

type Logger = ReturnType<typeof redactingLogger>;
type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/**
 * The handler of one sender instance: its tables and mailer, its pacer (the instance's share of
 * the rate) and its logger. The Lambda makes one below; bench/throughput.bench.ts makes several in
 * one process, as many as the stack runs at once, to measure them against a modelled SES.
 */
export function sqsSender(
  deps: SenderDeps,
  pace: Pace,
  logger: Logger,
  /** The clock the invoices are decided on; the benchmark fixes it in the debtors' business hours. */
  now: () => Date = () => new Date(),
): SqsHandler {
  // One per instance: it holds the batch it is working on.
  const processor = new BatchProcessor(EventType.SQS);
  const processRecord = (record: SQSRecord) => processDueRecord(deps, pace, logger, now, record);
  return (event, context) =>
    // processInParallel: every record of the batch at once, each sent when the pacer gives it its slot.
    processPartialResponse(event, processRecord, processor, { context, processInParallel: true });
}

async function processDueRecord(
  deps: SenderDeps,
  pace: Pace,
  logger: Logger,
  now: () => Date,
  record: SQSRecord,
) {
  const due = DueMessageSchema.parse(JSON.parse(record.body));
  await pace();
  const result = await processDueInvoice(deps, due, now());
  if (result.outcome === "deferred") {
    // Rate throttling is a warning (pacing should prevent it; the alarm counts a run of them); anything else is an error.
    if (result.scope === "rate") logger.warn(LOG_SENDING_THROTTLED, { ...due, ...result });
    else logger.error(LOG_SENDING_BLOCKED, { ...due, ...result });
  } else if (result.outcome === "refused") logger.error(LOG_EMAIL_REFUSED, { ...due, ...result });
  else logger.info("processed", { ...due, ...result });
  if (result.ownerNotAlerted !== undefined)
    logger.error(LOG_OWNER_NOT_ALERTED, { ...due, reason: result.ownerNotAlerted });
  if (result.outcome === "retry") throw new RetryLater(result.reason);
}

export const handler: SqsHandler = sqsSender(deps, pace, logger);
