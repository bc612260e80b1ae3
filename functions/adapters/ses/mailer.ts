/**
 * Sends one email through SES (SendRawEmail, so dun controls every header: the read-receipt
 * request, X-Dun-Claim) in dun's configuration set, tagged so that SES's events can find their
 * way back to the invoice.
 *
 * Retries: none, here or in the SDK. A send that failed after it may have reached SES (a timeout, a
 * dropped connection, a 5xx) can have been accepted, and sending it again would mail the debtor
 * twice; only the caller, who holds the claim, can decide what happens next. So the SESClient given
 * must be created with `maxAttempts: 1` (and no retryStrategy of its own): the SDK's standard
 * retry would repeat exactly those failures. `send` checks the client's maxAttempts on first use
 * and throws a TypeError if it is not 1, so a wrongly wired client fails at once and loudly.
 */
import { type SESClient, SendRawEmailCommand } from "@aws-sdk/client-ses";
import { err, ok, type Result } from "#domain/result.ts";
import type { SendLimits } from "#sending/send-window.ts";
import { buildRawMessage } from "./raw-message.ts";
import { MAX_TAG_VALUE_LENGTH, TAG_ALPHABET } from "./tag-values.ts";

export type OutgoingEmail = {
  from: string; // "Nordlys Regnskap <dun@send.nordlys.example>" (display name may be non-ASCII)
  to: string[]; // at least one
  cc: string[]; // e.g. the customer's account manager
  replyTo: string; // the tenant's receivables mailbox
  subject: string; // one line, may be any Unicode (RFC 2047 encoded)
  html: string;
  text: string;
  /** SES message tags, e.g. { tenant, invoice, stage, claim }; values already in SES's alphabet (encodeTagValue). */
  tags: Record<string, string>;
  /** Asks the recipient's mail client for a read receipt: Disposition-Notification-To (RFC 8098). */
  readReceiptTo?: string;
  /** Extra headers such as X-Dun-Claim; names must match /^X-[A-Za-z0-9-]+$/. */
  headers?: Record<string, string>;
};

export type SendFailureScope = "rate" | "quota" | "account" | "message" | "transient";

export type SendFailure = {
  /** What the failure is about, which decides what happens to the invoice:
   *  rate: SES's sending rate (Throttling "Maximum sending rate exceeded", HTTP 429…): try again in seconds;
   *  quota: the daily sending quota (Throttling "Daily message quota exceeded"): try again in hours;
   *  account: nothing can be sent from this account/configuration now (AccountSendingPausedException,
   *    ConfigurationSetSendingPausedException, ConfigurationSetDoesNotExistException,
   *    MailFromDomainNotVerifiedException, the sandbox's / an unverified identity's MessageRejected
   *    "Email address is not verified…", "Sending suspended for this account", AccessDenied, an
   *    unknown 4xx …): keep the invoice due with a backoff, alarm;
   *  message: SES refused this one email for good (MessageRejected for the message itself — "Illegal address",
   *    message too long, bad headers —, InvalidParameterValue about the message…): a person must look;
   *  transient: the moment, not the email or the account (network failures, 5xx, request expired / clock skew,
   *    expired credentials): try again soon. */
  scope: SendFailureScope;
  /** "not_sent": SES certainly did not accept it. "unknown": the request may have reached SES. */
  outcome: "not_sent" | "unknown";
  /** The AWS error code as SES names it ("AccountSendingPausedException", "MessageRejected", "Throttling"), or the Node error code. */
  code: string;
  /** "<name>: <message>", for logs, timelines and owner alerts (addresses in it are redacted by the logger, not here). */
  message: string;
};

export interface Mailer {
  /** `limits`: the send window of the claim this email is for (#sending/send-window.ts). */
  send(email: OutgoingEmail, limits?: SendLimits): Promise<Result<{ messageId: string }, SendFailure>>;
}

export type SesMailerOptions = {
  configurationSet: string;
  /** The clock `SendLimits.startBy` is on; `performance.now` unless a test moves it. */
  monotonicNow?: () => number;
};

/** The claim's window has passed before SES was called: it is not called, so the email certainly did not go. */
export const SEND_WINDOW_PASSED = "SendWindowPassed";

export function sesMailer(client: SESClient, options: SesMailerOptions): Mailer {
  let singleAttempt: Promise<void> | undefined;
  const monotonicNow = options.monotonicNow ?? (() => performance.now());
  return {
    async send(email, limits) {
      singleAttempt ??= requireSingleAttempt(client);
      await singleAttempt;
      const command = new SendRawEmailCommand({
        RawMessage: { Data: await buildRawMessage(email) },
        ConfigurationSetName: options.configurationSet,
        Tags: messageTags(email.tags),
      });
      // The last look before SES: past the claim's window, an action may already have answered
      // that no reminder goes out (#sending/send-window.ts).
      if (limits && monotonicNow() > limits.startBy) {
        return err({
          scope: "transient",
          outcome: "not_sent",
          code: SEND_WINDOW_PASSED,
          message: `${SEND_WINDOW_PASSED}: the claim's send window passed before SES was called`,
        });
      }
      let messageId: string | undefined;
      try {
        const abortSignal = limits ? AbortSignal.timeout(limits.requestTimeoutMs) : undefined;
        messageId = (await client.send(command, { abortSignal })).MessageId;
      } catch (error) {
        return err(classifySendError(error));
      }
      // SES answered 200, so it took the email; without an id nobody can tell which one it was.
      if (!messageId) {
        return err({
          scope: "transient",
          outcome: "unknown",
          code: "NoMessageId",
          message: "NoMessageId: SES answered without a message id",
        });
      }
      return ok({ messageId });
    },
  };
}

async function requireSingleAttempt(client: SESClient): Promise<void> {
  const attempts = await client.config.maxAttempts();
  if (attempts !== 1) {
    throw new TypeError(
      `sesMailer needs an SESClient with maxAttempts: 1 (it has ${attempts}): the SDK would resend emails`,
    );
  }
}

function messageTags(tags: Record<string, string>): { Name: string; Value: string }[] {
  return Object.entries(tags).map(([name, value]) => {
    if (!TAG_ALPHABET.test(name) || name.length === 0 || name.length > MAX_TAG_VALUE_LENGTH) {
      throw new TypeError(`tags: "${name}" is not an SES tag name (ASCII letters, digits, _ and -, 1-256)`);
    }
    if (!TAG_ALPHABET.test(value) || value.length > MAX_TAG_VALUE_LENGTH) {
      throw new TypeError(`tags.${name}: "${value}" is not an SES tag value; encode it with encodeTagValue`);
    }
    return { Name: name, Value: value };
  });
}

// How SES refuses a SendRawEmail, and what each refusal is about. The shapes (HTTP status,
// <Code>, <Message>) and where each was found are in test/support/ses-errors.ts, whose catalog the
// mailer's tests run through a real SESClient.
//
// | SES says (code, message)                                           | scope     | outcome  |
// |--------------------------------------------------------------------|-----------|----------|
// | Throttling "Maximum sending rate exceeded.", any 429               | rate      | not_sent |
// | Throttling "Daily message quota exceeded."                         | quota     | not_sent |
// | RequestExpired, ExpiredToken, SignatureDoesNotMatch … (4xx)        | transient | not_sent |
// | AccountSendingPaused, ConfigurationSetSendingPaused,               | account   | not_sent |
// |   ConfigurationSetDoesNotExist, MailFromDomainNotVerified,         |           |          |
// |   AccessDenied, InvalidClientTokenId, any other 4xx                |           |          |
// | MessageRejected "Email address is not verified…" (an unverified    | account   | not_sent |
// |   sender, or the sandbox's recipient), "Sending paused (suspended) |           |          |
// |   for this account…", "Account is paused"                          |           |          |
// | MessageRejected or InvalidParameterValue about the email itself:   | message   | not_sent |
// |   "Illegal address", "Message length is more than … bytes long",   |           |          |
// |   a header, an address SES cannot parse                            |           |          |
// | any 5xx (InternalFailure, ServiceUnavailable)                      | transient | unknown  |
// | no connection (ECONNREFUSED, DNS, connect timeout), no credentials | transient | not_sent |
// | anything else (a reset, a request timeout, an abort)               | transient | unknown  |
//
// An unrecognised 4xx is "account", never "message": "message" stops the invoice until a person
// looks, so it is kept for refusals known to be about one email; "account" keeps the invoice due
// with a backoff and an alarm, and loses nothing if the guess was wrong.

// Error names are compared without the SDK's "Exception" suffix: SES's wire codes and the SDK's
// exception names differ for some errors (the model's ConfigurationSetDoesNotExist arrives as
// ConfigurationSetDoesNotExistException; the developer guide's MailFromDomainNotVerified, which
// the model does not know, as a plain SESServiceException of that name).
const bare = (name: string): string => name.replace(/Exception$/, "");

// "Throttling" is SES's error code (HTTP 400) for the sending rate and the daily quota alike.
const THROTTLING = new Set(["Throttling", "TooManyRequests"]);
const THROTTLING_MESSAGE = /maximum sending rate exceeded|daily message quota exceeded/i;
const DAILY_QUOTA = /daily message quota exceeded/i;
// 4xx answers that are about the moment rather than the email (clock skew, expired credentials,
// a request SES did not receive in time): it was not sent, and it may well go through later.
const TRANSIENT_4XX = new Set([
  "RequestExpired",
  "RequestTimeTooSkewed",
  "RequestInTheFuture",
  "InvalidSignature",
  "SignatureDoesNotMatch",
  "AuthFailure",
  "ExpiredToken",
  "RequestTimeout",
]);
// Refusals (MessageRejected, mostly) whose words are about the account or its identities, not the
// email: the sandbox's unverified recipient and an unverified sender read alike, and both hold
// every email the account sends.
const ACCOUNT_MESSAGE = new RegExp(
  [
    "email address is not verified",
    "sending (?:paused|suspended) for this account",
    "account is paused",
    "mail from domain is not verified",
    "configuration set .*does not exist",
  ].join("|"),
  "i",
);
// The codes under which SES refuses one email for what it is, and the texts that say so.
const MESSAGE_CODES = new Set(["MessageRejected", "InvalidParameterValue"]);
const MESSAGE_FAULT = new RegExp(
  [
    "illegal address",
    "invalid email address",
    "missing final '@domain'",
    "local address contains",
    "address blacklisted",
    "non-ascii characters in the email address",
    "there are no recipients specified",
    "message length is more than \\d+ bytes",
    "illegal content",
    "header",
  ].join("|"),
  "i",
);
// Failures before a connection existed: the request cannot have reached SES.
const NEVER_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

type ErrorLike = {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  syscall?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown };
};

/**
 * What a failed SendRawEmail means for the email and the invoice (the table above). Anything not
 * recognised as certainly unsent is "unknown": wrongly saying "not_sent" could send the email
 * twice, wrongly saying "unknown" only delays it until the claim goes stale.
 */
export function classifySendError(error: unknown): SendFailure {
  const e: ErrorLike = typeof error === "object" && error !== null ? error : {};
  const name = typeof e.name === "string" ? e.name : "Error";
  const text = typeof e.message === "string" ? e.message : String(error);
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
  // An answer from SES is named by its error code; a failure on the way, by Node's (ECONNRESET).
  const code = status === undefined && typeof e.code === "string" ? e.code : name;
  const failure = (scope: SendFailureScope, outcome: SendFailure["outcome"]): SendFailure => ({
    scope,
    outcome,
    code,
    message: `${name}: ${text}`,
  });

  if (THROTTLING.has(bare(name)) || status === 429 || THROTTLING_MESSAGE.test(text)) {
    return failure(DAILY_QUOTA.test(text) ? "quota" : "rate", "not_sent");
  }
  // SES answered that it would not take the request.
  if (status !== undefined && status >= 400 && status < 500) {
    return failure(refusalScope(name, text), "not_sent");
  }
  if (status !== undefined) return failure("transient", "unknown");
  if (neverConnected(e) || name === "CredentialsProviderError") return failure("transient", "not_sent");
  // ECONNRESET, EPIPE, a request or socket timeout, an abort: the request may have been read.
  return failure("transient", "unknown");
}

function refusalScope(name: string, text: string): SendFailureScope {
  if (TRANSIENT_4XX.has(bare(name))) return "transient";
  if (ACCOUNT_MESSAGE.test(text)) return "account";
  if (MESSAGE_CODES.has(bare(name)) && MESSAGE_FAULT.test(text)) return "message";
  return "account";
}

function neverConnected(e: ErrorLike): boolean {
  if (typeof e.code === "string" && NEVER_CONNECTED.has(e.code)) return true;
  // Node names the system call that failed: "connect" (a TCP connect timeout, ETIMEDOUT) or the
  // DNS lookup come before a single byte of the request was written.
  if (e.syscall === "connect" || e.syscall === "getaddrinfo") return true;
  // The SDK's own connectionTimeout: the socket never connected.
  if (
    e.name === "TimeoutError" &&
    typeof e.message === "string" &&
    /did not establish a connection/.test(e.message)
  ) {
    return true;
  }
  // Trying several addresses (IPv6 and IPv4), Node reports an AggregateError of each attempt.
  return (
    Array.isArray(e.errors) &&
    e.errors.length > 0 &&
    e.errors.every((inner) => typeof inner === "object" && inner !== null && neverConnected(inner))
  );
}
