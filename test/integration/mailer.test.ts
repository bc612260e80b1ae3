import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  AccountSendingPausedException,
  ConfigurationSetDoesNotExistException,
  MailFromDomainNotVerifiedException,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
} from "@aws-sdk/client-ses";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type OutgoingEmail, type SendFailure, sesMailer } from "#adapters/ses/mailer.ts";
import { type SesSendEvent, withLocalSendEvents } from "#adapters/ses/send-events.ts";
import { decodeTagValue, encodeTagValue } from "#adapters/ses/tag-values.ts";
import { type LocalSes, startLocalSes } from "#local/local-ses.ts";
import {
  injectSesErrors,
  SES_REFUSALS,
  type SesRefusal,
  type SesRefusalName,
  sesErrorDocument,
} from "../support/ses-errors.ts";

const EMAIL: OutgoingEmail = {
  from: "Nordlys Regnskap Tromsø <dun@send.nordlys.example>",
  to: ["faktura@fjordlys.example"],
  cc: ["kari@seller.example"],
  replyTo: "faktura@nordlys.example",
  subject: "Påminnelse: faktura 2026/1001 – 1 234,50 kr",
  html: "<p>Hei Fjordlys AS,</p><p>Vi har ikke mottatt betaling for faktura 2026/1001.</p>",
  text: "Hei Fjordlys AS,\n\nVi har ikke mottatt betaling for faktura 2026/1001.",
  tags: {
    tenant: encodeTagValue("nordlys"),
    invoice: encodeTagValue("2026/1001"),
    step: "reminder_1",
    claim: "3f0c6a2e-5b1d-4c36-9a57-0d3f4be1c001",
  },
  readReceiptTo: "faktura@nordlys.example",
  headers: { "X-Dun-Claim": "3f0c6a2e-5b1d-4c36-9a57-0d3f4be1c001" },
};

function clientAt(
  endpoint: string,
  extra: Partial<ConstructorParameters<typeof SESClient>[0]> = {},
): SESClient {
  return new SESClient({
    endpoint,
    region: "eu-north-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
    maxAttempts: 1,
    ...extra,
  });
}

/** An HTTP server on a free port, and its address. */
async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function shut(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A port nothing listens on any more. */
async function closedEndpoint(): Promise<string> {
  const server = createServer();
  const endpoint = await listen(server);
  await shut(server);
  return endpoint;
}

describe("sesMailer against the SES API (aws-ses-v2-local)", () => {
  let ses: LocalSes;

  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => ses?.close());
  beforeEach(async () => ses.clear());

  it("sends an email SES takes, to the right people, with its reply-to, subject and both bodies", async () => {
    // Prepare
    const mailer = sesMailer(ses.client, { configurationSet: "dun" });

    // Act
    const sent = await mailer.send(EMAIL);

    // Assess
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.value.messageId : "";
    const [stored, ...others] = await ses.store();
    expect(others).toEqual([]);
    expect(stored).toMatchObject({
      messageId,
      from: '"Nordlys Regnskap Tromsø" <dun@send.nordlys.example>',
      replyTo: ["faktura@nordlys.example"],
      destination: { to: ["faktura@fjordlys.example"], cc: ["kari@seller.example"], bcc: [] },
      subject: "Påminnelse: faktura 2026/1001 – 1 234,50 kr",
      body: { text: EMAIL.text, html: EMAIL.html },
    });
  });

  it("sends to several people in one email", async () => {
    // Prepare
    const mailer = sesMailer(ses.client, { configurationSet: "dun" });

    // Act
    await mailer.send({ ...EMAIL, to: ["faktura@fjordlys.example", "regnskap@fjordlys.example"], cc: [] });

    // Assess
    const [stored] = await ses.store();
    expect(stored?.destination).toEqual({
      to: ["faktura@fjordlys.example", "regnskap@fjordlys.example"],
      cc: [],
      bcc: [],
    });
  });

  describe("withLocalSendEvents", () => {
    it("publishes one Send event per email SES accepted, as SES documents it, on the given clock", async () => {
      // Prepare
      const events: SesSendEvent[] = [];
      const clock = { now: new Date("2026-11-23T09:00:00.000Z") };
      const client = withLocalSendEvents(clientAt(ses.endpoint), (event) => void events.push(event), {
        now: () => clock.now,
      });
      const mailer = sesMailer(client, { configurationSet: "dun" });

      // Act
      const first = await mailer.send(EMAIL);
      clock.now = new Date("2026-11-23T12:00:00.000Z");
      const second = await mailer.send({
        ...EMAIL,
        tags: { ...EMAIL.tags, invoice: encodeTagValue("2026/1002") },
      });

      // Assess
      const messageIds = [first, second].map((sent) => (sent.ok ? sent.value.messageId : "failed"));
      expect(events.map((event) => event.mail.messageId)).toEqual(messageIds);
      expect(events.map((event) => event.mail.timestamp)).toEqual([
        "2026-11-23T09:00:00.000Z",
        "2026-11-23T12:00:00.000Z",
      ]);
      expect(events.map((event) => decodeTagValue(event.mail.tags.invoice?.[0] ?? ""))).toEqual([
        "2026/1001",
        "2026/1002",
      ]);
      expect(events[0]).toMatchObject({
        eventType: "Send",
        mail: {
          source: "Nordlys Regnskap Tromsø <dun@send.nordlys.example>",
          sourceArn: "arn:aws:ses:eu-north-1:000000000000:identity/send.nordlys.example",
          sendingAccountId: "000000000000",
          destination: ["faktura@fjordlys.example", "kari@seller.example"],
          headersTruncated: false,
          commonHeaders: {
            from: ["Nordlys Regnskap Tromsø <dun@send.nordlys.example>"],
            replyTo: ["faktura@nordlys.example"],
            to: ["faktura@fjordlys.example"],
            cc: ["kari@seller.example"],
            messageId: messageIds[0],
            subject: "Påminnelse: faktura 2026/1001 – 1 234,50 kr",
          },
          tags: {
            "ses:configuration-set": ["dun"],
            "ses:from-domain": ["send.nordlys.example"],
            tenant: ["nordlys"],
            invoice: ["2026_2F1001"],
            step: ["reminder_1"],
            claim: ["3f0c6a2e-5b1d-4c36-9a57-0d3f4be1c001"],
          },
        },
        send: {},
      });
      expect(events[0]?.mail.headers).toContainEqual({
        name: "X-Dun-Claim",
        value: EMAIL.headers?.["X-Dun-Claim"],
      });
    });

    it("publishes nothing for an email SES never got", async () => {
      // Prepare
      const events: SesSendEvent[] = [];
      const client = withLocalSendEvents(
        clientAt(await closedEndpoint()),
        (event) => void events.push(event),
      );
      const mailer = sesMailer(client, { configurationSet: "dun" });

      // Act
      const sent = await mailer.send(EMAIL);

      // Assess
      expect(sent.ok).toBe(false);
      expect(events).toEqual([]);
    });
  });

  describe("what SES's own refusals mean (injectSesErrors: SES's answers through the SDK's deserializer)", () => {
    // Every refusal of the catalog, and what it means for the invoice: one added there must be
    // placed here.
    const expected = {
      accountSendingPaused: { scope: "account", outcome: "not_sent", code: "AccountSendingPausedException" },
      configurationSetSendingPaused: {
        scope: "account",
        outcome: "not_sent",
        code: "ConfigurationSetSendingPausedException",
      },
      configurationSetDoesNotExist: {
        scope: "account",
        outcome: "not_sent",
        code: "ConfigurationSetDoesNotExistException",
      },
      mailFromNotVerified: {
        scope: "account",
        outcome: "not_sent",
        code: "MailFromDomainNotVerifiedException",
      },
      mailFromNotVerifiedAsDocumented: {
        scope: "account",
        outcome: "not_sent",
        code: "MailFromDomainNotVerified",
      },
      senderNotVerified: { scope: "account", outcome: "not_sent", code: "MessageRejected" },
      sandboxRecipientNotVerified: { scope: "account", outcome: "not_sent", code: "MessageRejected" },
      accountPausedBySes: { scope: "account", outcome: "not_sent", code: "MessageRejected" },
      accountSuspendedBySes: { scope: "account", outcome: "not_sent", code: "MessageRejected" },
      illegalAddress: { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
      missingDomain: { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
      whitespaceInAddress: { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
      messageTooLong: { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
      headerSectionTooLong: { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
      addressBlacklisted: { scope: "message", outcome: "not_sent", code: "MessageRejected" },
      throttlingRate: { scope: "rate", outcome: "not_sent", code: "Throttling" },
      dailyQuotaExceeded: { scope: "quota", outcome: "not_sent", code: "Throttling" },
      accessDenied: { scope: "account", outcome: "not_sent", code: "AccessDenied" },
      invalidClientTokenId: { scope: "account", outcome: "not_sent", code: "InvalidClientTokenId" },
      expiredToken: { scope: "transient", outcome: "not_sent", code: "ExpiredToken" },
      requestExpired: { scope: "transient", outcome: "not_sent", code: "RequestExpired" },
      internalFailure: { scope: "transient", outcome: "unknown", code: "InternalFailure" },
      serviceUnavailable: { scope: "transient", outcome: "unknown", code: "ServiceUnavailable" },
    } as const satisfies Record<SesRefusalName, Omit<SendFailure, "message">>;

    const refusing = (refusal: SesRefusal) => injectSesErrors(clientAt(ses.endpoint), () => refusal);

    it.each(Object.entries(expected))("classifies SES's %s as SES sends it", async (name, failure) => {
      // Prepare
      const refusal: SesRefusal = SES_REFUSALS[name as SesRefusalName];
      const mailer = sesMailer(refusing(refusal), { configurationSet: "dun" });

      // Act
      const sent = await mailer.send(EMAIL);

      // Assess
      expect(sent).toEqual({ ok: false, error: { ...failure, message: expect.any(String) } });
      expect(sent.ok ? "" : sent.error.message).toBe(`${failure.code}: ${refusal.message}`);
      expect(await ses.store()).toEqual([]);
    });

    it("publishes no Send event for an email SES refused", async () => {
      // Prepare
      const events: SesSendEvent[] = [];
      const client = withLocalSendEvents(
        refusing(SES_REFUSALS.accountSendingPaused),
        (event) => void events.push(event),
      );

      // Act
      const sent = await sesMailer(client, { configurationSet: "dun" }).send(EMAIL);

      // Assess
      expect(sent).toMatchObject({ ok: false, error: { scope: "account" } });
      expect(events).toEqual([]);
    });

    it.each<[string, SesRefusal, Omit<SendFailure, "message">]>([
      [
        "a 4xx code nobody has seen yet",
        { status: 400, code: "SendingBlockedForReasonsException", message: "Something new." },
        { scope: "account", outcome: "not_sent", code: "SendingBlockedForReasonsException" },
      ],
      [
        "a MessageRejected whose words say nothing known",
        { status: 400, code: "MessageRejected", message: "Message rejected for a new reason." },
        { scope: "account", outcome: "not_sent", code: "MessageRejected" },
      ],
      [
        "an InvalidParameterValue that is not about the email",
        { status: 400, code: "InvalidParameterValue", message: "Invalid tag name <dun>: unknown tag." },
        { scope: "account", outcome: "not_sent", code: "InvalidParameterValue" },
      ],
      [
        "a 5xx nobody has seen yet",
        { status: 502, code: "BadGateway", message: "Bad gateway." },
        { scope: "transient", outcome: "unknown", code: "BadGateway" },
      ],
    ])("keeps the invoice safe from %s", async (_, refusal, failure) => {
      // Prepare
      const mailer = sesMailer(refusing(refusal), { configurationSet: "dun" });

      // Act
      const sent = await mailer.send(EMAIL);

      // Assess
      expect(sent).toMatchObject({ ok: false, error: failure });
    });
  });
});

describe("sesMailer's failures on the wire", () => {
  it("reports a refused connection as transient and certainly not sent", async () => {
    // Prepare
    const mailer = sesMailer(clientAt(await closedEndpoint()), { configurationSet: "dun" });

    // Act
    const sent = await mailer.send(EMAIL);

    // Assess
    expect(sent).toMatchObject({
      ok: false,
      error: { scope: "transient", outcome: "not_sent", code: "ECONNREFUSED" },
    });
    expect(sent.ok ? "" : sent.error.message).toContain("ECONNREFUSED");
  });

  it("reports a request SES took but never answered as transient with an unknown outcome", async () => {
    // Prepare: a server that reads the whole request and says nothing.
    const silent = createServer((request) => request.resume());
    const mailer = sesMailer(
      clientAt(await listen(silent), {
        requestHandler: { requestTimeout: 200, throwOnRequestTimeout: true },
      }),
      {
        configurationSet: "dun",
      },
    );

    // Act
    const sent = await mailer.send(EMAIL);
    await shut(silent);

    // Assess
    expect(sent).toMatchObject({ ok: false, error: { scope: "transient", outcome: "unknown" } });
  });

  // The same documents as injectSesErrors answers with, here over a real socket and Node's HTTP handler.
  it.each<[SesRefusalName, Omit<SendFailure, "message">]>([
    ["throttlingRate", { scope: "rate", outcome: "not_sent", code: "Throttling" }],
    [
      "accountSendingPaused",
      { scope: "account", outcome: "not_sent", code: "AccountSendingPausedException" },
    ],
    ["illegalAddress", { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" }],
    ["serviceUnavailable", { scope: "transient", outcome: "unknown", code: "ServiceUnavailable" }],
  ])("reads SES's %s from an HTTP answer as the SDK parses it", async (name, failure) => {
    // Prepare: SES's query-protocol error document.
    const refusal = SES_REFUSALS[name];
    const fakeSes = createServer((request, response) => {
      request.resume();
      request.on("end", () => {
        response.writeHead(refusal.status, { "content-type": "text/xml", "x-amzn-requestid": "r-1" });
        response.end(sesErrorDocument(refusal, "r-1"));
      });
    });
    const mailer = sesMailer(clientAt(await listen(fakeSes)), { configurationSet: "dun" });

    // Act
    const sent = await mailer.send(EMAIL);
    await shut(fakeSes);

    // Assess
    expect(sent).toMatchObject({ ok: false, error: failure });
  });
});

describe("sesMailer's SendRawEmail call (aws-sdk-client-mock)", () => {
  const serviceError = (name: string, status: number, message: string) =>
    new SESServiceException({
      name,
      $fault: status < 500 ? "client" : "server",
      message,
      $metadata: { httpStatusCode: status },
    });
  const metadata = { $metadata: { httpStatusCode: 400 } };
  const failures: [string, unknown, Omit<SendFailure, "message">][] = [
    [
      "Throttling",
      serviceError("Throttling", 400, "Maximum sending rate exceeded."),
      { scope: "rate", outcome: "not_sent", code: "Throttling" },
    ],
    [
      "the daily quota",
      serviceError("Throttling", 400, "Daily message quota exceeded."),
      { scope: "quota", outcome: "not_sent", code: "Throttling" },
    ],
    [
      "MessageRejected",
      new MessageRejected({ message: "Email address is not verified.", ...metadata }),
      { scope: "account", outcome: "not_sent", code: "MessageRejected" },
    ],
    [
      "MailFromDomainNotVerified",
      new MailFromDomainNotVerifiedException({ message: "MX not found", ...metadata }),
      { scope: "account", outcome: "not_sent", code: "MailFromDomainNotVerifiedException" },
    ],
    [
      "ConfigurationSetDoesNotExist",
      new ConfigurationSetDoesNotExistException({ message: "no dun", ...metadata }),
      { scope: "account", outcome: "not_sent", code: "ConfigurationSetDoesNotExistException" },
    ],
    [
      "AccountSendingPaused",
      new AccountSendingPausedException({ message: "paused", ...metadata }),
      { scope: "account", outcome: "not_sent", code: "AccountSendingPausedException" },
    ],
    [
      "InvalidParameterValue",
      serviceError("InvalidParameterValue", 400, "Illegal address"),
      { scope: "message", outcome: "not_sent", code: "InvalidParameterValue" },
    ],
    [
      "ExpiredToken",
      serviceError("ExpiredToken", 400, "The security token included in the request is expired"),
      { scope: "transient", outcome: "not_sent", code: "ExpiredToken" },
    ],
    [
      "InternalFailure (500)",
      serviceError("InternalFailure", 500, "Internal failure"),
      { scope: "transient", outcome: "unknown", code: "InternalFailure" },
    ],
    [
      "ServiceUnavailable (503)",
      serviceError("ServiceUnavailable", 503, "Service unavailable"),
      { scope: "transient", outcome: "unknown", code: "ServiceUnavailable" },
    ],
    [
      "ECONNREFUSED",
      Object.assign(new Error("connect ECONNREFUSED 52.94.0.1:443"), {
        code: "ECONNREFUSED",
        syscall: "connect",
      }),
      { scope: "transient", outcome: "not_sent", code: "ECONNREFUSED" },
    ],
    [
      "a DNS failure",
      Object.assign(new Error("getaddrinfo ENOTFOUND email.eu-north-1.amazonaws.com"), {
        code: "ENOTFOUND",
        syscall: "getaddrinfo",
      }),
      { scope: "transient", outcome: "not_sent", code: "ENOTFOUND" },
    ],
    [
      "a connection timeout",
      Object.assign(
        new Error(
          "@smithy/node-http-handler - the request socket did not establish a connection with the server within the configured timeout of 1000 ms.",
        ),
        { name: "TimeoutError" },
      ),
      { scope: "transient", outcome: "not_sent", code: "TimeoutError" },
    ],
    [
      "a request timeout",
      Object.assign(
        new Error(
          "@smithy/node-http-handler - [ERROR] a request has exceeded the configured 5000 ms requestTimeout.",
        ),
        { name: "TimeoutError", code: "ETIMEDOUT" },
      ),
      { scope: "transient", outcome: "unknown", code: "ETIMEDOUT" },
    ],
    [
      "ECONNRESET",
      Object.assign(new Error("read ECONNRESET"), {
        name: "TimeoutError",
        code: "ECONNRESET",
        syscall: "read",
      }),
      { scope: "transient", outcome: "unknown", code: "ECONNRESET" },
    ],
    [
      "an abort",
      Object.assign(new Error("Request aborted"), { name: "AbortError" }),
      { scope: "transient", outcome: "unknown", code: "AbortError" },
    ],
    [
      "ThrottlingException (a name other SDKs use)",
      serviceError("ThrottlingException", 400, "Rate exceeded"),
      { scope: "rate", outcome: "not_sent", code: "ThrottlingException" },
    ],
    [
      "an HTTP 429",
      serviceError("TooManyRequests", 429, "Too many requests"),
      { scope: "rate", outcome: "not_sent", code: "TooManyRequests" },
    ],
    [
      "no credentials",
      Object.assign(new Error("Could not load credentials from any providers"), {
        name: "CredentialsProviderError",
      }),
      { scope: "transient", outcome: "not_sent", code: "CredentialsProviderError" },
    ],
  ];

  it("sends the raw message in dun's configuration set, with the email's tags", async () => {
    // Prepare
    const client = clientAt("http://127.0.0.1:1");
    const mock = mockClient(client);
    mock.on(SendRawEmailCommand).resolves({ MessageId: "0100019a-ses-id" });

    // Act
    const sent = await sesMailer(client, { configurationSet: "dun-prod" }).send(EMAIL);

    // Assess
    expect(sent).toEqual({ ok: true, value: { messageId: "0100019a-ses-id" } });
    const input = mock.commandCalls(SendRawEmailCommand)[0]?.args[0].input;
    expect(input).toEqual({
      RawMessage: { Data: expect.any(Buffer) },
      ConfigurationSetName: "dun-prod",
      Tags: [
        { Name: "tenant", Value: "nordlys" },
        { Name: "invoice", Value: "2026_2F1001" },
        { Name: "step", Value: "reminder_1" },
        { Name: "claim", Value: "3f0c6a2e-5b1d-4c36-9a57-0d3f4be1c001" },
      ],
    });
    expect(Buffer.from(input?.RawMessage?.Data ?? []).toString("latin1")).toContain("X-Dun-Claim: 3f0c6a2e");
  });

  it("does not call SES once the claim's send window has passed: the email certainly did not go", async () => {
    // Prepare: the clock the window is measured on stands past the latest start.
    const client = clientAt("http://127.0.0.1:1");
    const mock = mockClient(client);
    mock.on(SendRawEmailCommand).resolves({ MessageId: "0100019a-ses-id" });
    const mailer = sesMailer(client, { configurationSet: "dun", monotonicNow: () => 10_001 });

    // Act
    const sent = await mailer.send(EMAIL, { startBy: 10_000, requestTimeoutMs: 5_000 });

    // Assess
    expect(sent).toMatchObject({ ok: false, error: { outcome: "not_sent", code: "SendWindowPassed" } });
    expect(mock.commandCalls(SendRawEmailCommand)).toEqual([]);
  });

  it("aborts a request SES has not answered within the window: its outcome is unknown", async () => {
    // Prepare: an SES that takes the request and never answers.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as AddressInfo;
    const mailer = sesMailer(clientAt(`http://127.0.0.1:${port}`), { configurationSet: "dun" });

    // Act
    const sent = await mailer.send(EMAIL, { startBy: performance.now() + 1_000, requestTimeoutMs: 200 });
    silent.closeAllConnections();
    silent.close();

    // Assess
    expect(sent).toMatchObject({ ok: false, error: { outcome: "unknown" } });
  });

  it.each(failures)("classifies %s", async (_, error, failure) => {
    // Prepare
    const client = clientAt("http://127.0.0.1:1");
    mockClient(client)
      .on(SendRawEmailCommand)
      .rejects(error as Error);

    // Act
    const sent = await sesMailer(client, { configurationSet: "dun" }).send(EMAIL);

    // Assess
    expect(sent).toMatchObject({ ok: false, error: failure });
  });

  it("refuses a client that would retry a send on its own, before anything is sent", async () => {
    // Prepare
    const client = clientAt("http://127.0.0.1:1", { maxAttempts: 3 });
    const mock = mockClient(client);

    // Act
    const sending = sesMailer(client, { configurationSet: "dun" }).send(EMAIL);

    // Assess
    await expect(sending).rejects.toThrow(/maxAttempts: 1/);
    expect(mock.commandCalls(SendRawEmailCommand)).toEqual([]);
  });

  it("refuses a tag value SES would refuse, before anything is sent", async () => {
    // Prepare
    const client = clientAt("http://127.0.0.1:1");
    const mock = mockClient(client);

    // Act
    const sending = sesMailer(client, { configurationSet: "dun" }).send({
      ...EMAIL,
      tags: { invoice: "2026/1001" },
    });

    // Assess
    await expect(sending).rejects.toThrow(/tags\.invoice/);
    expect(mock.commandCalls(SendRawEmailCommand)).toEqual([]);
  });
});
