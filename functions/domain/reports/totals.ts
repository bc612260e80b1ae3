/**
 * The running totals the aging report and the customers' standing are answered from, so that
 * neither reads the invoices themselves (docs/DATA-MODEL.md, "Report totals").
 *
 * Each invoice **contributes** to the totals: to the outstanding balance owed in its currency on
 * its due date (in its customer's time zone, since that is where its age is counted), and to its
 * customer's counts, names and credit-hold reasons. The contribution is a function of the invoice
 * alone, so a change of an invoice changes the totals by the difference between its contribution
 * after and before (`totalsChange`), and nothing when that difference is nil: most changes (a
 * reminder sent, an email opened) leave it as it was. Ageing needs no change at all: the totals are
 * kept by due date and bucketed when the report is asked for (`agingReportOf`), so that "today"
 * moving on changes nothing stored.
 *
 * What is read back is bounded by calendar days, currencies, time zones and customers, never by
 * the number of invoices.
 */
import { daysBetween, type IsoDate } from "#domain/calendar/iso-date.ts";
import { localDateOf } from "#domain/calendar/zoned-time.ts";
import { type Invoice, outstandingOf } from "#domain/invoice/invoice.ts";
import { type CreditHoldReason, type CustomerSummary, isSettled } from "#domain/invoice/standing.ts";
import {
  AGING_BUCKETS,
  type AgingBucket,
  type AgingReport,
  agingBucketOf,
  agingRows,
  isOwed,
} from "./aging.ts";

/** What is owed in one currency on one due date by customers in one time zone. */
export type DueDateTotal = {
  currency: string;
  dueDate: IsoDate;
  timeZone: string;
  count: number;
  amount: number;
};

/** The invoices of one customer issued on one date under one name: how many there are. */
export type NameCount = { issueDate: IsoDate; name: string; count: number };

/** Everything a customer's summary is made of. */
export type CustomerTotal = {
  customerId: string;
  invoices: number;
  openInvoices: number;
  names: NameCount[];
  /** The invoice numbers that put the customer on credit hold, for each reason. */
  inCollection: string[];
  brokenPromise: string[];
};

/** How the totals change: amounts and counts to add (negative to take away), invoice numbers to add or remove. */
export type TotalsChange = {
  dueDates: DueDateTotal[];
  customers: CustomerChange[];
};
export type CustomerChange = {
  customerId: string;
  invoices: number;
  openInvoices: number;
  names: NameCount[];
  holds: { reason: CreditHoldReason["reason"]; invoiceNumber: string; held: boolean }[];
};

/** One invoice's part of the totals. */
export type Contribution = {
  dueDate?: DueDateTotal;
  customer?: {
    customerId: string;
    open: boolean;
    issueDate: IsoDate;
    name: string;
    hold?: CreditHoldReason["reason"];
  };
};

export function contributionOf(invoice: Invoice): Contribution {
  const id = invoice.customer.id;
  return {
    ...(isOwed(invoice)
      ? {
          dueDate: {
            currency: invoice.currency,
            dueDate: invoice.dueDate,
            timeZone: invoice.customer.timeZone,
            count: 1,
            amount: outstandingOf(invoice),
          },
        }
      : {}),
    ...(id === undefined
      ? {}
      : {
          customer: {
            customerId: id,
            open: !isSettled(invoice.status),
            issueDate: invoice.issueDate,
            name: invoice.customer.name,
            hold: holdOf(invoice),
          },
        }),
  };
}

/** The reason this invoice puts its customer on credit hold, as customerStanding gives it. */
function holdOf(invoice: Invoice): CreditHoldReason["reason"] | undefined {
  if (invoice.status === "collection") return "in_collection";
  if (invoice.promiseBrokenAt && !isSettled(invoice.status)) return "broken_promise";
  return undefined;
}

/** What the totals must add for `after` in place of `before` (undefined: a new invoice); empty when nothing. */
export function totalsChange(before: Invoice | undefined, after: Invoice): TotalsChange {
  const dueDates = new Map<string, DueDateTotal>();
  const customers = new Map<string, CustomerChange>();
  const apply = (contribution: Contribution, sign: 1 | -1, invoiceNumber: string) => {
    const due = contribution.dueDate;
    if (due) {
      const key = JSON.stringify([due.currency, due.dueDate, due.timeZone]);
      const total = dueDates.get(key) ?? { ...due, count: 0, amount: 0 };
      total.count += sign * due.count;
      total.amount += sign * due.amount;
      dueDates.set(key, total);
    }
    const customer = contribution.customer;
    if (customer) {
      const change = customers.get(customer.customerId) ?? {
        customerId: customer.customerId,
        invoices: 0,
        openInvoices: 0,
        names: [],
        holds: [],
      };
      change.invoices += sign;
      if (customer.open) change.openInvoices += sign;
      const name = change.names.find(
        (entry) => entry.issueDate === customer.issueDate && entry.name === customer.name,
      );
      if (name) name.count += sign;
      else change.names.push({ issueDate: customer.issueDate, name: customer.name, count: sign });
      if (customer.hold) {
        const same = change.holds.findIndex((hold) => hold.reason === customer.hold);
        // The same reason before and after: nothing changes.
        if (same >= 0) change.holds.splice(same, 1);
        else change.holds.push({ reason: customer.hold, invoiceNumber, held: sign > 0 });
      }
      customers.set(customer.customerId, change);
    }
  };
  if (before) apply(contributionOf(before), -1, before.invoiceNumber);
  apply(contributionOf(after), 1, after.invoiceNumber);
  return {
    dueDates: [...dueDates.values()].filter((total) => total.count !== 0 || total.amount !== 0),
    customers: [...customers.values()]
      .map((change) => ({ ...change, names: change.names.filter((name) => name.count !== 0) }))
      .filter(
        (change) =>
          change.invoices !== 0 ||
          change.openInvoices !== 0 ||
          change.names.length > 0 ||
          change.holds.length > 0,
      ),
  };
}

export function isNoChange(change: TotalsChange): boolean {
  return change.dueDates.length === 0 && change.customers.length === 0;
}

/** Totals being added up invoice by invoice, as a rebuild does: start with `emptyTotals`, then `addToTotals`. */
export type Totals = { dueDates: Map<string, DueDateTotal>; customers: Map<string, CustomerTotal> };

export function emptyTotals(): Totals {
  return { dueDates: new Map(), customers: new Map() };
}

export function addToTotals(totals: Totals, invoice: Invoice): void {
  const { dueDate, customer } = contributionOf(invoice);
  if (dueDate) {
    const key = JSON.stringify([dueDate.currency, dueDate.dueDate, dueDate.timeZone]);
    const total = totals.dueDates.get(key) ?? { ...dueDate, count: 0, amount: 0 };
    total.count += dueDate.count;
    total.amount += dueDate.amount;
    totals.dueDates.set(key, total);
  }
  if (customer) {
    const total = totals.customers.get(customer.customerId) ?? {
      customerId: customer.customerId,
      invoices: 0,
      openInvoices: 0,
      names: [],
      inCollection: [],
      brokenPromise: [],
    };
    total.invoices += 1;
    if (customer.open) total.openInvoices += 1;
    const name = total.names.find(
      (entry) => entry.issueDate === customer.issueDate && entry.name === customer.name,
    );
    if (name) name.count += 1;
    else total.names.push({ issueDate: customer.issueDate, name: customer.name, count: 1 });
    if (customer.hold === "in_collection") total.inCollection.push(invoice.invoiceNumber);
    if (customer.hold === "broken_promise") total.brokenPromise.push(invoice.invoiceNumber);
    totals.customers.set(customer.customerId, total);
  }
}

/** The aging report from the totals by due date, as `agingReport` gives it from the invoices. */
export function agingReportOf(totals: readonly DueDateTotal[], now: Date): AgingReport {
  const amounts = new Map<string, Record<AgingBucket, { count: number; amount: number }>>();
  const todays = new Map<string, IsoDate>();
  for (const total of totals) {
    if (total.count <= 0) continue;
    let today = todays.get(total.timeZone);
    if (today === undefined) {
      today = localDateOf(now, total.timeZone);
      todays.set(total.timeZone, today);
    }
    let row = amounts.get(total.currency);
    if (row === undefined) {
      row = Object.fromEntries(AGING_BUCKETS.map((bucket) => [bucket, { count: 0, amount: 0 }])) as Record<
        AgingBucket,
        { count: number; amount: number }
      >;
      amounts.set(total.currency, row);
    }
    const cell = row[agingBucketOf(daysBetween(total.dueDate, today))];
    cell.count += total.count;
    cell.amount += total.amount;
  }
  return { asOf: now.toISOString(), currencies: agingRows(amounts) };
}

/**
 * A customer's summary from their totals, as `customerSummaries` gives it from the invoices;
 * undefined when no invoice names the customer (any more).
 */
export function customerSummaryOf(total: CustomerTotal): CustomerSummary | undefined {
  if (total.invoices <= 0) return undefined;
  let latest: NameCount | undefined;
  for (const name of total.names) {
    if (name.count <= 0) continue;
    if (
      !latest ||
      name.issueDate > latest.issueDate ||
      (name.issueDate === latest.issueDate && name.name < latest.name)
    )
      latest = name;
  }
  const reasons: CreditHoldReason[] = [
    ...total.inCollection.map((invoiceNumber) => ({ invoiceNumber, reason: "in_collection" as const })),
    ...total.brokenPromise.map((invoiceNumber) => ({ invoiceNumber, reason: "broken_promise" as const })),
  ].sort(byInvoiceNumber);
  return {
    customerId: total.customerId,
    name: latest?.name ?? "",
    openInvoices: total.openInvoices,
    creditHold: reasons.length > 0,
    reasons,
  };
}

function byInvoiceNumber(a: CreditHoldReason, b: CreditHoldReason): number {
  return a.invoiceNumber < b.invoiceNumber ? -1 : a.invoiceNumber > b.invoiceNumber ? 1 : 0;
}
