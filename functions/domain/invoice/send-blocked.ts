/**
 * When SES will not send an invoice's email for a reason that is not about the email — the sending
 * rate, the daily quota, an account or configuration set that is paused or not set up, a failure of
 * the moment — the email is not given up: the invoice stays due and is tried again after a backoff,
 * and its next action says what blocks it. A refusal of the email itself is not a block; it needs a
 * person (transitions.ts, refuseEmail).
 */
import { createHash } from "node:crypto";
import * as z from "zod";
import { InstantSchema } from "#domain/text.ts";

export const SEND_BLOCK_SCOPES = ["rate", "quota", "account", "transient"] as const;
export type SendBlockScope = (typeof SEND_BLOCK_SCOPES)[number];

export const SendBlockedSchema = z.object({
  /** What blocks it: SES's sending rate, its daily quota, the account or configuration, the moment. */
  scope: z.enum(SEND_BLOCK_SCOPES),
  /** SES's error code ("AccountSendingPausedException"), as the operator will search for it. */
  code: z.string(),
  reason: z.string(),
  /** The first refusal of this run of them, and how many there have been. */
  since: InstantSchema,
  attempts: z.number().int().positive(),
  /** Not tried again before this. */
  retryAt: InstantSchema,
});
export type SendBlocked = z.infer<typeof SendBlockedSchema>;

const MINUTE = 60_000;

/**
 * The wait after the nth refusal in a row. The rate and the moment pass in seconds to minutes; a
 * daily quota frees up as the day's sends age out of SES's 24-hour window, so hourly is enough; a
 * paused account or a missing configuration waits for a person, so it backs off to a few tries a
 * day rather than knocking every minute.
 */
const BACKOFF: Readonly<Record<SendBlockScope, { firstMs: number; capMs: number }>> = {
  rate: { firstMs: MINUTE, capMs: 30 * MINUTE },
  transient: { firstMs: MINUTE, capMs: 30 * MINUTE },
  quota: { firstMs: 60 * MINUTE, capMs: 60 * MINUTE },
  account: { firstMs: 15 * MINUTE, capMs: 6 * 60 * MINUTE },
};

/**
 * Up to a fifth more, fixed by the invoice: when SES throttles or pauses, many invoices are refused
 * at the same moment, and without a spread they would all come back at the same moment too.
 */
function spreadOf(key: string, delayMs: number): number {
  const digest = createHash("sha256").update(key).digest();
  return Math.floor(((digest.readUInt16BE(0) / 0xffff) * delayMs) / 5);
}

export function backoffMs(scope: SendBlockScope, attempts: number, key: string): number {
  const { firstMs, capMs } = BACKOFF[scope];
  const delay = Math.min(capMs, firstMs * 2 ** Math.min(attempts - 1, 20));
  return delay + spreadOf(`${key}#${attempts}`, delay);
}

/** The block after one more refusal: a new run starts when the last one was of another scope. */
export function blockedAgain(
  previous: SendBlocked | undefined,
  refusal: { scope: SendBlockScope; code: string; reason: string },
  key: string,
  at: Date,
): SendBlocked {
  const continues = previous !== undefined && previous.scope === refusal.scope;
  const attempts = continues ? previous.attempts + 1 : 1;
  return {
    ...refusal,
    since: continues ? previous.since : at.toISOString(),
    attempts,
    retryAt: new Date(at.getTime() + backoffMs(refusal.scope, attempts, key)).toISOString(),
  };
}
