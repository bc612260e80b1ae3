import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isBusinessTime } from "#domain/calendar/business-time.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { customerStanding } from "#domain/invoice/standing.ts";
import {
  openDispute,
  pause,
  promisePayment,
  recordInstallmentReminder,
  recordPayment,
  recordStageSent,
  startPaymentPlan,
  type TransitionResult,
} from "#domain/invoice/transitions.ts";
import { businessCalendarOf, decideNextAction, type NextAction } from "#domain/ladder/ladder.ts";
import { applyDueTransitions } from "#domain/ladder/timed-transitions.ts";
import { STAGES } from "#domain/vocabulary.ts";
import { anInvoice, anInvoiceInput, aPolicy } from "../support/invoices.ts";

const policy = aPolicy();

function value(result: TransitionResult) {
  if (!result.ok) throw new Error(result.error.message);
  return result.value.invoice;
}

function sendOf(action: NextAction) {
  if (action.kind !== "send") throw new Error(`expected a send, got ${JSON.stringify(action)}`);
  return action;
}

/** Sends what the ladder decides at its own time, as the sender would. */
function sendNext(invoice: Invoice, now: Date): { invoice: Invoice; at: Date } {
  const action = sendOf(decideNextAction(invoice, policy, now));
  if (action.step.type !== "stage") throw new Error("expected a stage");
  const { stage, fee, interest, deadline } = action.step;
  const at = action.at.toISOString();
  return {
    invoice: value(
      recordStageSent(invoice, { stage, at, fee: fee.amount, interest: interest.amount, deadline }),
    ),
    at: action.at,
  };
}

describe("the ladder for a Norwegian invoice due Monday 16 November 2026", () => {
  it("sends the courtesy note three days before, at 09:00 Oslo time", () => {
    // Act
    const action = sendOf(decideNextAction(anInvoice(), policy, new Date("2026-11-01T08:00:00Z")));

    // Assess
    expect(action.at.toISOString()).toBe("2026-11-13T08:00:00.000Z");
    expect(action.step).toMatchObject({
      type: "stage",
      stage: "courtesy",
      template: "courtesy",
      notifyAccountManager: false,
    });
  });

  it("climbs every stage in order, each at a business moment, then hands over", () => {
    let invoice = anInvoice();
    let now = new Date("2026-11-01T08:00:00Z");
    const sent: string[] = [];
    for (const _ of STAGES) {
      const next = sendNext(invoice, now);
      invoice = next.invoice;
      now = next.at;
      sent.push(`${invoice.stagesSent.at(-1)?.stage} ${next.at.toISOString()}`);
    }
    expect(sent).toEqual([
      "courtesy 2026-11-13T08:00:00.000Z",
      "reminder_1 2026-11-23T08:00:00.000Z",
      "reminder_2 2026-12-07T08:00:00.000Z",
      // Due + 35 days is Monday 21 December.
      "final_notice 2026-12-21T08:00:00.000Z",
      // The final notice gave 14 days (to 4 January); the hand-over waits for the day after.
      "collection 2027-01-05T08:00:00.000Z",
    ]);
    expect(invoice.status).toBe("collection");
    expect(decideNextAction(invoice, policy, now)).toEqual({ kind: "none", reason: "in_collection" });
    expect(customerStanding([invoice]).creditHold).toBe(true);
  });

  it("skips the courtesy note once the due date has come, and sends a passed stage at once", () => {
    const action = sendOf(decideNextAction(anInvoice(), policy, new Date("2026-12-01T12:00:00Z")));
    expect(action.step).toMatchObject({ stage: "reminder_1" });
    expect(action.at.toISOString()).toBe("2026-12-01T12:00:00.000Z");
  });

  it("never sends at night: a stage due now waits for the morning", () => {
    const action = sendOf(decideNextAction(anInvoice(), policy, new Date("2026-12-01T22:30:00Z")));
    expect(action.at.toISOString()).toBe("2026-12-02T08:00:00.000Z");
  });

  it("skips public holidays: a reminder due on Christmas Day goes out on Monday 28 December", () => {
    const invoice = anInvoice({ issueDate: "2026-12-01", dueDate: "2026-12-18" });
    const courtesy = sendNext(invoice, new Date("2026-12-01T08:00:00Z")).invoice;
    const action = sendOf(decideNextAction(courtesy, policy, new Date("2026-12-16T08:00:00Z")));
    expect(action.step).toMatchObject({ stage: "reminder_1" });
    expect(action.at.toISOString()).toBe("2026-12-28T08:00:00.000Z");
  });

  it("keeps the minimum gap between two emails even when a stage is overdue", () => {
    const strict = aPolicy({ minDaysBetweenReminders: 20 });
    const afterFirst = value(
      recordStageSent(anInvoice(), {
        stage: "reminder_1",
        at: "2026-12-01T12:00:00.000Z",
        fee: 0,
        interest: 0,
      }),
    );
    const action = sendOf(decideNextAction(afterFirst, strict, new Date("2026-12-10T12:00:00Z")));
    expect(action.step).toMatchObject({ stage: "reminder_2" });
    expect(localDateOf(action.at, "Europe/Oslo")).toBe("2026-12-21");
  });

  it("copies the account manager once the invoice is a week overdue, unless the policy says otherwise", () => {
    const reminder = sendOf(decideNextAction(anInvoice(), policy, new Date("2026-11-20T08:00:00Z")));
    expect(reminder.step).toMatchObject({ stage: "reminder_1", notifyAccountManager: true });
    const quiet = aPolicy({
      ladder: {
        reminder_1: { offsetDays: 7, notifyAccountManager: false },
        final_notice: { offsetDays: 30, deadlineDays: 14 },
      },
    });
    const action = sendOf(decideNextAction(anInvoice(), quiet, new Date("2026-11-20T08:00:00Z")));
    expect(action.step).toMatchObject({ notifyAccountManager: false });
  });

  it("states the final notice's deadline, at least the country's statutory notice (NO: 14 days)", () => {
    const short = aPolicy({ ladder: { final_notice: { offsetDays: 20, deadlineDays: 10 } } });
    const action = sendOf(decideNextAction(anInvoice(), short, new Date("2026-12-07T08:00:00Z")));
    expect(action.step).toMatchObject({ stage: "final_notice", deadline: "2026-12-21" });
  });
});

describe("fees and interest in the decision", () => {
  const withFees = aPolicy({
    ladder: {
      reminder_1: { offsetDays: 7, fee: { NOK: "35.00" } },
      reminder_2: { offsetDays: 21, fee: { NOK: "35.00" }, interest: true },
      final_notice: { offsetDays: 35, deadlineDays: 14, interest: true },
    },
  });

  it("charges no Norwegian reminder fee before 14 days past due, and names the rule", () => {
    const action = sendOf(decideNextAction(anInvoice(), withFees, new Date("2026-11-20T08:00:00Z")));
    expect(action.step).toMatchObject({
      stage: "reminder_1",
      fee: { amount: 0, currency: "NOK" },
      feeLimitedBy: "reminderFeeNotBeforeDaysAfterDue",
    });
  });

  it("charges the fee 14 days past due and claims statutory interest where the stage says so", () => {
    const first = value(
      recordStageSent(anInvoice(), {
        stage: "reminder_1",
        at: "2026-11-23T08:00:00.000Z",
        fee: 0,
        interest: 0,
      }),
    );
    const action = sendOf(decideNextAction(first, withFees, new Date("2026-12-01T08:00:00Z")));
    if (action.step.type !== "stage") throw new Error("expected a stage");
    expect(action.step.stage).toBe("reminder_2");
    expect(action.step.fee).toEqual({ amount: 3500, currency: "NOK" });
    expect(action.step.interest.amount).toBeGreaterThan(0);
  });

  it("charges nothing for a courtesy note", () => {
    const courteous = aPolicy({ ladder: { courtesy: { offsetDays: -3, fee: { NOK: "35.00" } } } });
    const action = sendOf(decideNextAction(anInvoice(), courteous, new Date("2026-11-01T08:00:00Z")));
    expect(action.step).toMatchObject({ fee: { amount: 0 } });
  });
});

describe("what holds the ladder", () => {
  const now = new Date("2026-11-20T08:00:00Z");

  it.each([
    [
      "paid",
      (i: Invoice) =>
        value(recordPayment(i, { amount: i.amount, date: "2026-11-20", at: now.toISOString() })),
    ],
    ["disputed", (i: Invoice) => value(openDispute(i, { reason: "not delivered", at: now.toISOString() }))],
  ])("a %s invoice has no next stage", (reason, change) => {
    expect(decideNextAction(change(anInvoice()), policy, now)).toEqual({ kind: "none", reason });
  });

  it("a paused invoice sleeps until its date, then the ladder resumes where it was", () => {
    const paused = value(pause(anInvoice(), { until: "2026-12-10", at: now.toISOString() }));
    expect(decideNextAction(paused, policy, now)).toEqual({
      kind: "wake",
      at: new Date("2026-12-09T23:00:00.000Z"),
      reason: "pause_ends",
    });
    const woken = applyDueTransitions(paused, policy, new Date("2026-12-10T06:00:00Z"));
    expect(woken.invoice.status).toBe("open");
    expect(woken.events.map((e) => e.type)).toEqual(["resumed"]);
    const action = sendOf(decideNextAction(woken.invoice, policy, new Date("2026-12-10T06:00:00Z")));
    expect(action.step).toMatchObject({ stage: "reminder_1" });
    expect(action.at.toISOString()).toBe("2026-12-10T08:00:00.000Z");
  });

  it("a promise waits for its date plus the grace period; broken, it escalates at once", () => {
    const promised = value(promisePayment(anInvoice(), { date: "2026-12-01", at: now.toISOString() }));
    const wake = decideNextAction(promised, policy, now);
    expect(wake).toMatchObject({ kind: "wake", reason: "promise_due" });
    // Grace of 3 days: the promise lapses as 5 December begins in Oslo.
    expect(wake.kind === "wake" && wake.at.toISOString()).toBe("2026-12-04T23:00:00.000Z");

    const broken = applyDueTransitions(promised, policy, new Date("2026-12-07T07:00:00Z"));
    expect(broken.events.map((e) => e.type)).toEqual(["promise_broken"]);
    expect(customerStanding([broken.invoice]).creditHold).toBe(true);
    const action = sendOf(decideNextAction(broken.invoice, policy, new Date("2026-12-07T07:00:00Z")));
    expect(action.at.toISOString()).toBe("2026-12-07T08:00:00.000Z");
  });

  it("a payment plan reminds each installment before it falls due, and a missed one ends the plan", () => {
    const plan = value(
      startPaymentPlan(anInvoice({ amount: "200.00" }), {
        at: now.toISOString(),
        installments: [
          { dueDate: "2026-12-15", amount: 10_000 },
          { dueDate: "2027-01-15", amount: 10_000 },
        ],
      }),
    );
    const reminder = sendOf(decideNextAction(plan, policy, now));
    expect(reminder.step).toMatchObject({ type: "installment", installment: 0, dueDate: "2026-12-15" });
    expect(reminder.at.toISOString()).toBe("2026-12-14T08:00:00.000Z"); // 12 Dec is a Saturday

    const reminded = value(
      recordInstallmentReminder(plan, { installment: 0, at: reminder.at.toISOString() }),
    );
    const overdue = decideNextAction(reminded, policy, reminder.at);
    expect(overdue).toMatchObject({ kind: "wake", reason: "installment_overdue" });

    const broken = applyDueTransitions(reminded, policy, new Date("2026-12-23T08:00:00Z"));
    expect(broken.invoice.status).toBe("open");
    expect(
      sendOf(decideNextAction(broken.invoice, policy, new Date("2026-12-23T08:00:00Z"))).step,
    ).toMatchObject({
      stage: "reminder_1",
    });
  });

  it("a ladder without a collection stage ends after its last stage", () => {
    const short = aPolicy({ ladder: { reminder_1: { offsetDays: 7 } } });
    const sent = value(
      recordStageSent(anInvoice(), { stage: "reminder_1", at: now.toISOString(), fee: 0, interest: 0 }),
    );
    expect(decideNextAction(sent, short, now)).toEqual({ kind: "none", reason: "ladder_complete" });
  });
});

describe("the ladder's timing, for any invoice and moment", () => {
  const places = [
    { country: "NO", timeZone: "Europe/Oslo", locale: "nb-NO" },
    { country: "US", timeZone: "America/New_York", locale: "en-US" },
    { country: "DE", timeZone: "Europe/Berlin", locale: "de-DE" },
    { country: "FI", timeZone: "Europe/Helsinki", locale: "fi-FI" },
    { country: "RU", timeZone: "Europe/Moscow", locale: "ru-RU" },
  ];

  it("always sends inside business hours, never before now, and never within the minimum gap", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...places),
        fc.integer({ min: 0, max: 800 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 120 * 24 }),
        (place, dueOffset, terms, stagesAlreadySent, hoursLater) => {
          // Prepare
          const issueDate = addDays("2025-01-01", dueOffset);
          const base = anInvoiceInput();
          let invoice = anInvoice({
            issueDate,
            dueDate: addDays(issueDate, terms),
            customer: { ...base.customer, ...place },
          });
          let now = new Date(`${issueDate}T00:00:00Z`);
          for (let k = 0; k < stagesAlreadySent; k++) {
            const action = decideNextAction(invoice, policy, now);
            if (action.kind !== "send" || action.step.type !== "stage") break;
            invoice = value(
              recordStageSent(invoice, {
                stage: action.step.stage,
                at: action.at.toISOString(),
                fee: 0,
                interest: 0,
              }),
            );
            now = action.at;
          }
          now = new Date(now.getTime() + hoursLater * 3_600_000);

          // Act
          const action = decideNextAction(invoice, policy, now);

          // Assess
          if (action.kind !== "send") return;
          const calendar = businessCalendarOf(invoice, policy);
          expect(action.at.getTime()).toBeGreaterThanOrEqual(now.getTime());
          expect(isBusinessTime(action.at, calendar)).toBe(true);
          const last = invoice.stagesSent.at(-1);
          if (last) {
            const lastDay = localDateOf(new Date(last.at), place.timeZone);
            expect(
              localDateOf(action.at, place.timeZone) >= addDays(lastDay, policy.minDaysBetweenReminders),
            ).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
