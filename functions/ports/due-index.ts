/** Where the dispatcher finds the invoices whose next action has come (docs/DATA-MODEL.md, "The due index"). */
export type DueInvoice = { tenantId: string; invoiceNumber: string };

export interface DueIndex {
  /**
   * One page of a due shard: the invoices whose next action falls in [from, to] (ISO instants, both
   * included), in the order of their slots, going on after the index position `after`.
   */
  dueBetween(
    shard: string,
    range: { from: string; to: string },
    options?: { after?: Record<string, string>; limit?: number },
  ): Promise<{ invoices: DueInvoice[]; after?: Record<string, string> }>;
  /** The earliest next action of any invoice; undefined when nothing waits. */
  nextDueAt(): Promise<Date | undefined>;
}
