/**
 * SES's "Send" events, made locally. In AWS, SES publishes a Send event through the configuration
 * set for every email it accepts, and the events Lambda records the claimed step from it if the
 * sender died before it could. aws-ses-v2-local publishes nothing, so local mode and the tests
 * add this middleware to their SESClient: after a SendRawEmail that SES accepted, it builds the
 * event in the shape the SES developer guide documents ("Examples of event data that Amazon SES
 * publishes to Amazon SNS", Send record) and hands it over.
 *
 * As in SES, only an email sent in a configuration set has events, and the message tags come back
 * as lists (`tags.invoice: ["2026_2F1001"]`), beside SES's own auto-tags.
 */
import type { SESClient, SendRawEmailCommandInput, SendRawEmailCommandOutput } from "@aws-sdk/client-ses";

export type SesMailHeader = { name: string; value: string };

export type SesSendEvent = {
  eventType: "Send";
  mail: {
    /** When SES accepted the email, ISO 8601. */
    timestamp: string;
    /** The From of the message (SendRawEmail without a Source). */
    source: string;
    sourceArn: string;
    sendingAccountId: string;
    messageId: string;
    /** Every recipient, To, Cc and Bcc, as bare addresses. */
    destination: string[];
    headersTruncated: boolean;
    /** The message's own headers, values as sent (RFC 2047 words undecoded); left out past 10 KB. */
    headers?: SesMailHeader[];
    commonHeaders: {
      from: string[];
      replyTo?: string[];
      to: string[];
      cc?: string[];
      date?: string;
      messageId: string;
      subject?: string;
    };
    tags: Record<string, string[]>;
  };
  send: Record<string, never>;
};

// The account id AWS's own local stand-ins use; nothing reads it but a human.
const LOCAL_ACCOUNT_ID = "000000000000";
// "headersTruncated … occurs if the headers are larger than 10 KB."
const HEADERS_LIMIT = 10 * 1024;

/**
 * Makes `client` (the same object, returned for convenience) publish a Send event to `onEvent`
 * for every SendRawEmail SES accepts, before `send` resolves, so a simulated clock sees it in the
 * same tick. `now` stamps the event: the tests run on a simulated clock.
 */
export function withLocalSendEvents(
  client: SESClient,
  onEvent: (event: SesSendEvent) => void | Promise<void>,
  options: { now?: () => Date } = {},
): SESClient {
  const now = options.now ?? (() => new Date());
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === "SendRawEmailCommand") {
        const input = args.input as SendRawEmailCommandInput;
        const { MessageId } = result.output as SendRawEmailCommandOutput;
        const raw = input.RawMessage?.Data;
        if (input.ConfigurationSetName && MessageId && raw) {
          const region = await client.config.region();
          await onEvent(
            sendEventOf({ input, raw: Buffer.from(raw), messageId: MessageId, region, at: now() }),
          );
        }
      }
      return result;
    },
    { step: "initialize", name: "dunLocalSendEvents" },
  );
  return client;
}

function sendEventOf(sent: {
  input: SendRawEmailCommandInput;
  raw: Buffer;
  messageId: string;
  region: string;
  at: Date;
}): SesSendEvent {
  const { input, messageId } = sent;
  const headers = headersOf(sent.raw);
  const all = (name: string) => headers.filter((header) => header.name.toLowerCase() === name.toLowerCase());
  const first = (name: string) => all(name)[0]?.value;
  const addressList = (name: string) => all(name).flatMap((header) => splitAddresses(header.value));

  const from = addressList("From").map(decodeWords);
  const source = input.Source ?? from[0] ?? "";
  const fromDomain = addressOf(input.Source ?? addressList("From")[0] ?? "").split("@")[1] ?? "";
  const destination = input.Destinations ?? ["To", "Cc", "Bcc"].flatMap(addressList).map(addressOf);
  const size = headers.reduce((sum, header) => sum + header.name.length + header.value.length + 4, 0);
  const truncated = size > HEADERS_LIMIT;
  const replyTo = addressList("Reply-To").map(decodeWords);
  const cc = addressList("Cc").map(decodeWords);
  const date = first("Date");
  const subject = first("Subject");

  return {
    eventType: "Send",
    mail: {
      timestamp: sent.at.toISOString(),
      source,
      sourceArn: `arn:aws:ses:${sent.region}:${LOCAL_ACCOUNT_ID}:identity/${fromDomain}`,
      sendingAccountId: LOCAL_ACCOUNT_ID,
      messageId,
      destination,
      headersTruncated: truncated,
      ...(truncated ? {} : { headers }),
      commonHeaders: {
        from,
        ...(replyTo.length > 0 ? { replyTo } : {}),
        to: addressList("To").map(decodeWords),
        ...(cc.length > 0 ? { cc } : {}),
        ...(date === undefined ? {} : { date }),
        // dun sends no Message-ID; SES writes its own, the id it returned.
        messageId,
        ...(subject === undefined ? {} : { subject: decodeWords(subject) }),
      },
      tags: {
        "ses:configuration-set": [input.ConfigurationSetName ?? ""],
        "ses:source-ip": ["127.0.0.1"],
        "ses:from-domain": [fromDomain],
        "ses:caller-identity": ["local"],
        ...Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Name, [tag.Value]])),
      },
    },
    send: {},
  };
}

/** The top-level header fields of a message, unfolded, in order. */
function headersOf(raw: Buffer): SesMailHeader[] {
  const text = raw.toString("utf8");
  const end = text.search(/\r?\n\r?\n/);
  const block = end < 0 ? text : text.slice(0, end);
  return block
    .replace(/\r?\n(?=[ \t])/g, "")
    .split(/\r?\n/)
    .flatMap((line) => {
      const colon = line.indexOf(":");
      return colon > 0 ? [{ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() }] : [];
    });
}

/** An address list split at the commas that separate addresses (not those in quotes or <>). */
function splitAddresses(list: string): string[] {
  const addresses: string[] = [];
  let current = "";
  let quoted = false;
  let angle = false;
  for (let index = 0; index < list.length; index++) {
    const char = list[index] ?? "";
    if (char === "\\" && quoted) {
      current += char + (list[index + 1] ?? "");
      index++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "<") angle = true;
    else if (!quoted && char === ">") angle = false;
    else if (!quoted && !angle && char === ",") {
      addresses.push(current.trim());
      current = "";
      continue;
    }
    current += char;
  }
  addresses.push(current.trim());
  return addresses.filter((address) => address.length > 0);
}

/** "Name <local@domain>" → "local@domain". */
function addressOf(mailbox: string): string {
  return (/<([^<>]*)>\s*$/.exec(mailbox)?.[1] ?? mailbox).trim();
}

const ENCODED_WORD_RUN = /(?:=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)+/g;
const ENCODED_WORD = /=\?([^?\s*]+)(?:\*[^?\s]*)?\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * RFC 2047 words back to text, as SES shows them in commonHeaders. Adjacent words are decoded as
 * one byte sequence, since an encoder may split a character's bytes between two of them.
 */
function decodeWords(value: string): string {
  // The white space between two encoded words is not part of the text (RFC 2047, 6.2).
  return value.replace(/(\?=)\s+(?==\?)/g, "$1").replace(ENCODED_WORD_RUN, (run) => {
    let text = "";
    let charset = "";
    let bytes: number[] = [];
    for (const [, wordCharset = "", encoding = "", data = ""] of run.matchAll(ENCODED_WORD)) {
      if (wordCharset.toLowerCase() !== charset) {
        text += decodeBytes(charset, bytes);
        charset = wordCharset.toLowerCase();
        bytes = [];
      }
      bytes.push(...(encoding.toUpperCase() === "B" ? Buffer.from(data, "base64") : qBytes(data)));
    }
    return text + decodeBytes(charset, bytes);
  });
}

function qBytes(data: string): number[] {
  const bytes: number[] = [];
  for (let index = 0; index < data.length; index++) {
    const char = data[index] ?? "";
    const hex = data.slice(index + 1, index + 3);
    if (char === "=" && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      index += 2;
    } else {
      bytes.push(char === "_" ? 0x20 : char.charCodeAt(0) & 0xff);
    }
  }
  return bytes;
}

function decodeBytes(charset: string, bytes: number[]): string {
  if (bytes.length === 0) return "";
  try {
    return new TextDecoder(charset).decode(Uint8Array.from(bytes));
  } catch {
    // A charset Node does not know: show the bytes rather than lose the header.
    return Buffer.from(bytes).toString("latin1");
  }
}
