/**
 * The MIME message dun hands to SES: UTF-8 multipart/alternative (the plain text first, so a
 * client that reads only the first part still gets words, then the HTML). nodemailer's
 * MailComposer lays out the message and writes every header (it encodes non-ASCII subjects and
 * names as RFC 2047 words); the bodies are then encoded here in one synchronous pass with
 * nodemailer's own quoted-printable and base64 functions. MailComposer's `build()` streams each
 * part through a chain of Transform streams with a setImmediate between steps, which made it the
 * largest piece of the sender's CPU per email that dun's own code controls, four times what this
 * pass costs (bench/throughput.bench.ts measures both).
 *
 * No field can start a header of its own. The domain refuses line breaks and control characters
 * in user text at the boundary; reaching one here is a bug upstream, so it throws a TypeError that
 * names the field instead of sending something nobody checked.
 */
import * as base64 from "nodemailer/lib/base64";
import MailComposer from "nodemailer/lib/mail-composer";
import MimeNode from "nodemailer/lib/mime-node";
import * as quotedPrintable from "nodemailer/lib/qp";
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
  return Buffer.from(crlf(endingInNewline(serialize(mimeTree(email), true))), "utf8");
}

/**
 * The message as nodemailer lays it out: headers set, parts in order, nothing encoded yet. Every
 * field is checked here, before nodemailer sees it. Exported for the benchmark, which builds the
 * same tree with nodemailer's streams as its baseline (bench/composer-message.ts).
 */
export function mimeTree(email: OutgoingEmail): MimeNode {
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
    // What nodemailer's own build() would use for line ends; serialize() writes CRLF itself.
    newline: "win",
  });
  return composer.compile();
}

/** A message ends with a line break, as nodemailer's build() ends it (a single-part body may not). */
function endingInNewline(message: string): string {
  if (message.endsWith("\n")) return message;
  return message.endsWith("\r") ? `${message}\n` : `${message}\r\n`;
}

/** RFC 5322 lines end in CRLF, whatever the templates used: a lone LF becomes CRLF. */
function crlf(message: string): string {
  return message.replace(/(?<!\r)\n/g, "\r\n");
}

/**
 * The node as nodemailer's `build()` writes it (its headers, a blank line, the encoded content or
 * the parts between boundaries), without its streams. The content is a string here, never a
 * stream or a file (disableFileAccess, disableUrlAccess), so the whole message fits one pass.
 */
function serialize(node: MimeNode, root = false): string {
  // buildHeaders() settles the transfer encoding (and, on the root, Date, MIME-Version, Message-ID).
  const headers = node.buildHeaders();
  const head = `${root ? withoutMessageId(headers) : headers}\r\n\r\n`;
  const tree = node as unknown as MimeTree;
  if (tree.multipart) {
    const parts = tree.childNodes.map((child) => `--${tree.boundary}\r\n${serialize(child)}`);
    return `${head}${parts.join("\r\n")}\r\n--${tree.boundary}--\r\n`;
  }
  const content = tree.content ?? "";
  if (typeof content !== "string") throw new TypeError("a part's content must be a string");
  return head + encoded(content, String(node.getHeader("Content-Transfer-Encoding") ?? ""));
}

/** What serialize reads of a MimeNode beyond its typed interface; MailComposer sets each. */
type MimeTree = { multipart: string | false; boundary: string; childNodes: MimeNode[]; content?: unknown };

/** The part's body in its transfer encoding; the 76-character lines are nodemailer's, and so is the choice of encoding. */
function encoded(content: string, transferEncoding: string): string {
  if (transferEncoding === "quoted-printable")
    return quotedPrintable.wrap(quotedPrintable.encode(content), 76);
  if (transferEncoding === "base64") return base64.wrap(base64.encode(content), 76);
  // 7bit: ASCII with short lines, as it is.
  return content;
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
export function withoutMessageId(headers: string): string {
  const lines = headers.split("\r\n");
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    const continuation = line.startsWith(" ") || line.startsWith("\t");
    if (!continuation) dropping = /^message-id:/i.test(line);
    if (!dropping) kept.push(line);
  }
  return kept.join("\r\n");
}
