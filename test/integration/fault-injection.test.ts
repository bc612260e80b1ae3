/**
 * The claim protocol under fire: the whole ladder for three invoices, with crashes at every step of
 * the sender, DynamoDB throttling, SES throttling and lost answers, duplicate queue deliveries, two
 * dispatchers at once and reordered, duplicated Send events — over many seeds. SES's own store is
 * the judge: every stage of every invoice in it exactly once.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Mailer } from "#adapters/ses/mailer.ts";
import { dispatchDue } from "#dispatching/dispatch-due.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import { err } from "#domain/result.ts";
import { applySesEvent } from "#events/apply-ses-event.ts";
import { processDueInvoice } from "#sending/process-due-invoice.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";

/** mulberry32: a small seeded generator, so a failing seed can be replayed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Crash extends Error {
  override readonly name = "Crash";
}

type Faults = { chance: () => number; enabled: boolean };

/** How often each fault struck, over all seeds: the suite proves nothing about a fault that never happened. */
const struck = {
  crashBeforeSes: 0,
  sesThrottled: 0,
  sesAnswerLostBeforeSending: 0,
  crashAfterSes: 0,
  sesAnswerLostAfterSending: 0,
  dynamoThrottled: 0,
  duplicateDelivery: 0,
  secondDispatcher: 0,
  duplicateSendEvent: 0,
};

function faultyMailer(mailer: Mailer, faults: Faults): Mailer {
  return {
    async send(email) {
      if (!faults.enabled) return mailer.send(email);
      const roll = faults.chance();
      if (roll < 0.08) {
        struck.crashBeforeSes++;
        throw new Crash("died after the claim, before SES");
      }
      if (roll < 0.14) {
        struck.sesThrottled++;
        return err({
          scope: "rate",
          outcome: "not_sent",
          code: "Throttling",
          message: "Throttling: Maximum sending rate exceeded.",
        });
      }
      if (roll < 0.18) {
        struck.sesAnswerLostBeforeSending++;
        return err({
          scope: "transient",
          outcome: "unknown",
          code: "TimeoutError",
          message: "TimeoutError: timed out before SES answered",
        });
      }
      const sent = await mailer.send(email);
      const after = faults.chance();
      if (after < 0.12) {
        struck.crashAfterSes++;
        throw new Crash("died after SES accepted, before the record");
      }
      if (after < 0.17) {
        struck.sesAnswerLostAfterSending++;
        return err({
          scope: "transient",
          outcome: "unknown",
          code: "ECONNRESET",
          message: "Error: the answer was lost",
        });
      }
      return sent;
    },
  };
}

const DEBTORS = [
  { n: "F-NO", locale: "nb-NO", country: "NO", timeZone: "Europe/Oslo", currency: "NOK", due: "2026-11-16" },
  {
    n: "F-DE",
    locale: "de-DE",
    country: "DE",
    timeZone: "Europe/Berlin",
    currency: "EUR",
    due: "2026-11-18",
  },
  {
    n: "F-FI",
    locale: "fi-FI",
    country: "FI",
    timeZone: "Europe/Helsinki",
    currency: "EUR",
    due: "2026-11-20",
  },
] as const;

async function runSeed(seed: number): Promise<Pipeline> {
  const chance = random(seed);
  const faults: Faults = { chance, enabled: true };
  const pipeline = await startPipeline({
    start: new Date("2026-11-02T10:00:00Z"),
    wrapMailer: (mailer) => faultyMailer(mailer, faults),
    // One attempt: a throttled DynamoDB call surfaces as the failure it would be after the SDK's retries.
    maxDynamoAttempts: 1,
    dynamoClient: (client) =>
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (faults.enabled && chance() < 0.04) {
            struck.dynamoThrottled++;
            const error = new Error(`throttled: ${String(context.commandName)}`);
            error.name = "ProvisionedThroughputExceededException";
            throw error;
          }
          return next(args);
        },
        { step: "initialize", name: "injectThrottling" },
      ),
  });
  faults.enabled = false;
  // A week's notice before the due date, so that a courtesy note delayed by the storm still goes out before it.
  await pipeline.addTenant({
    ...TENANT,
    policy: {
      ...DEFAULT_POLICY_INPUT,
      ladder: { ...DEFAULT_POLICY_INPUT.ladder, courtesy: { offsetDays: -7 } },
    },
  });
  for (const debtor of DEBTORS) {
    const base = anInvoiceInput();
    await pipeline.addInvoice({
      ...base,
      invoiceNumber: debtor.n,
      currency: debtor.currency,
      dueDate: debtor.due,
      paymentReference: undefined,
      customer: {
        ...base.customer,
        email: `${debtor.n.toLowerCase()}@debtor.example`,
        locale: debtor.locale,
        country: debtor.country,
        timeZone: debtor.timeZone,
      },
    });
  }
  faults.enabled = true;

  const { invoices, queue, deps } = pipeline;
  const end = new Date("2027-01-25T10:00:00Z").getTime();
  while (pipeline.clock.now.getTime() < end) {
    const tick = pipeline.clock.now;
    // Each tick is followed by SQS's redeliveries: rounds 20 minutes apart, past a claim's timeout.
    for (let round = 0; round < 6; round++) {
      const now = new Date(tick.getTime() + round * 20 * 60_000);
      // Sometimes a second dispatcher runs at the same moment.
      const dispatchers = chance() < 0.3 ? 2 : 1;
      if (dispatchers === 2) struck.secondDispatcher++;
      await Promise.allSettled(
        Array.from({ length: dispatchers }, () => dispatchDue({ invoices, queue }, now)),
      );
      // SQS delivers at least once: some messages twice, handled concurrently.
      await queue.deliver(async (message) => {
        const copies = chance() < 0.3 ? 2 : 1;
        if (copies === 2) struck.duplicateDelivery++;
        // Each copy runs to its end within the round, as a Lambda invocation does within its timeout,
        // which is far shorter than a claim's.
        const outcomes = await Promise.allSettled(
          Array.from({ length: copies }, () => processDueInvoice(deps, message, now)),
        );
        return outcomes.every(
          (settled) => settled.status === "fulfilled" && settled.value.outcome !== "retry",
        );
      });
      // The events Lambda, seconds later: SES's events shuffled and some of them twice, retried until applied.
      let pending = (await pipeline.sesEvents()).flatMap((event) => {
        if (chance() >= 0.25) return [event];
        struck.duplicateSendEvent++;
        return [event, event];
      });
      pending.sort(() => chance() - 0.5);
      for (let attempt = 0; attempt < 20 && pending.length > 0; attempt++) {
        const failed = [];
        for (const event of pending) {
          try {
            await applySesEvent(deps, event, now);
          } catch {
            failed.push(event);
          }
        }
        pending = failed;
      }
      expect(pending, "SES events left unapplied").toEqual([]);
    }
    pipeline.clock.now = new Date(tick.getTime() + 12 * 3_600_000);
  }
  // The storm is over: what follows only reads.
  faults.enabled = false;
  return pipeline;
}

describe("no email is sent twice for one stage, and none is lost", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it.each(Array.from({ length: Number(process.env.FAULT_SEEDS ?? 12) }, (_, seed) => seed + 1))(
    "seed %i",
    async (seed) => {
      // Act
      pipeline = await runSeed(seed);

      // Assess
      const emails = await pipeline.ses.store();
      for (const debtor of DEBTORS) {
        const steps: string[] = [];
        for (const email of emails.filter((e) =>
          e.destination.to.includes(`${debtor.n.toLowerCase()}@debtor.example`),
        )) {
          const record = await pipeline.invoices.findMessage(email.messageId);
          // An email SES took but dun never recorded would be a lost record: every one must be known.
          expect(record, `seed ${seed}: ${email.subject}`).toBeDefined();
          if (record) steps.push(record.step);
        }
        expect(steps.sort(), `seed ${seed} ${debtor.n}`).toEqual(
          ["collection", "courtesy", "final_notice", "reminder_1", "reminder_2"].sort(),
        );
        const stored = await pipeline.invoices.get("nordlys", debtor.n);
        expect(stored?.invoice.status).toBe("collection");
        expect(stored?.invoice.stagesSent.map((s) => s.stage)).toEqual([
          "courtesy",
          "reminder_1",
          "reminder_2",
          "final_notice",
          "collection",
        ]);
      }
      const alerts = emails.filter((email) => email.destination.to.includes("eier@nordlys.example"));
      expect(alerts.length).toBeLessThanOrEqual(DEBTORS.length);
    },
    120_000,
  );

  it("struck with every kind of fault along the way", () => {
    for (const [fault, count] of Object.entries(struck)) expect(count, fault).toBeGreaterThan(0);
  });
});
