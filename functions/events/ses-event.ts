/**
 * SES's email sending events, read the way they arrive, as one normalized event.
 *
 * SES publishes a configuration set's events to SNS, which dun delivers raw to an SQS queue (the
 * Lambda receives an SQS event whose message bodies are the records as JSON text); an SNS event
 * straight to the Lambda (its messages the records as JSON text) and EventBridge (one event, the
 * record as `detail`) are read too, and local mode posts bare records. The record is the same in all three: the shape the SES developer
 * guide documents in "Contents of event data that Amazon SES publishes to Amazon SNS" and its
 * examples page. An identity's own notifications (no configuration set) name the type
 * `notificationType` instead of `eventType`, with the same Bounce, Complaint and Delivery bodies.
 *
 * SES "reserves the right to add additional fields", so unknown fields are ignored, not refused.
 * Nothing here throws: whatever cannot be read becomes a failure that says which field is wrong.
 */
import * as z from "zod";
import { err, ok, type Result } from "#domain/result.ts";

export const SES_EVENT_TYPES = [
  "send",
  "delivery",
  "open",
  "click",
  "bounce",
  "complaint",
  "reject",
  "rendering_failure",
  "delivery_delay",
] as const;
export const SesEventTypeSchema = z.enum(SES_EVENT_TYPES);
export type SesEventType = (typeof SES_EVENT_TYPES)[number];

/** The record's `eventType` for each of dun's types, as the SNS contents page spells them. */
const EVENT_TYPE_NAMES = {
  Send: "send",
  Delivery: "delivery",
  Open: "open",
  Click: "click",
  Bounce: "bounce",
  Complaint: "complaint",
  Reject: "reject",
  "Rendering Failure": "rendering_failure",
  DeliveryDelay: "delivery_delay",
} as const satisfies Record<string, SesEventType>;
type EventTypeName = keyof typeof EVENT_TYPE_NAMES;

/** The types an identity's notifications have; they carry them in `notificationType`. */
const NOTIFICATION_TYPE_NAMES = ["Bounce", "Complaint", "Delivery"] as const;

/**
 * EventBridge's detail-type for each record type ("Amazon Simple Email Service events" in the
 * EventBridge events reference). "Email Subscribed" is left out: dun sends no subscription mail.
 */
const DETAIL_TYPES = {
  "Email Sent": "Send",
  "Email Delivered": "Delivery",
  "Email Opened": "Open",
  "Email Clicked": "Click",
  "Email Bounced": "Bounce",
  "Email Complaint Received": "Complaint",
  "Email Rejected": "Reject",
  "Email Rendering Failed": "Rendering Failure",
  "Email Delivery Delayed": "DeliveryDelay",
} as const satisfies Record<string, EventTypeName>;

/** A date and time as SES writes it, normalized to an ISO instant; undefined if it is none. */
function instantOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  let time = Date.parse(text);
  // The SES guide's own mail object example reads "2018-10-08T14:05:45 +0000", which Date refuses.
  if (Number.isNaN(time)) time = Date.parse(text.replace(/\s*([+-]\d{2}):?(\d{2})$/, "$1:$2"));
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

/** A date and time as SES writes it; parsed, it is the ISO instant (what `at` holds). */
const Instant = z.string().transform((text, context) => {
  const instant = instantOf(text);
  if (instant === undefined) context.addIssue({ code: "custom", message: "not a date and time" });
  return instant ?? text;
});
const Address = z.string().min(1);

const MailSchema = z.object({
  /** When SES accepted the email. Only read for the types that have no time of their own. */
  timestamp: z.string(),
  messageId: z.string().min(1),
  source: z.string().optional(),
  sourceArn: z.string().optional(),
  sendingAccountId: z.string().optional(),
  destination: z.array(Address),
  headersTruncated: z.boolean().optional(),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  commonHeaders: z
    .object({
      from: z.array(z.string()).optional(),
      to: z.array(z.string()).optional(),
      messageId: z.string().optional(),
      subject: z.string().optional(),
    })
    .optional(),
  // An identity's notifications carry no tags; only a configuration set publishes them.
  tags: z.record(z.string(), z.array(z.string())).optional(),
});
/** Send, Reject and Rendering Failure have no timestamp but the mail's, so theirs must be one. */
const TimedMailSchema = MailSchema.extend({ timestamp: Instant });

const RecipientSchema = z.object({
  emailAddress: Address,
  action: z.string().optional(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

const SendRecordSchema = z.object({
  eventType: z.literal("Send"),
  mail: TimedMailSchema,
  send: z.object({}).optional(),
});

const DeliveryRecordSchema = z.object({
  eventType: z.literal("Delivery"),
  mail: MailSchema,
  delivery: z.object({
    timestamp: Instant,
    processingTimeMillis: z.number().optional(),
    recipients: z.array(Address),
    smtpResponse: z.string().optional(),
    reportingMTA: z.string().optional(),
    remoteMtaIp: z.string().optional(),
  }),
});

const OpenRecordSchema = z.object({
  eventType: z.literal("Open"),
  mail: MailSchema,
  open: z.object({
    timestamp: Instant,
    ipAddress: z.string().optional(),
    userAgent: z.string().optional(),
  }),
});

const ClickRecordSchema = z.object({
  eventType: z.literal("Click"),
  mail: MailSchema,
  click: z.object({
    timestamp: Instant,
    link: z.string().min(1),
    linkTags: z.record(z.string(), z.array(z.string())).optional(),
    ipAddress: z.string().optional(),
    userAgent: z.string().optional(),
  }),
});

const BounceRecordSchema = z.object({
  eventType: z.literal("Bounce"),
  mail: MailSchema,
  bounce: z.object({
    bounceType: z.enum(["Permanent", "Transient", "Undetermined"]),
    bounceSubType: z.string(),
    bouncedRecipients: z.array(RecipientSchema).min(1),
    timestamp: Instant,
    feedbackId: z.string().min(1),
    reportingMTA: z.string().optional(),
    remoteMtaIp: z.string().optional(),
  }),
});

const ComplaintRecordSchema = z.object({
  eventType: z.literal("Complaint"),
  mail: MailSchema,
  complaint: z
    .object({
      complainedRecipients: z.array(z.object({ emailAddress: Address })).min(1),
      timestamp: Instant.optional(),
      feedbackId: z.string().min(1),
      // "either null or OnAccountSuppressionList"
      complaintSubType: z.string().nullable().optional(),
      userAgent: z.string().optional(),
      complaintFeedbackType: z.string().optional(),
      // From the ISP's feedback report, so not trusted to be readable; timestamp is SES's own.
      arrivalDate: z.string().optional(),
    })
    .refine(
      (complaint) => complaint.timestamp !== undefined || instantOf(complaint.arrivalDate) !== undefined,
      {
        message: "a complaint needs a timestamp or an arrivalDate",
        path: ["timestamp"],
      },
    ),
});

const RejectRecordSchema = z.object({
  eventType: z.literal("Reject"),
  mail: TimedMailSchema,
  reject: z.object({ reason: z.string() }),
});

const RenderingFailureRecordSchema = z.object({
  eventType: z.literal("Rendering Failure"),
  mail: TimedMailSchema,
  // The record calls it `failure`, not `renderingFailure`.
  failure: z.object({ errorMessage: z.string(), templateName: z.string().optional() }),
});

const DeliveryDelayRecordSchema = z.object({
  eventType: z.literal("DeliveryDelay"),
  mail: MailSchema,
  deliveryDelay: z.object({
    timestamp: Instant,
    delayType: z.string(),
    expirationTime: z.string().optional(),
    delayedRecipients: z.array(RecipientSchema).min(1),
    reportingMTA: z.string().optional(),
  }),
});

/**
 * One SES event record in the JSON shape SES publishes (with `eventType`). Parsing it makes its
 * event times ISO instants; the JSON shape itself is SesEventRecord.
 */
export const SesEventRecordSchema = z.discriminatedUnion("eventType", [
  SendRecordSchema,
  DeliveryRecordSchema,
  OpenRecordSchema,
  ClickRecordSchema,
  BounceRecordSchema,
  ComplaintRecordSchema,
  RejectRecordSchema,
  RenderingFailureRecordSchema,
  DeliveryDelayRecordSchema,
]);
export type SesEventRecord = z.input<typeof SesEventRecordSchema>;

/** What dun reads of an SES event, the same whichever way it arrived. */
export const SesEventSchema = z.object({
  type: SesEventTypeSchema,
  /** SES's message id (mail.messageId): the key of the message record, and so of the invoice. */
  messageId: z.string().min(1),
  /** When the event itself happened, as an ISO instant. */
  at: z.iso.datetime(),
  /** The same notification, delivered twice or by both SNS and EventBridge, has the same id. */
  eventId: z.string().min(1),
  tags: z.record(z.string(), z.array(z.string())),
  destination: z.array(z.string()),
  /** The bare, lower-cased addresses the event concerns. */
  recipients: z.array(z.string()),
  bounce: z
    .object({
      type: z.enum(["Permanent", "Transient", "Undetermined"]),
      subType: z.string(),
      feedbackId: z.string(),
      diagnostic: z.string().optional(),
    })
    .optional(),
  complaint: z.object({ feedbackId: z.string(), feedbackType: z.string().optional() }).optional(),
  open: z.object({ userAgent: z.string().optional(), ipAddress: z.string().optional() }).optional(),
  click: z
    .object({ link: z.string(), userAgent: z.string().optional(), ipAddress: z.string().optional() })
    .optional(),
  reject: z.object({ reason: z.string() }).optional(),
  renderingFailure: z.object({ errorMessage: z.string(), templateName: z.string().optional() }).optional(),
  deliveryDelay: z
    .object({
      delayType: z.string(),
      expirationTime: z.string().optional(),
      diagnostic: z.string().optional(),
    })
    .optional(),
});
export type SesEvent = z.infer<typeof SesEventSchema>;

/** Where in the input a record was (its position in Records or in the array; 0 otherwise). */
export type RecordFailure = { index: number; reason: string };

/**
 * Accepts what the events Lambda receives: an SQS event ({ Records: [{ eventSource: "aws:sqs",
 * messageId, body: "<json>" }] }, see parseSqsRecord), OR an SNS event ({ Records: [{ EventSource:
 * "aws:sns", Sns: { Message: "<json>" } }] }) whose messages are SES event records, OR one EventBridge event
 * ({ "detail-type": "Email Bounced" | …, source: "aws.ses", detail: <SES event record> }), OR (for
 * local mode's POST endpoint) a bare SES event record or an array of them.
 * Never throws: every record becomes an event or a failure.
 */
export function parseSesNotifications(input: unknown): { events: SesEvent[]; failures: RecordFailure[] } {
  const events: SesEvent[] = [];
  const failures: RecordFailure[] = [];
  const collect = (index: number, parsed: Result<SesEvent, string>, where: string) => {
    if (parsed.ok) events.push(parsed.value);
    else failures.push({ index, reason: where ? `${where} → ${parsed.error}` : parsed.error });
  };

  if (Array.isArray(input)) {
    input.forEach((record, index) => {
      collect(index, parseSesEventRecord(record), `[${index}]`);
    });
  } else if (isSqsEvent(input)) {
    input.Records.forEach((record, index) => {
      collect(index, parseSqsRecord(record).event, `Records[${index}]`);
    });
  } else if (isObject(input) && "Records" in input) {
    const sns = SnsEventSchema.safeParse(input);
    if (!sns.success) failures.push({ index: 0, reason: reasonOf(sns.error) });
    else
      sns.data.Records.forEach((record, index) => {
        collect(index, parseSnsRecord(record), `Records[${index}]`);
      });
  } else if (isObject(input) && "detail-type" in input) {
    collect(0, parseEventBridgeEvent(input), "");
  } else {
    collect(0, parseSesEventRecord(input), "");
  }
  return { events, failures };
}

/** One SES event record (the object with eventType/notificationType and mail). */
export function parseSesEventRecord(record: unknown): Result<SesEvent, string> {
  if (!isObject(record)) return err(`expected an SES event record (an object), received ${kindOf(record)}`);
  const named = withEventType(record);
  if (!named.ok) return named;
  const parsed = SesEventRecordSchema.safeParse(named.value);
  return parsed.success ? normalize(parsed.data) : err(reasonOf(parsed.error));
}

/** The record with its type in `eventType`, the name an identity's notifications spell otherwise. */
function withEventType(record: Record<string, unknown>): Result<Record<string, unknown>, string> {
  const { eventType, notificationType } = record;
  if (eventType === undefined && notificationType !== undefined) {
    if (!NOTIFICATION_TYPE_NAMES.some((name) => name === notificationType)) {
      return err(
        `notificationType: ${JSON.stringify(notificationType)} is not one dun reads (${NOTIFICATION_TYPE_NAMES.join(", ")})`,
      );
    }
    return ok({ ...record, eventType: notificationType });
  }
  if (eventType === undefined) return err("eventType: missing (and no notificationType either)");
  if (typeof eventType !== "string" || !Object.hasOwn(EVENT_TYPE_NAMES, eventType)) {
    return err(
      `eventType: ${JSON.stringify(eventType)} is not an SES event type dun reads (${Object.keys(EVENT_TYPE_NAMES).join(", ")})`,
    );
  }
  return ok(record);
}

const SnsEventSchema = z.object({ Records: z.array(z.unknown()) });
const SnsRecordSchema = z.object({
  EventSource: z.literal("aws:sns"),
  Sns: z.object({ Message: z.string() }),
});

/** One SQS message of the events queue that could not be read, by the id SQS retries it under. */
export type SqsRecordFailure = { itemIdentifier: string; reason: string };

const SqsEventSchema = z.object({
  Records: z
    .array(z.unknown())
    .refine(
      (records) =>
        records.length > 0 && records.every((record) => isObject(record) && record.eventSource === "aws:sqs"),
      { message: "not SQS records" },
    ),
});
const SqsRecordSchema = z.object({
  messageId: z.string().min(1),
  eventSource: z.literal("aws:sqs"),
  body: z.string(),
});

/** Whether the events Lambda was given an SQS event ({ Records: [{ eventSource: "aws:sqs", … }] }). */
export function isSqsEvent(input: unknown): input is { Records: unknown[] } {
  return SqsEventSchema.safeParse(input).success;
}

/**
 * One message of the events queue: SNS delivers the SES events topic raw, so its body is an SES
 * event record as JSON text. A body that is SNS's own envelope (raw delivery off: `Type`
 * "Notification", the record in `Message`) or an EventBridge event is read too. `messageId` is
 * the record's itemIdentifier for a partial batch response; undefined when even that is missing.
 */
export function parseSqsRecord(record: unknown): {
  messageId: string | undefined;
  event: Result<SesEvent, string>;
} {
  const sqs = SqsRecordSchema.safeParse(record);
  if (!sqs.success) {
    const messageId = isObject(record) && typeof record.messageId === "string" ? record.messageId : undefined;
    return { messageId: messageId || undefined, event: err(reasonOf(sqs.error)) };
  }
  const { messageId, body } = sqs.data;
  let message: unknown;
  try {
    message = JSON.parse(body);
  } catch (error) {
    return {
      messageId,
      event: err(`body: not JSON (${error instanceof Error ? error.message : String(error)})`),
    };
  }
  return { messageId, event: within("body", parseQueuedMessage(message)) };
}

function parseQueuedMessage(message: unknown): Result<SesEvent, string> {
  if (isObject(message) && message.Type === "Notification" && typeof message.Message === "string") {
    let record: unknown;
    try {
      record = JSON.parse(message.Message);
    } catch (error) {
      return err(`Message: not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    return within("Message", parseSesEventRecord(record));
  }
  if (isObject(message) && "detail-type" in message) return parseEventBridgeEvent(message);
  return parseSesEventRecord(message);
}

function within(where: string, parsed: Result<SesEvent, string>): Result<SesEvent, string> {
  return parsed.ok ? parsed : err(`${where} → ${parsed.error}`);
}

function parseSnsRecord(record: unknown): Result<SesEvent, string> {
  const sns = SnsRecordSchema.safeParse(record);
  if (!sns.success) return err(reasonOf(sns.error));
  let message: unknown;
  try {
    message = JSON.parse(sns.data.Sns.Message);
  } catch (error) {
    return err(`Sns.Message: not JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const parsed = parseSesEventRecord(message);
  return parsed.ok ? parsed : err(`Sns.Message → ${parsed.error}`);
}

const EventBridgeEventSchema = z.object({
  source: z.literal("aws.ses"),
  "detail-type": z.string(),
  detail: z.record(z.string(), z.unknown()),
});

function parseEventBridgeEvent(event: unknown): Result<SesEvent, string> {
  const bridged = EventBridgeEventSchema.safeParse(event);
  if (!bridged.success) return err(reasonOf(bridged.error));
  const detailType = bridged.data["detail-type"];
  if (!Object.hasOwn(DETAIL_TYPES, detailType)) {
    return err(
      `detail-type: ${JSON.stringify(detailType)} is not an SES email event dun reads (${Object.keys(DETAIL_TYPES).join(", ")})`,
    );
  }
  const eventType = DETAIL_TYPES[detailType as keyof typeof DETAIL_TYPES];
  const { detail } = bridged.data;
  if (detail.eventType !== undefined && detail.eventType !== eventType) {
    return err(
      `detail.eventType: ${JSON.stringify(detail.eventType)} contradicts detail-type "${detailType}" (${eventType})`,
    );
  }
  // The detail-type already names the type; a detail without eventType is still that record.
  const parsed = parseSesEventRecord({ ...detail, eventType });
  return parsed.ok ? parsed : err(`detail → ${parsed.error}`);
}

function normalize(record: z.output<typeof SesEventRecordSchema>): Result<SesEvent, string> {
  const type = EVENT_TYPE_NAMES[record.eventType];
  const { mail } = record;
  const event = (
    at: string | undefined,
    recipients: readonly string[],
    details: Omit<Partial<SesEvent>, "type" | "at" | "eventId">,
    identity?: readonly string[],
  ): Result<SesEvent, string> => {
    if (at === undefined) return err(`${type}: no time that reads as a date and time`);
    return ok({
      type,
      messageId: mail.messageId,
      at,
      eventId: [type, mail.messageId, ...(identity ?? [at])].join(":"),
      tags: mail.tags ?? {},
      destination: mail.destination,
      recipients: recipients.map(bareAddress),
      ...details,
    });
  };

  switch (record.eventType) {
    case "Send":
      return event(mail.timestamp, mail.destination, {});
    case "Reject":
      return event(mail.timestamp, mail.destination, { reject: { reason: record.reject.reason } });
    case "Rendering Failure":
      return event(mail.timestamp, mail.destination, {
        renderingFailure: definedOnly({
          errorMessage: record.failure.errorMessage,
          templateName: record.failure.templateName,
        }),
      });
    case "Delivery": {
      const { delivery } = record;
      // SES may publish one Delivery per recipient, all at one millisecond: the recipients tell them apart.
      return event(delivery.timestamp, delivery.recipients, {}, [
        delivery.timestamp,
        sortedAddresses(delivery.recipients),
      ]);
    }
    case "Open":
      return event(record.open.timestamp, mail.destination, {
        open: definedOnly({ userAgent: record.open.userAgent, ipAddress: record.open.ipAddress }),
      });
    case "Click": {
      const { click } = record;
      return event(
        click.timestamp,
        mail.destination,
        { click: definedOnly({ link: click.link, userAgent: click.userAgent, ipAddress: click.ipAddress }) },
        [click.timestamp, click.link],
      );
    }
    case "Bounce": {
      const { bounce } = record;
      return event(
        bounce.timestamp,
        bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
        {
          bounce: definedOnly({
            type: bounce.bounceType,
            subType: bounce.bounceSubType,
            feedbackId: bounce.feedbackId,
            diagnostic: firstDiagnostic(bounce.bouncedRecipients),
          }),
        },
        [bounce.feedbackId],
      );
    }
    case "Complaint": {
      const { complaint } = record;
      return event(
        complaint.timestamp ?? instantOf(complaint.arrivalDate),
        complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
        {
          complaint: definedOnly({
            feedbackId: complaint.feedbackId,
            feedbackType: complaint.complaintFeedbackType,
          }),
        },
        [complaint.feedbackId],
      );
    }
    case "DeliveryDelay": {
      const { deliveryDelay } = record;
      const recipients = deliveryDelay.delayedRecipients.map((recipient) => recipient.emailAddress);
      return event(
        deliveryDelay.timestamp,
        recipients,
        {
          deliveryDelay: definedOnly({
            delayType: deliveryDelay.delayType,
            expirationTime: deliveryDelay.expirationTime,
            diagnostic: firstDiagnostic(deliveryDelay.delayedRecipients),
          }),
        },
        [deliveryDelay.timestamp, sortedAddresses(recipients)],
      );
    }
  }
}

function firstDiagnostic(recipients: readonly { diagnosticCode?: string | undefined }[]): string | undefined {
  return recipients.find((recipient) => recipient.diagnosticCode)?.diagnosticCode;
}

/**
 * "Name <local@domain>" → "local@domain", lower-cased. SES's recipient lists hold bare addresses,
 * but mail.destination repeats what the sender passed, which may carry a display name.
 */
function bareAddress(mailbox: string): string {
  return (/<([^<>]*)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim().toLowerCase();
}

function sortedAddresses(addresses: readonly string[]): string {
  return addresses.map(bareAddress).sort().join(",");
}

/** The object without its undefined fields, so that equal events compare and serialize equal. */
function definedOnly<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** zod's issues as "path: message", the path the way the JSON reads (mail.destination[0]). */
function reasonOf(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path
        .map((key, position) =>
          typeof key === "number" ? `[${key}]` : `${position === 0 ? "" : "."}${String(key)}`,
        )
        .join("");
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join("; ");
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string ${JSON.stringify(value.slice(0, 40))}` : typeof value;
}
