/**
 * The writes of the claim protocol (docs/DATA-MODEL.md, "The claim protocol"): claiming a step
 * before SES, the markers written the moment SES answered, and settling or holding a claim; the
 * same for an outbox email (an owner alert, a receipt).
 */
import type { Invoice } from "#domain/invoice/invoice.ts";
import type { TimelineEvent } from "#domain/invoice/timeline.ts";
import type { Claim } from "#sending/claim.ts";
import type { Outbox } from "#sending/owner-alert.ts";
import type { NextSlot, WriteOutcome } from "./invoice-store.ts";
import type { MessageRecord } from "./message-log.ts";

/** What SES accepted for a claim, written before anything else records it (putSentMarker). */
export type SentMarker = { messageId: string; recipients: string[] };
/** SES refused a claim's email for good: what it said, so whoever settles the claim finishes the refusal. */
export type RefusedMarker = { code: string; reason: string };
/** What a claim's step item says became of its email, if anything. */
export type ClaimOutcome = { sent: SentMarker } | { refused: RefusedMarker };

export type SettleClaim = {
  before: Invoice;
  after: Invoice;
  events: TimelineEvent[];
  next: NextSlot;
  claimId?: string;
  alerts?: Outbox;
  releasedClaims?: Claim[];
};

export interface ClaimRecords {
  /** Claims a step: only if nobody changed the invoice since `before` was read and no claim stands. */
  claim(before: Invoice, after: Invoice, claim: Claim, events: TimelineEvent[]): Promise<WriteOutcome>;
  /** Ends a claim (with `claimId`, only if it still stands), or records a send whose claim is gone. */
  settleClaim(input: SettleClaim): Promise<WriteOutcome>;
  /**
   * The marker and the email's message record, in one request: both are plain puts, writing them
   * again writes the same items, and neither means anything without the other.
   */
  putSentMarker(
    invoice: Invoice,
    claim: Claim,
    events: TimelineEvent[],
    sent: SentMarker,
    message: MessageRecord,
  ): Promise<void>;
  putRefusedMarker(
    invoice: Invoice,
    claim: Claim,
    events: TimelineEvent[],
    refused: RefusedMarker,
  ): Promise<void>;
  claimOutcome(tenantId: string, invoiceNumber: string, claim: Claim): Promise<ClaimOutcome | undefined>;
  /** Moves a standing claim's due slot and nothing else; `conflict` if the claim is gone. */
  holdClaim(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
    until: Date,
    quietSince?: string | null,
  ): Promise<WriteOutcome>;
}

export interface AlertRecords {
  claimAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claim: { claimId: string; at: string },
    staleBefore: string,
  ): Promise<WriteOutcome>;
  holdAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claimId: string,
    hold: { until: Date; quietSince: string | null },
  ): Promise<WriteOutcome>;
  settleAlert(
    tenantId: string,
    invoiceNumber: string,
    alertId: string,
    claimId: string,
    sent: boolean,
    slot?: { version: number; next: NextSlot },
  ): Promise<WriteOutcome>;
  /** The alert's marker and its message record, in one request (as putSentMarker). */
  putAlertMarker(
    tenantId: string,
    invoiceNumber: string,
    claimId: string,
    sent: SentMarker,
    message: MessageRecord,
  ): Promise<void>;
  alertMarker(tenantId: string, invoiceNumber: string, claimId: string): Promise<SentMarker | undefined>;
}
