/**
 * The promise seen from outside, through local mode (the stack `npm start` runs) and its HTTP API:
 * 100 invoices fall due at one instant; while the tick is sending their reminders, their debtors
 * dispute half of them and pay the other half, all at once. Then the disputes are resolved and two
 * months pass. What SES holds must show each debtor each stage once, and nothing sent to a debtor
 * after the API answered their payment or their dispute (until it was resolved).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";

const COUNT = 100;
const AMOUNT = "4200.00";
/** What SES takes to answer SendRawEmail, about: the stand-in answers at once, which no real race would. */
const SES_LATENCY_MS = 40;
/** Monday 23 November 2026, a minute before 09:00 in Oslo: every reminder_1 below falls due at 09:00. */
const START = new Date("2026-11-23T07:59:00Z");

let stack: LocalStack;
let sendsStarted: () => void = () => {};
let latencyMs = SES_LATENCY_MS;

const numberOf = (i: number) => `BB-${String(i).padStart(3, "0")}`;
const addressOf = (i: number) => `faktura@debtor-${i}.example`;
const disputed = (i: number) => i % 2 === 0;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(path.startsWith("/_local/") ? {} : { authorization: `Bearer ${stack.apiKey}` }),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

/** Sends an action until it is answered (a 409 says the invoice kept changing), under one Idempotency-Key. */
async function act(number: string, action: string, body: unknown) {
  const key = `${number}-${action}`;
  for (let attempt = 0; ; attempt++) {
    const answer = await call("POST", `/v1/invoices/${number}/${action}`, body, { "idempotency-key": key });
    if (answer.status !== 409 || attempt === 5) return answer;
  }
}

async function emailsTo(address: string) {
  return (await stack.ses.store()).filter((email) => email.destination.to.includes(address));
}

/** What SES holds for the address but the receipts for its payments, which follow their answer by design. */
async function remindersTo(address: string) {
  const records = invoiceTable(stack.dynamo.documents, stack.dynamo.tableName);
  const emails = await emailsTo(address);
  const steps = await Promise.all(
    emails.map(async (email) => (await records.findMessage(email.messageId))?.step),
  );
  return emails.filter((_, index) => steps[index] !== "payment_received");
}

beforeAll(async () => {
  stack = await startLocalStack({ start: START, speed: 0, demo: true });
  stack.ses.client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === "SendRawEmailCommand") {
        const raw = (args.input as { RawMessage?: { Data?: Uint8Array } }).RawMessage?.Data;
        if (raw && Buffer.from(raw).toString("utf8").includes("@debtor-")) sendsStarted();
        if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
      }
      return next(args);
    },
    { step: "finalizeRequest", name: "sesLatency" },
  );
  const invoices = Array.from({ length: COUNT }, (_, i) => ({
    invoiceNumber: numberOf(i),
    currency: "NOK",
    amount: AMOUNT,
    issueDate: "2026-11-02",
    dueDate: "2026-11-16",
    customer: {
      id: `C-${i}`,
      name: `Debitor ${i} AS`,
      email: addressOf(i),
      locale: "nb-NO",
      country: "NO",
      type: "business",
    },
    paymentReference: "1234567890128",
  }));
  const uploaded = await call("POST", "/v1/invoices", invoices);
  expect(uploaded.body.summary).toMatchObject({ created: COUNT, rejected: 0 });
  await stack.ses.clear();
}, 120_000);

afterAll(async () => stack?.close());

describe("local mode: a tick and 100 debtors acting at the same moment", () => {
  it("emails each debtor each stage once, and nothing after a payment's or a dispute's answer", async () => {
    const first = await call("GET", `/v1/invoices/${numberOf(0)}`);
    expect(first.body.nextAction).toEqual({
      kind: "send",
      at: "2026-11-23T08:00:00.000Z",
      step: "reminder_1",
    });

    // The tick at 09:00 sends 100 reminders (and the demo's); a few sends in, every debtor acts.
    const sending = new Promise<void>((resolve) => {
      sendsStarted = resolve;
    });
    const tick = call("POST", "/_local/clock", { advance: "30m" });
    await sending;
    const seenAtAnswer = new Map<number, number>();
    const answers = await Promise.all(
      Array.from({ length: COUNT }, async (_, i) => {
        const answer = disputed(i)
          ? await act(numberOf(i), "dispute", { reason: "Varene kom aldri" })
          : await act(numberOf(i), "payments", { amount: AMOUNT, date: "2026-11-23" });
        seenAtAnswer.set(i, (await remindersTo(addressOf(i))).length);
        return answer;
      }),
    );
    const ticked = await tick;
    latencyMs = 0;
    expect(ticked.status).toBe(200);
    for (const [i, answer] of answers.entries()) {
      expect(answer.status, `${numberOf(i)}: ${JSON.stringify(answer.body)}`).toBe(200);
      expect(answer.body.status).toBe(disputed(i) ? "disputed" : "paid");
      expect(answer.body.nextAction.kind).toBe("none");
      // An answer that says a reminder went at the same moment is true.
      if (answer.body.reminderInFlight?.outcome === "sent") expect(seenAtAnswer.get(i), numberOf(i)).toBe(1);
    }

    // Nothing reached a debtor after their answer, while the disputes stood.
    await call("POST", "/_local/clock", { advance: "3d" });
    for (let i = 0; i < COUNT; i++)
      expect((await remindersTo(addressOf(i))).length, `${numberOf(i)} emailed after its answer`).toBe(
        seenAtAnswer.get(i),
      );

    // The race was real: actions came while reminders were on their way to SES, and waited for them.
    const inFlight = answers.filter((answer) => answer.body.reminderInFlight !== undefined).length;
    expect(inFlight).toBeGreaterThan(0);

    // The disputes are resolved; two months later the ladder has run its course for those invoices.
    for (let i = 0; i < COUNT; i += 2) {
      const resolved = await act(numberOf(i), "resolve-dispute", { note: "Levert likevel" });
      expect(resolved.status).toBe(200);
    }
    const months = await call("POST", "/_local/clock", { advance: "60d" });
    expect(months.status).toBe(200);

    const records = invoiceTable(stack.dynamo.documents, stack.dynamo.tableName);
    for (let i = 0; i < COUNT; i++) {
      const emails = await emailsTo(addressOf(i));
      const steps: string[] = [];
      let receipts = 0;
      for (const email of emails) {
        const record = await records.findMessage(email.messageId);
        expect(record, `${numberOf(i)}: SES took "${email.subject}", dun has no record`).toBeDefined();
        if (record?.step === "payment_received") receipts += 1;
        else if (record) steps.push(record.step);
      }
      // One receipt per payment, however the payment raced its invoice's reminder.
      expect(receipts, `${numberOf(i)}: receipts`).toBe(disputed(i) ? 0 : 1);
      expect([...steps].sort(), `${numberOf(i)}: a stage went twice`).toEqual([...new Set(steps)].sort());
      if (disputed(i)) {
        // Every stage from reminder_1 on, each once, whether or not reminder_1 went before the dispute.
        expect([...steps].sort()).toEqual(["collection", "final_notice", "reminder_1", "reminder_2"]);
        const view = await call("GET", `/v1/invoices/${numberOf(i)}`);
        expect(view.body.stage).toBe("collection");
        expect(view.body.emails.map((email: { stage: string }) => email.stage).sort()).toEqual(
          [...steps].sort(),
        );
      } else {
        // Paid: at most the reminder that went before the payment was answered, and nothing since.
        expect(steps.length, `${numberOf(i)} emailed after it was paid`).toBe(seenAtAnswer.get(i));
        expect(steps.every((step) => step === "reminder_1")).toBe(true);
      }
    }
  }, 300_000);
});
