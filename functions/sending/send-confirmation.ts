/**
 * Reads, from an SES Send event, which claim it confirms. dun tags every claimed email with its
 * tenant, invoice and claim id (tag values encoded to SES's alphabet), so the event needs no
 * lookup to find its way back. Emails without a claim (owner alerts) confirm nothing.
 */
import { z } from "zod";
import { decodeTagValue } from "#adapters/ses/tag-values.ts";
import type { SendConfirmation } from "./complete-claim.ts";

const SendEventSchema = z.object({
  eventType: z.literal("Send"),
  mail: z.object({
    messageId: z.string().min(1),
    timestamp: z.string(),
    destination: z.array(z.string()),
    tags: z.record(z.string(), z.array(z.string())),
  }),
});

export function sendConfirmationOf(event: unknown): SendConfirmation | undefined {
  const parsed = SendEventSchema.safeParse(event);
  if (!parsed.success) return undefined;
  const { mail } = parsed.data;
  const [tenant] = mail.tags.tenant ?? [];
  const [invoice] = mail.tags.invoice ?? [];
  const [claim] = mail.tags.claim ?? [];
  if (!tenant || !invoice || !claim) return undefined;
  return {
    tenantId: decodeTagValue(tenant),
    invoiceNumber: decodeTagValue(invoice),
    claimId: claim,
    messageId: mail.messageId,
    recipients: mail.destination,
    at: new Date(mail.timestamp),
  };
}
