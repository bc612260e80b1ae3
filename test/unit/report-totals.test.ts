import { describe, expect, it } from "vitest";
import { isNoChange, totalsChange } from "#domain/reports/totals.ts";
import { anInvoice } from "../support/invoices.ts";

describe("what a change of an invoice changes in the report totals", () => {
  it("is nothing for a reminder recorded, so that the sender's writes stay single requests", () => {
    // Prepare
    const before = anInvoice();
    const after = {
      ...before,
      accountManagerToldAt: "2026-11-20T09:00:00.000Z",
      updatedAt: "2026-11-20T09:00:00.000Z",
      version: 2,
    };

    // Act
    const change = totalsChange(before, after);

    // Assess
    expect(isNoChange(change)).toBe(true);
  });

  it("takes a payment off the due date's total and keeps the count", () => {
    // Prepare
    const before = anInvoice({ amount: "1000.00" });
    const after = { ...before, amountPaid: 40_000, status: "partially_paid" as const };

    // Act
    const change = totalsChange(before, after);

    // Assess
    expect(change).toEqual({
      dueDates: [
        { currency: "NOK", dueDate: "2026-11-16", timeZone: "Europe/Oslo", count: 0, amount: -40_000 },
      ],
      customers: [],
    });
  });

  it("puts the customer on hold for a hand-over, naming the invoice, and adds it once for a new invoice", () => {
    // Prepare
    const before = anInvoice({ invoiceNumber: "A-7" });
    const handedOver = { ...before, status: "collection" as const };

    // Act
    const created = totalsChange(undefined, before);
    const held = totalsChange(before, handedOver);

    // Assess
    expect(created.customers).toEqual([
      {
        customerId: "C-17",
        invoices: 1,
        openInvoices: 1,
        names: [{ issueDate: "2026-11-01", name: "Fjordlys AS", count: 1 }],
        holds: [],
      },
    ]);
    expect(held).toEqual({
      dueDates: [],
      customers: [
        {
          customerId: "C-17",
          invoices: 0,
          openInvoices: 0,
          names: [],
          holds: [{ reason: "in_collection", invoiceNumber: "A-7", held: true }],
        },
      ],
    });
  });
});
