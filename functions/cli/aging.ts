/**
 * `dun aging`: what is still owed, per currency (dun never converts), by how long it is overdue:
 * one table per currency, a row per bucket and the total.
 */
import type { DunApi } from "./api-client.ts";
import { type Terminal, writeJson } from "./command.ts";
import { formatAmount, formatInstant, renderTable } from "./table.ts";

export type AgingDeps = { api: Pick<DunApi, "agingReport">; terminal: Terminal };

/** The buckets as the API names them, youngest first, and what each means to a bookkeeper. */
const BUCKETS: readonly [key: string, label: string][] = [
  ["current", "current (not yet due)"],
  ["1-30", "1-30 days overdue"],
  ["31-60", "31-60 days overdue"],
  ["61-90", "61-90 days overdue"],
  ["90+", "over 90 days overdue"],
];

export async function showAging(deps: AgingDeps): Promise<void> {
  const report = await deps.api.agingReport();
  const { out, json } = deps.terminal;
  if (json) return writeJson(out, report);
  if (report.currencies.length === 0) {
    out.write(`nothing is owed as of ${formatInstant(report.asOf)}\n`);
    return;
  }
  out.write(`Aging as of ${formatInstant(report.asOf)}\n`);
  for (const { currency, buckets, total } of report.currencies) {
    const rows = BUCKETS.map(([key, label]) => {
      const cell = buckets[key];
      return [label, String(cell?.count ?? 0), formatAmount(cell?.display ?? "0")];
    });
    rows.push(["total", String(total.count), formatAmount(total.display)]);
    out.write("\n");
    out.write(
      renderTable(
        [
          { header: currency },
          { header: "INVOICES", align: "right" },
          { header: "OUTSTANDING", align: "right" },
        ],
        rows,
      ),
    );
  }
}
