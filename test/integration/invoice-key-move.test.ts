/**
 * `dun migrate invoice-keys` on dynalite: invoice items stored under the keys dun had before the
 * list index move to their own partitions with their list entries, keep everything beside them and
 * their timelines, are listed and dispatched again; a second run moves nothing, and an invoice whose
 * new key another item holds is left where it was and named.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invoiceDocument, timelineStep } from "#adapters/dynamo/invoice-item.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { dueShardOf, invoiceKey } from "#adapters/dynamo/keys.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import { runDun } from "../support/cli.ts";
import { anInvoice } from "../support/invoices.ts";

let dynamo: LocalDynamo;
let dir: string;

/** An invoice item as dun stored it before: in its tenant's partition, on the due index. */
async function putOldStyle(tenantId: string, invoiceNumber: string, version: number): Promise<void> {
  const invoice = { ...anInvoice({ invoiceNumber }, tenantId), version };
  await dynamo.documents.send(
    new PutCommand({
      TableName: dynamo.tableName,
      Item: {
        pk: `TENANT#${tenantId}`,
        sk: `INVOICE#${invoiceNumber}`,
        invoice: invoiceDocument(invoice),
        version,
        requests: {},
        nextActionAt: "2026-11-16T08:00:00.000Z",
        dueShard: dueShardOf(tenantId, invoiceNumber),
      },
    }),
  );
  await dynamo.documents.send(
    new PutCommand({
      TableName: dynamo.tableName,
      Item: timelineStep(invoice, [
        { type: "created", at: invoice.createdAt, amount: invoice.amount, amountPaid: 0 },
      ]),
    }),
  );
}

function migrate() {
  return runDun(["migrate", "invoice-keys", "--json"], {
    cwd: dir,
    env: {
      TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    },
  });
}

beforeAll(async () => {
  dynamo = await startDynalite();
  dir = await mkdtemp(path.join(tmpdir(), "dun-migrate-"));
});

afterAll(async () => dynamo?.close());

describe("moving invoice items to their own partitions", () => {
  it("moves every invoice with what is kept beside it, lists and dispatches it, and moves nothing twice", async () => {
    // Prepare
    await putOldStyle("t#1", "M-2", 3);
    await putOldStyle("t#1", "M-1", 1);
    await putOldStyle("other", "M-1", 0);
    const invoices = table();

    // Act
    const first = await migrate();
    const second = await migrate();

    // Assess
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({ moved: 3, taken: [] });
    expect(JSON.parse(second.stdout)).toEqual({ moved: 0, taken: [] });
    const page = await invoices.page("t#1", { limit: 10 });
    expect(page.invoices.map((stored) => [stored.invoice.invoiceNumber, stored.invoice.version])).toEqual([
      ["M-1", 1],
      ["M-2", 3],
    ]);
    expect(page.invoices[0]?.slot).toBe("2026-11-16T08:00:00.000Z");
    expect(await invoices.timeline("t#1", "M-2")).toMatchObject([{ type: "created" }]);
    const due = await invoices.dueBetween(dueShardOf("t#1", "M-2"), {
      from: "2026-11-16T00:00:00.000Z",
      to: "2026-11-17T00:00:00.000Z",
    });
    expect(due.invoices).toContainEqual({ tenantId: "t#1", invoiceNumber: "M-2" });
    const old = await dynamo.documents.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: "TENANT#t#1", sk: "INVOICE#M-2" } }),
    );
    expect(old.Item).toBeUndefined();
    expect((await invoices.page("other", { limit: 10 })).invoices).toHaveLength(1);
  });

  it("leaves an invoice whose new key is taken where it was, and names it", async () => {
    // Prepare: M-9 uploaded anew under the new key before the move.
    await putOldStyle("late", "M-9", 2);
    await table().create({ ...anInvoice({ invoiceNumber: "M-9" }, "late"), version: 0 }, [], undefined);

    // Act
    const moved = await migrate();

    // Assess
    expect(JSON.parse(moved.stdout)).toEqual({ moved: 0, taken: ["late/M-9"] });
    const kept = await dynamo.documents.send(
      new GetCommand({ TableName: dynamo.tableName, Key: { pk: "TENANT#late", sk: "INVOICE#M-9" } }),
    );
    expect(kept.Item?.version).toBe(2);
    expect((await table().get("late", "M-9"))?.invoice.version).toBe(0);
    expect(invoiceKey("late", "M-9")).toEqual({ pk: "TENANT#late#INVOICE#M-9", sk: "INVOICE" });
  });
});

const table = () => invoiceTable(dynamo.documents, dynamo.tableName);
