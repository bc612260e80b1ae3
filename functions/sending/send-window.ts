/**
 * The send window: how long after a step is claimed its email may still reach SES. The sender
 * claims a step right before it calls SES (after pacing and rendering), hands the email to SES only
 * if no more than `startWithinMs` passed since it began writing the claim, and gives SES's answer
 * `requestTimeoutMs` before it aborts the request. So once a claim has stood for the whole window,
 * as measured by anyone who saw it, its email has either been handed to SES or never will be.
 *
 * That is what lets an action (a payment, a dispute, a pause …) promise that no email leaves after
 * its answer: an action that finds a claim waits for it to be recorded, or for the window to pass,
 * before it changes the invoice (standing-claim.ts). `settleMs` is for what no code here controls:
 * SES finishing a request whose connection was already cut, and clocks.
 */
export type SendWindow = {
  /** From the start of the claim write to the start of the SES request, at most. */
  startWithinMs: number;
  /** The SES request, at most; then it is aborted (its outcome unknown, the claim left standing). */
  requestTimeoutMs: number;
  settleMs: number;
};

/** What the deployed sender and API use: SES answers SendRawEmail in well under a second. */
export const SEND_WINDOW: SendWindow = { startWithinMs: 2_000, requestTimeoutMs: 5_000, settleMs: 3_000 };

export function windowMs(window: SendWindow): number {
  return window.startWithinMs + window.requestTimeoutMs + window.settleMs;
}

/** What the sender tells the mailer about one send: the latest moment to start it, on `performance.now()`'s clock. */
export type SendLimits = { startBy: number; requestTimeoutMs: number };
