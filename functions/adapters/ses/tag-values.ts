/**
 * SES message tags carry what the events Lambda needs to find an email's invoice again, but SES
 * allows a tag value only ASCII letters, digits, "_" and "-", at most 256 characters (the
 * MessageTag type of the SES API reference), and invoice numbers hold "." and "/". So values are
 * escaped: every UTF-8 byte outside [A-Za-z0-9-] becomes "_" and two upper-case hex digits
 * ("2026/1001.A" → "2026_2F1001_2EA"). "_" is the escape itself, so it is escaped too, and the
 * encoding is reversible.
 *
 * A byte costs at most three characters, so any text of up to 85 UTF-8 bytes always fits; an
 * invoice number (at most 64 ASCII characters) needs 192 at worst, a tenant id 63.
 */

export const MAX_TAG_VALUE_LENGTH = 256;

/** What SES accepts as a tag name or value, length aside. */
export const TAG_ALPHABET = /^[A-Za-z0-9_-]*$/;

const UNESCAPED = /^[A-Za-z0-9-]$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const ESCAPE = /_([0-9A-Fa-f]{2})/y;

/**
 * The SES tag value for a text. Throws a RangeError when the value would pass SES's 256
 * characters and a TypeError for a lone surrogate (UTF-8 has no bytes for it, so it could not
 * come back): both mean a caller tags something the domain should have bounded.
 */
export function encodeTagValue(text: string): string {
  if (LONE_SURROGATE.test(text))
    throw new TypeError("a tag value must be well-formed Unicode (it has a lone surrogate)");
  let encoded = "";
  for (const byte of Buffer.from(text, "utf8")) {
    const char = String.fromCharCode(byte);
    encoded += UNESCAPED.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  if (encoded.length > MAX_TAG_VALUE_LENGTH) {
    throw new RangeError(
      `"${text.slice(0, 40)}…" encodes to ${encoded.length} characters; an SES tag value holds ${MAX_TAG_VALUE_LENGTH}`,
    );
  }
  return encoded;
}

/**
 * The text an encoded tag value stands for; only values made by encodeTagValue come back exactly.
 * Lenient by design, as it reads values out of SES events: a "_" that starts no escape is kept as
 * it is rather than failing the whole event.
 */
export function decodeTagValue(value: string): string {
  const bytes: number[] = [];
  for (let index = 0; index < value.length; ) {
    ESCAPE.lastIndex = index;
    const escaped = ESCAPE.exec(value);
    if (escaped?.[1]) {
      bytes.push(Number.parseInt(escaped[1], 16));
      index += 3;
    } else {
      // SES's tag values are ASCII; anything else is passed through as the UTF-8 it is.
      const char = String.fromCodePoint(value.codePointAt(index) ?? 0);
      bytes.push(...Buffer.from(char, "utf8"));
      index += char.length;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}
