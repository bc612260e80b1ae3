/**
 * What an action (a payment, a dispute, a pause, a new address …) does when it finds a claim
 * standing on its invoice: an email may be on its way to SES that very moment. It waits — re-reading
 * the invoice — until the claim is recorded or released, or until the claim's send window has
 * passed (send-window.ts), after which no email can leave for it any more. Then the action is
 * applied, and its answer can say truthfully whether a reminder went out at the same moment. So no
 * email leaves after an action's answer that stops the ladder.
 *
 * The wait is measured on this process's own clock, from when the claim was first seen: then no two
 * machines' clocks need to agree. A claim older than its window on the invoice's clock is past
 * waiting for (its sender died; the events path or the stale-claim rule will settle it).
 */
import type { InvoiceStore, StoredInvoice } from "#ports/invoice-store.ts";
import { type Claim, stepKey } from "./claim.ts";
import { SEND_WINDOW, type SendWindow, windowMs } from "./send-window.ts";

/** A reminder that was being sent when the action came. */
export type ReminderInFlight = {
  step: string;
  at: string;
  /** "sent": SES took it, just before the action; "unconfirmed": its sender stopped before it could say. */
  outcome: "sent" | "unconfirmed";
};

export type ClaimWaitDeps = {
  invoices: InvoiceStore;
  now: () => Date;
  sendWindow?: SendWindow;
  monotonicNow?: () => number;
  sleep?: (milliseconds: number) => Promise<void>;
};

const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 500;

const pause = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** `stored` (or the invoice as it is once its claim is settled or past its window), and what the claim became. */
export async function waitOutStandingClaim(
  deps: ClaimWaitDeps,
  stored: StoredInvoice,
): Promise<{ stored: StoredInvoice | undefined; inFlight?: ReminderInFlight }> {
  const first = stored.claim;
  if (!first) return { stored };
  const window = windowMs(deps.sendWindow ?? SEND_WINDOW);
  const monotonicNow = deps.monotonicNow ?? (() => performance.now());
  const sleep = deps.sleep ?? pause;
  const started = monotonicNow();
  let current: StoredInvoice | undefined = stored;
  let poll = FIRST_POLL_MS;
  while (
    current?.claim &&
    isInWindow(current.claim, deps.now(), window) &&
    monotonicNow() - started < window
  ) {
    await sleep(poll);
    poll = Math.min(MAX_POLL_MS, poll * 2);
    current = await deps.invoices.get(stored.invoice.tenantId, stored.invoice.invoiceNumber);
  }
  if (!current) return { stored: current };
  if (current.claim?.id === first.id) return { stored: current, inFlight: inFlight(first, "unconfirmed") };
  return wasRecorded(current, first)
    ? { stored: current, inFlight: inFlight(first, "sent") }
    : { stored: current };
}

function isInWindow(claim: Claim, now: Date, window: number): boolean {
  return now.getTime() - Date.parse(claim.at) < window;
}

function inFlight(claim: Claim, outcome: ReminderInFlight["outcome"]): ReminderInFlight {
  return { step: stepKey(claim.step), at: claim.at, outcome };
}

function wasRecorded(stored: StoredInvoice, claim: Claim): boolean {
  const { step } = claim;
  return step.type === "stage"
    ? stored.invoice.stagesSent.some((sent) => sent.stage === step.stage && sent.at === claim.at)
    : stored.invoice.installments?.[step.installment]?.remindedAt === claim.at;
}
