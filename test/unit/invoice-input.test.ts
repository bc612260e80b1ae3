import { describe, expect, it } from "vitest";
import { createInvoice } from "#domain/invoice/invoice.ts";
import { InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { anInvoiceInput } from "../support/invoices.ts";

function issuesOf(input: unknown) {
  const result = InvoiceInputSchema.safeParse(input);
  return result.success
    ? []
    : result.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
}

describe("the invoice upload shape", () => {
  it("accepts the SPEC's example and holds the amount in minor units", () => {
    // Act
    const parsed = InvoiceInputSchema.parse(anInvoiceInput());

    // Assess
    expect(parsed.amount).toBe(1_250_000);
    expect(parsed.amountPaid).toBe(0);
    expect(parsed.customer.emails).toEqual(["faktura@fjordlys.example"]);
    expect(parsed.customer.locale).toBe("nb-NO");
  });

  it("normalises codes and fills a single-zone country's time zone", () => {
    const { timeZone: _omitted, ...customer } = anInvoiceInput().customer;
    const parsed = InvoiceInputSchema.parse(
      anInvoiceInput({ currency: "nok", customer: { ...customer, country: "no", locale: "nb-no" } }),
    );
    expect(parsed.currency).toBe("NOK");
    expect(parsed.customer).toMatchObject({ country: "NO", locale: "nb-NO", timeZone: "Europe/Oslo" });
  });

  it("asks for a time zone where a country has several", () => {
    const { timeZone: _omitted, ...customer } = anInvoiceInput().customer;
    expect(issuesOf(anInvoiceInput({ customer: { ...customer, country: "US", locale: "en-US" } }))).toEqual([
      {
        path: "customer.timeZone",
        message: "is required for customers in US, which spans several time zones",
      },
    ]);
  });

  it.each([
    ["invoiceNumber", { invoiceNumber: "2026 1001" }],
    ["invoiceNumber", { invoiceNumber: "x".repeat(65) }],
    ["currency", { currency: "NOKK" }],
    ["amount", { amount: "12,500" }],
    ["amount", { amount: "-5.00" }],
    ["amount", { amount: "0.00" }],
    ["amount", { amount: 12500 }],
    ["issueDate", { issueDate: "2026-02-30" }],
    ["dueDate", { dueDate: "2026-10-31" }],
    ["paymentUrl", { paymentUrl: "javascript:alert(1)" }],
    ["paymentReference", { paymentReference: "123\r\nBcc: x@evil.example" }],
  ])("names the field at fault: %s", (field, overrides) => {
    const issues = issuesOf({ ...anInvoiceInput(), ...overrides });
    expect(issues.map((issue) => issue.path)).toContain(field);
  });

  it.each([
    ["customer.email", { email: "not-an-address" }],
    ["customer.locale", { locale: "not a locale!" }],
    ["customer.country", { country: "XX" }],
    ["customer.timeZone", { timeZone: "Mars/Olympus" }],
    ["customer.type", { type: "robot" }],
    ["customer.name", { name: "Evil\r\nBcc: victim@example.com" }],
  ])("names the customer field at fault: %s", (field, customerOverrides) => {
    const input = anInvoiceInput();
    const issues = issuesOf({ ...input, customer: { ...input.customer, ...customerOverrides } });
    expect(issues.map((issue) => issue.path)).toContain(field);
  });

  it("names a due date before the issue date in the same round as the other faults", () => {
    // Act: three faults, one of them between two fields that are each fine.
    const issues = issuesOf({
      ...anInvoiceInput({ issueDate: "2026-12-01", dueDate: "2026-11-01" }),
      currency: "NOKK",
      paymentUrl: "http://pay.example/1",
    });

    // Assess
    expect(issues.map((issue) => issue.path).sort()).toEqual(["currency", "dueDate", "paymentUrl"]);
    expect(issues.find((issue) => issue.path === "dueDate")?.message).toBe(
      "must not be before issueDate (2026-12-01)",
    );
    // An unreadable date is named for itself, not compared.
    expect(issuesOf(anInvoiceInput({ issueDate: "2026-13-01", dueDate: "2026-11-01" }))).toEqual([
      { path: "issueDate", message: expect.any(String) },
    ]);
  });

  it("refuses unknown fields, including prototype keys, rather than guessing", () => {
    const input = JSON.parse(`{"__proto__": {"polluted": true}, "amountt": "1.00"}`);
    const issues = issuesOf({ ...anInvoiceInput(), ...input });
    expect(issues.length).toBeGreaterThan(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("keeps HTML in a name as text: escaping is the renderer's job, line breaks are refused here", () => {
    const input = anInvoiceInput();
    const parsed = InvoiceInputSchema.parse({
      ...input,
      customer: { ...input.customer, name: "<img src=x onerror=alert(1)> {{tenant.secret}}" },
    });
    expect(parsed.customer.name).toBe("<img src=x onerror=alert(1)> {{tenant.secret}}");
  });

  it("checks a Norwegian KID's check digit, and takes any reference declared as other", () => {
    expect(InvoiceInputSchema.parse(anInvoiceInput()).paymentReference).toEqual({
      type: "kid",
      value: "1234567890128",
      display: "1234567890128",
    });
    expect(
      issuesOf(anInvoiceInput({ paymentReference: "1234567890127" })).map((issue) => issue.path),
    ).toEqual(["paymentReference"]);
    const declared = InvoiceInputSchema.parse(
      anInvoiceInput({ paymentReference: "1234567890127", paymentReferenceType: "other" }),
    );
    expect(declared.paymentReference?.type).toBe("other");
  });

  it("recognises an RF creditor reference and prints it in groups of four", () => {
    const parsed = InvoiceInputSchema.parse(anInvoiceInput({ paymentReference: "rf18539007547034" }));
    expect(parsed.paymentReference).toEqual({
      type: "rf",
      value: "RF18539007547034",
      display: "RF18 5390 0754 7034",
    });
  });

  it("reads an early-payment discount exactly", () => {
    const parsed = InvoiceInputSchema.parse(
      anInvoiceInput({ earlyPaymentDiscount: { percent: "2.5", withinDays: 10 } }),
    );
    expect(parsed.earlyPaymentDiscount).toEqual({ rateBp: 250, withinDays: 10 });
  });
});

describe("a new invoice", () => {
  it("starts open with a created event", () => {
    const { invoice, events } = createInvoice(
      "t",
      InvoiceInputSchema.parse(anInvoiceInput()),
      "2026-11-01T08:00:00.000Z",
    );
    expect(invoice.status).toBe("open");
    expect(invoice.version).toBe(0);
    expect(events).toEqual([
      { type: "created", at: "2026-11-01T08:00:00.000Z", to: "open", amount: 1_250_000, amountPaid: 0 },
    ]);
  });

  it("starts partially paid or paid when the upload says so", () => {
    const partly = createInvoice(
      "t",
      InvoiceInputSchema.parse(anInvoiceInput({ amountPaid: "500.00" })),
      "2026-11-01T08:00:00.000Z",
    );
    const fully = createInvoice(
      "t",
      InvoiceInputSchema.parse(anInvoiceInput({ amountPaid: "12500.00" })),
      "2026-11-01T08:00:00.000Z",
    );
    expect(partly.invoice.status).toBe("partially_paid");
    expect(fully.invoice.status).toBe("paid");
  });
});
