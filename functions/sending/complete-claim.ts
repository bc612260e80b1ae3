/**
 * Where a sent reminder is recorded. A claimed step becomes "sent" here — by the sender right
 * after SES accepted the email, or, if the sender died in between, by SES's Send event, which
 * carries the claim id in its tags. Whichever comes first records it; the other finds the claim
 * gone and changes nothing.
 */

import type { InvoiceTable, MessageRecord, NextSlot } from "#adapters/dynamo/invoice-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import { recordInstallmentReminder, recordStageSent } from "#domain/invoice/transitions.ts";
import { decideNextAction } from "#domain/ladder/ladder.ts";
import type { Tenant } from "#domain/tenant/tenant.ts";
import type { Claim } from "./claim.ts";
import { stepKey } from "./claim.ts";

export type Recorded = "recorded" | "already_recorded";

export async function recordClaimedStep(
  invoices: InvoiceTable,
  input: {
    tenant: Tenant;
    invoice: Invoice;
    claim: Claim;
    messageId: string;
    recipients: string[];
    at: Date;
  },
): Promise<Recorded> {
  let invoice = input.invoice;
  // The invoice may change while the email is on its way (a payment arrives): then read it again and
  // record the step on what it is now. The claim keeps everyone else from recording it meanwhile.
  for (let attempt = 0; attempt < 5; attempt++) {
    const outcome = await invoices.complete({ before: invoice, ...stepRecorded(input, invoice) });
    if (outcome === "ok") return "recorded";
    const fresh = await invoices.get(invoice.tenantId, invoice.invoiceNumber);
    if (fresh?.claim?.id !== input.claim.id) return "already_recorded";
    invoice = fresh.invoice;
  }
  throw new Error(
    `could not record ${stepKey(input.claim.step)} on ${invoice.invoiceNumber}: it kept changing`,
  );
}

/** The invoice after the claimed step, and what the record writes with it. */
function stepRecorded(
  input: { tenant: Tenant; claim: Claim; messageId: string; recipients: string[]; at: Date },
  invoice: Invoice,
): { after: Invoice; claim: Claim; events: TimelineEvent[]; message: MessageRecord; next: NextSlot } {
  const { tenant, claim, at } = input;
  const when = at.toISOString();
  const { step } = claim;
  const result =
    step.type === "stage"
      ? recordStageSent(invoice, {
          stage: step.stage,
          at: when,
          fee: step.fee,
          interest: step.interest,
          deadline: step.deadline,
          messageId: input.messageId,
        })
      : recordInstallmentReminder(invoice, { installment: step.installment, at: when });
  // The email went out whatever happened since: if the invoice has moved on (paid while the email
  // was on its way), its state stays as it is and the timeline still says what was sent.
  const sentEvent: TimelineEvent =
    step.type === "stage"
      ? {
          type: "stage_sent",
          at: when,
          stage: step.stage,
          fee: step.fee,
          interest: step.interest,
          deadline: step.deadline,
        }
      : { type: "installment_reminder_sent", at: when, installment: step.installment };
  const after = result.ok ? result.value.invoice : invoice;
  const events = result.ok ? result.value.events : [sentEvent];
  const next = decideNextAction(after, tenant.policy, at);
  return {
    after,
    claim,
    events,
    message: {
      messageId: input.messageId,
      tenantId: invoice.tenantId,
      invoiceNumber: invoice.invoiceNumber,
      step: stepKey(step),
      claimId: claim.id,
      recipients: input.recipients,
      sentAt: when,
    },
    next: next.kind === "none" ? undefined : next.at,
  };
}

/** What dun needs of an SES Send event: whose claim it confirms, and the message id SES gave it. */
export type SendConfirmation = {
  tenantId: string;
  invoiceNumber: string;
  claimId: string;
  messageId: string;
  recipients: string[];
  at: Date;
};

/**
 * Completes a claim from SES's Send event. A claim that is gone (recorded by the sender, or
 * released) or that belongs to another attempt leaves everything as it is.
 */
export async function confirmSend(
  deps: { invoices: InvoiceTable; tenants: TenantTable },
  confirmation: SendConfirmation,
): Promise<Recorded | "no_such_claim"> {
  const [stored, tenantRecord] = await Promise.all([
    deps.invoices.get(confirmation.tenantId, confirmation.invoiceNumber),
    deps.tenants.get(confirmation.tenantId),
  ]);
  if (!stored || !tenantRecord) return "no_such_claim";
  if (stored.claim?.id !== confirmation.claimId) {
    const recorded = await deps.invoices.findMessage(confirmation.messageId);
    return recorded ? "already_recorded" : "no_such_claim";
  }
  return recordClaimedStep(deps.invoices, {
    tenant: tenantRecord.tenant,
    invoice: stored.invoice,
    claim: stored.claim,
    messageId: confirmation.messageId,
    recipients: confirmation.recipients,
    at: confirmation.at,
  });
}
