/**
 * `dun customers`: the customers (by the customer.id on their invoices) and whether each is on
 * credit hold, with the invoices that hold them — what to check before delivering on credit.
 */
import type { DunApi } from "./api-client.ts";
import { type Terminal, writeJson } from "./command.ts";
import { renderTable } from "./table.ts";

export type CustomersDeps = { api: Pick<DunApi, "listCustomers">; terminal: Terminal };

const REASONS: Record<string, string> = {
  in_collection: "in collection",
  broken_promise: "promise broken",
};

export async function listCustomers(deps: CustomersDeps, options: { onHold?: boolean }): Promise<void> {
  const answer = await deps.api.listCustomers(options.onHold ? { creditHold: true } : {});
  const { out, json } = deps.terminal;
  if (json) return writeJson(out, answer);
  if (answer.customers.length === 0) {
    out.write(options.onHold ? "no customer is on credit hold\n" : "no invoice names a customer id\n");
    return;
  }
  out.write(
    renderTable(
      [
        { header: "CUSTOMER" },
        { header: "NAME" },
        { header: "OPEN", align: "right" },
        { header: "CREDIT HOLD" },
      ],
      answer.customers.map((customer) => [
        customer.customerId,
        customer.name,
        String(customer.openInvoices),
        customer.creditHold
          ? customer.reasons
              .map((reason) => `${reason.invoiceNumber} ${REASONS[reason.reason] ?? reason.reason}`)
              .join(", ")
          : "no",
      ]),
    ),
  );
}
