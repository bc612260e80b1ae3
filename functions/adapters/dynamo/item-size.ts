/**
 * An item's size as DynamoDB counts it against its 400 KB limit, from "DynamoDB item sizes and
 * formats" (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html):
 * - an attribute is the UTF-8 bytes of its name plus its value;
 * - a string is its UTF-8 bytes, a binary its raw bytes (not its base64), a null or a boolean 1;
 * - a number is 1 byte per two significant digits (leading and trailing zeroes trimmed) plus 1;
 * - a list or a map is 3 bytes of overhead, plus 1 byte per element, plus its elements (a map's
 *   element counting its name as an attribute does);
 * - a set is the sum of its members.
 * The page calls the number rule approximate: the digits are counted here in the pairs DynamoDB
 * stores them in (base 100, aligned on the decimal point, so 1.5 is two pairs and 15 one), with a
 * byte more for a negative number, as dynalite measured it against DynamoDB; the difference is a
 * byte or two per number.
 */
import { utf8Bytes } from "#domain/text.ts";

/** DynamoDB's limit on one item: 400 KB, counted by the rule above. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * An attribute value as DynamoDB's wire JSON carries it (binaries as base64 text) or as the SDK
 * holds it (binaries as bytes).
 */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string | Uint8Array }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: (string | Uint8Array)[] }
  | { M: Record<string, AttributeValue> }
  | { L: AttributeValue[] }
  | { NULL: boolean }
  | { BOOL: boolean };

/** The size of an item (its attributes by name) by DynamoDB's rule. */
export function itemSize(item: Readonly<Record<string, AttributeValue>>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += utf8Bytes(name) + valueSize(value);
  return size;
}

export function valueSize(value: AttributeValue): number {
  if ("S" in value) return utf8Bytes(value.S);
  if ("N" in value) return numberSize(value.N);
  if ("B" in value) return binarySize(value.B);
  if ("SS" in value) return value.SS.reduce((sum, member) => sum + utf8Bytes(member), 0);
  if ("NS" in value) return value.NS.reduce((sum, member) => sum + numberSize(member), 0);
  if ("BS" in value) return value.BS.reduce((sum, member) => sum + binarySize(member), 0);
  if ("M" in value) {
    const entries = Object.entries(value.M);
    return 3 + entries.reduce((sum, [name, member]) => sum + 1 + utf8Bytes(name) + valueSize(member), 0);
  }
  if ("L" in value) return 3 + value.L.reduce((sum, member) => sum + 1 + valueSize(member), 0);
  return 1;
}

function binarySize(value: string | Uint8Array): number {
  return typeof value === "string" ? Buffer.from(value, "base64").length : value.length;
}

const NUMBER = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/**
 * A number's size: its significant digits in base-100 pairs aligned on the decimal point, plus 1,
 * plus 1 when negative; zero is 1. Text that is not a number is DynamoDB's to refuse; it is
 * counted by its length here.
 */
export function numberSize(text: string): number {
  const match = NUMBER.exec(text.trim());
  if (!match) return text.length;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  const digits = whole + fraction;
  const first = digits.search(/[1-9]/);
  if (first === -1) return 1;
  const last = digits.length - 1 - [...digits].reverse().findIndex((digit) => digit !== "0");
  // Each digit's power of ten: the digit just left of the decimal point is 10^0.
  const powerOf = (index: number) => whole.length - 1 - index + Number(exponent);
  const pairs = Math.floor(powerOf(first) / 2) - Math.floor(powerOf(last) / 2) + 1;
  return 1 + pairs + (sign === "-" ? 1 : 0);
}
