/**
 * Customers as the seller's own systems need them: who is on credit hold, and why. A customer is
 * the `customer.id` on their invoices (domain/invoice/standing.ts). Both routes read the customers'
 * totals that the invoice writes keep (#domain/reports/totals.ts), never the invoices: the credit-hold
 * check of one customer is one BatchGetItem however many invoices the tenant has.
 */
import * as z from "zod";
import { CustomerSummarySchema } from "#domain/invoice/standing.ts";
import { customerSummaryOf } from "#domain/reports/totals.ts";
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
  const totals = await deps.invoices.customerTotals(tenant.id);
  const customers = totals
    .flatMap((total) => customerSummaryOf(total) ?? [])
    .filter((customer) => creditHold === undefined || customer.creditHold === (creditHold === "true"));
  return json(200, { customers });
};

export const getCustomer: RouteHandler = async (deps, tenant, _request, [customerId]) => {
  const total =
    customerId === undefined ? undefined : await deps.invoices.customerTotal(tenant.id, customerId);
  const customer = total && customerSummaryOf(total);
  if (!customer) return problem(404, `no invoice names customer ${customerId ?? ""}`);
  return json(200, customer);
};
