/**
 * Message records in DynamoDB: each sent email by SES's message id, so that its events find their
 * invoice; kept a year (TTL).
 */
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type MessageLog, type MessageRecord, MessageRecordSchema } from "#ports/message-log.ts";
import { messageKey } from "./keys.ts";
import type { TableContext } from "./writes.ts";

/** A year: long enough for any late bounce or complaint about a message to find its invoice. */
const MESSAGE_RECORD_TTL_SECONDS = 366 * 86_400;

export function messageItem(message: MessageRecord) {
  return {
    ...messageKey(message.messageId),
    ...message,
    expiresAt: Math.floor(Date.parse(message.sentAt) / 1000) + MESSAGE_RECORD_TTL_SECONDS,
  };
}

export function messageRecords(table: TableContext): MessageLog {
  return {
    async putMessage(message: MessageRecord): Promise<void> {
      await table.client.send(new PutCommand({ TableName: table.tableName, Item: messageItem(message) }));
    },

    async findMessage(messageId: string): Promise<MessageRecord | undefined> {
      const { Item } = await table.client.send(
        new GetCommand({ TableName: table.tableName, Key: messageKey(messageId) }),
      );
      return Item ? MessageRecordSchema.parse(Item) : undefined;
    },
  };
}
