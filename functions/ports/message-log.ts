/** What a sent email is remembered by, so SES's events (by message id) find their invoice. */
import * as z from "zod";

export const MessageRecordSchema = z.object({
  messageId: z.string(),
  tenantId: z.string(),
  invoiceNumber: z.string(),
  /** "reminder_1", "installment_2", "owner_alert". */
  step: z.string(),
  claimId: z.string().optional(),
  recipients: z.array(z.string()),
  sentAt: z.string(),
});
export type MessageRecord = z.infer<typeof MessageRecordSchema>;

export interface MessageLog {
  putMessage(message: MessageRecord): Promise<void>;
  findMessage(messageId: string): Promise<MessageRecord | undefined>;
}
