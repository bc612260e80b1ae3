import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { openDispute, pause, recordPayment, type TransitionResult } from "#domain/invoice/transitions.ts";
import { processDueInvoice } from "#sending/process-due-invoice.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

/** The reminder for invoice 2026-1001 (due 16 November) is due on Monday 23 November at 09:00 Oslo time. */
const REMINDER_DUE = new Date("2026-11-23T08:00:00Z");

describe("what stops an email, through the real sender", () => {
  let pipeline: Pipeline;

  beforeEach(async () => {
    // Prepare: the invoice is past its courtesy note, with the first reminder due.
    pipeline = await startPipeline({ start: new Date("2026-11-17T08:00:00Z") });
    await pipeline.addTenant();
    await pipeline.addInvoice(anInvoiceInput());
  });

  afterEach(async () => pipeline.close());

  async function change(update: (invoice: Invoice) => TransitionResult) {
    const stored = await pipeline.invoices.get("nordlys", "2026-1001");
    if (!stored) throw new Error("no invoice");
    const result = update(stored.invoice);
    if (!result.ok) throw new Error(result.error.message);
    expect(
      await pipeline.invoices.save(stored.invoice, result.value.invoice, result.value.events, undefined),
    ).toBe("ok");
  }

  it("sends the reminder when nothing stops it", async () => {
    const outcome = await processDueInvoice(
      pipeline.deps,
      { tenantId: "nordlys", invoiceNumber: "2026-1001" },
      REMINDER_DUE,
    );
    expect(outcome).toMatchObject({ outcome: "sent", step: "reminder_1" });
    // The reminder, and the account manager's note that goes with it.
    expect((await pipeline.ses.store()).map((email) => email.destination.to)).toEqual([
      ["faktura@fjordlys.example"],
      ["kari@seller.example"],
    ]);
  });

  it.each([
    [
      "paid a second ago",
      (i: Invoice) =>
        recordPayment(i, { amount: 1_250_000, date: "2026-11-23", at: "2026-11-23T07:59:59.000Z" }),
    ],
    [
      "disputed",
      (i: Invoice) => openDispute(i, { reason: "goods not received", at: "2026-11-22T12:00:00.000Z" }),
    ],
    ["paused", (i: Invoice) => pause(i, { until: "2026-12-15", at: "2026-11-22T12:00:00.000Z" })],
  ])("sends nothing to an invoice %s", async (_, update) => {
    // Act
    await change(update);
    const outcome = await processDueInvoice(
      pipeline.deps,
      { tenantId: "nordlys", invoiceNumber: "2026-1001" },
      REMINDER_DUE,
    );

    // Assess
    expect(outcome.outcome).toBe("rescheduled");
    expect(await pipeline.ses.store()).toEqual([]);
  });

  it("never emails a suppressed address: the invoice needs a new one instead", async () => {
    // Prepare
    await pipeline.tenants.suppress("nordlys", "faktura@fjordlys.example");

    // Act
    const outcome = await processDueInvoice(
      pipeline.deps,
      { tenantId: "nordlys", invoiceNumber: "2026-1001" },
      REMINDER_DUE,
    );

    // Assess
    expect(outcome).toEqual({ outcome: "rescheduled", next: undefined });
    expect(await pipeline.ses.store()).toEqual([]);
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.status).toBe("contact_failed");
  });

  it("waits, without sending, when the next stage is not due yet", async () => {
    const outcome = await processDueInvoice(
      pipeline.deps,
      { tenantId: "nordlys", invoiceNumber: "2026-1001" },
      new Date("2026-11-20T08:00:00Z"),
    );
    expect(outcome).toEqual({ outcome: "rescheduled", next: "2026-11-23T08:00:00.000Z" });
    expect(await pipeline.ses.store()).toEqual([]);
  });
});
