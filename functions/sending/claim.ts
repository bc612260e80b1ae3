/**
 * A claim marks a step (a stage, or an installment reminder) as being sent right now. It is
 * written before SES is called and cleared when the send is recorded, so that nobody sends the
 * same step while it stands. It carries what the email stated (fee, interest, compensation, deadline), so
 * whoever completes it — the sender, or the events Lambda on SES's Send event — records exactly
 * what went out. The protocol is written down in docs/DATA-MODEL.md.
 */
import * as z from "zod";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { StageSchema } from "#domain/vocabulary.ts";

/**
 * How long a claim may stand without a record before anyone asks whether its email went out. SES
 * publishes the Send event of an accepted email within seconds, and the events path retries a Send
 * event it could not apply for its whole retry budget before the event lands in the events
 * dead-letter queue (infra/constructs/events.ts; a test holds this above that budget). So a claim
 * older than this with no record and nothing dead-lettered means SES never accepted the email, and
 * the step may be tried again (stale-claim.ts). It is also far above the sender Lambda's timeout:
 * no sender is still at work on a claim this old.
 */
export const CLAIM_TIMEOUT_MS = 60 * 60_000;

export const ClaimedStepSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("stage"),
    stage: StageSchema,
    fee: z.number().int().nonnegative(),
    interest: z.number().int().nonnegative(),
    compensation: z.number().int().nonnegative().default(0),
    deadline: IsoDateSchema.optional(),
    /** The ladder asked for the account manager to be told with this stage: the record writes the note. */
    notifyAccountManager: z.boolean().optional(),
  }),
  z.object({ type: z.literal("installment"), installment: z.number().int().nonnegative() }),
]);
export type ClaimedStep = z.infer<typeof ClaimedStepSchema>;

export const ClaimSchema = z.object({
  id: z.string().min(1),
  at: InstantSchema,
  step: ClaimedStepSchema,
  /** Stale, and first seen with nothing in the events dead-letter queue then (stale-claim.ts). */
  quietSince: InstantSchema.optional(),
});
export type Claim = z.infer<typeof ClaimSchema>;

export function isStale(claim: Claim, now: Date): boolean {
  return now.getTime() - Date.parse(claim.at) >= CLAIM_TIMEOUT_MS;
}

/** When a claim goes stale: the due slot it leaves the invoice at, so the dispatcher brings it back then. */
export function staleAt(claim: Claim): Date {
  return new Date(Date.parse(claim.at) + CLAIM_TIMEOUT_MS);
}

/** The name of a step in tags and logs: "reminder_1", "installment_2". */
export function stepKey(step: ClaimedStep): string {
  return step.type === "stage" ? step.stage : `installment_${step.installment}`;
}
