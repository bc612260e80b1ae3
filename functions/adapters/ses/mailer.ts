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
import { buildRawMessage } from "./raw-message.ts";
import type { Pace } from "./send-pacer.ts";
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

export type SendFailure = {
  code: "throttled" | "rejected" | "unavailable";
  /** "not_sent": SES certainly did not accept it (safe to try again later). "unknown": the request may have
   *  reached SES (a timeout, a dropped connection, a 5xx): the caller must not assume either way. */
  outcome: "not_sent" | "unknown";
  message: string;
};

export interface Mailer {
  send(email: OutgoingEmail): Promise<Result<{ messageId: string }, SendFailure>>;
}

export type SesMailerOptions = {
  configurationSet: string;
  /** Awaited right before each SendRawEmail: how the sender keeps to its share of the account's
   *  sending rate (send-pacer.ts). Without it, sends go as fast as they come. */
  pace?: Pace;
};

export function sesMailer(client: SESClient, options: SesMailerOptions): Mailer {
  let singleAttempt: Promise<void> | undefined;
  return {
    async send(email) {
      singleAttempt ??= requireSingleAttempt(client);
      await singleAttempt;
      const command = new SendRawEmailCommand({
        RawMessage: { Data: await buildRawMessage(email) },
        ConfigurationSetName: options.configurationSet,
        Tags: messageTags(email.tags),
      });
      await options.pace?.();
      let messageId: string | undefined;
      try {
        messageId = (await client.send(command)).MessageId;
      } catch (error) {
        return err(classifySendError(error));
      }
      // SES answered 200, so it took the email; without an id nobody can tell which one it was.
      if (!messageId) {
        return err({ code: "unavailable", outcome: "unknown", message: "SES answered without a message id" });
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

// "Throttling" is SES's error code (HTTP 400) for the sending rate and the daily quota alike.
const THROTTLING = new Set(["Throttling", "ThrottlingException", "TooManyRequestsException"]);
const THROTTLING_MESSAGE = /maximum sending rate exceeded|daily message quota exceeded/i;
// 4xx answers that are about the moment rather than the email (clock skew, expired credentials,
// a request SES did not receive in time): it was not sent, and it may well go through later.
const TRANSIENT_4XX = new Set([
  "RequestExpired",
  "RequestTimeTooSkewed",
  "RequestInTheFuture",
  "InvalidSignatureException",
  "SignatureDoesNotMatch",
  "AuthFailure",
  "ExpiredToken",
  "ExpiredTokenException",
  "RequestTimeout",
  "RequestTimeoutException",
]);
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
 * What a failed SendRawEmail means for the email. Anything not recognised as certainly unsent is
 * "unknown": wrongly saying "not_sent" could send the email twice, wrongly saying "unknown" only
 * delays it until the claim goes stale.
 */
export function classifySendError(error: unknown): SendFailure {
  const e: ErrorLike = typeof error === "object" && error !== null ? error : {};
  const name = typeof e.name === "string" ? e.name : "Error";
  const message = `${name}: ${typeof e.message === "string" ? e.message : String(error)}`;
  const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;

  if (THROTTLING.has(name) || status === 429 || THROTTLING_MESSAGE.test(message)) {
    return { code: "throttled", outcome: "not_sent", message };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // SES answered that it would not take the request: MessageRejected, MailFromDomainNotVerified,
    // ConfigurationSetDoesNotExist, AccountSendingPaused, InvalidParameterValue, …
    return { code: TRANSIENT_4XX.has(name) ? "unavailable" : "rejected", outcome: "not_sent", message };
  }
  if (status !== undefined) return { code: "unavailable", outcome: "unknown", message };
  if (neverConnected(e) || name === "CredentialsProviderError") {
    return { code: "unavailable", outcome: "not_sent", message };
  }
  // ECONNRESET, EPIPE, a request or socket timeout, an abort: the request may have been read.
  return { code: "unavailable", outcome: "unknown", message };
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
