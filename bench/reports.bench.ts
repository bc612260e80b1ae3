/**
 * What the aging report and the credit-hold check cost with 1 000 000 invoices against 1 000:
 * DynamoDB requests (and the read units DynamoDB reports), counted by an SDK middleware while the
 * real routes answer through handleApiRequest on dynalite.
 *
 * The two tenants' report totals are written by the rebuild (`dun totals rebuild`), which adds each
 * invoice to the totals of its shard exactly as that invoice's own writes would have (the property
 * test in test/integration/report-totals.test.ts holds the two together): a million invoices are
 * streamed through it rather than stored one by one, which would take this machine hours and
 * measure nothing the routes read. Both tenants spread their invoices over the same year of due
 * dates, two currencies, three time zones and 2 000 customers, and then one invoice of each is
 * created and handed over to collection through the ordinary writes, so that the customer checked
 * is on credit hold in both.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { newApiKey } from "#api/api-keys.ts";
import { type ApiDeps, handleApiRequest } from "#api/http-api.ts";
import { addDays } from "#domain/calendar/iso-date.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import { startDynalite } from "#local/local-dynamo.ts";
import { anInvoice } from "../test/support/invoices.ts";
import { TENANT } from "../test/support/pipeline.ts";
import type { Figure, Suite } from "./figure.ts";

const SMALL = 1_000;
const LARGE = 1_000_000;
const CUSTOMERS = 500;
/** Each currency's customers in one time zone: NOK in Oslo, EUR in Berlin. */
const PLACES = [
  ["NOK", "Europe/Oslo"],
  ["EUR", "Europe/Berlin"],
] as const;
/** A year of due dates, and issue dates a fortnight before each. */
const DAYS = 365;
const DUE_DATES = Array.from({ length: DAYS }, (_, day) => addDays("2025-12-01", day));
const ISSUE_DATES = DUE_DATES.map((due) => addDays(due, -14));
const NOW = new Date("2026-12-01T10:00:00.000Z");
/** The customer whose credit is checked: on hold in both tenants. */
const CHECKED = "K-7";
/** Why the aging report's read units, unlike its requests, differ between the two tenants. */
const AGING_GROWTH = ` (read units grow with the due dates, time zones and currencies that hold money, up to the calendar's bound: reached here at ${DAYS * 2 * 8} items: ${DAYS} due dates × 2 currencies × 8 shards)`;
/** Times each route is asked, so that the figure is a per-request average of repeated reads. */
const ASKED = 5;

type Tally = { requests: number; readUnits: number };

function countRequests(client: DynamoDBClient, current: () => Tally | undefined): void {
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= "TOTAL";
      const result = await next(args);
      const tally = current();
      if (tally) {
        tally.requests += 1;
        const consumed = (
          result.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }
        ).ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : [])
          tally.readUnits += c.CapacityUnits ?? 0;
      }
      return result;
    },
    { step: "initialize", name: "benchCountReportRequests" },
  );
}

/** The tenant's invoices, made as they are asked for: never all in memory. */
function* invoicesOf(tenantId: string, count: number): Generator<Invoice> {
  const base = anInvoice({}, tenantId);
  const customers = Array.from({ length: CUSTOMERS }, (_, k) => {
    const [currency, timeZone] = PLACES[k % PLACES.length] ?? PLACES[0];
    return { currency, customer: { ...base.customer, id: `K-${k}`, name: `Kunde ${k} AS`, timeZone } };
  });
  for (let i = 0; i < count; i++) {
    const { currency, customer } = customers[i % CUSTOMERS] ?? {
      currency: base.currency,
      customer: base.customer,
    };
    yield {
      ...base,
      invoiceNumber: `INV-${i}`,
      currency,
      amount: 10_000 + (i % 997) * 100,
      amountPaid: i % 10 === 0 ? 5_000 : 0,
      status: i % 10 === 0 ? "partially_paid" : i % 7 === 0 ? "paid" : "open",
      issueDate: ISSUE_DATES[i % DAYS] ?? base.issueDate,
      dueDate: DUE_DATES[i % DAYS] ?? base.dueDate,
      customer,
    };
  }
}

export const reportsSuite: Suite = {
  title: "Reports and credit hold at 1 000 000 invoices",
  async run(): Promise<Figure[]> {
    const dynamo = await startDynalite();
    let tally: Tally | undefined;
    countRequests(dynamo.client, () => tally);
    try {
      const invoices = invoiceTable(dynamo.documents, dynamo.tableName, () => NOW);
      const tenants = new TenantTable(dynamo.documents, dynamo.tableName);
      const apiKeys = new ApiKeyTable(dynamo.documents, dynamo.tableName);
      const deps: ApiDeps = { invoices, tenants, apiKeys, now: () => NOW };

      const measured = new Map<number, Record<"aging" | "hold", Tally & { ms: number }>>();
      for (const count of [SMALL, LARGE]) {
        const tenantId = `reports-${count}`;
        await tenants.put(TenantSchema.parse({ ...TENANT, id: tenantId }));
        const { key, hash } = newApiKey();
        await apiKeys.put({ hash, tenantId, createdAt: "2026-11-01T00:00:00.000Z" });
        const seeding = performance.now();
        await invoices.rebuildTotals(tenantId, invoicesOf(tenantId, count));
        process.stderr.write(
          `bench: the totals of ${count} invoices written in ${Math.round(performance.now() - seeding)} ms\n`,
        );
        const handedOver = { ...anInvoice({ invoiceNumber: "HANDED-OVER" }, tenantId) };
        handedOver.customer = { ...handedOver.customer, id: CHECKED };
        await invoices.create(handedOver, [], undefined);
        const stored = await invoices.get(tenantId, "HANDED-OVER");
        if (!stored) throw new Error("the handed-over invoice was not stored");
        await invoices.save(stored.invoice, { ...stored.invoice, status: "collection" }, [], undefined);

        const ask = async (path: string) => {
          const own: Tally = { requests: 0, readUnits: 0 };
          tally = own;
          const start = performance.now();
          for (let i = 0; i < ASKED; i++) {
            const response = await handleApiRequest(deps, {
              method: "GET",
              rawPath: path,
              query: {},
              headers: { authorization: `Bearer ${key}` },
              body: undefined,
            });
            if (response.statusCode !== 200)
              throw new Error(`${path} answered ${response.statusCode}: ${response.body}`);
            if (path.startsWith("/v1/customers/") && !JSON.parse(response.body).creditHold)
              throw new Error(`${CHECKED} is not on credit hold in ${tenantId}`);
          }
          const ms = (performance.now() - start) / ASKED;
          tally = undefined;
          return { tally: { requests: own.requests / ASKED, readUnits: own.readUnits / ASKED }, ms };
        };
        const aging = await ask("/v1/reports/aging");
        const hold = await ask(`/v1/customers/${CHECKED}`);
        measured.set(count, {
          aging: { ...aging.tally, ms: aging.ms },
          hold: { ...hold.tally, ms: hold.ms },
        });
      }

      const small = measured.get(SMALL);
      const large = measured.get(LARGE);
      if (!small || !large) throw new Error("a tenant was not measured");
      const figure = (name: string, what: "aging" | "hold", label: string): Figure => {
        const ratio = large[what].requests / small[what].requests;
        return {
          name,
          value: large[what].requests,
          unit: "DynamoDB requests per call",
          ratio: {
            value: ratio,
            of: `requests with ${LARGE.toLocaleString("en")} invoices ÷ with ${SMALL.toLocaleString("en")}`,
            goal: "≤ 1.1",
            met: ratio <= 1.1,
          },
          note:
            `${label}: ${small[what].requests} requests and ${small[what].readUnits} read units with ${SMALL} invoices, ` +
            `${large[what].requests} requests and ${large[what].readUnits} read units with ${LARGE}${what === "aging" ? AGING_GROWTH : ""}; ` +
            `${Math.round(small[what].ms)} ms and ${Math.round(large[what].ms)} ms on dynalite (the API key and the tenant read included)`,
        };
      };
      return [
        figure("reports.aging_requests_at_1m_invoices", "aging", "GET /v1/reports/aging"),
        figure("reports.credit_hold_requests_at_1m_invoices", "hold", `GET /v1/customers/${CHECKED}`),
      ];
    } finally {
      await dynamo.close();
    }
  },
};

// `node --import tsx bench/reports.bench.ts` runs this suite alone.
if (import.meta.url === `file://${process.argv[1]}`) {
  for (const figure of await reportsSuite.run()) process.stdout.write(`${JSON.stringify(figure)}\n`);
}
