/**
 * What an email states is decided by the domain, once: the date to pay by, the fees of stages that
 * reached the debtor, the fixed compensation the law gives a business creditor, and an early-payment
 * discount that is offered only while it holds and honoured when taken.
 */
import { describe, expect, it } from "vitest";
import { amountDueOf } from "#domain/invoice/amount-due.ts";
import { applyDeliveryReport } from "#domain/invoice/delivery.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { recordPayment, recordStageSent, type TransitionResult } from "#domain/invoice/transitions.ts";
import { decideNextAction, type StageStep } from "#domain/ladder/ladder.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import { emailDataFor } from "#sending/compose-email.ts";
import { anInvoice, anInvoiceInput, aPolicy } from "../support/invoices.ts";

const policy = aPolicy({
  ladder: {
    courtesy: { offsetDays: -3 },
    reminder_1: { offsetDays: 14, fee: { NOK: "35.00", EUR: "5.00" } },
    reminder_2: { offsetDays: 28, interest: true, fee: { NOK: "35.00", EUR: "5.00" } },
    final_notice: { offsetDays: 42, interest: true, deadlineDays: 14 },
    collection: { offsetDays: 60, interest: true },
  },
});

function value(result: TransitionResult): Invoice {
  if (!result.ok) throw new Error(result.error.message);
  return result.value.invoice;
}

function stepAt(invoice: Invoice, now: Date): { step: StageStep; at: Date } {
  const action = decideNextAction(invoice, policy, now);
  if (action.kind !== "send" || action.step.type !== "stage") throw new Error(`no stage: ${action.kind}`);
  return { step: action.step, at: action.at };
}

/** Sends the next stage as the sender records it, at the ladder's own time. */
function send(
  invoice: Invoice,
  now: Date,
  messageId: string,
): { invoice: Invoice; step: StageStep; at: Date } {
  const { step, at } = stepAt(invoice, now);
  const sent = recordStageSent(invoice, {
    stage: step.stage,
    at: at.toISOString(),
    fee: step.fee.amount,
    interest: step.interest.amount,
    compensation: step.compensation.amount,
    deadline: step.deadline,
    messageId,
  });
  return { invoice: value(sent), step, at };
}

const delivered = (invoice: Invoice, messageId: string, at: Date) =>
  applyDeliveryReport(invoice, { type: "delivery", messageId, at: at.toISOString() }).invoice;

/** The whole ladder, each stage delivered a day after it went. */
function ladderOf(invoice: Invoice) {
  const steps: { step: StageStep; at: Date; invoice: Invoice }[] = [];
  let current = invoice;
  let now = new Date("2026-11-01T08:00:00Z");
  for (let i = 0; i < 5; i++) {
    const sent = send(current, now, `m-${i}`);
    steps.push({ step: sent.step, at: sent.at, invoice: current });
    now = new Date(sent.at.getTime() + 86_400_000);
    current = delivered(sent.invoice, `m-${i}`, now);
  }
  return { steps, invoice: current };
}

describe("what an email states", () => {
  it("never asks to pay by a date before the day it is sent", () => {
    const { steps } = ladderOf(anInvoice());

    for (const { step, at } of steps) {
      if (step.deadline) expect(step.deadline >= at.toISOString().slice(0, 10)).toBe(true);
    }
    // The second reminder states a date of its own though the policy names none.
    expect(steps.find(({ step }) => step.stage === "reminder_2")?.step.deadline).toBeDefined();
  });

  it("refers the hand-over letter back to the deadline the final notice stated", () => {
    const { steps } = ladderOf(anInvoice());

    const finalNotice = steps.find(({ step }) => step.stage === "final_notice")?.step;
    const collection = steps.find(({ step }) => step.stage === "collection")?.step;
    expect(collection?.finalNoticeDeadline).toBe(finalNotice?.deadline);
    expect(collection?.finalNoticeDeadline).not.toBe(anInvoice().dueDate);
  });

  it("claims a Norwegian business's standard compensation, less the reminder fees, from the stage that claims interest", () => {
    const { steps } = ladderOf(anInvoice());

    const byStage = Object.fromEntries(steps.map(({ step }) => [step.stage, step.compensation.amount]));
    // NOK 460 (2026), less two reminder fees of NOK 35.
    expect(byStage).toMatchObject({ courtesy: 0, reminder_1: 0, reminder_2: 46_000 - 7000 });
    expect(byStage.final_notice).toBe(46_000 - 7000);
  });

  it("claims the 40 euro for a German business and nothing for a consumer", () => {
    const business = anInvoice({
      currency: "EUR",
      customer: {
        ...anInvoiceInput().customer,
        country: "DE",
        timeZone: "Europe/Berlin",
        type: "business",
      },
    });
    const consumer = anInvoice({
      currency: "EUR",
      customer: {
        ...anInvoiceInput().customer,
        country: "DE",
        timeZone: "Europe/Berlin",
        type: "consumer",
      },
    });

    // § 288 (5) BGB: the 40 euro absorb the reminder fees charged (costs of pursuing the claim).
    const claimOf = (invoice: Invoice) => {
      const { steps } = ladderOf(invoice);
      const index = steps.findIndex(({ step }) => step.stage === "reminder_2");
      const fees = steps.slice(0, index + 1).reduce((sum, { step }) => sum + step.fee.amount, 0);
      return { compensation: steps[index]?.step.compensation.amount, fees };
    };
    const forBusiness = claimOf(business);
    expect(forBusiness.compensation).toBe(4000 - forBusiness.fees);
    expect(claimOf(consumer).compensation).toBe(0);
  });

  it("counts no fee for a stage that bounced, and the total is the sum of what it states", () => {
    const first = send(anInvoice(), new Date("2026-11-20T08:00:00Z"), "m-1");
    expect(first.step.fee.amount).toBe(3500);
    const bounced = applyDeliveryReport(first.invoice, {
      type: "bounce",
      bounceType: "Transient",
      feedbackId: "f-1",
      messageId: "m-1",
      at: new Date(first.at.getTime() + 60_000).toISOString(),
      recipients: ["faktura@fjordlys.example"],
    }).invoice;

    const due = amountDueOf(bounced);

    expect(due.fees).toBe(0);
    expect(due.total).toBe(due.outstanding + due.fees + due.interest + due.compensation);
  });
});

describe("an early-payment discount", () => {
  const invoice = anInvoice({ earlyPaymentDiscount: { percent: "2", withinDays: 10 } });
  const tenant = TenantSchema.parse({
    id: "nordlys",
    name: "Nordlys",
    country: "NO",
    replyTo: "faktura@nordlys.example",
    ownerEmail: "eier@nordlys.example",
    policy: aPolicy(),
  });

  it("settles the invoice when the discounted amount is paid within the period", () => {
    const paid = value(
      recordPayment(invoice, { amount: 1_225_000, date: "2026-11-11", at: "2026-11-11T12:00:00Z" }),
    );

    expect(paid.status).toBe("paid");
    expect(paid.discountGranted).toBe(25_000);
    expect(amountDueOf(paid).total).toBe(0);
  });

  it("does not when the same amount comes after the period: the rest is owed", () => {
    const late = value(
      recordPayment(invoice, { amount: 1_225_000, date: "2026-11-12", at: "2026-11-12T12:00:00Z" }),
    );

    expect(late.status).toBe("partially_paid");
    expect(late.discountGranted).toBeUndefined();
    expect(amountDueOf(late).outstanding).toBe(25_000);
  });

  it("is offered in the courtesy email only while it can still be taken", () => {
    const courtesy = stepAt(invoice, new Date("2026-11-01T08:00:00Z")).step;

    const inTime = emailDataFor(tenant, invoice, courtesy, new Date("2026-11-09T08:00:00Z"));
    const expired = emailDataFor(tenant, invoice, courtesy, new Date("2026-11-13T08:00:00Z"));

    expect(inTime.earlyPaymentDiscount).toEqual({
      rateBp: 200,
      until: "2026-11-11",
      discountedAmount: 1_225_000,
    });
    expect(expired.earlyPaymentDiscount).toBeUndefined();
  });
});
