import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { followUpEvents } from "#events/follow-up-events.ts";
import {
  parseSesEventRecord,
  type SesEvent,
  type SesEventRecord,
  SesEventRecordSchema,
} from "#events/ses-event.ts";

const AT = new Date("2026-03-02T08:00:04.000Z");
const SENT_AT = "2026-03-02T08:00:01.120Z";

/** The Send event of the fixture email, sent to these addresses instead. */
function sentTo(...addresses: string[]): SesEvent {
  const record = JSON.parse(
    readFileSync(new URL("../fixtures/ses-events/send.json", import.meta.url), "utf8"),
  );
  record.mail.destination = addresses;
  const parsed = parseSesEventRecord(record);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

/** The records as the events Lambda would read them; fails the test if one does not parse. */
function read(records: SesEventRecord[]): SesEvent[] {
  return records.map((record) => {
    const parsed = parseSesEventRecord(record);
    if (!parsed.ok) throw new Error(parsed.error);
    return parsed.value;
  });
}

describe("the follow-up events of local mode, by the mailbox simulator's addresses", () => {
  it("delivers to any other address", () => {
    // Prepare
    const send = sentTo("maija.virtanen@example.fi");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events).toEqual([
      expect.objectContaining({
        type: "delivery",
        messageId: send.messageId,
        at: AT.toISOString(),
        recipients: ["maija.virtanen@example.fi"],
        tags: send.tags,
      }),
    ]);
  });

  it("bounces bounce@ for good: Permanent, General", () => {
    // Prepare
    const send = sentTo("bounce@simulator.amazonses.com");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events).toEqual([
      expect.objectContaining({
        type: "bounce",
        at: AT.toISOString(),
        recipients: ["bounce@simulator.amazonses.com"],
        bounce: {
          type: "Permanent",
          subType: "General",
          feedbackId: expect.stringMatching(
            /^[0-9a-f]{16}-[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}-000000$/,
          ),
          diagnostic: "smtp; 550 5.1.1 user unknown",
        },
      }),
    ]);
  });

  it("delivers to complaint@, then has it complain of abuse", () => {
    // Prepare
    const send = sentTo("complaint@simulator.amazonses.com");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events.map((event) => event.type)).toEqual(["delivery", "complaint"]);
    expect(events[1]).toMatchObject({
      recipients: ["complaint@simulator.amazonses.com"],
      complaint: { feedbackType: "abuse" },
    });
  });

  it("only delivers to ooto@: an out-of-office reply is no event", () => {
    // Prepare
    const send = sentTo("ooto@simulator.amazonses.com");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events.map((event) => event.type)).toEqual(["delivery"]);
  });

  it("bounces suppressionlist@ as suppressed: Permanent, Suppressed", () => {
    // Prepare
    const send = sentTo("suppressionlist@simulator.amazonses.com");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events).toHaveLength(1);
    expect(events[0]?.bounce).toMatchObject({ type: "Permanent", subType: "Suppressed" });
  });

  it("reads the local part on any domain, in any case, and ignores a +label as the simulator does", () => {
    // Prepare
    const send = sentTo("Bounce+reminder_1@example.fi", "COMPLAINT@acme.example", "bouncer@example.fi");

    // Act
    const events = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(events.map((event) => [event.type, event.recipients])).toEqual([
      ["bounce", ["bounce+reminder_1@example.fi"]],
      ["delivery", ["complaint@acme.example"]],
      ["complaint", ["complaint@acme.example"]],
      ["delivery", ["bouncer@example.fi"]],
    ]);
  });

  it("writes the records in the documented shape, timed by the clock and by the send", () => {
    // Prepare
    const send = sentTo("maija.virtanen@example.fi", "bounce@simulator.amazonses.com");

    // Act
    const records = followUpEvents(send, { at: AT });

    // Assess
    for (const record of records) expect(SesEventRecordSchema.safeParse(record).success).toBe(true);
    expect(records[0]).toEqual({
      eventType: "Delivery",
      mail: {
        timestamp: SENT_AT,
        messageId: send.messageId,
        destination: send.destination,
        headersTruncated: false,
        tags: send.tags,
      },
      delivery: {
        timestamp: AT.toISOString(),
        processingTimeMillis: 2880,
        recipients: ["maija.virtanen@example.fi"],
        smtpResponse: "250 2.6.0 Message received",
        reportingMTA: "localhost",
      },
    });
  });

  it("makes the same follow-ups twice as the same events, so a replay changes nothing", () => {
    // Prepare
    const send = sentTo("complaint@simulator.amazonses.com", "bounce@simulator.amazonses.com");

    // Act
    const first = read(followUpEvents(send, { at: AT }));
    const again = read(followUpEvents(send, { at: AT }));

    // Assess
    expect(again).toEqual(first);
    expect(new Set(first.map((event) => event.eventId)).size).toBe(first.length);
  });

  it("follows nothing but a Send", () => {
    // Prepare
    const [delivery] = read(followUpEvents(sentTo("maija.virtanen@example.fi"), { at: AT }));

    // Act
    const records = followUpEvents(delivery as SesEvent, { at: AT });

    // Assess
    expect(records).toEqual([]);
  });
});
