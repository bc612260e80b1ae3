/**
 * Local mode in process: the stack `npm start` runs (dynalite, the SES inbox, the HTTP API, the
 * clock driving the pipeline), through its HTTP routes. The child-process test (local-start.test.ts)
 * shows the same from the outside.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseSesNotifications } from "#events/ses-event.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { deliveryNotificationFor } from "../support/ses-notifications.ts";

let stack: LocalStack;

async function request(method: string, path: string, body?: unknown, key: string | null = stack.apiKey) {
  const response = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: JSON.parse(await response.text()) };
}

const advance = (move: { advance: string } | { to: string }) => request("POST", "/_local/clock", move, null);

beforeAll(async () => {
  // Monday 23 November 2026, 08:00 UTC: the clock stands still (speed 0) unless moved.
  stack = await startLocalStack({ start: new Date("2026-11-23T08:00:00Z"), speed: 0 });
  await stack.ses.clear();
});

afterAll(async () => stack?.close());

describe("local mode", () => {
  it("loads a demo seller whose key works, with invoices in eight languages", async () => {
    const list = await request("GET", "/v1/invoices");
    expect(list.status).toBe(200);
    expect(list.body.invoices).toHaveLength(8);
    const locales = new Set(
      list.body.invoices.map((view: { customer: { locale: string } }) => view.customer.locale),
    );
    expect(locales.size).toBe(8);
  });

  it("reads the clock, and refuses to move it backwards or by an unreadable amount", async () => {
    const clock = await request("GET", "/_local/clock", undefined, null);
    const back = await advance({ to: "2020-01-01T00:00:00Z" });
    const garbled = await advance({ advance: "two weeks" });

    expect(clock.body).toEqual({ now: "2026-11-23T08:00:00.000Z", speed: 0, paused: false });
    expect(back.status).toBe(422);
    expect(back.body.errors[0].path).toBe("to");
    expect(garbled.status).toBe(422);
    expect(garbled.body.errors[0].path).toBe("advance");
  });

  it("moves a dead-letter queue's messages back to its queue, and names a queue it does not know", async () => {
    // An SES event that failed every receive (for an email dun does not know: applying it changes nothing).
    const { events } = parseSesNotifications(
      deliveryNotificationFor("ses-unknown", "x@debtor.example", "c-1"),
    );
    stack.pipeline.events.deadLetters.push(...events);
    const moved = await request("POST", "/_local/redrive", { queue: "events" }, null);
    const unknown = await request("POST", "/_local/redrive", { queue: "tick" }, null);

    expect(moved.body).toEqual({ queue: "events", moved: 1 });
    expect(stack.pipeline.events.deadLetters).toEqual([]);
    expect(stack.pipeline.events.size).toBe(1);
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors[0].path).toBe("queue");
    await stack.pipeline.events.deliver(async () => true);
  });

  it("holds the dispatcher while paused, and sends nothing as time passes", async () => {
    await request("POST", "/_local/dispatch", { paused: true }, null);
    const moved = await advance({ advance: "1h" });
    await request("POST", "/_local/dispatch", { paused: false }, null);

    expect(moved.body).toMatchObject({ now: "2026-11-23T09:00:00.000Z", ticks: 0, emailsSent: 0 });
    expect(await stack.ses.store()).toEqual([]);
  });

  it("plays a fortnight of the ladder out when the clock is moved, each email in its debtor's language", async () => {
    const moved = await advance({ advance: "14d" });

    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe("2026-12-07T09:00:00.000Z");
    expect(moved.body.emailsSent).toBeGreaterThanOrEqual(10);
    const emails = await stack.ses.store();
    const byDebtor = (domain: string) => emails.filter((email) => email.destination.to[0]?.endsWith(domain));
    expect(byDebtor("fjordlys.example")[0]?.subject).toMatch(/^Betalingspåminnelse/);
    expect(byDebtor("brauhaus-elbe.example")[0]?.subject).toMatch(/fällig/);
    expect(byDebtor("delporto.example")[0]?.subject).toMatch(/^Sollecito/);
    expect(byDebtor("jarvenpaa.example")[0]?.subject).toMatch(/^Maksumuistutus/);
    expect(byDebtor("skargarden.example")[0]?.subject).toMatch(/förfaller/);
  });

  it("treats the mailbox simulator's bounce@ as a hard bounce: the invoice waits for a new address", async () => {
    const invoice = await request("GET", "/v1/invoices/DEMO-1008");
    expect(invoice.body.status).toBe("contact_failed");
    expect(invoice.body.timeline.map((event: { type: string }) => event.type)).toContain("contact_failed");
  });

  it("applies an SES event notification posted to it, as the events Lambda would", async () => {
    // Arrange: a real SNS notification of a complaint, aimed at the Fjordlys reminder that went out.
    const sent = (await stack.ses.store()).find(
      (email) => email.destination.to[0] === "faktura@fjordlys.example",
    );
    if (!sent) throw new Error("no reminder to Fjordlys");
    const record = JSON.parse(readFileSync("test/fixtures/ses-events/sns/complaint.json", "utf8"));
    const message = JSON.parse(record.Records[0].Sns.Message);
    message.mail.messageId = sent.messageId;
    message.mail.tags = { ...message.mail.tags, tenant: ["demo"], invoice: ["DEMO-1001"] };
    message.complaint.complainedRecipients = [{ emailAddress: "faktura@fjordlys.example" }];
    record.Records[0].Sns.Message = JSON.stringify(message);

    // Act
    const applied = await request("POST", "/_local/ses-events", record, null);

    // Assess
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({ applied: 1, failures: [] });
    expect(applied.body.outcomes).not.toContain("unknown_message");
    const invoice = await request("GET", "/v1/invoices/DEMO-1001");
    expect(invoice.body.timeline.map((event: { type: string }) => event.type)).toContain("contact_failed");
  });

  it("makes a key for a new tenant that sees only its own invoices", async () => {
    const created = await request("POST", "/_local/keys", { tenant: "second-shop" }, null);
    const list = await request("GET", "/v1/invoices", undefined, created.body.apiKey);

    expect(created.status).toBe(201);
    expect(created.body.tenantId).toBe("second-shop");
    expect(list.body.invoices).toEqual([]);
  });

  it("has no local routes but its own: an unknown one is a 404", async () => {
    expect((await request("GET", "/_local/nothing", undefined, null)).status).toBe(404);
  });
});
