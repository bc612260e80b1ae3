/**
 * Every change to an invoice's state is one of these pure functions: it takes the invoice and
 * the action's facts, and returns the new invoice with the timeline events it produced, or a
 * typed error. An action the current state does not allow is an `illegal_transition`, never a
 * silent no-op, so a caller (the API, the events Lambda) can tell the user what blocked it.
 */
import { addDays, compareDates } from "#domain/calendar/iso-date.ts";
import { err, ok, type Result } from "#domain/result.ts";
import { INVOICE_STATES, type InvoiceState, TERMINAL_STATES } from "#domain/vocabulary.ts";
import {
  balanceState,
  creditOf,
  discountOfferOf,
  type Installment,
  type Invoice,
  outstandingOf,
  payableOf,
} from "./invoice.ts";
import type { TimelineEvent } from "./timeline.ts";

export type Action =
  | "record_payment"
  | "promise"
  | "dispute"
  | "resolve_dispute"
  | "pause"
  | "resume"
  | "start_payment_plan"
  | "break_promise"
  | "break_payment_plan"
  | "cancel"
  | "write_off"
  | "mark_contact_failed"
  | "update_contact"
  | "record_stage_sent"
  | "record_installment_reminder"
  | "change_amount";

export type IllegalTransition = {
  code: "illegal_transition";
  action: Action;
  from: InvoiceState;
  message: string;
};

export type InvalidAction = {
  code: "invalid_action";
  action: Action;
  /** The input field at fault, as the API names it. */
  field: string;
  message: string;
};

export type TransitionError = IllegalTransition | InvalidAction;
export type Transitioned = { invoice: Invoice; events: TimelineEvent[] };
export type TransitionResult = Result<Transitioned, TransitionError>;

const ACTIVE: readonly InvoiceState[] = ["open", "partially_paid"];
const NOT_TERMINAL: readonly InvoiceState[] = INVOICE_STATES.filter((state) => !TERMINAL_STATES.has(state));

/** Which states each action may start from: the whole state machine in one table. */
export const ALLOWED_FROM: Readonly<Record<Action, readonly InvoiceState[]>> = {
  // A payment is always welcome, even after the invoice was paid (it becomes a credit).
  record_payment: [...NOT_TERMINAL, "paid"],
  promise: [...ACTIVE, "promised"],
  dispute: ["open", "partially_paid", "paused", "payment_plan", "promised", "contact_failed"],
  resolve_dispute: ["disputed"],
  pause: [...ACTIVE, "paused"],
  resume: ["paused"],
  start_payment_plan: [...ACTIVE, "promised"],
  break_promise: ["promised"],
  break_payment_plan: ["payment_plan"],
  cancel: NOT_TERMINAL,
  write_off: NOT_TERMINAL,
  mark_contact_failed: ["open", "partially_paid", "paused", "payment_plan", "promised"],
  update_contact: [...NOT_TERMINAL],
  // An email that went out is a fact, whatever the invoice became while it was on its way (a payment
  // answered a moment after SES took it): it is recorded from any state, and moves none but an active one.
  record_stage_sent: INVOICE_STATES,
  record_installment_reminder: INVOICE_STATES,
  change_amount: ["open", "partially_paid", "disputed", "paused", "promised", "contact_failed"],
};

/** How each action reads in "cannot … an invoice that is cancelled". */
const ACTION_PHRASES: Readonly<Record<Action, string>> = {
  record_payment: "record a payment on",
  promise: "take a promise to pay on",
  dispute: "dispute",
  resolve_dispute: "resolve a dispute on",
  pause: "pause",
  resume: "resume",
  start_payment_plan: "start a payment plan on",
  break_promise: "break a promise on",
  break_payment_plan: "break a payment plan on",
  cancel: "cancel",
  write_off: "write off",
  mark_contact_failed: "mark the address failed on",
  update_contact: "change the address on",
  record_stage_sent: "send a reminder for",
  record_installment_reminder: "send an installment reminder for",
  change_amount: "change the amount of",
};

/** How each state reads in "… an invoice that is on a payment plan". */
const STATE_PHRASES: Readonly<Record<InvoiceState, string>> = {
  open: "open",
  partially_paid: "partially paid",
  paid: "paid",
  disputed: "disputed",
  paused: "paused",
  payment_plan: "on a payment plan",
  promised: "promised to be paid",
  contact_failed: "unreachable (its address failed)",
  collection: "with a collection agency",
  written_off: "written off",
  cancelled: "cancelled",
};

function guard(invoice: Invoice, action: Action): IllegalTransition | undefined {
  if (ALLOWED_FROM[action].includes(invoice.status)) return undefined;
  const why = TERMINAL_STATES.has(invoice.status) ? " (it is settled for good)" : "";
  return {
    code: "illegal_transition",
    action,
    from: invoice.status,
    message: `cannot ${ACTION_PHRASES[action]} an invoice that is ${STATE_PHRASES[invoice.status]}${why}`,
  };
}

function invalid(action: Action, field: string, message: string): Result<never, InvalidAction> {
  return err({ code: "invalid_action", action, field, message });
}

/** Applies a change, stamps it, and adds the from/to states to the first event when they differ. */
function moved(
  before: Invoice,
  after: Omit<Invoice, "updatedAt">,
  at: string,
  events: TimelineEvent[],
): TransitionResult {
  const invoice = { ...after, updatedAt: at };
  const [first, ...rest] = events;
  const stamped =
    first && before.status !== invoice.status
      ? [{ ...first, from: before.status, to: invoice.status }, ...rest]
      : events;
  return ok({ invoice, events: stamped });
}

/** Where an invoice goes once nothing holds it any more. */
function released(invoice: Invoice): Invoice {
  const { pausedUntil: _p, promisedDate: _d, dispute: _x, ...rest } = invoice;
  return { ...rest, status: balanceState(invoice) };
}

function fillInstallments(installments: readonly Installment[], amount: number): Installment[] {
  let left = amount;
  return installments.map((installment) => {
    const take = Math.min(left, installment.amount - installment.paid);
    left -= take;
    return { ...installment, paid: installment.paid + take };
  });
}

/**
 * The early-payment discount a payment earns: the invoice offers one, the money arrived by its last
 * day, and what was paid by then covers the discounted amount (but not the whole). Paying the
 * discounted amount in time settles the invoice; the discount is not owed back later.
 */
function discountTakenBy(invoice: Invoice, amountPaid: number, paidOn: string): number {
  const offer = discountOfferOf(invoice);
  if (!offer || invoice.discountGranted !== undefined || paidOn > offer.until) return 0;
  if (amountPaid >= invoice.amount || amountPaid < invoice.amount - offer.amount) return 0;
  return offer.amount;
}

/**
 * How many payments one invoice keeps. Each is kept as what interest is reckoned from (amount and
 * date, some 35 bytes in DynamoDB), its reference only in its timeline step (an item of its own):
 * 2 000 payments are 70 KB of the invoice item's 400 KB, beside its lines' 160 KB
 * (docs/DATA-MODEL.md, "Item sizes"). One more is refused, naming `payments`, before the item
 * could overflow.
 */
export const MAX_PAYMENTS = 2000;

export function recordPayment(
  invoice: Invoice,
  payment: { amount: number; date: string; at: string; reference?: string },
): TransitionResult {
  const illegal = guard(invoice, "record_payment");
  if (illegal) return err(illegal);
  if (!Number.isSafeInteger(payment.amount) || payment.amount <= 0) {
    return invalid("record_payment", "amount", "must be greater than zero");
  }
  const amountPaid = invoice.amountPaid + payment.amount;
  if (!Number.isSafeInteger(amountPaid)) return invalid("record_payment", "amount", "is too large");
  if (invoice.payments.length >= MAX_PAYMENTS) {
    return invalid(
      "record_payment",
      "payments",
      `must be at most ${MAX_PAYMENTS} on one invoice; this one has them all`,
    );
  }
  const installments = invoice.installments && fillInstallments(invoice.installments, payment.amount);
  const discount = discountTakenBy(invoice, amountPaid, payment.date);
  let next: Invoice = {
    ...invoice,
    amountPaid,
    installments,
    ...(discount > 0 ? { discountGranted: discount } : {}),
    // The reference stays with the payment's timeline event: the invoice item keeps what interest needs.
    payments: [...invoice.payments, { amount: payment.amount, date: payment.date }],
  };
  const events: TimelineEvent[] = [
    {
      type: "payment_recorded",
      at: payment.at,
      amount: payment.amount,
      date: payment.date,
      reference: payment.reference,
      ...(discount > 0 ? { discount } : {}),
      outstanding: outstandingOf(next),
      credit: creditOf(next),
    },
  ];
  if (amountPaid >= payableOf(next)) {
    // Settled: whatever held the invoice (a dispute, a pause, a plan, a bounce) no longer matters.
    const { installments: _i, ...rest } = released(next);
    next = { ...rest, status: "paid" };
    if (invoice.installments) events.push({ type: "payment_plan_completed", at: payment.at });
  } else if (ACTIVE.includes(invoice.status)) {
    next = { ...next, status: "partially_paid" };
  }
  return moved(invoice, next, payment.at, events);
}

export function promisePayment(invoice: Invoice, promise: { date: string; at: string }): TransitionResult {
  const illegal = guard(invoice, "promise");
  if (illegal) return err(illegal);
  if (compareDates(promise.date, promise.at.slice(0, 10)) < 0) {
    return invalid("promise", "date", "must not be in the past");
  }
  if (compareDates(promise.date, addDays(promise.at.slice(0, 10), 366)) > 0) {
    return invalid("promise", "date", "must be within a year");
  }
  return moved(invoice, { ...invoice, status: "promised", promisedDate: promise.date }, promise.at, [
    { type: "promise_made", at: promise.at, promisedDate: promise.date },
  ]);
}

/** The promised date (plus grace) passed unpaid: the ladder escalates and the customer goes on credit hold. */
export function breakPromise(invoice: Invoice, at: string): TransitionResult {
  const illegal = guard(invoice, "break_promise");
  if (illegal) return err(illegal);
  const promisedDate = invoice.promisedDate ?? invoice.dueDate;
  return moved(invoice, { ...released(invoice), promiseBrokenAt: at }, at, [
    { type: "promise_broken", at, promisedDate },
  ]);
}

export function openDispute(invoice: Invoice, dispute: { reason: string; at: string }): TransitionResult {
  const illegal = guard(invoice, "dispute");
  if (illegal) return err(illegal);
  return moved(
    invoice,
    { ...invoice, status: "disputed", dispute: { reason: dispute.reason, openedAt: dispute.at } },
    dispute.at,
    [{ type: "dispute_opened", at: dispute.at, reason: dispute.reason }],
  );
}

export function resolveDispute(
  invoice: Invoice,
  resolution: { at: string; note?: string },
): TransitionResult {
  const illegal = guard(invoice, "resolve_dispute");
  if (illegal) return err(illegal);
  return moved(invoice, released(invoice), resolution.at, [
    { type: "dispute_resolved", at: resolution.at, note: resolution.note },
  ]);
}

export function pause(invoice: Invoice, pause: { until: string; at: string }): TransitionResult {
  const illegal = guard(invoice, "pause");
  if (illegal) return err(illegal);
  if (compareDates(pause.until, pause.at.slice(0, 10)) <= 0) {
    return invalid("pause", "until", "must be a date after today");
  }
  return moved(invoice, { ...invoice, status: "paused", pausedUntil: pause.until }, pause.at, [
    { type: "paused", at: pause.at, until: pause.until },
  ]);
}

export function resume(invoice: Invoice, at: string): TransitionResult {
  const illegal = guard(invoice, "resume");
  if (illegal) return err(illegal);
  return moved(invoice, released(invoice), at, [{ type: "resumed", at }]);
}

export function startPaymentPlan(
  invoice: Invoice,
  plan: { installments: { dueDate: string; amount: number }[]; at: string },
): TransitionResult {
  const illegal = guard(invoice, "start_payment_plan");
  if (illegal) return err(illegal);
  const { installments, at } = plan;
  if (installments.length < 2 || installments.length > 60) {
    return invalid("start_payment_plan", "installments", "must list 2 to 60 installments");
  }
  for (const [index, installment] of installments.entries()) {
    if (!Number.isSafeInteger(installment.amount) || installment.amount <= 0) {
      return invalid("start_payment_plan", `installments[${index}].amount`, "must be greater than zero");
    }
    const previous = installments[index - 1];
    if (previous && compareDates(installment.dueDate, previous.dueDate) <= 0) {
      return invalid(
        "start_payment_plan",
        `installments[${index}].dueDate`,
        "must be after the previous installment",
      );
    }
  }
  const first = installments[0];
  if (first && compareDates(first.dueDate, at.slice(0, 10)) < 0) {
    return invalid("start_payment_plan", "installments[0].dueDate", "must not be in the past");
  }
  const total = installments.reduce((sum, installment) => sum + installment.amount, 0);
  if (total !== outstandingOf(invoice)) {
    return invalid(
      "start_payment_plan",
      "installments",
      `must add up to the outstanding amount (${outstandingOf(invoice)} minor units), not ${total}`,
    );
  }
  const { promisedDate: _d, ...rest } = invoice;
  return moved(
    invoice,
    { ...rest, status: "payment_plan", installments: installments.map((i) => ({ ...i, paid: 0 })) },
    at,
    [{ type: "payment_plan_started", at, installments }],
  );
}

/** An installment went unpaid past its grace: the plan ends and the ladder takes over again. */
export function breakPaymentPlan(invoice: Invoice, at: string): TransitionResult {
  const illegal = guard(invoice, "break_payment_plan");
  if (illegal) return err(illegal);
  const installments = invoice.installments ?? [];
  const index = Math.max(
    0,
    installments.findIndex((installment) => installment.paid < installment.amount),
  );
  const { installments: _i, ...rest } = invoice;
  return moved(invoice, released(rest), at, [
    {
      type: "payment_plan_broken",
      at,
      installment: index,
      dueDate: installments[index]?.dueDate ?? invoice.dueDate,
    },
  ]);
}

export function cancel(invoice: Invoice, cancellation: { at: string; reason?: string }): TransitionResult {
  const illegal = guard(invoice, "cancel");
  if (illegal) return err(illegal);
  return moved(invoice, { ...invoice, status: "cancelled" }, cancellation.at, [
    { type: "cancelled", at: cancellation.at, reason: cancellation.reason, refundDue: invoice.amountPaid },
  ]);
}

export function writeOff(invoice: Invoice, writeOff: { at: string; reason?: string }): TransitionResult {
  const illegal = guard(invoice, "write_off");
  if (illegal) return err(illegal);
  return moved(invoice, { ...invoice, status: "written_off" }, writeOff.at, [
    { type: "written_off", at: writeOff.at, reason: writeOff.reason, amount: outstandingOf(invoice) },
  ]);
}

/** A hard bounce or a complaint: no more email until someone gives a new address. */
export function markContactFailed(
  invoice: Invoice,
  failure: { reason: "bounce" | "complaint" | "refused"; email: string; at: string },
): TransitionResult {
  const illegal = guard(invoice, "mark_contact_failed");
  if (illegal) return err(illegal);
  const { pausedUntil: _p, ...rest } = invoice;
  return moved(invoice, { ...rest, status: "contact_failed" }, failure.at, [
    { type: "contact_failed", at: failure.at, reason: failure.reason, email: failure.email },
  ]);
}

export function updateContact(invoice: Invoice, update: { emails: string[]; at: string }): TransitionResult {
  const illegal = guard(invoice, "update_contact");
  if (illegal) return err(illegal);
  if (update.emails.length === 0) return invalid("update_contact", "email", "must name at least one address");
  const customer = { ...invoice.customer, emails: update.emails };
  const next =
    invoice.status === "contact_failed" ? released({ ...invoice, customer }) : { ...invoice, customer };
  return moved(invoice, next, update.at, [{ type: "contact_updated", at: update.at, emails: update.emails }]);
}

/**
 * A stage's email that SES accepted. Recorded whatever state the invoice is in now, since it went
 * out; only an invoice still being dunned moves (to collection, on the hand-over). The same email
 * (by its message id) recorded twice changes nothing the second time. A stage that was sent before
 * is recorded again all the same: the ladder never sends one twice, and if anything ever did, the
 * record must say so rather than hide it.
 */
export function recordStageSent(
  invoice: Invoice,
  sent: {
    stage: Invoice["stagesSent"][number]["stage"];
    at: string;
    fee: number;
    interest: number;
    compensation?: number;
    deadline?: string;
    messageId?: string;
    /** The ladder asked for the account manager to be told with this stage (ladder.ts). */
    notifyAccountManager?: boolean;
  },
): TransitionResult {
  const illegal = guard(invoice, "record_stage_sent");
  if (illegal) return err(illegal);
  if (sent.messageId !== undefined && invoice.stagesSent.some((s) => s.messageId === sent.messageId)) {
    return ok({ invoice, events: [] });
  }
  const events: TimelineEvent[] = [
    {
      type: "stage_sent",
      at: sent.at,
      stage: sent.stage,
      fee: sent.fee,
      interest: sent.interest,
      ...(sent.compensation ? { compensation: sent.compensation } : {}),
      deadline: sent.deadline,
    },
  ];
  const handedOver = sent.stage === "collection" && ACTIVE.includes(invoice.status);
  if (handedOver) events.push({ type: "handed_to_collection", at: sent.at });
  const { sendBlocked: _b, ...rest } = invoice;
  const { notifyAccountManager, ...stage } = sent;
  const next: Invoice = {
    ...rest,
    stagesSent: [
      ...invoice.stagesSent,
      { ...stage, compensation: sent.compensation ?? 0, delivery: "sent", softBounces: [] },
    ],
    status: handedOver ? "collection" : invoice.status,
    // Once per invoice: the ladder asks no second time (ladder.ts), and the note goes from the outbox.
    ...(notifyAccountManager && !invoice.accountManagerToldAt ? { accountManagerToldAt: sent.at } : {}),
  };
  return moved(invoice, next, sent.at, events);
}

/** An installment's reminder that SES accepted; recorded as recordStageSent records a stage. */
export function recordInstallmentReminder(
  invoice: Invoice,
  reminder: { installment: number; at: string },
): TransitionResult {
  const illegal = guard(invoice, "record_installment_reminder");
  if (illegal) return err(illegal);
  const target = invoice.installments?.[reminder.installment];
  if (target?.remindedAt === reminder.at) return ok({ invoice, events: [] });
  // The plan may have ended while the reminder was on its way (paid off, broken): then only the timeline has it.
  const installments = invoice.installments?.map((installment, index) =>
    index === reminder.installment ? { ...installment, remindedAt: reminder.at } : installment,
  );
  const { sendBlocked: _b, ...rest } = invoice;
  return moved(invoice, { ...rest, installments }, reminder.at, [
    { type: "installment_reminder_sent", at: reminder.at, installment: reminder.installment },
  ]);
}

/**
 * SES refused the email itself — an address it will not take, a message it will not carry — so it
 * was not sent, and sending it again as it is would be refused again: the invoice waits for a person
 * (a new address), as after a hard bounce.
 */
export function refuseEmail(
  invoice: Invoice,
  refusal: { step: string; code: string; reason: string; email: string; at: string },
): TransitionResult {
  const refused: TimelineEvent = {
    type: "email_refused",
    at: refusal.at,
    step: refusal.step,
    code: refusal.code,
    reason: refusal.reason,
  };
  const failed = markContactFailed(invoice, { reason: "refused", email: refusal.email, at: refusal.at });
  if (!failed.ok) return failed;
  return ok({ invoice: failed.value.invoice, events: [refused, ...failed.value.events] });
}

/** A corrected amount from a new upload; a payment plan must be ended before its total changes. */
export function changeAmount(invoice: Invoice, change: { amount: number; at: string }): TransitionResult {
  const illegal = guard(invoice, "change_amount");
  if (illegal) return err(illegal);
  if (!Number.isSafeInteger(change.amount) || change.amount <= 0) {
    return invalid("change_amount", "amount", "must be greater than zero");
  }
  if (invoice.installments) {
    // Also while a dispute or a bounce holds a plan: the installments would no longer add up.
    return invalid("change_amount", "amount", "cannot change while a payment plan runs; end the plan first");
  }
  let next: Invoice = { ...invoice, amount: change.amount };
  if (change.amount <= invoice.amountPaid) next = { ...released(next), status: "paid" };
  else if (ACTIVE.includes(invoice.status)) next = { ...next, status: balanceState(next) };
  return moved(invoice, next, change.at, [
    { type: "amount_changed", at: change.at, previousAmount: invoice.amount, amount: change.amount },
  ]);
}
