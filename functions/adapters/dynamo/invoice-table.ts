/**
 * Everything dun keeps about invoices, in the single DynamoDB table, as the application's
 * InvoiceStore (#ports/invoice-store.ts): each job in a module of its own — the invoice items and
 * their timelines (invoice-records.ts), listing them (invoice-list.ts), the claim protocol
 * (claim-records.ts), the outbox's claims (alert-records.ts), message records (message-records.ts),
 * the due index (due-index.ts) and the report totals the invoice writes keep (report-totals.ts).
 */
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { InvoiceStore } from "#ports/invoice-store.ts";
import { alertRecords } from "./alert-records.ts";
import { claimRecords } from "./claim-records.ts";
import { dueIndex } from "./due-index.ts";
import { invoiceList } from "./invoice-list.ts";
import { invoiceRecords } from "./invoice-records.ts";
import { messageRecords } from "./message-records.ts";
import { reportTotals } from "./report-totals.ts";
import type { TableContext } from "./writes.ts";

/**
 * `clock` is read as each write is made: a due slot is never stored earlier than the moment it is
 * written, so the dispatcher, which reads each stretch of the due index once (dispatch-due.ts), never
 * finds an invoice due behind the stretch it has read already. Local mode passes its simulated clock.
 */
export function invoiceTable(
  client: DynamoDBDocumentClient,
  tableName: string,
  clock: () => Date = () => new Date(),
): InvoiceStore {
  const table: TableContext = { client, tableName, clock };
  return {
    ...invoiceRecords(table),
    ...invoiceList(table),
    ...claimRecords(table),
    ...alertRecords(table),
    ...messageRecords(table),
    ...dueIndex(table),
    ...reportTotals(table),
  };
}
