/**
 * The invoice's outbox: the emails a change calls for that are not a step of the ladder — an alert
 * to the tenant's owner (a hand-over, a bounce, a complaint, a dispute, an email SES refused), a
 * receipt to the debtor for a payment, the one note to the customer's account manager. Each entry
 * says whom it is for and which template it is written in. The change that calls for one and the
 * entry are written in one update (the entry under an id fixed by its cause), and the entry is sent
 * and taken out afterwards, so that a crash or a failed write between the two never loses it, and a
 * retry of the cause never adds it twice. Sending it is claimed like a reminder's step, so it goes
 * once (notify-owner.ts, flushOutbox).
 */
import * as z from "zod";
import { InstantSchema, IsoDateSchema } from "#domain/text.ts";
import { StageSchema } from "#domain/vocabulary.ts";
import { CLAIM_TIMEOUT_MS } from "./claim.ts";

/**
 * What an owner alert is about. `overdue` is the account manager's note (below): owner mail too,
 * written in the same template, since the manager works for the seller, not for the debtor.
 */
export const OWNER_ALERT_KINDS = [
  "bounce",
  "complaint",
  "dispute",
  "handover",
  "refused",
  "overdue",
] as const;

export const OwnerAlertSchema = z.object({
  kind: z.enum(OWNER_ALERT_KINDS),
  email: z.string().optional(),
  detail: z.string().optional(),
});
export type OwnerAlert = z.infer<typeof OwnerAlertSchema>;

const SendingSchema = z.object({
  claimId: z.string(),
  at: InstantSchema,
  /** When the stale claim was first seen with nothing dead-lettered (stale-claim.ts, lookForLateSendEvent). */
  quietSince: InstantSchema.optional(),
});

const entryFields = {
  /** When its cause happened. */
  at: InstantSchema,
  /**
   * Claimed for sending, as a reminder's step is claimed (claim.ts): nobody else sends it while this
   * stands, and SES's Send event for it (tagged with the entry and the claim) takes it out should the
   * sender fail to. A claim older than CLAIM_TIMEOUT_MS is given up and the entry sent again.
   */
  sending: SendingSchema.optional(),
};

const OutboxVariantsSchema = z.discriminatedUnion("to", [
  /** To the tenant's owner, in the tenant's language. */
  OwnerAlertSchema.extend({
    to: z.literal("owner"),
    template: z.literal("owner_alert"),
    ...entryFields,
  }),
  /**
   * The debtor's receipt for one payment, in the debtor's language. The payment's amount and date
   * are kept here, since the invoice may take further payments before the receipt goes.
   */
  z.object({
    to: z.literal("debtor"),
    template: z.literal("payment_received"),
    payment: z.object({ amount: z.number().int().positive(), date: IsoDateSchema }),
    ...entryFields,
  }),
  /**
   * The customer's account manager, told once per invoice when the ladder first asks for it
   * (`notifyAccountManager`), in the tenant's language: which customer, how overdue, the whole claim.
   */
  z.object({
    to: z.literal("account_manager"),
    template: z.literal("owner_alert"),
    kind: z.literal("overdue"),
    /** The stage whose sending called for the note. */
    stage: StageSchema,
    ...entryFields,
  }),
]);

/** An outbox entry as stored. One written before entries said whom they are for is an owner alert. */
export const OutboxEntrySchema = z.preprocess(
  (entry) =>
    entry && typeof entry === "object" && !("to" in entry)
      ? { ...entry, to: "owner", template: "owner_alert" }
      : entry,
  OutboxVariantsSchema,
);
export type OutboxEntry = z.infer<typeof OutboxVariantsSchema>;
export type Outbox = Record<string, OutboxEntry>;

/** An alert to the owner, as its cause writes it into the outbox. */
export function ownerAlertEntry(alert: OwnerAlert, at: string): OutboxEntry {
  return { ...alert, to: "owner", template: "owner_alert", at };
}

/**
 * The debtor's receipts for the payments a change recorded (its `payment_recorded` events), under
 * ids fixed by the version the change makes: the change and its receipts are one write, so a retry
 * of it (answered from its Idempotency-Key) adds none.
 */
export function receiptEntries(
  events: readonly { type: string; at?: string; amount?: number; date?: string }[],
  version: number,
): Outbox {
  const receipts: Outbox = {};
  events.forEach((event, index) => {
    if (event.type !== "payment_recorded" || !event.at || !event.amount || !event.date) return;
    receipts[`receipt-v${version}-${index}`] = {
      to: "debtor",
      template: "payment_received",
      payment: { amount: event.amount, date: event.date },
      at: event.at,
    };
  });
  return receipts;
}

/** The name an outbox email goes by in its SES tags and its message record. */
export function outboxStepOf(
  entry: OutboxEntry,
): "owner_alert" | "payment_received" | "account_manager_note" {
  switch (entry.to) {
    case "owner":
      return "owner_alert";
    case "debtor":
      return "payment_received";
    case "account_manager":
      return "account_manager_note";
  }
}

/** Every name outboxStepOf gives: what an email that is not a step of the ladder is recorded as. */
export const OUTBOX_STEPS: ReadonlySet<string> = new Set([
  "owner_alert",
  "payment_received",
  "account_manager_note",
]);

/**
 * How many receipts wait in an outbox, unsent, before the next ones are folded into the newest of
 * them. A bookkeeping system that posts a thousand payments to one invoice in a minute would
 * otherwise leave a thousand entries on the invoice item (some 110 bytes each) before the sender
 * comes, and the debtor a thousand emails; folded, the debtor gets one receipt for the rest, its
 * amount their sum and its date the latest, and the outbox stays a few kilobytes.
 */
export const MAX_WAITING_RECEIPTS = 10;

type Receipt = Extract<OutboxEntry, { to: "debtor" }>;

/** The outbox after `entries` join it (by id: the same cause twice is one entry). */
export function withAlerts(outbox: Readonly<Outbox> | undefined, entries: Readonly<Outbox>): Outbox {
  const joined: Outbox = { ...(outbox ?? {}) };
  for (const [id, entry] of Object.entries(entries)) {
    const waiting = entry.to === "debtor" && !(id in joined) ? waitingReceipts(joined) : [];
    const newest = waiting.at(-1);
    if (entry.to === "debtor" && newest && waiting.length >= MAX_WAITING_RECEIPTS) {
      joined[newest[0]] = foldedReceipt(newest[1], entry);
    } else {
      joined[id] = entry;
    }
  }
  return joined;
}

/** The receipts nobody is sending yet, oldest first. */
function waitingReceipts(outbox: Readonly<Outbox>): [string, Receipt][] {
  return Object.entries(outbox)
    .filter((pair): pair is [string, Receipt] => pair[1].to === "debtor" && pair[1].sending === undefined)
    .sort(([, a], [, b]) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
}

function foldedReceipt(into: Receipt, entry: Receipt): Receipt {
  return {
    ...into,
    payment: {
      amount: into.payment.amount + entry.payment.amount,
      date: into.payment.date > entry.payment.date ? into.payment.date : entry.payment.date,
    },
    at: into.at > entry.at ? into.at : entry.at,
  };
}

/** How soon an entry SES would not take is tried again. */
export const ALERT_RETRY_MS = 5 * 60_000;

/**
 * The due slot an invoice needs for its outbox: while an entry waits, the dispatcher must bring the
 * invoice back to the sender, which sends what waits before anything else (process-due-invoice.ts)
 * — soon for an entry nobody is sending, at its claim's stale time for one being sent. Every writer
 * of an invoice's slot takes the earlier of this and its own next action (slotWithAlerts), so an
 * entry is never left where nothing comes back for it.
 */
export function alertSlot(outbox: Readonly<Outbox> | undefined, now: Date): Date | undefined {
  let earliest: number | undefined;
  for (const entry of Object.values(outbox ?? {})) {
    const at = entry.sending
      ? Date.parse(entry.sending.at) + CLAIM_TIMEOUT_MS
      : now.getTime() + ALERT_RETRY_MS;
    earliest = earliest === undefined ? at : Math.min(earliest, at);
  }
  return earliest === undefined ? undefined : new Date(earliest);
}

/** The earlier of the invoice's next action and what its outbox needs. */
export function slotWithAlerts(
  next: Date | undefined,
  outbox: Readonly<Outbox> | undefined,
  now: Date,
): Date | undefined {
  const forAlerts = alertSlot(outbox, now);
  if (!forAlerts) return next;
  return !next || forAlerts.getTime() < next.getTime() ? forAlerts : next;
}
