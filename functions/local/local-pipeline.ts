/**
 * What AWS runs on each Scheduler tick, run in this process: the dispatcher moves the due invoices
 * onto the send queue (in memory), the sender handles every queued message, and the events path
 * applies the SES events of what was sent, from an events queue in memory. aws-ses-v2-local
 * publishes no events, so the Send event comes from the SES client's middleware
 * (#adapters/ses/send-events.ts) and what SES would publish next (Delivery; Bounce or Complaint for
 * the mailbox simulator's addresses) from followUpEvents.
 *
 * Both queues behave as their SQS queues do (memory-queue.ts): a message that fails comes back on
 * the next tick, and one that failed five times waits in the queue's dead-letter queue until it is
 * redriven (POST /_local/redrive here, `dun redrive` in AWS).
 *
 * Local mode and the tests share it, so what the tests show is what `npm start` does.
 */
import type { DispatchCursorTable } from "#adapters/dynamo/dispatch-cursor.ts";
import type { SesSendEvent } from "#adapters/ses/send-events.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { followUpEvents } from "#events/follow-up-events.ts";
import { parseSesEventRecord, type SesEvent } from "#events/ses-event.ts";
import { processDueInvoice, type SenderDeps, type SendOutcome } from "#sending/process-due-invoice.ts";
import { MemoryDueQueue, MemoryQueue } from "./memory-queue.ts";

export type SentStep = { tenantId: string; invoiceNumber: string; step: string };
export type TickReport = { due: number; outcomes: SendOutcome[]; sent: SentStep[]; events: number };

export class UnreadableSesEvent extends Error {
  override readonly name = "UnreadableSesEvent";
}

/** The Send events the SES client's middleware (withLocalSendEvents) hands over, until a tick applies them. */
export class SendEventBuffer {
  readonly events: SesSendEvent[] = [];
  readonly collect = (event: SesSendEvent): void => {
    this.events.push(event);
  };
}

/** As the send queue's and the events queue's redrive policies have it (infra/constructs). */
export const MAX_RECEIVES = 5;

export class LocalPipeline {
  readonly queue = new MemoryDueQueue({ maxReceives: MAX_RECEIVES });
  /** SES's events on their way to the events Lambda. */
  readonly events = new MemoryQueue<SesEvent>({ maxReceives: MAX_RECEIVES });
  /** The kill switch: while paused no dispatcher runs, as with the Scheduler's schedule disabled. */
  paused = false;

  constructor(
    private readonly deps: SenderDeps,
    private readonly sendEvents: SendEventBuffer,
    private readonly options: { cursor: DispatchCursorTable; followUps?: boolean },
  ) {}

  /** What the sender asks before it gives a stale claim up: whether SES events wait in the events dead-letter queue. */
  readonly deadLetters = { holdsAny: async () => this.events.deadLetters.length > 0 };

  /** Whether a tick now would have work even with nothing due: messages left on a queue, or events. */
  get hasPendingWork(): boolean {
    return this.queue.size > 0 || this.events.size > 0 || this.sendEvents.events.length > 0;
  }

  async tick(now: Date): Promise<TickReport> {
    // One process, one clock, one consistent DynamoDB: the due index is never late, so no settling.
    const dispatched = this.paused
      ? { due: 0 }
      : await dispatchDue(
          { invoices: this.deps.invoices, cursor: this.options.cursor, queue: this.queue },
          now,
          { settleMs: 0 },
        );
    const outcomes: SendOutcome[] = [];
    const sent: SentStep[] = [];
    const senderDeps = { deadLetters: this.deadLetters, ...this.deps };
    await this.queue.deliver(async (message) => {
      const outcome = await processDueInvoice(senderDeps, message, now);
      outcomes.push(outcome);
      if (outcome.outcome === "sent") sent.push({ ...message, step: outcome.step });
      return outcome.outcome !== "retry";
    });
    const events = this.sesEvents(now);
    await this.events.enqueue(events);
    await this.events.deliver(async (event) => {
      await applySesEvent(this.deps, event, now);
      return true;
    });
    return { due: dispatched.due, outcomes, sent, events: events.length };
  }

  /** The Send events since the last call, each followed by what SES would publish next. */
  sesEvents(now: Date): SesEvent[] {
    const parsed: SesEvent[] = [];
    for (const record of this.sendEvents.events.splice(0)) {
      const send = parseSesEventRecord(record);
      if (!send.ok) throw new UnreadableSesEvent(`an unreadable Send event: ${send.error}`);
      parsed.push(send.value);
      if (this.options.followUps === false) continue;
      for (const followUp of followUpEvents(send.value, { at: now })) {
        const event = parseSesEventRecord(followUp);
        if (!event.ok) throw new UnreadableSesEvent(`an unreadable follow-up event: ${event.error}`);
        parsed.push(event.value);
      }
    }
    return parsed;
  }
}
