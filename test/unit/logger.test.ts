/**
 * The handlers' logger writes no email address in clear, wherever in a line it is: the message,
 * a nested value, an array, an error's message and stack, an object's key. What it writes is taken
 * from where Powertools' Logger writes in Lambda: process.stdout (info) and process.stderr (error).
 */
import { afterEach, beforeEach, describe, expect, it, type MockInstance, vi } from "vitest";
import { redactEmails, redactingLogger } from "../../functions/handlers/logger.ts";

/** Anything shaped like local@domain.tld, however it was written. */
const ANY_ADDRESS = /[\p{L}\p{N}._%+-]+(?:@|%40)[\p{L}\p{N}-]+\.[\p{L}]{2,}/u;

let stdout: MockInstance;
let stderr: MockInstance;
beforeEach(() => {
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
  stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Each line the logger wrote, as written and parsed. */
function written(): { text: string; json: Record<string, unknown> }[] {
  return [...stdout.mock.calls, ...stderr.mock.calls].map(([chunk]) => {
    const text = String(chunk);
    return { text, json: JSON.parse(text) };
  });
}

describe("redactingLogger", () => {
  it("hides the local part of an address in the message and keeps the domain", () => {
    // Prepare
    const logger = redactingLogger("dun-test");

    // Act
    logger.info("bounce from kari.nordmann@fjordlys.example, reply to faktura@nordlys.example");

    // Assess
    const [line, ...others] = written();
    expect(others).toEqual([]);
    expect(line?.json.message).toBe("bounce from ***@fjordlys.example, reply to ***@nordlys.example");
    expect(line?.json.service).toBe("dun-test");
  });

  it("redacts addresses nested in objects and arrays, as an SES event carries them", () => {
    // Prepare
    const logger = redactingLogger("dun-events");
    const event = {
      type: "bounce",
      mail: {
        destination: ["faktura@fjordlys.example", "Kari Nordmann <kari@seller.example>"],
        commonHeaders: { from: ["dun <reminders@send.nordlys.example>"], to: ["faktura@fjordlys.example"] },
      },
      bounce: { bouncedRecipients: [{ emailAddress: "ola@gmail.com", diagnosticCode: "550 ola@gmail.com" }] },
    };

    // Act
    logger.warn("SES event for an email dun does not know", { ...event });

    // Assess
    const [line] = written();
    expect(line?.text).not.toMatch(ANY_ADDRESS);
    expect(line?.json.mail).toEqual({
      destination: ["***@fjordlys.example", "Kari Nordmann <***@seller.example>"],
      commonHeaders: { from: ["dun <***@send.nordlys.example>"], to: ["***@fjordlys.example"] },
    });
    expect(line?.json.bounce).toEqual({
      bouncedRecipients: [{ emailAddress: "***@gmail.com", diagnosticCode: "550 ***@gmail.com" }],
    });
  });

  it("redacts an error's message, its stack, its own fields and its cause", () => {
    // Prepare
    const logger = redactingLogger("dun-sender");
    const cause = new Error("Email address is not verified: kari@seller.example");
    const error = Object.assign(new Error("MessageRejected: faktura@fjordlys.example", { cause }), {
      recipient: "faktura@fjordlys.example",
    });

    // Act
    logger.error("request failed", { error });

    // Assess
    const [line] = written();
    expect(stderr).toHaveBeenCalledOnce();
    expect(line?.text).not.toMatch(ANY_ADDRESS);
    expect(line?.json.error).toMatchObject({
      name: "Error",
      message: "MessageRejected: ***@fjordlys.example",
      stack: expect.stringContaining("Error: MessageRejected: ***@fjordlys.example\n    at "),
      recipient: "***@fjordlys.example",
      cause: { message: "Email address is not verified: ***@seller.example" },
    });
  });

  it("redacts an error given as the extra argument, as Powertools files it under `error`", () => {
    // Prepare
    const logger = redactingLogger("dun-api");

    // Act
    logger.error("request failed", new TypeError("bad address jane@example.com"));

    // Assess
    const [line] = written();
    expect(line?.text).not.toMatch(ANY_ADDRESS);
    expect(line?.json.error).toMatchObject({ name: "TypeError", message: "bad address ***@example.com" });
  });

  it("redacts addresses used as keys, also in an object that refers to itself", () => {
    // Prepare
    const logger = redactingLogger("dun-events");
    const suppressed: Record<string, unknown> = { "ola@gmail.com": "bounce", count: 1 };
    suppressed.self = suppressed;

    // Act
    logger.info("suppressed", { suppressed });

    // Assess
    const [line] = written();
    expect(line?.text).not.toMatch(ANY_ADDRESS);
    expect(line?.json.suppressed).toEqual({ "***@gmail.com": "bounce", count: 1 });
  });

  it("keeps a line without an address exactly as Powertools writes it", () => {
    // Prepare
    const logger = redactingLogger("dun-dispatcher");

    // Act
    logger.info("dispatched", {
      due: 3,
      pages: 1,
      packages: ["zod@4.1.12", "node_modules/@aws-sdk/client-ses"],
    });

    // Assess
    const [line] = written();
    expect(line?.json).toMatchObject({
      message: "dispatched",
      due: 3,
      pages: 1,
      packages: ["zod@4.1.12", "node_modules/@aws-sdk/client-ses"],
    });
  });
});

describe("redactEmails", () => {
  it.each([
    ["jane.doe+invoices@example.com", "***@example.com"],
    ["<JANE@Example.COM>", "<***@Example.COM>"],
    ["mailto:jane@example.com?subject=x", "mailto:***@example.com?subject=x"],
    ["jörg.müller@bücher.de", "***@bücher.de"],
    ['"jane doe"@example.com', "***@example.com"],
    ["https://pay.example/?who=jane%40example.com", "https:***@example.com"],
    ["sent to a@b.co.uk.", "sent to ***@b.co.uk."],
    ['{"to":["jane@example.com","ola@example.no"]}', '{"to":["***@example.com","***@example.no"]}'],
    ["no address @ all, zod@4.1.12", "no address @ all, zod@4.1.12"],
  ])("%s → %s", (text, redacted) => {
    expect(redactEmails(text)).toBe(redacted);
  });

  it("stays linear on a long run of address characters before an @", () => {
    // Prepare: 200 000 characters that could all be a local part, then an @ with no domain after it.
    const text = `${"a".repeat(200_000)}@ and then jane@example.com`;

    // Act
    const redacted = redactEmails(text);

    // Assess: a quadratic scan of this would run far past the test's timeout.
    expect(redacted.endsWith("@ and then ***@example.com")).toBe(true);
  });
});
