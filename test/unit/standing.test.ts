import { describe, expect, it } from "vitest";
import { customerStanding, customerSummaries } from "#domain/invoice/standing.ts";
import { anInvoice } from "../support/invoices.ts";

const customer = (id: string | undefined, name = "Fjordlys AS") => ({
  ...anInvoice().customer,
  id,
  name,
});

describe("a customer's standing", () => {
  it("is on credit hold for an invoice in collection or an unsettled broken promise", () => {
    // Prepare
    const inCollection = { ...anInvoice({ invoiceNumber: "A-1" }), status: "collection" as const };
    const broken = { ...anInvoice({ invoiceNumber: "A-2" }), promiseBrokenAt: "2026-12-04T09:00:00Z" };
    const fine = anInvoice({ invoiceNumber: "A-3" });

    // Act
    const standing = customerStanding([inCollection, broken, fine]);

    // Assess
    expect(standing).toEqual({
      creditHold: true,
      reasons: [
        { invoiceNumber: "A-1", reason: "in_collection" },
        { invoiceNumber: "A-2", reason: "broken_promise" },
      ],
    });
  });

  it("clears once the invoice with the broken promise is paid", () => {
    const paid = { ...anInvoice(), promiseBrokenAt: "2026-12-04T09:00:00Z", status: "paid" as const };
    expect(customerStanding([paid])).toEqual({ creditHold: false, reasons: [] });
  });
});

describe("the customers among a tenant's invoices", () => {
  it("groups invoices by customer id, in id order, naming each by its latest invoice", () => {
    // Prepare: two invoices of C-17 (renamed since), one of C-9, one without an id.
    const invoices = [
      {
        ...anInvoice({ invoiceNumber: "1", issueDate: "2026-10-01" }),
        customer: customer("C-17", "Fjordlys"),
      },
      {
        ...anInvoice({ invoiceNumber: "2", issueDate: "2026-11-01" }),
        customer: customer("C-17", "Fjordlys AS"),
        status: "collection" as const,
      },
      {
        ...anInvoice({ invoiceNumber: "3" }),
        customer: customer("C-9", "Bergen Bakeri"),
        status: "paid" as const,
      },
      { ...anInvoice({ invoiceNumber: "4" }), customer: customer(undefined, "Nobody") },
    ];

    // Act
    const customers = customerSummaries(invoices);

    // Assess
    expect(customers).toEqual([
      {
        customerId: "C-17",
        name: "Fjordlys AS",
        openInvoices: 2,
        creditHold: true,
        reasons: [{ invoiceNumber: "2", reason: "in_collection" }],
      },
      { customerId: "C-9", name: "Bergen Bakeri", openInvoices: 0, creditHold: false, reasons: [] },
    ]);
  });
});
