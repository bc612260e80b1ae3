/** SES event notifications as SNS delivers them, built from the recorded fixtures for one of dun's emails. */
import { readFileSync } from "node:fs";
import type { SNSEvent } from "aws-lambda";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";

/** A permanent bounce of invoice 2026-1001's reminder_1 to `recipient`, for tenant nordlys. */
export function bounceNotificationFor(messageId: string, recipient: string, claimId: string): SNSEvent {
  const envelope = JSON.parse(
    readFileSync(new URL("../fixtures/ses-events/sns/bounce-permanent.json", import.meta.url), "utf8"),
  ) as SNSEvent;
  const record = envelope.Records[0];
  if (!record) throw new Error("the fixture has no record");
  const message = JSON.parse(record.Sns.Message);
  message.mail.messageId = messageId;
  message.mail.destination = [recipient];
  message.mail.tags = {
    ...message.mail.tags,
    tenant: ["nordlys"],
    invoice: [encodeTagValue("2026-1001")],
    step: ["reminder_1"],
    claim: [claimId],
  };
  message.bounce.bouncedRecipients[0].emailAddress = recipient;
  record.Sns.Message = JSON.stringify(message);
  return envelope;
}
