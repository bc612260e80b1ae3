/**
 * The tests' SES refusals (test/support/ses-errors.ts) are SES's own as far as the code can tell:
 * a real SESClient reads each through its awsQuery deserializer into the exception the SDK would
 * make of SES's answer, and every call not refused still reaches the SES stand-in.
 */
import {
  ConfigurationSetDoesNotExistException,
  ConfigurationSetSendingPausedException,
  MessageRejected,
  SESClient,
  SESServiceException,
  SendRawEmailCommand,
} from "@aws-sdk/client-ses";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type LocalSes, startLocalSes } from "#local/local-ses.ts";
import { injectSesErrors, rawMessageOf, SES_REFUSALS, type SesRefusal } from "../support/ses-errors.ts";

const RAW = (to: string) =>
  Buffer.from(`From: dun@send.nordlys.example\r\nTo: ${to}\r\nSubject: Faktura 2026/1001\r\n\r\nHei.\r\n`);

describe("injectSesErrors", () => {
  let ses: LocalSes;

  beforeAll(async () => {
    ses = await startLocalSes();
  });
  afterAll(async () => ses?.close());
  beforeEach(async () => ses.clear());

  /** A client of its own: injectSesErrors arms a client for good. */
  const refusing = (refuse: Parameters<typeof injectSesErrors>[1]) =>
    injectSesErrors(
      new SESClient({
        endpoint: ses.endpoint,
        region: "eu-north-1",
        credentials: { accessKeyId: "local", secretAccessKey: "local" },
        maxAttempts: 1,
      }),
      refuse,
    );
  const send = (client: SESClient, to = "faktura@fjordlys.example") =>
    client.send(new SendRawEmailCommand({ RawMessage: { Data: RAW(to) } })).catch((error: unknown) => error);

  it.each(Object.entries(SES_REFUSALS))(
    "makes SES's %s the SDK's exception, with SES's status, code and words",
    async (_, refusal: SesRefusal) => {
      // Prepare
      const client = refusing(() => refusal);

      // Act
      const error = await send(client);

      // Assess
      expect(error).toBeInstanceOf(SESServiceException);
      expect(error).toMatchObject({
        message: refusal.message,
        $fault: refusal.status < 500 ? "client" : "server",
        $metadata: { httpStatusCode: refusal.status, requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
        Error: { Type: refusal.status < 500 ? "Sender" : "Receiver", Code: refusal.code },
      });
      expect(await ses.store()).toEqual([]);
    },
  );

  it("makes a modeled error the SDK's own class, with its members, even where the wire code differs", async () => {
    // Act
    const paused = await send(refusing(() => SES_REFUSALS.configurationSetSendingPaused));
    const missing = await send(refusing(() => SES_REFUSALS.configurationSetDoesNotExist));
    const rejected = await send(refusing(() => SES_REFUSALS.sandboxRecipientNotVerified));

    // Assess
    expect(paused).toBeInstanceOf(ConfigurationSetSendingPausedException);
    expect(paused).toMatchObject({
      name: "ConfigurationSetSendingPausedException",
      ConfigurationSetName: "dun",
    });
    // The model's awsQueryError code "ConfigurationSetDoesNotExist" is the SDK's …Exception.
    expect(missing).toBeInstanceOf(ConfigurationSetDoesNotExistException);
    expect(missing).toMatchObject({
      name: "ConfigurationSetDoesNotExistException",
      ConfigurationSetName: "dun",
    });
    expect(rejected).toBeInstanceOf(MessageRejected);
  });

  it("makes a code the model does not know the service's base exception, named by the code", async () => {
    // Act
    const throttled = await send(refusing(() => SES_REFUSALS.throttlingRate));
    const legacy = await send(refusing(() => SES_REFUSALS.mailFromNotVerifiedAsDocumented));

    // Assess
    expect(throttled?.constructor).toBe(SESServiceException);
    expect(throttled).toMatchObject({ name: "Throttling" });
    expect(legacy?.constructor).toBe(SESServiceException);
    expect(legacy).toMatchObject({ name: "MailFromDomainNotVerified" });
  });

  it("refuses only the emails it is told to, and the rest reach SES", async () => {
    // Prepare: the sandbox, where only the seller's own address is verified.
    const client = refusing((input) =>
      /^To: faktura@fjordlys\.example$/m.test(rawMessageOf(input))
        ? SES_REFUSALS.sandboxRecipientNotVerified
        : undefined,
    );

    // Act
    const toDebtor = await send(client, "faktura@fjordlys.example");
    const toSeller = await send(client, "kari@seller.example");

    // Assess
    expect(toDebtor).toBeInstanceOf(MessageRejected);
    expect(toSeller).toMatchObject({ MessageId: expect.any(String) });
    const stored = await ses.store();
    expect(stored.map((email) => email.destination.to)).toEqual([["kari@seller.example"]]);
  });
});
