/**
 * `dun totals rebuild --tenant T`: the one-off rebuild of a tenant's report totals from its
 * invoices (#ports/report-totals.ts), for invoices stored before dun kept the totals, which the
 * aging report and the customers' credit hold would otherwise leave out. It writes the deployed
 * stack's table with the operator's AWS credentials, reading the invoices page by page so that a
 * large tenant's are never all in memory. Run it while nothing writes that tenant's invoices
 * (`dun dispatch pause`, no uploads or actions): a change made meanwhile is counted by the old
 * totals only, and would be lost when they are replaced.
 */
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import { type Output, writeJson } from "./command.ts";

/** Invoices read per Query while rebuilding. */
const PAGE_SIZE = 1000;

export async function rebuildTotals(
  deps: { invoices: Pick<InvoiceStore, "page" | "rebuildTotals">; out: Output; json: boolean },
  tenantId: string,
): Promise<{ tenantId: string; invoices: number }> {
  let invoices = 0;
  async function* everyInvoice(): AsyncGenerator<Invoice> {
    let after: string | undefined;
    do {
      const page = await deps.invoices.page(tenantId, { limit: PAGE_SIZE, after });
      for (const stored of page.invoices) {
        invoices += 1;
        yield stored.invoice;
      }
      after = page.after;
    } while (after !== undefined);
  }
  await deps.invoices.rebuildTotals(tenantId, everyInvoice());
  const answer = { tenantId, invoices };
  if (deps.json) writeJson(deps.out, answer);
  else deps.out.write(`rebuilt the report totals of tenant ${tenantId} from its ${invoices} invoices\n`);
  return answer;
}
