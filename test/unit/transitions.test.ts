import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays } from "#domain/calendar/iso-date.ts";
import { creditOf, type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import { customerStanding } from "#domain/invoice/standing.ts";
import {
  ALLOWED_FROM,
  breakPaymentPlan,
  breakPromise,
  cancel,
  changeAmount,
  markContactFailed,
  openDispute,
  pause,
  promisePayment,
  recordInstallmentReminder,
  recordPayment,
  recordStageSent,
  resolveDispute,
  resume,
  startPaymentPlan,
  type TransitionResult,
  updateContact,
  writeOff,
} from "#domain/invoice/transitions.ts";
import { INVOICE_STATES, TERMINAL_STATES } from "#domain/vocabulary.ts";
import { anInvoice } from "../support/invoices.ts";

const AT = "2026-11-20T10:00:00.000Z";

function value(result: TransitionResult) {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

describe("payments", () => {
  it("a partial payment leaves the remainder open and says so in the timeline", () => {
    // Prepare
    const invoice = anInvoice({ amount: "1000.00" });

    // Act
    const { invoice: after, events } = value(
      recordPayment(invoice, { amount: 40_000, date: "2026-11-20", at: AT }),
    );

    // Assess
    expect(after.status).toBe("partially_paid");
    expect(outstandingOf(after)).toBe(60_000);
    expect(events).toEqual([
      expect.objectContaining({
        type: "payment_recorded",
        from: "open",
        to: "partially_paid",
        outstanding: 60_000,
        credit: 0,
      }),
    ]);
  });

  it("an over-payment settles the invoice and is recorded as a credit", () => {
    const invoice = anInvoice({ amount: "1000.00" });
    const { invoice: after, events } = value(
      recordPayment(invoice, { amount: 120_000, date: "2026-11-20", at: AT }),
    );
    expect(after.status).toBe("paid");
    expect(creditOf(after)).toBe(20_000);
    expect(events[0]).toMatchObject({ type: "payment_recorded", to: "paid", outstanding: 0, credit: 20_000 });
  });

  it("a second payment on a paid invoice adds to the credit and leaves it paid", () => {
    const paid = value(
      recordPayment(anInvoice({ amount: "10.00" }), { amount: 1000, date: "2026-11-20", at: AT }),
    ).invoice;
    const again = value(recordPayment(paid, { amount: 1000, date: "2026-11-21", at: AT })).invoice;
    expect(again.status).toBe("paid");
    expect(creditOf(again)).toBe(1000);
  });

  it("a payment during a dispute is recorded and the dispute stays open until it is paid in full", () => {
    const disputed = value(
      openDispute(anInvoice({ amount: "100.00" }), { reason: "wrong quantity", at: AT }),
    ).invoice;
    const part = value(recordPayment(disputed, { amount: 5000, date: "2026-11-20", at: AT })).invoice;
    expect(part.status).toBe("disputed");
    const rest = value(recordPayment(part, { amount: 5000, date: "2026-11-21", at: AT })).invoice;
    expect(rest.status).toBe("paid");
    expect(rest.dispute).toBeUndefined();
  });

  it("refuses a zero or negative amount, naming the field", () => {
    const result = recordPayment(anInvoice(), { amount: 0, date: "2026-11-20", at: AT });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "invalid_action",
        action: "record_payment",
        field: "amount",
        message: "must be greater than zero",
      },
    });
  });
});

describe("illegal transitions are typed errors", () => {
  it("a cancelled invoice takes no payment, and the error names its state", () => {
    const cancelled = value(cancel(anInvoice(), { at: AT })).invoice;
    const result = recordPayment(cancelled, { amount: 100, date: "2026-11-20", at: AT });
    expect(result).toEqual({
      ok: false,
      error: {
        code: "illegal_transition",
        action: "record_payment",
        from: "cancelled",
        message: "cannot record a payment on an invoice that is cancelled (it is settled for good)",
      },
    });
  });

  it("only a disputed invoice can have its dispute resolved", () => {
    const result = resolveDispute(anInvoice(), { at: AT });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ code: "illegal_transition", from: "open" });
  });

  it("terminal states allow nothing but a payment on a paid invoice, and the record of an email that went out", () => {
    for (const state of TERMINAL_STATES) {
      const allowed = Object.entries(ALLOWED_FROM)
        .filter(([, from]) => from.includes(state))
        .map(([action]) => action);
      const recorded = ["record_stage_sent", "record_installment_reminder"];
      expect(allowed).toEqual(state === "paid" ? ["record_payment", ...recorded] : recorded);
    }
  });

  it("records an email that went out while the invoice was being paid, and leaves it paid", () => {
    const paid = value(recordPayment(anInvoice(), { amount: 1_250_000, date: "2026-11-20", at: AT })).invoice;
    const { invoice, events } = value(
      recordStageSent(paid, { stage: "collection", at: AT, fee: 0, interest: 0, messageId: "ses-1" }),
    );
    expect(invoice.status).toBe("paid");
    expect(invoice.stagesSent.map((sent) => sent.stage)).toEqual(["collection"]);
    // Not handed over: the hand-over notice crossed the payment.
    expect(events.map((event) => event.type)).toEqual(["stage_sent"]);
  });
});

describe("holding and releasing the ladder", () => {
  it("pause and resume return to the balance state", () => {
    const partly = value(
      recordPayment(anInvoice({ amount: "100.00" }), { amount: 100, date: "2026-11-20", at: AT }),
    ).invoice;
    const paused = value(pause(partly, { until: "2026-12-01", at: AT })).invoice;
    expect(paused).toMatchObject({ status: "paused", pausedUntil: "2026-12-01" });
    const resumed = value(resume(paused, AT)).invoice;
    expect(resumed.status).toBe("partially_paid");
    expect(resumed.pausedUntil).toBeUndefined();
  });

  it("a broken promise returns the invoice to the ladder and puts the customer on credit hold", () => {
    const promised = value(promisePayment(anInvoice(), { date: "2026-11-25", at: AT })).invoice;
    expect(customerStanding([promised]).creditHold).toBe(false);
    const { invoice: broken, events } = value(breakPromise(promised, "2026-11-29T00:00:00.000Z"));
    expect(broken.status).toBe("open");
    expect(events[0]).toMatchObject({
      type: "promise_broken",
      from: "promised",
      to: "open",
      promisedDate: "2026-11-25",
    });
    expect(customerStanding([broken])).toEqual({
      creditHold: true,
      reasons: [{ invoiceNumber: "2026-1001", reason: "broken_promise" }],
    });
    const paid = value(recordPayment(broken, { amount: broken.amount, date: "2026-11-30", at: AT })).invoice;
    expect(customerStanding([paid]).creditHold).toBe(false);
  });

  it("a bounce needs a new address before the ladder resumes", () => {
    const failed = value(
      markContactFailed(anInvoice(), { reason: "bounce", email: "faktura@fjordlys.example", at: AT }),
    );
    expect(failed.invoice.status).toBe("contact_failed");
    const updated = value(updateContact(failed.invoice, { emails: ["ny@fjordlys.example"], at: AT })).invoice;
    expect(updated.status).toBe("open");
    expect(updated.customer.emails).toEqual(["ny@fjordlys.example"]);
  });

  it("the collection stage hands the invoice over, and the customer goes on credit hold", () => {
    const { invoice, events } = value(
      recordStageSent(anInvoice(), { stage: "collection", at: AT, fee: 0, interest: 0 }),
    );
    expect(invoice.status).toBe("collection");
    expect(events.map((event) => event.type)).toEqual(["stage_sent", "handed_to_collection"]);
    expect(customerStanding([invoice]).reasons).toEqual([
      { invoiceNumber: "2026-1001", reason: "in_collection" },
    ]);
  });

  it("the same email recorded twice is recorded once", () => {
    const sent = { stage: "reminder_1", at: AT, fee: 0, interest: 0, messageId: "ses-1" } as const;
    const once = value(recordStageSent(anInvoice(), sent)).invoice;
    const twice = value(recordStageSent(once, sent));
    expect(twice.events).toEqual([]);
    expect(twice.invoice.stagesSent).toHaveLength(1);
  });

  it("a second email for one stage is recorded too: the record says what went out, never hides it", () => {
    const once = value(
      recordStageSent(anInvoice(), { stage: "reminder_1", at: AT, fee: 0, interest: 0, messageId: "ses-1" }),
    ).invoice;
    const again = value(
      recordStageSent(once, { stage: "reminder_1", at: AT, fee: 0, interest: 0, messageId: "ses-2" }),
    ).invoice;
    expect(again.stagesSent.map((sent) => sent.messageId)).toEqual(["ses-1", "ses-2"]);
  });
});

describe("payment plans", () => {
  it("payments fill installments in order and the last one settles the invoice", () => {
    const invoice = anInvoice({ amount: "300.00" });
    const plan = value(
      startPaymentPlan(invoice, {
        at: AT,
        installments: [
          { dueDate: "2026-12-01", amount: 10_000 },
          { dueDate: "2027-01-01", amount: 10_000 },
          { dueDate: "2027-02-01", amount: 10_000 },
        ],
      }),
    ).invoice;
    const afterOne = value(recordPayment(plan, { amount: 15_000, date: "2026-12-01", at: AT })).invoice;
    expect(afterOne.status).toBe("payment_plan");
    expect(afterOne.installments?.map((i) => i.paid)).toEqual([10_000, 5_000, 0]);
    const done = value(recordPayment(afterOne, { amount: 15_000, date: "2027-02-01", at: AT }));
    expect(done.invoice.status).toBe("paid");
    expect(done.events.map((e) => e.type)).toEqual(["payment_recorded", "payment_plan_completed"]);
  });

  it("refuses installments that do not add up to what is owed", () => {
    const result = startPaymentPlan(anInvoice({ amount: "300.00" }), {
      at: AT,
      installments: [
        { dueDate: "2026-12-01", amount: 10_000 },
        { dueDate: "2027-01-01", amount: 10_000 },
      ],
    });
    expect(!result.ok && result.error).toMatchObject({ code: "invalid_action", field: "installments" });
  });

  it("a broken plan returns the invoice to the ladder", () => {
    const plan = value(
      startPaymentPlan(anInvoice({ amount: "200.00" }), {
        at: AT,
        installments: [
          { dueDate: "2026-12-01", amount: 10_000 },
          { dueDate: "2027-01-01", amount: 10_000 },
        ],
      }),
    ).invoice;
    const { invoice, events } = value(breakPaymentPlan(plan, "2026-12-09T00:00:00.000Z"));
    expect(invoice.status).toBe("open");
    expect(invoice.installments).toBeUndefined();
    expect(events[0]).toMatchObject({ type: "payment_plan_broken", installment: 0, dueDate: "2026-12-01" });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: no sequence of actions, legal or not, reaches an inconsistent invoice.

type Step = (invoice: Invoice, at: string, date: string) => TransitionResult;

const arbitraryStep: fc.Arbitrary<Step> = fc.oneof(
  fc
    .integer({ min: -100, max: 2_000_000 })
    .map<Step>((amount) => (i, at, date) => recordPayment(i, { amount, date, at })),
  fc
    .integer({ min: 0, max: 40 })
    .map<Step>((days) => (i, at, date) => promisePayment(i, { date: addDays(date, days), at })),
  fc.constant<Step>((i, at) => openDispute(i, { reason: "disputed", at })),
  fc.constant<Step>((i, at) => resolveDispute(i, { at })),
  fc
    .integer({ min: 0, max: 40 })
    .map<Step>((days) => (i, at, date) => pause(i, { until: addDays(date, days), at })),
  fc.constant<Step>((i, at) => resume(i, at)),
  fc.integer({ min: 1, max: 4 }).map<Step>((count) => (i, at, date) => {
    const owed = outstandingOf(i);
    const each = Math.floor(owed / count);
    const installments = Array.from({ length: count }, (_, k) => ({
      dueDate: addDays(date, 30 * (k + 1)),
      amount: k === count - 1 ? owed - each * (count - 1) : each,
    }));
    return startPaymentPlan(i, { installments, at });
  }),
  fc.constant<Step>((i, at) => breakPromise(i, at)),
  fc.constant<Step>((i, at) => breakPaymentPlan(i, at)),
  fc.constant<Step>((i, at) => cancel(i, { at })),
  fc.constant<Step>((i, at) => writeOff(i, { at })),
  fc
    .constantFrom<"bounce" | "complaint">("bounce", "complaint")
    .map<Step>(
      (reason) => (i, at) => markContactFailed(i, { reason, email: i.customer.emails[0] ?? "", at }),
    ),
  fc.constant<Step>((i, at) => updateContact(i, { emails: ["new@example.com"], at })),
  fc
    .constantFrom("courtesy", "reminder_1", "reminder_2", "final_notice", "collection" as const)
    .map<Step>(
      (stage) => (i, at) => recordStageSent(i, { stage, at, fee: 0, interest: 0, messageId: `ses-${stage}` }),
    ),
  fc.nat({ max: 3 }).map<Step>((installment) => (i, at) => recordInstallmentReminder(i, { installment, at })),
  fc.integer({ min: -10, max: 2_000_000 }).map<Step>((amount) => (i, at) => changeAmount(i, { amount, at })),
);

function assertConsistent(invoice: Invoice) {
  expect(INVOICE_STATES).toContain(invoice.status);
  expect(invoice.amountPaid).toBe(invoice.payments.reduce((sum, payment) => sum + payment.amount, 0));
  // amountPaid beyond the total exists only as a credit, and only on a paid invoice.
  expect(outstandingOf(invoice) + invoice.amountPaid - creditOf(invoice)).toBe(invoice.amount);
  if (invoice.amountPaid >= invoice.amount)
    expect(["paid", "cancelled", "written_off"]).toContain(invoice.status);
  if (invoice.status === "paid") expect(invoice.amountPaid).toBeGreaterThanOrEqual(invoice.amount);
  if (invoice.status === "open") expect(invoice.amountPaid).toBe(0);
  if (invoice.status === "partially_paid") {
    expect(invoice.amountPaid).toBeGreaterThan(0);
    expect(invoice.amountPaid).toBeLessThan(invoice.amount);
  }
  if (invoice.status === "paused") expect(invoice.pausedUntil).toBeDefined();
  if (invoice.status === "promised") expect(invoice.promisedDate).toBeDefined();
  if (invoice.status === "disputed") expect(invoice.dispute).toBeDefined();
  if (invoice.status === "payment_plan") {
    const left = (invoice.installments ?? []).reduce((sum, i) => sum + i.amount - i.paid, 0);
    expect(left).toBe(outstandingOf(invoice));
  }
  const messages = invoice.stagesSent.flatMap((s) => (s.messageId ? [s.messageId] : []));
  expect(new Set(messages).size).toBe(messages.length);
}

describe("the state machine, under any sequence of actions", () => {
  it("keeps every invoice consistent, and a terminal state never moves", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.array(arbitraryStep, { maxLength: 40 }),
        (cents, steps) => {
          let invoice = anInvoice({ amount: (cents / 100).toFixed(2) });
          let day = 0;
          for (const step of steps) {
            day += 1;
            const date = addDays("2026-11-20", day);
            const result = step(invoice, `${date}T10:00:00.000Z`, date);
            if (!result.ok) {
              expect(["illegal_transition", "invalid_action"]).toContain(result.error.code);
              expect(result.error.message.length).toBeGreaterThan(0);
              continue;
            }
            const { invoice: next, events } = result.value;
            // A change without events is none: the same email recorded again.
            if (events.length === 0) expect(next).toBe(invoice);
            if (TERMINAL_STATES.has(invoice.status)) expect(next.status).toBe(invoice.status);
            if (next.status !== invoice.status)
              expect(events[0]).toMatchObject({ from: invoice.status, to: next.status });
            assertConsistent(next);
            invoice = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
