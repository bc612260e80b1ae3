/** The Lambdas' configuration, read once from the environment and checked, so a missing setting fails at start-up. */
import * as z from "zod";

const EnvironmentSchema = z.object({
  TABLE_NAME: z.string().min(3),
  SEND_QUEUE_URL: z.string().url().optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  FROM_ADDRESS: z.string().email().optional(),
  /** Emails a second one sender instance may send: its share of the account's SES rate (infra/constructs/sending.ts).
   *  The stack always sets it; 0.5 (the SES sandbox's 1 a second over two instances) when it does not. */
  INSTANCE_SEND_RATE: z.coerce.number().positive().default(0.5),
  /** The events dead-letter queue, which the sender may only ask about (adapters/sqs/dead-letters.ts). */
  EVENTS_DEAD_LETTER_QUEUE_URL: z.string().url().optional(),
  /** The bucket large uploads are PUT to, and the queue its notifications and the worker's hand-ons go through. */
  UPLOAD_BUCKET: z.string().min(3).optional(),
  UPLOAD_QUEUE_URL: z.string().url().optional(),
});

export type Environment = z.infer<typeof EnvironmentSchema>;

export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Environment {
  return EnvironmentSchema.parse(env);
}

/** A setting one Lambda cannot run without. */
export function required<K extends keyof Environment>(env: Environment, key: K): NonNullable<Environment[K]> {
  const value = env[key];
  if (value === undefined) throw new Error(`the environment variable ${String(key)} is required here`);
  return value as NonNullable<Environment[K]>;
}
