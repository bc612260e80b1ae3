/**
 * The sender Lambda: one SQS batch of due invoices, each processed on its own. A message whose
 * send must be tried again (SES throttled) is reported as a batch item failure, so SQS brings it
 * back after the visibility timeout and the rest of the batch is not sent twice. The records are
 * worked on in parallel, but their sends are paced to this instance's share of the account's SES
 * sending rate, so that SES has no reason to throttle.
 */

import { setTimeout as sleep } from "node:timers/promises";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { SESClient } from "@aws-sdk/client-ses";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { documentClient } from "#adapters/dynamo/client.ts";
import { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { sesMailer } from "#adapters/ses/mailer.ts";
import { sendPacer } from "#adapters/ses/send-pacer.ts";
import { DueMessageSchema } from "#dispatching/due-message.ts";
import { processDueInvoice, type SenderDeps } from "#sending/process-due-invoice.ts";
import { readEnvironment, required } from "./environment.ts";
import { LOG_OWNER_NOT_ALERTED } from "./log-messages.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-sender");
const documents = documentClient();
// This instance's share of the account's SES sending rate; the stack runs at most two (infra/constructs/sending.ts).
const pace = sendPacer(env.INSTANCE_SEND_RATE, {
  now: () => performance.now(),
  sleep: (milliseconds) => sleep(milliseconds),
});
// maxAttempts 1: the SDK must never repeat a send that may have reached SES (see adapters/ses/mailer.ts).
const deps: SenderDeps = {
  invoices: new InvoiceTable(documents, env.TABLE_NAME),
  tenants: new TenantTable(documents, env.TABLE_NAME),
  mailer: sesMailer(new SESClient({ maxAttempts: 1 }), {
    configurationSet: required(env, "SES_CONFIGURATION_SET"),
    pace,
  }),
  config: { fromAddress: required(env, "FROM_ADDRESS") },
};
const processor = new BatchProcessor(EventType.SQS);

export class RetryLater extends Error {
  override readonly name = "RetryLater";
}

async function processRecord(record: SQSRecord): Promise<void> {
  const due = DueMessageSchema.parse(JSON.parse(record.body));
  const result = await processDueInvoice(deps, due, new Date());
  logger.info("processed", { ...due, ...result });
  if (result.outcome === "sent" && result.ownerNotAlerted !== undefined)
    logger.error(LOG_OWNER_NOT_ALERTED, { ...due, alert: "handover", reason: result.ownerNotAlerted });
  if (result.outcome === "retry") throw new RetryLater(result.reason);
}

export async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  return processPartialResponse(event, processRecord, processor, { context });
}
