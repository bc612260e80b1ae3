/**
 * What SES publishes after a Send, made locally. aws-ses-v2-local publishes no events at all
 * (the local Send event comes from #adapters/ses/send-events.ts), so local mode and the tests
 * make the rest here, following the SES mailbox simulator ("Using the mailbox simulator manually"
 * in the SES developer guide), read by an address's local part so that any domain works:
 *
 * - `bounce@…` is refused with 550 5.1.1, a Permanent/General Bounce;
 * - `complaint@…` is delivered, then marked as spam: a Delivery, then a Complaint (abuse);
 * - `ooto@…` is delivered and answers out of office, which SES publishes nothing for: a Delivery;
 * - `suppressionlist@…` bounces as an address on the suppression list: a Permanent/Suppressed Bounce;
 * - any other address is delivered: a Delivery.
 *
 * As with the simulator, a label after "+" is ignored (`bounce+stage1@…` bounces). Every record
 * comes out in the documented JSON shape, one recipient each, and the same input gives the same
 * records, feedback ids included, so a replay is the duplicate SES would send.
 */
import { createHash } from "node:crypto";
import type { SesEvent, SesEventRecord } from "./ses-event.ts";

type Mail = SesEventRecord["mail"];
type Outcome = "delivered" | "bounced" | "complained" | "suppressed";

const OUTCOMES = new Map<string, Outcome>([
  ["bounce", "bounced"],
  ["complaint", "complained"],
  ["ooto", "delivered"],
  ["suppressionlist", "suppressed"],
]);

// The host of the local stand-in; SES names one of its own MTAs here.
const LOCAL_MTA = "localhost";

/**
 * The records SES would publish next, for each recipient of `send` (an event of type "send"; any
 * other type is followed by nothing), in the order SES would publish them, all stamped `options.at`.
 */
export function followUpEvents(send: SesEvent, options: { at: Date }): SesEventRecord[] {
  if (send.type !== "send") return [];
  const at = options.at.toISOString();
  // The mail object as the Send event had it; the normalized event keeps no headers or source.
  const mail: Mail = {
    timestamp: send.at,
    messageId: send.messageId,
    destination: send.destination,
    headersTruncated: false,
    tags: send.tags,
  };
  const sent: Sent = {
    mail,
    at,
    processingTimeMillis: Math.max(0, options.at.getTime() - Date.parse(send.at)),
  };
  return send.recipients.flatMap((recipient) => followUpsOf(recipient, sent));
}

type Sent = { mail: Mail; at: string; processingTimeMillis: number };

function followUpsOf(recipient: string, { mail, at, processingTimeMillis }: Sent): SesEventRecord[] {
  const delivery: SesEventRecord = {
    eventType: "Delivery",
    mail,
    delivery: {
      timestamp: at,
      processingTimeMillis,
      recipients: [recipient],
      smtpResponse: "250 2.6.0 Message received",
      reportingMTA: LOCAL_MTA,
    },
  };
  const outcome = outcomeOf(recipient);
  const feedbackId = feedbackIdOf(mail.messageId, recipient, outcome);
  switch (outcome) {
    case "delivered":
      return [delivery];
    case "bounced":
      return [
        {
          eventType: "Bounce",
          mail,
          bounce: {
            bounceType: "Permanent",
            bounceSubType: "General",
            bouncedRecipients: [
              {
                emailAddress: recipient,
                action: "failed",
                status: "5.1.1",
                diagnosticCode: "smtp; 550 5.1.1 user unknown",
              },
            ],
            timestamp: at,
            feedbackId,
            reportingMTA: `dsn; ${LOCAL_MTA}`,
          },
        },
      ];
    case "suppressed":
      return [
        {
          eventType: "Bounce",
          mail,
          bounce: {
            bounceType: "Permanent",
            bounceSubType: "Suppressed",
            bouncedRecipients: [
              {
                emailAddress: recipient,
                action: "failed",
                status: "5.1.1",
                diagnosticCode:
                  "Amazon SES has suppressed sending to this address because it has a recent history of bouncing as an invalid address.",
              },
            ],
            timestamp: at,
            feedbackId,
            reportingMTA: "dns; amazonses.com",
          },
        },
      ];
    case "complained":
      return [
        delivery,
        {
          eventType: "Complaint",
          mail,
          complaint: {
            complainedRecipients: [{ emailAddress: recipient }],
            timestamp: at,
            feedbackId,
            userAgent: "Amazon SES Mailbox Simulator",
            complaintFeedbackType: "abuse",
            arrivalDate: at,
          },
        },
      ];
  }
}

function outcomeOf(address: string): Outcome {
  const at = address.lastIndexOf("@");
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  const label = local.indexOf("+");
  return OUTCOMES.get(label < 0 ? local : local.slice(0, label)) ?? "delivered";
}

/**
 * A feedback id in SES's form (16-8-4-4-4-12 hex digits, then "-000000"), fixed by the message,
 * the recipient and the outcome, so that the same follow-up made twice is one event to whoever applies it.
 */
function feedbackIdOf(messageId: string, recipient: string, outcome: Outcome): string {
  const hex = createHash("sha256").update(`${messageId}\n${recipient}\n${outcome}`).digest("hex");
  const parts = [16, 8, 4, 4, 4, 12];
  let offset = 0;
  const groups = parts.map((length) => {
    const group = hex.slice(offset, offset + length);
    offset += length;
    return group;
  });
  return `${groups.join("-")}-000000`;
}
