/**
 * The Lambdas' logger: Powertools' Logger, with every email address in a log line redacted to
 * `***@domain`. Debtors' and account managers' addresses are personal data, and they reach the
 * logs by many roads: SES events list their recipients, SES error messages quote the address they
 * refused, a zod issue echoes the value it rejected. Redacting when the line is written covers all
 * of them, and the ones nobody has thought of yet.
 *
 * It keeps the domain: bounces, deferrals and complaints cluster by mailbox provider (gmail.com,
 * outlook.com, a company's own mail server), and that is what a delivery problem is debugged by.
 * The local part is what names a person, and nothing needs it in a log; which invoice or email a
 * line is about is what the invoice number and SES's message id are for. Not a hash of it either:
 * an address hashed without a secret is found again by hashing guesses, so it would still be
 * personal data.
 *
 * It is Powertools' `jsonReplacerFn`: the Logger calls it on every key and value of the line as it
 * serialises it, at any depth, and before it turns an Error into `{ name, message, stack, … }`,
 * whose strings then come back through it too. It runs on every line, so a string without an `@`
 * (nearly all of them) costs one `includes`.
 */
import { Logger } from "@aws-lambda-powertools/logger";

/**
 * An email address: a local part (RFC 5322's characters, letters of any script, or a quoted
 * string), `@` (or `%40`, as in a URL), and a domain whose last label is letters, so that
 * `zod@4.1.12` and `node_modules/@aws-sdk/…` stay as they are. It errs towards redacting too much
 * (`to=jane@…` loses its `to=` too), never too little. The local part is at most 64 characters,
 * as RFC 5321 says: unbounded, a long run of such characters (a base64 blob) before an `@` would
 * take quadratic time.
 */
const EMAIL_ADDRESS =
  /(?:"[^"\r\n]{0,62}"|[\p{L}\p{M}\p{N}!#$%&'*+/=?^_`{|}~.-]{1,64})(?:@|%40)((?:[\p{L}\p{M}\p{N}-]+\.)+[\p{L}\p{M}]{2,63})/gu;

function mayHoldAddress(text: string): boolean {
  return text.includes("@") || text.includes("%40");
}

/** `text` with each email address in it as `***@<its domain>`. */
export function redactEmails(text: string): string {
  return mayHoldAddress(text) ? text.replace(EMAIL_ADDRESS, (_address, domain) => `***@${domain}`) : text;
}

/**
 * Copies of the objects whose keys held an address, for the line being written: an object met
 * twice in one line (a circular reference) must be the same copy, or Powertools' cycle check would
 * not recognise it. Dropped at the next microtask, once the line is written (so lines written in
 * one synchronous run share them: an object changed between two of them shows as it first was).
 */
let keyCopies: WeakMap<object, Record<string, unknown>> | undefined;

function withRedactedKeys(value: Record<string, unknown>): Record<string, unknown> {
  if (keyCopies === undefined) {
    keyCopies = new WeakMap();
    queueMicrotask(() => {
      keyCopies = undefined;
    });
  }
  let copy = keyCopies.get(value);
  if (copy === undefined) {
    // Two addresses at one domain become one key; the line keeps the later value.
    copy = Object.fromEntries(Object.entries(value).map(([key, item]) => [redactEmails(key), item]));
    keyCopies.set(value, copy);
  }
  return copy;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** The Logger's `jsonReplacerFn`: every string and every plain object's keys, without addresses. */
export function redactingReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "string") return redactEmails(value);
  if (isPlainObject(value)) {
    for (const key in value) if (mayHoldAddress(key)) return withRedactedKeys(value);
  }
  return value;
}

/** The logger every handler uses; `serviceName` is the Lambda's (`dun-sender`). */
export function redactingLogger(serviceName: string): Logger {
  return new Logger({ serviceName, jsonReplacerFn: redactingReplacer });
}
