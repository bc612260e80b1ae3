/** The message on the send queue: which invoice to look at. Everything else is read fresh. */
import * as z from "zod";

export const DueMessageSchema = z.object({
  tenantId: z.string().min(1).max(64),
  invoiceNumber: z.string().min(1).max(64),
});
export type DueMessage = z.infer<typeof DueMessageSchema>;

/** Where the dispatcher puts due invoices: SQS in AWS, a queue in memory locally. */
export interface DueQueue {
  enqueue(messages: readonly DueMessage[]): Promise<void>;
}
