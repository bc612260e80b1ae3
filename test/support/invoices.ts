/** Builders for test invoices: a valid upload and a stored invoice, with only what a test changes spelled out. */
import { createInvoice, type Invoice } from "#domain/invoice/invoice.ts";
import { type InvoiceInput, InvoiceInputSchema } from "#domain/invoice/invoice-input.ts";
import { DEFAULT_POLICY_INPUT, type Policy, type PolicyInput, PolicySchema } from "#domain/ladder/policy.ts";

export const CREATED_AT = "2026-11-01T08:00:00.000Z";

export function anInvoiceInput(overrides: Partial<InvoiceInput> = {}): InvoiceInput {
  return {
    invoiceNumber: "2026-1001",
    currency: "NOK",
    amount: "12500.00",
    issueDate: "2026-11-01",
    dueDate: "2026-11-16",
    customer: {
      id: "C-17",
      name: "Fjordlys AS",
      email: "faktura@fjordlys.example",
      locale: "nb-NO",
      country: "NO",
      timeZone: "Europe/Oslo",
      type: "business",
      accountManagerEmail: "kari@seller.example",
    },
    paymentReference: "1234567890128",
    paymentUrl: "https://pay.example/2026-1001",
    ...overrides,
  };
}

export function anInvoice(overrides: Partial<InvoiceInput> = {}, tenantId = "tenant-a"): Invoice {
  const input = InvoiceInputSchema.parse(anInvoiceInput(overrides));
  return createInvoice(tenantId, input, CREATED_AT).invoice;
}

export function aPolicy(overrides: Partial<PolicyInput> = {}): Policy {
  return PolicySchema.parse({ ...DEFAULT_POLICY_INPUT, ...overrides });
}
