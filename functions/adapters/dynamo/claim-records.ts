/**
 * The claim protocol's writes in DynamoDB (docs/DATA-MODEL.md, "The claim protocol"): a claim on the
 * invoice item, the marker beside its timeline the moment SES answered, and the update that settles
 * or holds it.
 */
import { GetCommand, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import * as z from "zod";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type {
  ClaimOutcome,
  ClaimRecords,
  RefusedMarker,
  SentMarker,
  SettleClaim,
} from "#ports/claim-store.ts";
import type { WriteOutcome } from "#ports/invoice-store.ts";
import type { MessageRecord } from "#ports/message-log.ts";
import type { Claim } from "#sending/claim.ts";
import {
  appendTimeline,
  dueSlot,
  invoiceDocument,
  listedChange,
  RELEASED_CLAIMS_KEPT,
  timelineItem,
  versionedChange,
} from "./invoice-item.ts";
import { invoiceKey, timelinePartition } from "./keys.ts";
import { messageItem } from "./message-records.ts";
import { writeInvoice } from "./report-totals.ts";
import { conditional, type TableContext, updateExpression, writeBatch } from "./writes.ts";

export const SentMarkerSchema = z.object({ messageId: z.string(), recipients: z.array(z.string()) });
const RefusedMarkerSchema = z.object({ code: z.string(), reason: z.string() });

export function claimRecords(table: TableContext): ClaimRecords {
  return {
    /**
     * Claims a step: only if nobody changed the invoice since `before` was read and no claim stands.
     * `after` is the invoice with any timed transitions applied (a pause that ended), whose events are
     * appended to the timeline once the claim holds.
     */
    async claim(
      before: Invoice,
      after: Invoice,
      claim: Claim,
      events: TimelineEvent[],
    ): Promise<WriteOutcome> {
      // The due slot is left as it is, behind the dispatcher's cursor: the record moves it once. A
      // sender that cannot finish moves it to the claim's stale time instead (holdClaim), so that the
      // dispatcher brings the invoice back to be settled (stale-claim.ts); two index writes saved on
      // every email that goes well.
      // A timed transition applied with the claim (a pause that ended, a promise that lapsed) moves the
      // list entry and can change the report totals.
      const listed = listedChange(before, after);
      const outcome = await writeInvoice(
        table,
        {
          Update: {
            TableName: table.tableName,
            Key: invoiceKey(before.tenantId, before.invoiceNumber),
            UpdateExpression: updateExpression(
              ["#invoice = :invoice", "#claim = :claim", "#version = :next", ...listed.set],
              [],
            ),
            ConditionExpression: "#version = :read AND attribute_not_exists(#claim)",
            ExpressionAttributeNames: { "#invoice": "invoice", "#claim": "claim", "#version": "version" },
            ExpressionAttributeValues: {
              ":invoice": invoiceDocument(after),
              ":claim": claim,
              ":read": before.version,
              ":next": before.version + 1,
              ...listed.values,
            },
          },
        },
        before,
        after,
      );
      if (outcome === "ok") await appendTimeline(table, { ...after, version: before.version + 1 }, events);
      return outcome;
    },

    /**
     * Ends a claim, or records a send whose claim is gone: the invoice as it is after (`after`, with
     * `events` for its timeline), its next slot, and what goes beside it, on condition that nobody
     * changed the invoice since `before` was read — and, with `claimId`, that this claim still stands;
     * it is removed. `releasedClaim` is remembered among the invoice's last stale claims; `alerts`
     * replaces the owner-alert outbox.
     */
    async settleClaim(input: SettleClaim): Promise<WriteOutcome> {
      const { before, after, claimId } = input;
      const slot = dueSlot(table, before.tenantId, before.invoiceNumber, input.next);
      const { set, values } = versionedChange(before, after, slot, {
        alerts: input.alerts,
        releasedClaims: input.releasedClaims?.slice(-RELEASED_CLAIMS_KEPT),
      });
      if (claimId !== undefined) values[":claimId"] = claimId;
      // A hand-over recorded here puts the customer on credit hold.
      const outcome = await writeInvoice(
        table,
        {
          Update: {
            TableName: table.tableName,
            Key: invoiceKey(before.tenantId, before.invoiceNumber),
            UpdateExpression: updateExpression(set, [
              ...(claimId !== undefined ? ["#claim"] : []),
              ...slot.remove,
            ]),
            ConditionExpression:
              claimId !== undefined ? "#claim.id = :claimId AND #version = :read" : "#version = :read",
            ExpressionAttributeNames: {
              "#invoice": "invoice",
              "#version": "version",
              ...(claimId !== undefined ? { "#claim": "claim" } : {}),
            },
            ExpressionAttributeValues: values,
          },
        },
        before,
        after,
      );
      if (outcome === "ok")
        await appendTimeline(table, { ...after, version: before.version + 1 }, input.events);
      return outcome;
    },

    /**
     * The first thing written once SES accepted a claim's email: the claim's timeline step, with the
     * message id and recipients beside its events. Keyed by the claim, so writing it again writes the
     * same item, and whoever later finds the claim standing finds this too and completes the record
     * instead of sending again (sentMarker). Small and an item of its own, it fits when the invoice
     * item would not.
     */
    async putSentMarker(
      invoice: Invoice,
      claim: Claim,
      events: TimelineEvent[],
      sent: SentMarker,
      message: MessageRecord,
    ): Promise<void> {
      // One BatchWriteItem, not two puts: a request less per email, and the same write units.
      await writeBatch(table, [
        {
          ...timelineItem(invoice, events, `${claim.at}#${claim.id}`),
          sent: { messageId: sent.messageId, recipients: sent.recipients },
        },
        messageItem(message),
      ]);
    },

    /**
     * The timeline step of a claim whose email SES refused for good, written before the claim is
     * settled and under the key a sent marker would have: writing it again writes the same item, and
     * whoever later finds the claim standing finds the refusal and finishes it instead of sending
     * again (claimOutcome).
     */
    async putRefusedMarker(
      invoice: Invoice,
      claim: Claim,
      events: TimelineEvent[],
      refused: RefusedMarker,
    ): Promise<void> {
      await table.client.send(
        new PutCommand({
          TableName: table.tableName,
          Item: {
            ...timelineItem(invoice, events, `${claim.at}#${claim.id}`),
            refused: { code: refused.code, reason: refused.reason },
          },
        }),
      );
    },

    /** What became of this claim's email, if its sender got as far as writing it down. */
    async claimOutcome(
      tenantId: string,
      invoiceNumber: string,
      claim: Claim,
    ): Promise<ClaimOutcome | undefined> {
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: timelinePartition(tenantId, invoiceNumber), sk: `EVENT#${claim.at}#${claim.id}` },
          ConsistentRead: true,
        }),
      );
      const sent = SentMarkerSchema.safeParse(Item?.sent);
      if (sent.success) return { sent: sent.data };
      const refused = RefusedMarkerSchema.safeParse(Item?.refused);
      return refused.success ? { refused: refused.data } : undefined;
    },

    /**
     * Moves a standing claim's due slot, and nothing else: so the dispatcher brings the invoice back
     * when the claim can be settled. A no-op (`conflict`) if the claim is gone.
     */
    async holdClaim(
      tenantId: string,
      invoiceNumber: string,
      claimId: string,
      until: Date,
      /** When the stale claim was first seen with nothing dead-lettered (stale-claim.ts); null forgets it. */
      quietSince?: string | null,
    ): Promise<WriteOutcome> {
      const slot = dueSlot(table, tenantId, invoiceNumber, until);
      const set = [...slot.set, ...(typeof quietSince === "string" ? ["#claim.quietSince = :quiet"] : [])];
      const remove = quietSince === null ? ["#claim.quietSince"] : [];
      return conditional(() =>
        table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: invoiceKey(tenantId, invoiceNumber),
            UpdateExpression: updateExpression(set, remove),
            ConditionExpression: "#claim.id = :claimId",
            ExpressionAttributeNames: { "#claim": "claim" },
            ExpressionAttributeValues: {
              ":claimId": claimId,
              ...slot.values,
              ...(typeof quietSince === "string" ? { ":quiet": quietSince } : {}),
            },
          }),
        ),
      );
    },
  };
}
