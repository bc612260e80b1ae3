/**
 * The outbox's claims in DynamoDB: an owner alert, a receipt or a note claimed on the invoice item
 * before SES, its marker beside the timeline, and the update that settles or holds it.
 */
import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { AlertRecords, SentMarker } from "#ports/claim-store.ts";
import type { NextSlot, WriteOutcome } from "#ports/invoice-store.ts";
import type { MessageRecord } from "#ports/message-log.ts";
import { CLAIM_TIMEOUT_MS } from "#sending/claim.ts";
import { SentMarkerSchema } from "./claim-records.ts";
import { dueSlot } from "./invoice-item.ts";
import { invoiceKey, timelinePartition } from "./keys.ts";
import { messageItem } from "./message-records.ts";
import { conditional, type TableContext, updateExpression, writeBatch } from "./writes.ts";

export function alertRecords(table: TableContext): AlertRecords {
  return {
    /**
     * Claims an owner alert for sending: only if it is still in the outbox and no claim younger than
     * `staleBefore` stands on it. Like the changes below, it bumps the version, so that a change made
     * from the invoice as read before (which writes the outbox whole) is decided again rather than
     * undoing it.
     */
    async claimAlert(
      tenantId: string,
      invoiceNumber: string,
      alertId: string,
      claim: { claimId: string; at: string },
      staleBefore: string,
    ): Promise<WriteOutcome> {
      return conditional(() =>
        table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: invoiceKey(tenantId, invoiceNumber),
            UpdateExpression: "SET #version = #version + :one, alerts.#alert.sending = :claim",
            ConditionExpression:
              "attribute_exists(alerts.#alert) AND (attribute_not_exists(alerts.#alert.sending) OR alerts.#alert.sending.#at < :stale)",
            ExpressionAttributeNames: { "#version": "version", "#alert": alertId, "#at": "at" },
            ExpressionAttributeValues: { ":one": 1, ":claim": claim, ":stale": staleBefore },
          }),
        ),
      );
    },

    /**
     * Keeps a stale owner-alert claim standing a while longer (its Send event may be waiting to be
     * replayed): it goes stale again at `until`, when the due slot brings the invoice back. A no-op
     * (`conflict`) unless this claim stands.
     */
    async holdAlert(
      tenantId: string,
      invoiceNumber: string,
      alertId: string,
      claimId: string,
      hold: {
        until: Date;
        /** When the stale claim was first seen with nothing dead-lettered; null forgets it. */
        quietSince: string | null;
      },
    ): Promise<WriteOutcome> {
      const slot = dueSlot(table, tenantId, invoiceNumber, hold.until);
      const quiet = hold.quietSince;
      const set = [
        "#version = #version + :one",
        "alerts.#alert.sending.#at = :at",
        ...slot.set,
        ...(quiet === null ? [] : ["alerts.#alert.sending.quietSince = :quiet"]),
      ];
      const remove = quiet === null ? ["alerts.#alert.sending.quietSince"] : [];
      return conditional(() =>
        table.client.send(
          new UpdateCommand({
            TableName: table.tableName,
            Key: invoiceKey(tenantId, invoiceNumber),
            UpdateExpression: updateExpression(set, remove),
            ConditionExpression: "alerts.#alert.sending.claimId = :claimId",
            ExpressionAttributeNames: { "#version": "version", "#alert": alertId, "#at": "at" },
            ExpressionAttributeValues: {
              ":one": 1,
              ":claimId": claimId,
              ":at": new Date(hold.until.getTime() - CLAIM_TIMEOUT_MS).toISOString(),
              ...slot.values,
              ...(quiet === null ? {} : { ":quiet": quiet }),
            },
          }),
        ),
      );
    },

    /**
     * Ends an owner alert's claim: `sent` takes the alert out of the outbox, otherwise only the claim
     * goes (SES did not take it, and it is sent again later). A no-op (`conflict`) unless this claim stands.
     */
    async settleAlert(
      tenantId: string,
      invoiceNumber: string,
      alertId: string,
      claimId: string,
      sent: boolean,
      /**
       * The invoice's due slot once this alert is settled, written only if the invoice is still at
       * `version` (nobody changed it since the caller worked the slot out); otherwise the slot is left.
       * So an invoice whose last alert went does not come back for nothing.
       */
      slot?: { version: number; next: NextSlot },
    ): Promise<WriteOutcome> {
      const settle = (withSlot: boolean) => {
        const moved = withSlot && slot ? dueSlot(table, tenantId, invoiceNumber, slot.next) : undefined;
        const set = ["#version = #version + :one", ...(moved?.set ?? [])];
        const remove = [sent ? "alerts.#alert" : "alerts.#alert.sending", ...(moved?.remove ?? [])];
        return conditional(() =>
          table.client.send(
            new UpdateCommand({
              TableName: table.tableName,
              Key: invoiceKey(tenantId, invoiceNumber),
              UpdateExpression: `SET ${set.join(", ")} REMOVE ${remove.join(", ")}`,
              ConditionExpression: `alerts.#alert.sending.claimId = :claimId${moved ? " AND #version = :read" : ""}`,
              ExpressionAttributeNames: { "#version": "version", "#alert": alertId },
              ExpressionAttributeValues: {
                ":one": 1,
                ":claimId": claimId,
                ...(moved ? { ":read": slot?.version, ...moved.values } : {}),
              },
            }),
          ),
        );
      };
      if (slot && (await settle(true)) === "ok") return "ok";
      return settle(false);
    },

    /**
     * That SES took an owner alert sent under this claim: written before anything else is recorded,
     * so that whoever finds the alert's claim stale takes it out of the outbox instead of sending it
     * again (notify-owner.ts). Beside the timeline, outside its `EVENT#` range.
     */
    async putAlertMarker(
      tenantId: string,
      invoiceNumber: string,
      claimId: string,
      sent: SentMarker,
      message: MessageRecord,
    ): Promise<void> {
      // One BatchWriteItem, not two puts: both are plain puts, safe to write again.
      await writeBatch(table, [
        {
          pk: timelinePartition(tenantId, invoiceNumber),
          sk: `ALERT#${claimId}`,
          sent: { messageId: sent.messageId, recipients: sent.recipients },
        },
        messageItem(message),
      ]);
    },

    async alertMarker(
      tenantId: string,
      invoiceNumber: string,
      claimId: string,
    ): Promise<SentMarker | undefined> {
      const { Item } = await table.client.send(
        new GetCommand({
          TableName: table.tableName,
          Key: { pk: timelinePartition(tenantId, invoiceNumber), sk: `ALERT#${claimId}` },
          ConsistentRead: true,
        }),
      );
      const sent = SentMarkerSchema.safeParse(Item?.sent);
      return sent.success ? sent.data : undefined;
    },
  };
}
