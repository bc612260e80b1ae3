import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  isSqsEvent,
  parseSesEventRecord,
  parseSesNotifications,
  parseSqsRecord,
  type SesEvent,
  SesEventSchema,
} from "#events/ses-event.ts";
import { rawDelivered, sqsEventOf, sqsRecordOf } from "../support/sqs-events.ts";

// Every fixture is one email's story: the same SES message id, sent to one recipient.
const MESSAGE_ID = "0100018f5c3a9e21-6f1d2b7c-3e4a-4b5c-9d8e-7f6a5b4c3d2e-000000";
const RECIPIENT = "maija.virtanen@example.fi";
const FIXTURES = [
  "send",
  "delivery",
  "open",
  "click",
  "bounce-permanent",
  "bounce-transient",
  "complaint",
  "reject",
  "rendering-failure",
  "delivery-delay",
] as const;
type Fixture = (typeof FIXTURES)[number];

// biome-ignore lint/suspicious/noExplicitAny: fixtures are JSON that the tests bend on purpose.
type Json = any;
const readFixture = (path: string): Json =>
  JSON.parse(readFileSync(new URL(`../fixtures/ses-events/${path}`, import.meta.url), "utf8"));
const bare = (name: Fixture): Json => readFixture(`${name}.json`);
const sns = (name: Fixture): Json => readFixture(`sns/${name}.json`);
const eventBridge = (name: Fixture): Json => readFixture(`eventbridge/${name}.json`);

/** The one event a notification holds; fails the test with the reasons if there is not exactly one. */
function onlyEvent(input: unknown): SesEvent {
  const { events, failures } = parseSesNotifications(input);
  expect(failures).toEqual([]);
  expect(events).toHaveLength(1);
  return events[0] as SesEvent;
}

/** An SNS event for Lambda carrying these messages, as the fixtures' own envelope does. */
function snsEventOf(...messages: string[]): Json {
  const envelope = sns("delivery");
  const record = envelope.Records[0];
  return { Records: messages.map((Message) => ({ ...record, Sns: { ...record.Sns, Message } })) };
}

describe("reading SES events in the shapes AWS delivers them", () => {
  it.each(FIXTURES)("reads %s the same bare, through SNS and through EventBridge", (name) => {
    // Act
    const fromRecord = onlyEvent(bare(name));
    const fromSns = onlyEvent(sns(name));
    const fromEventBridge = onlyEvent(eventBridge(name));

    // Assess
    expect(fromSns).toEqual(fromRecord);
    expect(fromEventBridge).toEqual(fromRecord);
    expect(SesEventSchema.parse(fromRecord)).toEqual(fromRecord);
    expect(fromRecord).toMatchObject({
      messageId: MESSAGE_ID,
      destination: [RECIPIENT],
      tags: {
        tenant: ["acme"],
        invoice: ["2026_2F1001"],
        step: ["reminder_1"],
        claim: ["8b0c3f4e-2d7a-4e91-b6c5-1f3a9d2e7c40"],
        "ses:configuration-set": ["dun-events"],
      },
    });
  });

  it("reads a Send at the time SES accepted the email", () => {
    // Act
    const event = onlyEvent(sns("send"));

    // Assess
    expect(event).toEqual({
      type: "send",
      messageId: MESSAGE_ID,
      at: "2026-03-02T08:00:01.120Z",
      eventId: `send:${MESSAGE_ID}:2026-03-02T08:00:01.120Z`,
      tags: expect.objectContaining({ claim: ["8b0c3f4e-2d7a-4e91-b6c5-1f3a9d2e7c40"] }),
      destination: [RECIPIENT],
      recipients: [RECIPIENT],
    });
  });

  it("reads a Delivery: when, and to whom", () => {
    // Act
    const event = onlyEvent(sns("delivery"));

    // Assess
    expect(event.type).toBe("delivery");
    expect(event.at).toBe("2026-03-02T08:00:03.412Z");
    expect(event.recipients).toEqual([RECIPIENT]);
  });

  it("reads a Permanent bounce: its type, subtype, recipients, feedback id and diagnostic", () => {
    // Act
    const event = onlyEvent(eventBridge("bounce-permanent"));

    // Assess
    expect(event.type).toBe("bounce");
    expect(event.at).toBe("2026-03-02T08:00:02.669Z");
    expect(event.recipients).toEqual([RECIPIENT]);
    expect(event.bounce).toEqual({
      type: "Permanent",
      subType: "General",
      feedbackId: "0100018f5c3aa3b4-0e7c2d41-5a6b-4c8d-9e0f-1a2b3c4d5e6f-000000",
      diagnostic: "smtp; 550 5.1.1 <maija.virtanen@example.fi>: Recipient address rejected: User unknown",
    });
    expect(event.eventId).toBe(
      `bounce:${MESSAGE_ID}:0100018f5c3aa3b4-0e7c2d41-5a6b-4c8d-9e0f-1a2b3c4d5e6f-000000`,
    );
  });

  it("reads a Transient bounce as one, with its subtype", () => {
    // Act
    const event = onlyEvent(sns("bounce-transient"));

    // Assess
    expect(event.bounce).toEqual({
      type: "Transient",
      subType: "MailboxFull",
      feedbackId: "0100018f5ee1c7d8-9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d-000000",
      diagnostic: "smtp; 552 5.2.2 <maija.virtanen@example.fi>: Mailbox full",
    });
    expect(event.recipients).toEqual([RECIPIENT]);
  });

  it("reads a Complaint: who complained, its feedback id and type, at SES's timestamp", () => {
    // Act
    const event = onlyEvent(sns("complaint"));

    // Assess
    expect(event.type).toBe("complaint");
    expect(event.at).toBe("2026-03-02T11:02:45.000Z");
    expect(event.recipients).toEqual([RECIPIENT]);
    expect(event.complaint).toEqual({
      feedbackId: "0100018f5cf20a11-3c4d5e6f-7a8b-4c9d-8e0f-a1b2c3d4e5f6-000000",
      feedbackType: "abuse",
    });
  });

  it("dates a Complaint without a timestamp by the feedback report's arrival date", () => {
    // Prepare
    const record = bare("complaint");
    delete record.complaint.timestamp;
    record.complaint.arrivalDate = "2026-03-02T06:02:41.000-05:00";

    // Act
    const event = onlyEvent(record);

    // Assess
    expect(event.at).toBe("2026-03-02T11:02:41.000Z");
  });

  it("reads an Open's user agent, and holds the recipients it cannot tell apart", () => {
    // Act
    const event = onlyEvent(eventBridge("open"));

    // Assess
    expect(event.type).toBe("open");
    expect(event.at).toBe("2026-03-02T09:14:27.905Z");
    expect(event.open).toEqual({
      userAgent:
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
      ipAddress: "198.51.100.23",
    });
    expect(event.recipients).toEqual([RECIPIENT]);
  });

  it("reads a Click's link", () => {
    // Act
    const event = onlyEvent(sns("click"));

    // Assess
    expect(event.type).toBe("click");
    expect(event.click?.link).toBe("https://pay.acme.example/i/2026-1001?ref=reminder_1");
    expect(event.eventId).toBe(
      `click:${MESSAGE_ID}:2026-03-02T09:15:02.338Z:https://pay.acme.example/i/2026-1001?ref=reminder_1`,
    );
  });

  it("reads a DeliveryDelay: its type, expiry, diagnostic and the recipients it holds up", () => {
    // Act
    const event = onlyEvent(eventBridge("delivery-delay"));

    // Assess
    expect(event.type).toBe("delivery_delay");
    expect(event.at).toBe("2026-03-02T08:10:01.095Z");
    expect(event.recipients).toEqual([RECIPIENT]);
    expect(event.deliveryDelay).toEqual({
      delayType: "TransientCommunicationFailure",
      expirationTime: "2026-03-03T08:00:01.914Z",
      diagnostic: "smtp; 421 4.4.1 Unable to connect to remote host",
    });
  });

  it("reads a Reject's reason, at the time SES took the email", () => {
    // Act
    const event = onlyEvent(sns("reject"));

    // Assess
    expect(event.type).toBe("reject");
    expect(event.at).toBe("2026-03-02T08:00:01.120Z");
    expect(event.reject).toEqual({ reason: "Bad content" });
  });

  it("reads a Rendering Failure's message and template from the record's `failure`", () => {
    // Act
    const event = onlyEvent(eventBridge("rendering-failure"));

    // Assess
    expect(event.type).toBe("rendering_failure");
    expect(event.renderingFailure).toEqual({
      errorMessage: "Attribute 'amountDue' is not present in the rendering data.",
      templateName: "dun-reminder",
    });
  });

  it("reads an identity's own notification, with notificationType and no tags, like the event", () => {
    // Prepare: the guide's mail object example writes its timestamp "2018-10-08T14:05:45 +0000".
    const { eventType, ...record } = bare("bounce-permanent");
    const notification = {
      notificationType: eventType,
      ...record,
      mail: { ...record.mail, tags: undefined, timestamp: "2026-03-02T08:00:01 +0000" },
    };

    // Act
    const event = onlyEvent(snsEventOf(JSON.stringify(notification)));

    // Assess
    expect(event).toEqual({ ...onlyEvent(bare("bounce-permanent")), tags: {} });
  });

  it("lower-cases the recipients and strips display names, keeping the destination as SES wrote it", () => {
    // Prepare
    const record = bare("open");
    record.mail.destination = ["Maija Virtanen <Maija.Virtanen@Example.FI>", "KIRJANPITO@example.fi"];

    // Act
    const event = onlyEvent(record);

    // Assess
    expect(event.recipients).toEqual([RECIPIENT, "kirjanpito@example.fi"]);
    expect(event.destination).toEqual(record.mail.destination);
  });

  it("reads the fields it knows and lets SES add others", () => {
    // Prepare
    const record = bare("bounce-permanent");
    record.subscription = { contactList: "ignored" };
    record.bounce.remoteMtaIp = "192.0.2.25";
    record.mail.callerIdentity = "dun-sender";

    // Act
    const event = onlyEvent(record);

    // Assess
    expect(event).toEqual(onlyEvent(bare("bounce-permanent")));
  });

  it("reads an array of bare records, as local mode posts them", () => {
    // Act
    const { events, failures } = parseSesNotifications([bare("send"), bare("delivery"), bare("open")]);

    // Assess
    expect(failures).toEqual([]);
    expect(events.map((event) => event.type)).toEqual(["send", "delivery", "open"]);
  });
});

describe("what cannot be read", () => {
  it("names the SNS message that is not JSON", () => {
    // Prepare
    const input = snsEventOf('{"eventType":"Delivery","mail":');

    // Act
    const { events, failures } = parseSesNotifications(input);

    // Assess
    expect(events).toEqual([]);
    expect(failures).toEqual([
      { index: 0, reason: expect.stringMatching(/^Records\[0\] → Sns\.Message: not JSON/) },
    ]);
  });

  it("names a missing mail.messageId", () => {
    // Prepare
    const record = bare("delivery");
    delete record.mail.messageId;

    // Act
    const parsed = parseSesEventRecord(record);

    // Assess
    expect(parsed).toEqual({ ok: false, error: expect.stringContaining("mail.messageId: ") });
  });

  it("names an event type it does not know", () => {
    // Prepare
    const record = { ...bare("delivery"), eventType: "Subscription" };

    // Act
    const parsed = parseSesEventRecord(record);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      error: expect.stringContaining('eventType: "Subscription" is not an SES event type dun reads'),
    });
  });

  it("names an identity notification type it does not know", () => {
    // Prepare: what SES publishes when an identity's topic is first subscribed.
    const record = { notificationType: "AmazonSnsSubscriptionSucceeded", message: "You have successfully…" };

    // Act
    const parsed = parseSesEventRecord(record);

    // Assess
    expect(parsed).toEqual({
      ok: false,
      error: expect.stringContaining('notificationType: "AmazonSnsSubscriptionSucceeded"'),
    });
  });

  it.each([
    ["a string", "Bounce"],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
  ])("turns %s into a failure, not an exception", (_, input) => {
    // Act
    const { events, failures } = parseSesNotifications(input);

    // Assess
    expect(events).toEqual([]);
    expect(failures).toEqual([{ index: 0, reason: expect.stringContaining("expected an SES event record") }]);
  });

  it("keeps the good record of an SNS event and names the bad one", () => {
    // Prepare
    const broken = bare("bounce-permanent");
    broken.bounce.bounceType = "Soft";
    const input = snsEventOf(JSON.stringify(bare("delivery")), JSON.stringify(broken));

    // Act
    const { events, failures } = parseSesNotifications(input);

    // Assess
    expect(events.map((event) => event.type)).toEqual(["delivery"]);
    expect(failures).toEqual([
      { index: 1, reason: expect.stringMatching(/^Records\[1\] → Sns\.Message → bounce\.bounceType: /) },
    ]);
  });

  it("names an event time that is no date", () => {
    // Prepare
    const record = bare("delivery");
    record.delivery.timestamp = "yesterday";

    // Act
    const parsed = parseSesEventRecord(record);

    // Assess
    expect(parsed).toEqual({ ok: false, error: "delivery.timestamp: not a date and time" });
  });

  it("names a record in the array it posted that is wrong, by its position", () => {
    // Prepare
    const record = bare("click");
    delete record.click.link;

    // Act
    const { events, failures } = parseSesNotifications([bare("send"), record]);

    // Assess
    expect(events).toHaveLength(1);
    expect(failures).toEqual([{ index: 1, reason: expect.stringMatching(/^\[1\] → click\.link: /) }]);
  });

  it("refuses an SNS record from another source", () => {
    // Prepare
    const input = sns("delivery");
    input.Records[0].EventSource = "aws:sqs";

    // Act
    const { failures } = parseSesNotifications(input);

    // Assess
    expect(failures).toEqual([{ index: 0, reason: expect.stringContaining("Records[0] → EventSource: ") }]);
  });

  it("refuses an EventBridge event whose detail-type it does not read, or that contradicts its detail", () => {
    // Prepare
    const subscribed = { ...eventBridge("delivery"), "detail-type": "Email Subscribed" };
    const contradicting = { ...eventBridge("delivery"), "detail-type": "Email Bounced" };
    const foreign = { ...eventBridge("delivery"), source: "aws.sns" };

    // Act
    const reasons = [subscribed, contradicting, foreign].map(
      (input) => parseSesNotifications(input).failures[0]?.reason,
    );

    // Assess
    expect(reasons).toEqual([
      expect.stringContaining('detail-type: "Email Subscribed" is not an SES email event dun reads'),
      'detail.eventType: "Delivery" contradicts detail-type "Email Bounced" (Bounce)',
      expect.stringContaining("source: "),
    ]);
  });
});

describe("event identity", () => {
  it("gives the same notification, delivered twice, the same id", () => {
    // Act
    const first = onlyEvent(sns("complaint"));
    const again = onlyEvent(sns("complaint"));

    // Assess
    expect(again.eventId).toBe(first.eventId);
  });

  it.each(FIXTURES)("gives %s the same id through SNS and through EventBridge", (name) => {
    // Act
    const fromSns = onlyEvent(sns(name));
    const fromEventBridge = onlyEvent(eventBridge(name));

    // Assess
    expect(fromEventBridge.eventId).toBe(fromSns.eventId);
  });

  it("tells apart two Deliveries of one email at the same millisecond, one per recipient", () => {
    // Prepare
    const toMaija = bare("delivery");
    const toAccounting = bare("delivery");
    toAccounting.delivery.recipients = ["kirjanpito@example.fi"];

    // Act
    const ids = [onlyEvent(toMaija).eventId, onlyEvent(toAccounting).eventId];

    // Assess
    expect(new Set(ids).size).toBe(2);
  });

  it("tells apart two clicks at the same millisecond on different links", () => {
    // Prepare
    const other = bare("click");
    other.click.link = "https://acme.example/contact";

    // Act
    const ids = [onlyEvent(bare("click")).eventId, onlyEvent(other).eventId];

    // Assess
    expect(new Set(ids).size).toBe(2);
  });
});

describe("reading SES events from the events queue (SNS → SQS, raw message delivery)", () => {
  it.each(FIXTURES)("reads %s from a message body the same as the bare record", (name) => {
    // Act
    const { messageId, event } = parseSqsRecord(rawDelivered("m-1", sns(name)));

    // Assess
    expect(messageId).toBe("m-1");
    expect(event).toEqual({ ok: true, value: onlyEvent(bare(name)) });
  });

  it("reads a body that is SNS's own envelope (raw delivery off) and one that is an EventBridge event", () => {
    // Prepare
    const envelope = sns("bounce-permanent").Records[0].Sns;
    const wrapped = sqsRecordOf("m-1", JSON.stringify(envelope));
    const bridged = sqsRecordOf("m-2", JSON.stringify(eventBridge("bounce-permanent")));

    // Act and assess
    expect(parseSqsRecord(wrapped).event).toEqual({ ok: true, value: onlyEvent(bare("bounce-permanent")) });
    expect(parseSqsRecord(bridged).event).toEqual({ ok: true, value: onlyEvent(bare("bounce-permanent")) });
  });

  it("names the message and what is wrong when a body cannot be read", () => {
    // Prepare
    const notJson = sqsRecordOf("m-1", "{ not json");
    const noMail = sqsRecordOf("m-2", JSON.stringify({ eventType: "Send" }));

    // Act
    const [first, second] = [parseSqsRecord(notJson), parseSqsRecord(noMail)];

    // Assess
    expect(first.messageId).toBe("m-1");
    expect(first.event).toEqual({ ok: false, error: expect.stringMatching(/^body: not JSON/) });
    expect(second.messageId).toBe("m-2");
    expect(second.event).toEqual({ ok: false, error: expect.stringMatching(/^body → mail: /) });
  });

  it("has no message id to name for a record that is no SQS message", () => {
    // Act
    const { messageId, event } = parseSqsRecord({ eventSource: "aws:sqs", body: "{}" });

    // Assess
    expect(messageId).toBeUndefined();
    expect(event.ok).toBe(false);
  });

  it("tells an SQS event from an SNS one, and reads it through parseSesNotifications too", () => {
    // Prepare
    const batch = sqsEventOf(rawDelivered("m-1", sns("send")), sqsRecordOf("m-2", "[]"));

    // Act
    const { events, failures } = parseSesNotifications(batch);

    // Assess
    expect(isSqsEvent(batch)).toBe(true);
    expect(isSqsEvent(sns("send"))).toBe(false);
    expect(isSqsEvent({ Records: [] })).toBe(false);
    expect(events).toEqual([onlyEvent(bare("send"))]);
    expect(failures).toEqual([{ index: 1, reason: expect.stringMatching(/^Records\[1\] → body → /) }]);
  });
});
