/**
 * Field schemas shared by every boundary. User text ends up in email headers and HTML, so it is
 * refused with control characters (CR/LF would let a name inject a mail header) rather than
 * trusted to be escaped later; HTML itself is escaped when an email is rendered.
 */
import * as z from "zod";
import { isIsoDate } from "#domain/calendar/iso-date.ts";
import "./zod-messages.ts";

// C0 and C1 control characters, DEL, and the Unicode line and paragraph separators.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const utf8 = new TextEncoder();

/** Text's length as DynamoDB (and every wire) counts it: in UTF-8 bytes, where `€` is 3 and `ж` 2. */
export function utf8Bytes(text: string): number {
  return utf8.encode(text).length;
}

/** A single line of human text: trimmed, not empty, no control characters. */
export const singleLineText = (maxLength: number) =>
  z
    .string()
    .trim()
    .min(1, "must not be empty")
    .max(maxLength, `must be at most ${maxLength} characters`)
    .refine((text) => !CONTROL_CHARACTERS.test(text), {
      message: "must not contain line breaks or control characters",
    });

export const EmailSchema = z
  .string()
  .trim()
  .max(254, "must be at most 254 characters")
  .pipe(z.email({ message: "must be an email address such as name@example.com" }))
  .transform((email) => email.toLowerCase());

export const IsoDateSchema = z
  .string()
  .refine(isIsoDate, { message: "must be a date in the form YYYY-MM-DD, such as 2026-11-15" });

/** An instant in time as ISO 8601 UTC ("2026-11-23T09:00:00.000Z"). */
export const InstantSchema = z.iso.datetime({ message: "must be an ISO 8601 timestamp in UTC" });

export const HttpsUrlSchema = z
  .url({ protocol: /^https$/, message: "must be an https:// URL" })
  .max(2048, "must be at most 2048 characters");
