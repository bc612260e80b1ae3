/**
 * The dispatcher Lambda, invoked by the EventBridge Scheduler tick: due invoices onto the send
 * queue. It stops reading when TICK_BUDGET of its remaining time is spent, so a tick always ends
 * well within its timeout however many invoices are due; the next tick goes on where it stopped.
 */

import { SQSClient } from "@aws-sdk/client-sqs";
import type { Context } from "aws-lambda";
import { documentClient } from "#adapters/dynamo/client.ts";
import { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { SqsDueQueue } from "#adapters/sqs/due-queue.ts";
import { type DispatchReport, dispatchDue, TICK_BUDGET } from "#dispatching/dispatch-due.ts";
import { readEnvironment, required } from "./environment.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-dispatcher");
const documents = documentClient();
const deps = {
  invoices: invoiceTable(documents, env.TABLE_NAME),
  cursor: new DispatchCursorTable(documents, env.TABLE_NAME),
  queue: new SqsDueQueue(new SQSClient({}), required(env, "SEND_QUEUE_URL")),
};

export async function handler(_event: unknown, context: Context): Promise<DispatchReport> {
  const stopAt = Date.now() + context.getRemainingTimeInMillis() * TICK_BUDGET;
  const report = await dispatchDue(deps, new Date(), { outOfTime: () => Date.now() >= stopAt });
  if (!report.caughtUp) logger.warn("dispatch not caught up: the next tick goes on", { ...report });
  else logger.info("dispatched", { ...report });
  return report;
}
