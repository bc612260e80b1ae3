/**
 * The MIME message dun hands to SES: UTF-8 multipart/alternative (the plain text first, so a
 * client that reads only the first part still gets words, then the HTML), written in one
 * synchronous pass.
 *
 * The layout is the one nodemailer's MailComposer and MimeNode give such a message, written here
 * so that the sending Lambdas do not carry them: with the MIME type table MimeNode imports to name
 * attachments dun never sends, they were 138 kB of a 500 kB bundle. Every encoding is still
 * nodemailer's own — RFC 2047 words, header folding, quoted strings, quoted-printable, base64 and
 * punycode come from its mime-funcs, qp, base64 and punycode modules, 11 kB — and
 * test/unit/raw-message.test.ts checks, byte for byte over generated emails, that this writes what
 * MailComposer's own build() writes (bench/composer-message.ts builds that baseline).
 *
 * No field can start a header of its own. The domain refuses line breaks and control characters
 * in user text at the boundary; reaching one here is a bug upstream, so it throws a TypeError that
 * names the field instead of sending something nobody checked.
 */
import { randomBytes } from "node:crypto";
import { domainToASCII, domainToUnicode } from "node:url";
import * as base64 from "nodemailer/lib/base64";
import {
  buildHeaderValue,
  encodeWord,
  encodeWords,
  foldLines,
  hasLongerLines,
  isPlainText,
  parseHeaderValue,
  quoteString,
} from "nodemailer/lib/mime-funcs";
import * as punycode from "nodemailer/lib/punycode";
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

// As MimeNode reads a local part: a dot-atom of RFC 5321 atext and the non-ASCII SMTPUTF8 adds
// goes out bare, anything else as a quoted string.
const DOT_ATOM =
  /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\uFFFF]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~\x80-\uFFFF]+)*$/;
// An address without a special goes out bare when it has no display name, anything else in <>.
const PLAIN_ADDRESS = /^[^\s"(),:;<>@[\\\]]+@[^\s"(),:;<>@[\\\]]+$/;
// MimeNode's prefix for the boundaries it makes; the root's part number is 1.
const BOUNDARY_PREFIX = "--_NmP";

export type Mailbox = { name: string; address: string };

/** An email's fields once checked: what the writer writes, and what the benchmark's baseline composes. */
export type CheckedEmail = {
  from: Mailbox;
  to: Mailbox[];
  cc: Mailbox[];
  replyTo: Mailbox;
  subject: string;
  text: string;
  html: string;
  readReceiptTo: Mailbox | undefined;
  headers: { name: string; value: string }[];
};

/** One MIME part: its header lines, then its encoded body or its parts between boundaries. */
type Part = { headers: string[]; body: string } | { headers: string[]; boundary: string; parts: Part[] };
/** A text body with its Content-Type line and its Content-Transfer-Encoding line, if it has one. */
type TextBody = { contentType: string; transferEncoding: string[]; body: string };

export async function buildRawMessage(email: OutgoingEmail): Promise<Buffer> {
  const message = rootPart(checkEmail(email), new Date(), randomBytes(8).toString("hex"));
  return Buffer.from(crlf(endingInNewline(serialize(message))), "utf8");
}

/** Every field checked and parsed, before anything is written. */
export function checkEmail(email: OutgoingEmail): CheckedEmail {
  if (email.to.length === 0) throw new TypeError("to: an email needs at least one recipient");
  const readReceiptTo =
    email.readReceiptTo === undefined ? undefined : mailbox("readReceiptTo", email.readReceiptTo);
  return {
    readReceiptTo,
    from: mailbox("from", email.from),
    to: email.to.map((address, index) => mailbox(`to[${index}]`, address)),
    cc: email.cc.map((address, index) => mailbox(`cc[${index}]`, address)),
    replyTo: mailbox("replyTo", email.replyTo),
    subject: singleLine("subject", email.subject),
    text: email.text,
    html: email.html,
    headers: extraHeaders(email.headers ?? {}),
  };
}

/**
 * The message as MailComposer lays it out: a text part and an HTML part under
 * multipart/alternative, or the one part there is when the other is empty. The root's headers
 * come in MailComposer's order (the extra headers it is given, the addresses, the subject, then
 * Date and MIME-Version, Content-Type last); SES writes the Message-ID (it replaces any it is
 * given), so none is written.
 */
function rootPart(email: CheckedEmail, date: Date, baseBoundary: string): Part {
  const bodies = [
    ...(email.text ? [textPart("text/plain; charset=utf-8", email.text)] : []),
    ...(email.html ? [textPart("text/html; charset=utf-8", email.html)] : []),
  ];
  const headers = [
    ...(email.readReceiptTo === undefined
      ? []
      : [header("Disposition-Notification-To", addressList([email.readReceiptTo]))]),
    ...email.headers.flatMap(({ name, value }) => unstructuredHeader(headerKey(name), value)),
    header("From", addressList([email.from])),
    header("To", addressList(email.to)),
    ...(email.cc.length > 0 ? [header("Cc", addressList(email.cc))] : []),
    header("Reply-To", addressList([email.replyTo])),
    ...(email.subject ? unstructuredHeader("Subject", email.subject) : []),
  ];
  const dated = [header("Date", date.toUTCString().replace(/GMT/, "+0000")), header("MIME-Version", "1.0")];
  if (bodies.length > 1) {
    const boundary = `${BOUNDARY_PREFIX}-${baseBoundary}-Part_1`;
    const contentType = buildHeaderValue({ value: "multipart/alternative", params: { boundary } });
    const parts = bodies.map(({ contentType: type, transferEncoding, body }) => ({
      headers: [type, ...transferEncoding],
      body,
    }));
    return { headers: [...headers, ...dated, header("Content-Type", contentType)], boundary, parts };
  }
  // On the root, Content-Type moves to the end, after Date and MIME-Version.
  const only = bodies[0] ?? textPart("text/plain", "");
  return { headers: [...headers, ...only.transferEncoding, ...dated, only.contentType], body: only.body };
}

/** A text part as MimeNode writes it: its transfer encoding chosen from its content, as nodemailer chooses. */
function textPart(contentType: string, content: string): TextBody {
  const structured = parseHeaderValue(contentType, { stripComments: true });
  if (/^text\/plain\b/.test(structured.value) && /[\u0080-\uFFFF]/.test(content)) {
    structured.params.charset = "utf-8";
  }
  const typed = (transferEncoding: string[], body: string): TextBody => ({
    contentType: header("Content-Type", buildHeaderValue(structured)),
    transferEncoding,
    body,
  });
  // An empty part has no transfer encoding at all.
  if (!content) return typed([], "");
  // 7bit: ASCII with short lines, as it is.
  if (isPlainText(content) && !hasLongerLines(content, 76))
    return typed([header("Content-Transfer-Encoding", "7bit")], content);
  if (textEncoding(content) === "Q") {
    const body = quotedPrintable.wrap(quotedPrintable.encode(content), 76);
    return typed([header("Content-Transfer-Encoding", "quoted-printable")], body);
  }
  return typed([header("Content-Transfer-Encoding", "base64")], base64.wrap(base64.encode(content), 76));
}

/**
 * The part as MimeNode's `build()` writes it: its headers, a blank line, the encoded content or
 * the parts between boundaries.
 */
function serialize(part: Part): string {
  const head = `${part.headers.join("\r\n")}\r\n\r\n`;
  if ("body" in part) return head + part.body;
  const parts = part.parts.map((child) => `--${part.boundary}\r\n${serialize(child)}`);
  return `${head}${parts.join("\r\n")}\r\n--${part.boundary}--\r\n`;
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

/** A header line, folded at 76 characters. */
function header(key: string, value: string): string {
  return foldLines(`${key}: ${value}`, 76);
}

/** Free text (the subject, an extra header's value) in RFC 2047 words where it needs them; a blank value is left out, as nodemailer leaves it. */
function unstructuredHeader(key: string, text: string): string[] {
  const value = encodeWords(text, textEncoding(text), 52, true);
  return value.trim() ? [header(key, value)] : [];
}

/** Mailboxes as MimeNode writes them: the address normalised, the name quoted or encoded when it must be. */
function addressList(mailboxes: Mailbox[]): string {
  return mailboxes
    .map(({ name, address }) => {
      const normalized = normalizeAddress(address);
      if (name) return `${encodeAddressName(name)} <${normalized}>`;
      return PLAIN_ADDRESS.test(normalized) ? normalized : `<${normalized}>`;
    })
    .join(", ");
}

/** The local part a dot-atom or a quoted string, the domain in its A-labels (U-labels beside a non-ASCII local part, SMTPUTF8). */
function normalizeAddress(address: string): string {
  const at = address.lastIndexOf("@");
  const user = address.slice(0, at);
  const domain = address.slice(at + 1);
  let encodedDomain = domain;
  try {
    encodedDomain = normalizeDomain(domain, /[\x80-\uFFFF]/.test(user));
  } catch {
    // A domain nodemailer cannot encode is kept as supplied, as nodemailer keeps it.
  }
  return `${DOT_ATOM.test(user) ? user : quoteString(user)}@${encodedDomain}`;
}

// What the WHATWG host parser behind domainToASCII cuts a host at, drops or percent-decodes; none
// is legal in a domain, and a parser that cut 'evil.example/mail.corp.example' would mail evil.example.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const URL_PARSER_UNSAFE = /[/\\?#%\x00-\x20\x7F]/;
const MAX_DOMAIN_LENGTH = 253;
const MAX_LABEL_LENGTH = 63;

/**
 * nodemailer's normalizeDomain (nodemailer/lib/shared), which its MimeNode applies to every
 * address: UTS-46 mapping through Node's URL host parser where the domain is safe to hand it, else
 * lower case and plain punycode, and a domain too long to be one kept as it is. Written out here
 * because importing it from nodemailer/lib/shared brings that module's HTTP client into the bundle
 * (9 kB); the byte-for-byte tests against nodemailer (test/unit/raw-message.test.ts) hold the two
 * to the same output.
 */
function normalizeDomain(domain: string, toUnicode: boolean): string {
  if (!URL_PARSER_UNSAFE.test(domain)) {
    const ascii = domainToASCII(domain);
    const mapped = ascii && toUnicode ? domainToUnicode(ascii) : ascii;
    if (mapped) return mapped;
  }
  const lower = domain.toLowerCase();
  if (exceedsDomainLimits(lower)) return lower;
  return toUnicode ? punycode.toUnicode(lower) : punycode.toASCII(lower);
}

function exceedsDomainLimits(domain: string): boolean {
  let total = 0;
  let label = 0;
  for (const char of domain) {
    total++;
    if (char === "." || char === "\u3002" || char === "\uff0e" || char === "\uff61") label = 0;
    else if (++label > MAX_LABEL_LENGTH) return true;
  }
  return total > MAX_DOMAIN_LENGTH;
}

function encodeAddressName(name: string): string {
  if (/^[\w ]*$/.test(name)) return name;
  if (/^[\x20-\x7e]*$/.test(name)) return quoteString(name);
  return encodeWord(name, textEncoding(name), 52);
}

/** nodemailer's choice of encoding for text: quoted-printable when Latin letters outnumber the rest, else base64. */
function textEncoding(value: string): "Q" | "B" {
  let nonLatin = 0;
  let latin = 0;
  for (let index = 0; index < value.length; index++) {
    const code = value.charCodeAt(index);
    if (code <= 0x08 || code === 0x0b || code === 0x0c || (code >= 0x0e && code <= 0x1f) || code >= 0x80) {
      nonLatin++;
    } else if ((code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a)) {
      latin++;
    }
  }
  return nonLatin < latin ? "Q" : "B";
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
  // Kept apart from the address: the name is then quoted or encoded as a whole, so a comma or an
  // "@" in a tenant's name ("Berg, Dahl & Co") cannot turn into a second address.
  return { name, address };
}

function extraHeaders(headers: Record<string, string>): { name: string; value: string }[] {
  const seen = new Set<string>();
  return Object.entries(headers).map(([name, value]) => {
    if (!EXTRA_HEADER_NAME.test(name) || SES_HEADER.test(name)) {
      throw new TypeError(`headers: "${name}" is not an X- header dun may set`);
    }
    if (seen.has(name.toLowerCase())) throw new TypeError(`headers: "${name}" is given twice`);
    seen.add(name.toLowerCase());
    return { name, value: singleLine(`headers.${name}`, value) };
  });
}

/** A header name in MimeNode's casing: words capitalised, some suffixes (-ID, -MD5…) in capitals. */
function headerKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/^X-SMTPAPI$|^(MIME|DKIM|ARC|BIMI)\b|^OTP(?=-Token$)|^[a-z]|-(SPF|FBL|ID|MD5)$|-[a-z]/gi, (c) =>
      c.toUpperCase(),
    );
}
