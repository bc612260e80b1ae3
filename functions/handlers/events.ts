/**
 * The events Lambda: SES configuration-set events, from the events queue (SES → SNS → SQS, each
 * message one SES event record), or delivered by SNS or EventBridge directly. Every record is
 * parsed and applied on its own; one that cannot be parsed or applied is logged.
 * - From the queue, the answer is a partial batch response: the records that failed are named
 *   (batchItemFailures) and only they come back, until the queue dead-letters them.
 * - Otherwise the invocation fails so that the platform retries it — after the good ones were
 *   applied, which is safe because applying an event twice changes nothing.
 */

import { SESClient } from "@aws-sdk/client-ses";
import type { SQSBatchResponse } from "aws-lambda";
import { documentClient } from "#adapters/dynamo/client.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { sesMailer } from "#adapters/ses/mailer.ts";
import { applySesEvent, type EventDeps } from "#events/apply-ses-event.ts";
import { recentTenants } from "#events/recent-tenants.ts";
import { isSqsEvent, parseSesNotifications, parseSqsRecord, type SesEvent } from "#events/ses-event.ts";
import { readEnvironment, required } from "./environment.ts";
import { LOG_OWNER_NOT_ALERTED } from "./log-messages.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-events");
const documents = documentClient();
const deps: EventDeps = {
  invoices: invoiceTable(documents, env.TABLE_NAME),
  tenants: new TenantTable(documents, env.TABLE_NAME),
  // Owner alerts go out from here; maxAttempts 1 as for every send (adapters/ses/mailer.ts).
  mailer: sesMailer(new SESClient({ maxAttempts: 1 }), {
    configurationSet: required(env, "SES_CONFIGURATION_SET"),
  }),
  config: { fromAddress: required(env, "FROM_ADDRESS") },
};

export class EventsNotApplied extends Error {
  override readonly name = "EventsNotApplied";
}

type Logger = ReturnType<typeof redactingLogger>;
type EventsHandler = (input: unknown) => Promise<SQSBatchResponse | { applied: number }>;

/**
 * The handler of one events instance: its tables and mailer, its logger and its clock. The Lambda
 * makes one below; bench/pipeline.bench.ts makes one on its own tables to count what each event costs.
 */
export function sesEventsHandler(
  deps: EventDeps,
  logger: Logger,
  now: () => Date = () => new Date(),
): EventsHandler {
  // The instance's tenants for the ladder's policy, read once a minute (#events/recent-tenants.ts).
  const instanceDeps: EventDeps = {
    ...deps,
    policyTenants: deps.policyTenants ?? recentTenants(deps.tenants, () => now().getTime()),
  };
  /** Applies one event and logs what came of it; false if it failed and must be tried again. */
  async function applied(event: SesEvent): Promise<boolean> {
    try {
      const outcome = await applySesEvent(instanceDeps, event, now());
      if (outcome === "unknown_message")
        logger.warn("SES event for an email dun does not know", { ...event });
      else if (outcome === "recorded_owner_not_alerted")
        logger.error(LOG_OWNER_NOT_ALERTED, {
          type: event.type,
          messageId: event.messageId,
          tags: event.tags,
        });
      else logger.info("SES event", { type: event.type, messageId: event.messageId, outcome });
      return true;
    } catch (error) {
      logger.error("SES event not applied", {
        type: event.type,
        messageId: event.messageId,
        error: error as Error,
      });
      return false;
    }
  }

  /** One batch of the events queue: each record applied on its own, the failed ones named for SQS to retry. */
  async function applyQueued(records: readonly unknown[]): Promise<SQSBatchResponse> {
    const batchItemFailures: SQSBatchResponse["batchItemFailures"] = [];
    for (const [index, record] of records.entries()) {
      const { messageId, event } = parseSqsRecord(record);
      if (messageId === undefined)
        // Without its id SQS cannot be told which record failed: the whole batch comes back.
        throw new EventsNotApplied(
          `Records[${index}] has no messageId${event.ok ? "" : ` (${event.error})`}`,
        );
      if (!event.ok) {
        // An unreadable record reads no better next time, but is kept: it dead-letters after its
        // receives, where a person can look at it, instead of being dropped here.
        logger.error("unreadable SES event record", { index, messageId, reason: event.error });
        batchItemFailures.push({ itemIdentifier: messageId });
      } else if (!(await applied(event.value))) batchItemFailures.push({ itemIdentifier: messageId });
    }
    return { batchItemFailures };
  }

  return async (input) => {
    if (isSqsEvent(input)) return applyQueued(input.Records);
    const { events, failures } = parseSesNotifications(input);
    for (const failure of failures) logger.error("unreadable SES event record", { ...failure });
    let failed = failures.length;
    for (const event of events) if (!(await applied(event))) failed += 1;
    if (failed > 0)
      throw new EventsNotApplied(`${failed} of ${events.length + failures.length} SES event records failed`);
    return { applied: events.length };
  };
}

export const handler: EventsHandler = sesEventsHandler(deps, logger);
