/**
 * A claim marks a step (a stage, or an installment reminder) as being sent right now. It is
 * written before SES is called and cleared when the send is recorded, so that nobody sends the
 * same step while it stands. It carries what the email stated (fee, interest, deadline), so
 * whoever completes it — the sender, or the events Lambda on SES's Send event — records exactly
 * what went out. The protocol is written down in docs/DATA-MODEL.md.
 */
import * as z from "zod";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { StageSchema } from "#domain/vocabulary.ts";

/**
 * How long a claim may stand without a record. SES publishes the Send event of an accepted email
 * within seconds; a claim older than this with no record means SES never accepted the email, and
 * the step may be tried again. It must stay far above the sender Lambda's timeout: a sender still
 * running when its claim goes stale could send after another one released and resent it.
 */
export const CLAIM_TIMEOUT_MS = 15 * 60_000;

export const ClaimedStepSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("stage"),
    stage: StageSchema,
    fee: z.number().int().nonnegative(),
    interest: z.number().int().nonnegative(),
    deadline: IsoDateSchema.optional(),
  }),
  z.object({ type: z.literal("installment"), installment: z.number().int().nonnegative() }),
]);
export type ClaimedStep = z.infer<typeof ClaimedStepSchema>;

export const ClaimSchema = z.object({
  id: z.string().min(1),
  at: InstantSchema,
  step: ClaimedStepSchema,
});
export type Claim = z.infer<typeof ClaimSchema>;

export function isStale(claim: Claim, now: Date): boolean {
  return now.getTime() - Date.parse(claim.at) >= CLAIM_TIMEOUT_MS;
}

/** The name of a step in tags and logs: "reminder_1", "installment_2". */
export function stepKey(step: ClaimedStep): string {
  return step.type === "stage" ? step.stage : `installment_${step.installment}`;
}
