/** The dispatcher Lambda, invoked by the EventBridge Scheduler tick: due invoices onto the send queue. */

import { SQSClient } from "@aws-sdk/client-sqs";
import { documentClient } from "#adapters/dynamo/client.ts";
import { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { SqsDueQueue } from "#adapters/sqs/due-queue.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { readEnvironment, required } from "./environment.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-dispatcher");
const invoices = new InvoiceTable(documentClient(), env.TABLE_NAME);
const queue = new SqsDueQueue(new SQSClient({}), required(env, "SEND_QUEUE_URL"));

export async function handler(): Promise<{ due: number; pages: number }> {
  const report = await dispatchDue({ invoices, queue }, new Date());
  logger.info("dispatched", report);
  return report;
}
