/**
 * Customers as the seller's own systems need them: who is on credit hold, and why. A customer is
 * the `customer.id` on their invoices (domain/invoice/standing.ts). Both routes read all of the
 * tenant's invoices, as the aging report does: fine into the tens of thousands.
 */
import * as z from "zod";
import { CustomerSummarySchema, customerSummaries } from "#domain/invoice/standing.ts";
import type { RouteHandler } from "./http-request.ts";
import { json, problem } from "./problem.ts";

export const CustomerListSchema = z.object({ customers: z.array(CustomerSummarySchema) });

export const listCustomers: RouteHandler = async (deps, tenant, request) => {
  const { creditHold } = request.query;
  if (creditHold !== undefined && creditHold !== "true" && creditHold !== "false") {
    return problem(400, "creditHold must be true or false", {
      errors: [{ path: "creditHold", message: "must be true or false" }],
    });
  }
  const invoices = await deps.invoices.list(tenant.id);
  const customers = customerSummaries(invoices.map((stored) => stored.invoice)).filter(
    (customer) => creditHold === undefined || customer.creditHold === (creditHold === "true"),
  );
  return json(200, { customers });
};

export const getCustomer: RouteHandler = async (deps, tenant, _request, [customerId]) => {
  const invoices = await deps.invoices.list(tenant.id);
  const customer = customerSummaries(
    invoices.map((stored) => stored.invoice).filter((invoice) => invoice.customer.id === customerId),
  )[0];
  if (!customer) return problem(404, `no invoice names customer ${customerId ?? ""}`);
  return json(200, customer);
};
