import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyDeliveryReport, type DeliveryReport, SOFT_BOUNCE_LIMIT } from "#domain/invoice/delivery.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { recordStageSent, updateContact } from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import { anInvoice, aPolicy } from "../support/invoices.ts";

const MESSAGE = "0100018f-aaaa";
const SENT_AT = "2026-11-23T08:00:00.000Z";

function withReminderSent(): Invoice {
  const result = recordStageSent(anInvoice(), {
    stage: "reminder_1",
    at: SENT_AT,
    fee: 0,
    interest: 0,
    messageId: MESSAGE,
  });
  if (!result.ok) throw new Error(result.error.message);
  return result.value.invoice;
}

function applyAll(invoice: Invoice, reports: DeliveryReport[]) {
  let current = invoice;
  const effects = [];
  for (const report of reports) {
    const applied = applyDeliveryReport(current, report);
    current = applied.invoice;
    effects.push(...applied.effects);
  }
  return { invoice: current, effects };
}

const delivered: DeliveryReport = { type: "delivery", messageId: MESSAGE, at: "2026-11-23T08:00:05.000Z" };
const opened: DeliveryReport = {
  type: "open",
  messageId: MESSAGE,
  at: "2026-11-23T09:12:00.000Z",
  userAgent: "Mail/16",
};
const clicked: DeliveryReport = {
  type: "click",
  messageId: MESSAGE,
  at: "2026-11-23T09:13:00.000Z",
  link: "https://pay.example/2026-1001",
};
const hardBounce: DeliveryReport = {
  type: "bounce",
  messageId: MESSAGE,
  at: "2026-11-23T08:00:09.000Z",
  bounceType: "Permanent",
  feedbackId: "fb-hard",
  recipients: ["faktura@fjordlys.example"],
  diagnostic: "smtp; 550 5.1.1 user unknown",
};
const complaint: DeliveryReport = {
  type: "complaint",
  messageId: MESSAGE,
  at: "2026-11-23T10:00:00.000Z",
  recipients: ["faktura@fjordlys.example"],
};
const softBounce = (n: number): DeliveryReport => ({
  type: "bounce",
  messageId: MESSAGE,
  at: `2026-11-23T08:0${n}:00.000Z`,
  bounceType: "Transient",
  feedbackId: `fb-soft-${n}`,
  recipients: ["faktura@fjordlys.example"],
});

describe("what SES reports about a reminder", () => {
  it("records delivery, the first open and the first click, each once", () => {
    // Act
    const once = applyAll(withReminderSent(), [delivered, opened, clicked]);
    const twice = applyAll(once.invoice, [delivered, opened, clicked]);

    // Assess
    expect(once.invoice.stagesSent[0]).toMatchObject({
      delivery: "delivered",
      openedAt: opened.at,
      clickedAt: clicked.at,
    });
    expect(twice.invoice).toEqual(once.invoice);
  });

  it("a hard bounce stops the ladder, suppresses the address and tells the owner once", () => {
    const { invoice, effects } = applyAll(withReminderSent(), [hardBounce, hardBounce, delivered]);
    expect(invoice.status).toBe("contact_failed");
    expect(invoice.stagesSent[0]?.delivery).toBe("bounced");
    expect(effects).toEqual([
      { kind: "suppress", email: "faktura@fjordlys.example" },
      {
        kind: "notify_owner",
        alert: "bounce",
        email: "faktura@fjordlys.example",
        detail: "smtp; 550 5.1.1 user unknown",
      },
    ]);
  });

  it("a soft bounce sends the stage again the next day; the same soft bounce twice counts once", () => {
    // Act
    const { invoice, effects } = applyAll(withReminderSent(), [softBounce(1), softBounce(1)]);

    // Assess
    expect(invoice.stagesSent[0]?.delivery).toBe("soft_bounced");
    expect(invoice.status).toBe("open");
    expect(effects).toEqual([]);
    const next = decideNextAction(invoice, aPolicy(), new Date("2026-11-23T09:00:00Z"));
    expect(next).toMatchObject({
      kind: "send",
      at: new Date("2026-11-24T08:00:00Z"),
      step: { stage: "reminder_1" },
    });
  });

  it(`treats ${SOFT_BOUNCE_LIMIT} soft-bounced attempts at a stage as a hard bounce`, () => {
    let invoice = withReminderSent();
    for (let attempt = 1; attempt <= SOFT_BOUNCE_LIMIT; attempt++) {
      const messageId = `${MESSAGE}-${attempt}`;
      if (attempt > 1) {
        const again = recordStageSent(invoice, {
          stage: "reminder_1",
          at: `2026-11-2${3 + attempt}T08:00:00.000Z`,
          fee: 0,
          interest: 0,
          messageId,
        });
        if (!again.ok) throw new Error(again.error.message);
        invoice = again.value.invoice;
      }
      const id = attempt === 1 ? MESSAGE : messageId;
      invoice = applyAll(invoice, [{ ...softBounce(attempt), messageId: id }]).invoice;
    }
    expect(invoice.stagesSent.map((s) => s.delivery)).toEqual(["soft_bounced", "soft_bounced", "bounced"]);
    expect(invoice.status).toBe("contact_failed");
  });

  it("a complaint suppresses the address; the email counts no more", () => {
    const { invoice, effects } = applyAll(withReminderSent(), [delivered, complaint]);
    expect(invoice.stagesSent[0]?.delivery).toBe("complained");
    expect(effects.map((effect) => effect.kind)).toEqual(["suppress", "notify_owner"]);
  });

  it("a bounced reminder does not count: with a new address, the same stage goes again", () => {
    // Prepare
    const bounced = applyAll(withReminderSent(), [hardBounce]).invoice;
    const updated = updateContact(bounced, {
      emails: ["ny@fjordlys.example"],
      at: "2026-11-24T08:00:00.000Z",
    });
    if (!updated.ok) throw new Error(updated.error.message);

    // Act
    const next = decideNextAction(updated.value.invoice, aPolicy(), new Date("2026-11-24T09:00:00Z"));

    // Assess
    expect(next).toMatchObject({ kind: "send", step: { stage: "reminder_1" } });
  });

  it("a bounce for an address already replaced is history, not a new failure", () => {
    const updated = updateContact(withReminderSent(), {
      emails: ["ny@fjordlys.example"],
      at: "2026-11-23T08:00:01.000Z",
    });
    if (!updated.ok) throw new Error(updated.error.message);
    const { invoice, effects } = applyAll(updated.value.invoice, [hardBounce]);
    expect(invoice.status).toBe("open");
    expect(effects).toEqual([{ kind: "suppress", email: "faktura@fjordlys.example" }]);
  });

  it("the next stage waits until the last one has reached the debtor", () => {
    // A broken promise escalates at once, but the reminder sent an hour ago is not known to have arrived.
    const policy = aPolicy({ minDaysBetweenReminders: 1 });
    const sent = withReminderSent();
    const action = decideNextAction(sent, policy, new Date("2026-12-08T09:00:00Z"));
    expect(action.kind).toBe("send");
    const early = decideNextAction(
      { ...sent, stagesSent: sent.stagesSent.map((s) => ({ ...s, at: "2026-12-07T08:00:00.000Z" })) },
      { ...policy, ladder: { ...policy.ladder, reminder_2: { offsetDays: 8, interest: false } } },
      new Date("2026-12-08T09:00:00Z"),
    );
    expect(early).toEqual({
      kind: "wake",
      at: new Date("2026-12-10T08:00:00.000Z"),
      reason: "awaiting_delivery",
    });
  });
});

describe("reports in any order, any number of times", () => {
  it("end in the same state", () => {
    const all = [
      delivered,
      opened,
      clicked,
      hardBounce,
      complaint,
      softBounce(1),
      softBounce(2),
      softBounce(3),
      {
        type: "delivery_delay" as const,
        messageId: MESSAGE,
        at: "2026-11-23T08:00:02.000Z",
      },
    ];
    fc.assert(
      fc.property(
        fc.subarray(all, { minLength: 1 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.nat(),
        (subset, dupes, seed) => {
          // Prepare: the same reports, shuffled and some of them twice.
          const duplicated = [...subset, ...dupes.map((d) => subset[d % subset.length] as DeliveryReport)];
          const shuffled =
            fc.sample(fc.shuffledSubarray(duplicated, { minLength: duplicated.length }), {
              seed,
              numRuns: 1,
            })[0] ?? duplicated;

          // Act
          const inOrder = applyAll(withReminderSent(), subset).invoice;
          const anyOrder = applyAll(withReminderSent(), shuffled).invoice;

          // Assess
          expect(anyOrder.stagesSent).toEqual(inOrder.stagesSent);
          expect(anyOrder.status).toBe(inOrder.status);
          expect(anyOrder.updatedAt).toBe(inOrder.updatedAt);
        },
      ),
      { numRuns: 300 },
    );
  });
});
