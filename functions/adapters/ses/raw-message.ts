/**
 * The MIME message dun hands to SES: UTF-8 multipart/alternative (the plain text first, so a
 * client that reads only the first part still gets words, then the HTML), built by nodemailer's
 * MailComposer, which encodes non-ASCII subjects and names as RFC 2047 words.
 *
 * No field can start a header of its own. The domain refuses line breaks and control characters
 * in user text at the boundary; reaching one here is a bug upstream, so it throws a TypeError that
 * names the field instead of sending something nobody checked.
 */
import MailComposer from "nodemailer/lib/mail-composer";
import MimeNode from "nodemailer/lib/mime-node";
import type { OutgoingEmail } from "./mailer.ts";

// C0 and C1 control characters (CR and LF among them), DEL, and the Unicode line separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const EXTRA_HEADER_NAME = /^X-[A-Za-z0-9-]+$/;
// SES reads these from the message itself (configuration set, tags, sending-authorization ARNs);
// the adapter sets that through the API, and a header must not override it.
const SES_HEADER = /^X-SES-/i;
const ADDR_SPEC = /^[^\s<>()[\]\\,;:"@]+@[^\s<>()[\]\\,;:"@]+$/u;
const NAME_AND_ADDRESS = /^(.*)<([^<>]*)>$/su;

type Mailbox = { name: string; address: string };

export async function buildRawMessage(email: OutgoingEmail): Promise<Buffer> {
  if (email.to.length === 0) throw new TypeError("to: an email needs at least one recipient");
  const readReceipt = email.readReceiptTo === undefined ? [] : [readReceiptHeader(email.readReceiptTo)];
  const composer = new MailComposer({
    from: mailbox("from", email.from),
    to: email.to.map((address, index) => mailbox(`to[${index}]`, address)),
    cc: email.cc.length > 0 ? email.cc.map((address, index) => mailbox(`cc[${index}]`, address)) : undefined,
    replyTo: mailbox("replyTo", email.replyTo),
    subject: singleLine("subject", email.subject),
    text: email.text,
    html: email.html,
    headers: [...readReceipt, ...extraHeaders(email.headers ?? {})],
    // Bodies are strings; nodemailer must never go and read a file or a URL on dun's behalf.
    disableFileAccess: true,
    disableUrlAccess: true,
    // RFC 5322 lines end in CRLF, whatever the templates used.
    newline: "win",
  });
  return withoutMessageId(await composer.compile().build());
}

function singleLine(field: string, text: string): string {
  if (CONTROL_CHARACTERS.test(text)) {
    throw new TypeError(
      `${field}: must be one line without control characters (it could inject a mail header)`,
    );
  }
  return text;
}

/** "Name <local@domain>" or a bare "local@domain"; the name may hold anything printable. */
function mailbox(field: string, text: string): Mailbox {
  singleLine(field, text);
  const match = NAME_AND_ADDRESS.exec(text.trim());
  // Taken literally, quotes included: the sender writes `${tenant.name} <address>`, and a name that
  // happens to be in quotes is still the name.
  const name = (match?.[1] ?? "").trim();
  const address = (match?.[2] ?? text).trim();
  if (!ADDR_SPEC.test(address)) throw new TypeError(`${field}: "${address}" is not an email address`);
  // An object, not the string: nodemailer then quotes or encodes the name as a whole, so a comma or
  // an "@" in a tenant's name ("Berg, Dahl & Co") cannot turn into a second address.
  return { name, address };
}

/** Disposition-Notification-To (RFC 8098) holds an address, so it is encoded as one, not as text. */
function readReceiptHeader(text: string) {
  const value = MimeNode.encodeHeaderValue("To", mailbox("readReceiptTo", text));
  return { key: "Disposition-Notification-To", value: { prepared: true, foldLines: true, value } };
}

function extraHeaders(headers: Record<string, string>) {
  const seen = new Set<string>();
  return Object.entries(headers).map(([name, value]) => {
    if (!EXTRA_HEADER_NAME.test(name) || SES_HEADER.test(name)) {
      throw new TypeError(`headers: "${name}" is not an X- header dun may set`);
    }
    if (seen.has(name.toLowerCase())) throw new TypeError(`headers: "${name}" is given twice`);
    seen.add(name.toLowerCase());
    return { key: name, value: singleLine(`headers.${name}`, value) };
  });
}

/**
 * MailComposer always writes a Message-ID, and SES replaces any Message-ID it is given with its
 * own (Amazon SES header fields, developer guide): the header is taken out so that the only id the
 * message ever has is the one SES returns and its events carry.
 */
function withoutMessageId(message: Buffer): Buffer {
  const end = message.indexOf("\r\n\r\n");
  // The header block is ASCII once encoded; latin1 maps its bytes one to one and back.
  const lines = message.subarray(0, end).toString("latin1").split("\r\n");
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const continuation = line.startsWith(" ") || line.startsWith("\t");
    if (!continuation) dropping = /^message-id:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(kept.join("\r\n"), "latin1"), message.subarray(end)]);
}
