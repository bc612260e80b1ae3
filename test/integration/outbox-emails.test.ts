/**
 * The emails of the invoice's outbox that are not owner alerts, and owner mail's language: the
 * debtor's receipt for a payment (once, however often the API call is retried and whatever SES
 * says the first time), the account manager's one note over a whole ladder (never a Cc), and owner
 * mail in the tenant's language with its country's formats. Through DynamoDB (dynalite), SES
 * (aws-ses-v2-local) and the real API routes.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { Mailer, SendFailure } from "#adapters/ses/mailer.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import { formatMoney } from "#domain/money/money.ts";
import { err } from "#domain/result.ts";
import { translatorFor } from "#rendering/catalog.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";

const DEBTOR = "faktura@fjordlys.example";
const MANAGER = "kari@seller.example";
const SIX_MINUTES = 6 * 60_000;

const THROTTLED: SendFailure = {
  scope: "rate",
  outcome: "not_sent",
  code: "Throttling",
  message: "Throttling: Maximum sending rate exceeded.",
};
const REFUSED: SendFailure = {
  scope: "message",
  outcome: "not_sent",
  code: "MessageRejected",
  message: "MessageRejected: Illegal address",
};

const nb = translatorFor("nb");
const kroner = (amount: number) => formatMoney({ amount, currency: "NOK" }, "nb-NO");

async function emailsTo(pipeline: Pipeline, address: string) {
  return (await pipeline.ses.store()).filter((email) => email.destination.to.includes(address));
}

/** Moves the clock past the outbox's retry time and runs what AWS would run then. */
async function later(pipeline: Pipeline, ms = SIX_MINUTES) {
  pipeline.clock.now = new Date(pipeline.clock.now.getTime() + ms);
  await pipeline.tick();
}

describe("a payment's receipt", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("goes to the debtor once, in their language, however often the API call is retried", async () => {
    // Prepare: an invoice four days overdue, before its first reminder.
    pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    const payment = { amount: "5000.00", date: "2026-11-19" };
    const key = { "idempotency-key": "pay-2026-1001-1" };

    // Act: the payment, its retry with the same Idempotency-Key, and the sender's ticks after each.
    const first = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", payment, key);
    await later(pipeline);
    const retry = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", payment, key);
    await later(pipeline);
    await later(pipeline, 3_600_000);

    // Assess: one receipt, in Norwegian, saying what came and what is left; recorded as a receipt.
    expect(first.status).toBe(200);
    expect(retry.headers["Idempotent-Replayed"]).toBe("true");
    const receipts = await emailsTo(pipeline, DEBTOR);
    expect(receipts.map((email) => email.subject)).toEqual([
      nb("payment_received.subject", { number: "2026-1001" }),
    ]);
    const text = receipts[0]?.body.text ?? "";
    expect(text).toContain(
      nb("payment_received.body", {
        amount: kroner(500_000),
        number: "2026-1001",
        date: "19. november 2026",
      }),
    );
    expect(text).toContain(nb("payment_received.remaining", { amount: kroner(750_000) }));
    const record = await pipeline.invoices.findMessage(receipts[0]?.messageId ?? "");
    expect(record).toMatchObject({
      step: "payment_received",
      recipients: [DEBTOR],
      invoiceNumber: "2026-1001",
    });
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts).toEqual({});
  });

  it("folds a burst of payments into one receipt once ten wait, for their sum at the latest date", async () => {
    // Prepare: an invoice four days overdue, before its first reminder.
    pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());

    // Act: fifteen payments before the sender comes, the last five dated a day later; then its tick.
    for (let i = 0; i < 15; i++) {
      const date = i < 10 ? "2026-11-19" : "2026-11-20";
      const paid = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", { amount: "100.00", date });
      expect(paid.status).toBe(200);
    }
    await later(pipeline);
    await later(pipeline, 3_600_000);

    // Assess: ten receipts, the newest for six payments (its own and the five folded into it).
    const receipts = await emailsTo(pipeline, DEBTOR);
    expect(receipts).toHaveLength(10);
    const bodies = receipts.map((email) => email.body.text ?? "");
    const single = nb("payment_received.body", {
      amount: kroner(10_000),
      number: "2026-1001",
      date: "19. november 2026",
    });
    const folded = nb("payment_received.body", {
      amount: kroner(60_000),
      number: "2026-1001",
      date: "20. november 2026",
    });
    expect(bodies.filter((text) => text.includes(single))).toHaveLength(9);
    expect(bodies.filter((text) => text.includes(folded))).toHaveLength(1);
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts).toEqual({});
  });

  it("says the invoice is settled when the discounted amount is paid in time", async () => {
    // Prepare: 2 % off within 10 days of issue.
    pipeline = await startPipeline({ start: new Date("2026-11-05T10:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput({ earlyPaymentDiscount: { percent: "2", withinDays: 10 } }));

    // Act: 12 250,00 paid on the fifth day.
    const paid = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", {
      amount: "12250.00",
      date: "2026-11-05",
    });
    await later(pipeline);

    // Assess: paid with the discount granted; the receipt says so, and its amounts add up.
    expect(paid.status).toBe(200);
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(stored?.invoice).toMatchObject({ status: "paid", discountGranted: 25_000 });
    const [receipt, ...more] = await emailsTo(pipeline, DEBTOR);
    expect(more).toEqual([]);
    const text = receipt?.body.text ?? "";
    expect(text).toContain(nb("payment_received.settled"));
    expect(text).not.toContain(nb("payment_received.remaining", { amount: kroner(25_000) }));
    expect(text).toContain(`− ${kroner(25_000)}`);
    expect(text).toContain(nb("common.discountGranted"));
  });

  it("comes from a re-upload that raises amountPaid, once", async () => {
    // Prepare
    pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());

    // Act: the export says 12 500,00 was paid; the same export again.
    const upload = { ...anInvoiceInput(), amountPaid: "12500.00" };
    const answers = [
      await pipeline.call("POST", "/v1/invoices", upload),
      await pipeline.call("POST", "/v1/invoices", upload),
    ];
    await later(pipeline);
    await later(pipeline);

    // Assess
    expect(answers.map((answer) => answer.body.results[0].status)).toEqual(["updated", "unchanged"]);
    const receipts = await emailsTo(pipeline, DEBTOR);
    expect(receipts).toHaveLength(1);
    expect(receipts[0]?.body.text).toContain(nb("payment_received.settled"));
  });

  it("that SES throttles the first time is sent later, once", async () => {
    // Prepare: SES throttles receipts until told otherwise.
    const throttling = { on: true };
    pipeline = await startPipeline({
      start: new Date("2026-11-20T10:00:00Z"),
      wrapMailer: (mailer: Mailer): Mailer => ({
        send: (email, limits) =>
          throttling.on && email.tags.step === "payment_received"
            ? Promise.resolve(err(THROTTLED))
            : mailer.send(email, limits),
      }),
    });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    await pipeline.call("POST", "/v1/invoices/2026-1001/payments", { amount: "5000.00" });

    // Act: the first try is throttled; SES takes it again; the sender comes back twice more.
    await later(pipeline);
    const whileThrottled = await emailsTo(pipeline, DEBTOR);
    const waiting = (await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts;
    throttling.on = false;
    await later(pipeline);
    await later(pipeline);
    await later(pipeline, 3_600_000);

    // Assess
    expect(whileThrottled).toEqual([]);
    expect(Object.values(waiting ?? {})).toMatchObject([{ to: "debtor", template: "payment_received" }]);
    expect(await emailsTo(pipeline, DEBTOR)).toHaveLength(1);
  });

  it("is not sent to a suppressed address", async () => {
    // Prepare: the debtor's only address complained once.
    pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
    await pipeline.tenants.suppress("nordlys", DEBTOR);

    // Act
    const paid = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", { amount: "12500.00" });
    await later(pipeline);

    // Assess: nothing sent, nothing left waiting.
    expect(paid.status).toBe(200);
    expect(await emailsTo(pipeline, DEBTOR)).toEqual([]);
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.alerts).toEqual({});
  });
});

describe("the account manager over a whole ladder", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("is told once, in the tenant's language, and never copied", async () => {
    // Prepare: the default ladder, which tells the manager from a week overdue.
    pipeline = await startPipeline({ start: new Date("2026-11-10T00:00:00Z") });
    await pipeline.addTenant({
      ...TENANT,
      defaultLanguage: "nb",
      dashboardUrl: "https://app.nordlys.example",
    });
    await pipeline.addInvoice(
      anInvoiceInput({ customer: { ...anInvoiceInput().customer, locale: "de-DE" } }),
    );

    // Act: six-hourly ticks until the ladder has ended.
    await pipeline.runUntil(new Date("2027-01-20T00:00:00Z"), 6 * 3_600_000);

    // Assess: every stage went to the debtor with no copy; the manager got one note, in Norwegian
    // (the tenant's), though the debtor reads German; it links to the invoice and is recorded.
    const emails = await pipeline.ses.store();
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    expect(stored?.invoice.stagesSent.map((sent) => sent.stage)).toEqual([
      "courtesy",
      "reminder_1",
      "reminder_2",
      "final_notice",
      "collection",
    ]);
    expect(emails.flatMap((email) => [...email.destination.cc, ...email.destination.bcc])).toEqual([]);
    const notes = emails.filter((email) => email.destination.to.includes(MANAGER));
    expect(notes.map((email) => email.subject)).toEqual([
      nb("owner_alert.subject", { kind: "overdue", number: "2026-1001", customer: "Fjordlys AS" }),
    ]);
    const text = notes[0]?.body.text ?? "";
    expect(text).toContain(nb("owner_alert.action", { kind: "overdue" }));
    expect(text).toContain("https://app.nordlys.example/invoices/2026-1001");
    expect(text).toContain(kroner(1_250_000));
    const record = await pipeline.invoices.findMessage(notes[0]?.messageId ?? "");
    expect(record).toMatchObject({ step: "account_manager_note", recipients: [MANAGER] });
    // With the first stage a week overdue, not the courtesy note before the due date.
    expect(stored?.invoice.accountManagerToldAt).toBe(stored?.invoice.stagesSent[1]?.at);
  }, 300_000);
});

describe("owner mail", () => {
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.close();
    pipeline = undefined;
  });

  it("is in a Norwegian tenant's Norwegian, with Norwegian dates and amounts; debtors fall back to the policy's language", async () => {
    // Prepare: a Norwegian tenant whose policy has debtors read German where dun does not write
    // theirs; SES refuses the Norwegian debtor's address, which the owner is told of.
    pipeline = await startPipeline({
      start: new Date("2026-11-23T09:00:00Z"),
      followUps: false,
      wrapMailer: (mailer: Mailer): Mailer => ({
        send: (email, limits) =>
          email.to.includes(DEBTOR) ? Promise.resolve(err(REFUSED)) : mailer.send(email, limits),
      }),
    });
    await pipeline.addTenant({
      ...TENANT,
      defaultLanguage: "nb",
      policy: { ...DEFAULT_POLICY_INPUT, defaultLanguage: "de" },
    });
    await pipeline.addInvoice(anInvoiceInput());
    const portuguese = anInvoiceInput({
      invoiceNumber: "2026-1002",
      customer: {
        ...anInvoiceInput().customer,
        email: "contas@lisboa.example",
        locale: "pt-PT",
        country: "PT",
        timeZone: "Europe/Lisbon",
      },
    });
    await pipeline.addInvoice(portuguese);

    // Act
    await pipeline.tick();

    // Assess: the alert in Norwegian, dates and amounts as written in Norway; the Portuguese debtor
    // reads the policy's German.
    const [alert, ...more] = await emailsTo(pipeline, TENANT.ownerEmail);
    expect(more).toEqual([]);
    expect(alert?.subject).toBe(
      nb("owner_alert.subject", { kind: "refused", customer: "Fjordlys AS", number: "2026-1001" }),
    );
    expect(alert?.body.text).toContain("16. november 2026");
    expect(alert?.body.text).toContain(kroner(1_250_000));
    expect(alert?.body.text).not.toContain("November 16, 2026");
    const [reminder] = await emailsTo(pipeline, "contas@lisboa.example");
    expect(reminder?.subject).toBe(
      translatorFor("de")("reminder_1.subject", { number: "2026-1002", audience: "business" }),
    );
  });
});
