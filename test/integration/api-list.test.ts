/**
 * GET /v1/invoices over the real DynamoDB API (dynalite): the list index's shards merged in
 * invoice-number order, filters applied as the store reads, so that every page is full or the last
 * and a cursor is given only when another invoice follows; and one tenant's list never shows
 * another's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LIST_SHARDS, listShardOf } from "#adapters/dynamo/keys.ts";
import { type Api, startApi } from "../support/api.ts";
import { anInvoiceInput } from "../support/invoices.ts";

const NOW = new Date("2026-11-20T10:00:00Z");
/** Invoice numbers L-0000 … L-0249: DynamoDB's order and the list's are the same. */
const NUMBERS = Array.from({ length: 250 }, (_, i) => `L-${String(i).padStart(4, "0")}`);
/** The seven of them that are overdue, then disputed. */
const PICKED = ["L-0003", "L-0041", "L-0042", "L-0118", "L-0177", "L-0200", "L-0249"];

let api: Api<"a" | "b">;

type Page = { numbers: string[]; nextCursor?: string };

async function listPage(query: string, who: "a" | "b" = "a"): Promise<Page> {
  const answer = await api.call("GET", `/v1/invoices?${query}`, { who });
  expect(answer.status).toBe(200);
  return {
    numbers: answer.body.invoices.map((view: { invoiceNumber: string }) => view.invoiceNumber),
    nextCursor: answer.body.nextCursor,
  };
}

/** Every page of a query, following nextCursor to the end. */
async function allPages(query: string, who: "a" | "b" = "a"): Promise<Page[]> {
  const pages: Page[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPage(`${query}${cursor ? `&cursor=${cursor}` : ""}`, who);
    pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  return pages;
}

async function uploadAll(who: "a" | "b", invoices: ReturnType<typeof anInvoiceInput>[]) {
  const answer = await api.call("POST", "/v1/invoices", { who, body: invoices });
  expect(answer.status).toBe(200);
  expect(answer.body.summary.rejected).toBe(0);
}

beforeAll(async () => {
  api = await startApi({ now: NOW, tenants: ["a", "b"] });
  // Tenant a: 250 invoices, only PICKED past due (on 2026-11-16; today is 2026-11-20).
  await uploadAll(
    "a",
    NUMBERS.map((invoiceNumber) =>
      anInvoiceInput({
        invoiceNumber,
        dueDate: PICKED.includes(invoiceNumber) ? "2026-11-16" : "2026-12-15",
      }),
    ),
  );
  // Tenant b: some of the same numbers, and its own.
  await uploadAll("b", [
    anInvoiceInput({ invoiceNumber: "L-0003" }),
    anInvoiceInput({ invoiceNumber: "L-0100", dueDate: "2026-12-15" }),
    anInvoiceInput({ invoiceNumber: "M-0001" }),
  ]);
}, 120_000);

afterAll(async () => api?.close());

describe("listing a tenant's invoices", () => {
  it("spreads them over the list index's shards", () => {
    const shards = new Set(NUMBERS.map((number) => listShardOf("tenant-a", number)));
    expect(shards.size).toBe(LIST_SHARDS);
  });

  it("pages through all of them in invoice-number order across the shards, every page full but the last", async () => {
    // Act
    const pages = await allPages("limit=7");

    // Assess
    expect(pages.flatMap((page) => page.numbers)).toEqual(NUMBERS);
    expect(pages.map((page) => page.numbers.length)).toEqual([...Array(35).fill(7), 5]);
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it("gives no cursor after a page that ends exactly at the last invoice", async () => {
    const pages = await allPages("limit=50");
    expect(pages.map((page) => page.numbers.length)).toEqual([50, 50, 50, 50, 50]);
    expect(pages.at(-1)?.nextCursor).toBeUndefined();
  });

  it("filters overdue ones as it reads: 7 of 250 come in a page of 5 and one of 2, with no empty page", async () => {
    // Act
    const overdue = await allPages("overdue=true&limit=5");
    const current = await allPages("overdue=false&limit=100");

    // Assess
    expect(overdue.map((page) => page.numbers)).toEqual([PICKED.slice(0, 5), PICKED.slice(5)]);
    expect(overdue[0]?.nextCursor).toBeDefined();
    expect(overdue[1]?.nextCursor).toBeUndefined();
    expect(current.map((page) => page.numbers.length)).toEqual([100, 100, 43]);
    expect(current.flatMap((page) => page.numbers)).toEqual(NUMBERS.filter((n) => !PICKED.includes(n)));
  });

  it("lists an invoice under its state once a change moves it, and under overdue only while it is owed", async () => {
    // Prepare: every picked invoice disputed, then one of them paid in full.
    for (const number of PICKED) {
      const disputed = await api.call("POST", `/v1/invoices/${number}/dispute`, {
        body: { reason: "the goods never arrived" },
      });
      expect(disputed.status).toBe(200);
    }
    const resolved = await api.call("POST", "/v1/invoices/L-0042/resolve-dispute", { body: {} });
    expect(resolved.status).toBe(200);
    const paid = await api.call("POST", "/v1/invoices/L-0042/payments", { body: { amount: "12500.00" } });
    expect(paid.body.status).toBe("paid");

    // Act
    const disputed = await allPages("status=disputed&limit=5");
    const disputedOverdue = await allPages("status=disputed&overdue=true&limit=3");
    const paidOverdue = await allPages("status=paid&overdue=true");
    const paidOnes = await allPages("status=paid&overdue=false");
    const none = await allPages("status=collection&limit=5");

    // Assess
    const stillDisputed = PICKED.filter((number) => number !== "L-0042");
    expect(disputed.map((page) => page.numbers)).toEqual([stillDisputed.slice(0, 5), stillDisputed.slice(5)]);
    expect(disputedOverdue.map((page) => page.numbers)).toEqual([
      stillDisputed.slice(0, 3),
      stillDisputed.slice(3, 6),
    ]);
    expect(disputedOverdue.at(-1)?.nextCursor).toBeUndefined();
    expect(paidOverdue).toEqual([{ numbers: [], nextCursor: undefined }]);
    expect(paidOnes).toEqual([{ numbers: ["L-0042"], nextCursor: undefined }]);
    expect(none).toEqual([{ numbers: [], nextCursor: undefined }]);
  });

  it("never shows one tenant's invoices to another, whatever cursor it sends", async () => {
    // Prepare: a cursor tenant a was given.
    const [first] = await allPages("limit=10");

    // Act
    const own = await allPages("limit=2", "b");
    const withCursorOfA = await listPage(`limit=10&cursor=${first?.nextCursor}`, "b");
    const overdueOfB = await allPages("overdue=true", "b");

    // Assess
    expect(own.flatMap((page) => page.numbers)).toEqual(["L-0003", "L-0100", "M-0001"]);
    expect(withCursorOfA).toEqual({ numbers: ["L-0100", "M-0001"], nextCursor: undefined });
    expect(overdueOfB.flatMap((page) => page.numbers)).toEqual(["L-0003", "M-0001"]);
  });

  it("refuses a cursor it did not give out, naming the field", async () => {
    const answer = await api.call("GET", "/v1/invoices?status=open&cursor=L-0001%23");
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([{ path: "cursor", message: expect.any(String) }]);
  });
});
