/**
 * The addresses a tenant must never email again are one item each, apart from the tenant item: a
 * tenant with tens of thousands of them reads as fast as one with none, the sender learns which
 * of an invoice's addresses are suppressed in the same request as the tenant, and a tenant item
 * that still holds the older string set of addresses has them honoured.
 */
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AttributeValue, itemSize } from "#adapters/dynamo/item-size.ts";
import { suppressionKey, tenantKey } from "#adapters/dynamo/keys.ts";
import { BATCH_WRITE_LIMIT, chunks, inParallel } from "#adapters/dynamo/writes.ts";
import { processDueInvoice } from "#sending/process-due-invoice.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

/** The reminder for invoice 2026-1001 (due 16 November) is due on Monday 23 November at 09:00 Oslo time. */
const REMINDER_DUE = new Date("2026-11-23T08:00:00Z");
const KEPT = "faktura@fjordlys.example";
const GONE = "old-inbox@fjordlys.example";

let pipeline: Pipeline;
beforeEach(async () => {
  pipeline = await startPipeline({ start: new Date("2026-11-17T08:00:00Z") });
  await pipeline.addTenant();
  await pipeline.addInvoice(
    anInvoiceInput({ customer: { ...anInvoiceInput().customer, email: [GONE, KEPT] } }),
  );
});
afterEach(async () => pipeline?.close());

async function tenantItemBytes(): Promise<number> {
  const key = tenantKey("nordlys");
  const { Item } = await pipeline.dynamo.client.send(
    new GetItemCommand({
      TableName: pipeline.dynamo.tableName,
      Key: { pk: { S: key.pk }, sk: { S: key.sk } },
    }),
  );
  return Item ? itemSize(Item as Record<string, AttributeValue>) : 0;
}

const reminder = () =>
  processDueInvoice(pipeline.deps, { tenantId: "nordlys", invoiceNumber: "2026-1001" }, REMINDER_DUE);

describe("a tenant's suppressed addresses", () => {
  it("are 20 000 items beside a tenant item that stays small, and the sender skips the one on the invoice", async () => {
    // Prepare: 20 000 addresses written as the tenant table writes them (in batches, to be quick),
    // and the invoice's first address suppressed as a bounce would.
    const many = Array.from({ length: 20_000 }, (_, i) =>
      suppressionKey("nordlys", `bounced-${i}@example.com`),
    );
    await inParallel(chunks(many, BATCH_WRITE_LIMIT), 8, (batch) =>
      pipeline.dynamo.documents.send(
        new BatchWriteCommand({
          RequestItems: { [pipeline.dynamo.tableName]: batch.map((Item) => ({ PutRequest: { Item } })) },
        }),
      ),
    );
    const before = await tenantItemBytes();
    await pipeline.tenants.suppress("nordlys", "Old-Inbox@Fjordlys.example");

    // Act
    const outcome = await reminder();

    // Assess: the reminder went to the address left (and the account manager's note to the
    // manager), and the tenant item did not grow.
    expect(outcome).toMatchObject({ outcome: "sent" });
    const sent = await pipeline.ses.store();
    expect(sent.map((email) => email.destination.to)).toContainEqual([KEPT]);
    expect(sent.flatMap((email) => email.destination.to)).not.toContain(GONE);
    expect(await tenantItemBytes()).toBe(before);
    expect(before).toBeLessThan(4 * 1024);
    const tenant = await pipeline.tenants.get("nordlys", [GONE, KEPT, "bounced-19999@example.com"]);
    expect(tenant?.suppressed).toEqual(new Set([GONE, "bounced-19999@example.com"]));
    expect(await pipeline.tenants.listSuppressed("nordlys")).toHaveLength(20_001);
  }, 120_000);

  it("are still read from the set on a tenant item written before they had items of their own", async () => {
    // Prepare: the older shape, a string set on the tenant item, with both of the invoice's addresses.
    await pipeline.dynamo.documents.send(
      new UpdateCommand({
        TableName: pipeline.dynamo.tableName,
        Key: tenantKey("nordlys"),
        UpdateExpression: "ADD suppressed :emails",
        ExpressionAttributeValues: { ":emails": new Set([GONE, KEPT]) },
      }),
    );

    // Act
    const outcome = await reminder();

    // Assess: nobody emailed, the invoice waits for a new address, and the list names both.
    expect(outcome).toEqual({ outcome: "rescheduled", next: undefined });
    expect(await pipeline.ses.store()).toEqual([]);
    expect((await pipeline.invoices.get("nordlys", "2026-1001"))?.invoice.status).toBe("contact_failed");
    expect(await pipeline.tenants.listSuppressed("nordlys")).toEqual([KEPT, GONE].sort());
  });
});
