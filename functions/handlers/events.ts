/**
 * The events Lambda: SES configuration-set events, delivered by SNS or by EventBridge. Every
 * record is parsed and applied on its own; one that cannot be parsed or applied is logged, and the
 * invocation then fails so that the platform retries it (or dead-letters it) — after the good ones
 * were applied, which is safe because applying an event twice changes nothing.
 */

import { SESClient } from "@aws-sdk/client-ses";
import { documentClient } from "#adapters/dynamo/client.ts";
import { InvoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { sesMailer } from "#adapters/ses/mailer.ts";
import { applySesEvent, type EventDeps } from "#events/apply-ses-event.ts";
import { parseSesNotifications } from "#events/ses-event.ts";
import { readEnvironment, required } from "./environment.ts";
import { LOG_OWNER_NOT_ALERTED } from "./log-messages.ts";
import { redactingLogger } from "./logger.ts";

const env = readEnvironment();
const logger = redactingLogger("dun-events");
const documents = documentClient();
const deps: EventDeps = {
  invoices: new InvoiceTable(documents, env.TABLE_NAME),
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

export async function handler(input: unknown): Promise<{ applied: number }> {
  const { events, failures } = parseSesNotifications(input);
  for (const failure of failures) logger.error("unreadable SES event record", { ...failure });
  let failed = failures.length;
  for (const event of events) {
    try {
      const outcome = await applySesEvent(deps, event, new Date());
      if (outcome === "unknown_message")
        logger.warn("SES event for an email dun does not know", { ...event });
      else if (outcome === "recorded_owner_not_alerted")
        logger.error(LOG_OWNER_NOT_ALERTED, {
          type: event.type,
          messageId: event.messageId,
          tags: event.tags,
        });
      else logger.info("SES event", { type: event.type, messageId: event.messageId, outcome });
    } catch (error) {
      failed += 1;
      logger.error("SES event not applied", {
        type: event.type,
        messageId: event.messageId,
        error: error as Error,
      });
    }
  }
  if (failed > 0)
    throw new EventsNotApplied(`${failed} of ${events.length + failures.length} SES event records failed`);
  return { applied: events.length };
}
