/** SES event notifications as SNS delivers them, built from the recorded fixtures for one of dun's emails. */
import { readFileSync } from "node:fs";
import type { SNSEvent } from "aws-lambda";
import { encodeTagValue } from "#adapters/ses/tag-values.ts";

/** The SNS fixture of one event type, with its message made to be about the email `messageId` of `invoiceNumber`. */
function notificationFor(
  fixture: string,
  messageId: string,
  recipient: string,
  claimId: string,
  invoiceNumber: string,
  // biome-ignore lint/suspicious/noExplicitAny: the fixture is JSON that the helpers bend on purpose.
  bend: (message: any) => void,
): SNSEvent {
  const envelope = JSON.parse(
    readFileSync(new URL(`../fixtures/ses-events/sns/${fixture}.json`, import.meta.url), "utf8"),
  ) as SNSEvent;
  const record = envelope.Records[0];
  if (!record) throw new Error("the fixture has no record");
  const message = JSON.parse(record.Sns.Message);
  message.mail.messageId = messageId;
  message.mail.destination = [recipient];
  message.mail.tags = {
    ...message.mail.tags,
    tenant: ["nordlys"],
    invoice: [encodeTagValue(invoiceNumber)],
    step: ["reminder_1"],
    claim: [claimId],
  };
  bend(message);
  record.Sns.Message = JSON.stringify(message);
  return envelope;
}

/** A permanent bounce of invoice 2026-1001's reminder_1 to `recipient`, for tenant nordlys. */
export function bounceNotificationFor(
  messageId: string,
  recipient: string,
  claimId: string,
  invoiceNumber = "2026-1001",
): SNSEvent {
  return notificationFor("bounce-permanent", messageId, recipient, claimId, invoiceNumber, (message) => {
    message.bounce.bouncedRecipients[0].emailAddress = recipient;
  });
}

/** The delivery of an invoice's reminder_1 to `recipient`, for tenant nordlys. */
export function deliveryNotificationFor(
  messageId: string,
  recipient: string,
  claimId: string,
  invoiceNumber = "2026-1001",
): SNSEvent {
  return notificationFor("delivery", messageId, recipient, claimId, invoiceNumber, (message) => {
    message.delivery.recipients = [recipient];
  });
}

/** An open of an invoice's reminder_1, for tenant nordlys, at `at`. */
export function openNotificationFor(
  messageId: string,
  recipient: string,
  claimId: string,
  at: string,
  invoiceNumber = "2026-1001",
): SNSEvent {
  return notificationFor("open", messageId, recipient, claimId, invoiceNumber, (message) => {
    message.open.timestamp = at;
  });
}
