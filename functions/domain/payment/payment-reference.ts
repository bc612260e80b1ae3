/**
 * The reference a debtor quotes when paying, so the seller's bank can match the payment to the
 * invoice: the Norwegian KID, the Swedish OCR reference, the Danish FIK code line and the
 * international RF creditor reference (ISO 11649). Each carries a check digit so that a mistyped
 * reference is caught in the debtor's online bank rather than landing as an unmatched payment.
 * A reference that fails its own check would make every payment against a reminder bounce or go
 * unmatched, so it is worth refusing before it is ever printed.
 */
import * as z from "zod";
import { err, ok, type Result } from "#domain/result.ts";

export const PaymentReferenceTypeSchema = z.enum(["kid", "ocr", "fik", "rf", "other"]);
export type PaymentReferenceType = z.infer<typeof PaymentReferenceTypeSchema>;

export const PaymentReferenceSchema = z.object({
  type: PaymentReferenceTypeSchema,
  /** Normalised: digits (a KID may end in "-"), RF without spaces, a FIK code line without spaces. */
  value: z.string(),
  /** How to print it on a reminder. */
  display: z.string(),
});
export type PaymentReference = z.infer<typeof PaymentReferenceSchema>;

export type PaymentReferenceError = {
  readonly code: "invalid_payment_reference";
  readonly type: PaymentReferenceType;
  /** For the person who uploaded the invoice; reads after the field's name ("… is not a valid KID: …"). */
  readonly message: string;
};

const failure = (type: PaymentReferenceType, message: string) =>
  err<PaymentReferenceError>({ code: "invalid_payment_reference", type, message });

const DIGITS = /^\d+$/;

// Printed references are grouped for the eye ("RF18 5390 0754 7034", "+71< 000… +8…<"); the bank
// reads them without the spaces, so only the ASCII space is dropped: anything else stays and fails.
const withoutSpaces = (text: string) => text.replaceAll(" ", "");

function assertDigits(payload: string, caller: string): void {
  if (!DIGITS.test(payload)) throw new RangeError(`${caller}: "${payload}" is not a string of digits`);
}

/**
 * The Luhn (modulus 10) check digit of a payload of digits: from the right, weights 2, 1, 2, …;
 * a two-digit product counts as the sum of its digits; the check digit brings the total to a
 * multiple of ten. KID "MOD10", Bankgirot's "10-modul" and the Danish FIK payment ID all use it.
 */
export function luhnCheckDigit(payload: string): string {
  assertDigits(payload, "luhnCheckDigit");
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    const digit = payload.charCodeAt(payload.length - 1 - fromRight) - 48;
    const product = fromRight % 2 === 0 ? digit * 2 : digit;
    sum += product > 9 ? product - 9 : product;
  }
  return String((10 - (sum % 10)) % 10);
}

/**
 * The KID "MOD11" check digit of a payload of digits: from the right, weights 2, 3, 4, 5, 6, 7,
 * repeating; the check digit is 11 minus the remainder of the sum by 11. A remainder of 0 gives
 * "0"; a remainder of 1 would need the two-digit 10, which Nets prints as "-" (the debtor types
 * the dash too), so "-" is returned.
 */
export function mod11CheckDigit(payload: string): string {
  assertDigits(payload, "mod11CheckDigit");
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    const digit = payload.charCodeAt(payload.length - 1 - fromRight) - 48;
    sum += digit * (2 + (fromRight % 6));
  }
  const remainder = sum % 11;
  if (remainder === 0) return "0";
  if (remainder === 1) return "-";
  return String(11 - remainder);
}

function hasLuhnCheckDigit(digits: string): boolean {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

// ——— Norway: KID (kundeidentifikasjon) ———

// 2–25 characters: at least one digit of payload, then the check digit, which MOD11 may print as "-".
const KID_SHAPE = /^\d{1,24}[\d-]$/;

/**
 * A Norwegian KID: 2–25 digits whose last is a MOD10 or a MOD11 check digit (or "-", MOD11's
 * check for remainder 1). The payee chooses the scheme in its agreement with the bank and dun is
 * not told which, so either is accepted; the price is that about one typo in eleven in a MOD10
 * KID happens to carry a valid MOD11 check digit and slips through.
 */
export function isValidKid(digits: string): boolean {
  if (!KID_SHAPE.test(digits)) return false;
  const payload = digits.slice(0, -1);
  const check = digits.slice(-1);
  return luhnCheckDigit(payload) === check || mod11CheckDigit(payload) === check;
}

// ——— Sweden: OCR reference (Bankgirot / Plusgirot) ———

const OCR_SHAPE = /^\d{2,25}$/;

/**
 * A Swedish OCR reference: 2–25 digits whose last is a Luhn ("10-modul") check digit over all
 * the others. Some payees' agreements add a length digit before the check digit (the total
 * length, check and length digits included, modulo 10); it is inside the Luhn sum like any
 * other digit, so every such reference passes here. Pass `requireLengthDigit` to insist on it,
 * for a payee whose agreement with Bankgirot checks length.
 */
export function isValidSwedishOcr(digits: string, options: { requireLengthDigit?: boolean } = {}): boolean {
  if (!OCR_SHAPE.test(digits) || !hasLuhnCheckDigit(digits)) return false;
  return !options.requireLengthDigit || digits.slice(-2, -1) === String(digits.length % 10);
}

// ——— Denmark: FIK code line (Fælles indbetalingskort) ———

export type Fik =
  | {
      /** 71: payment ID only; 75: payment ID and a message from the debtor. */
      readonly cardType: "71" | "75";
      /** With its check digit: 15 digits on a +71 card, 16 on a +75 card. */
      readonly paymentId: string;
      readonly creditorNumber: string;
    }
  | {
      /** 73: no payment ID; the bank passes on the debtor's name and a message instead. */
      readonly cardType: "73";
      readonly creditorNumber: string;
    };

// "+71<000000000000018+81234567<": card type, payment ID (absent on +73), creditor number.
const FIK_SHAPE = /^\+(\d{2})<(\d*)\+(\d*)<$/;
const FIK_PAYMENT_ID_LENGTH = { "71": 15, "75": 16 } as const;

/**
 * Reads a FIK code line, "+71<000000000000018+81234567<", the form Danish online banks ask for:
 * card type 71 (15-digit payment ID), 73 (none) or 75 (16-digit payment ID), then the payee's
 * 8-digit creditor number. The last digit of a payment ID is a Luhn check digit over the rest.
 * Spaces between the parts, as printed on the card, are allowed.
 */
export function parseFik(text: string): Result<Fik, PaymentReferenceError> {
  const invalid = (why: string) => failure("fik", `is not a valid FIK code line: ${why}`);
  const match = FIK_SHAPE.exec(withoutSpaces(text.trim()));
  if (!match) return invalid("it must look like +71<000000000000018+81234567<");
  const [, cardType = "", paymentId = "", creditorNumber = ""] = match;

  if (cardType !== "71" && cardType !== "73" && cardType !== "75") {
    // +01, +04 and +15 are girokort lines: a different payment form, not FIK.
    return invalid(`card type +${cardType} is not a FIK card type (+71, +73 or +75)`);
  }
  if (!/^\d{8}$/.test(creditorNumber)) return invalid("the creditor number must be 8 digits");
  if (cardType === "73") {
    if (paymentId !== "") return invalid("card type +73 carries no payment ID");
    return ok({ cardType, creditorNumber });
  }
  const length = FIK_PAYMENT_ID_LENGTH[cardType];
  if (paymentId.length !== length) {
    return invalid(`card type +${cardType} needs a ${length}-digit payment ID, with leading zeros`);
  }
  if (!hasLuhnCheckDigit(paymentId))
    return invalid("the payment ID's check digit does not match (modulus 10)");
  return ok({ cardType, paymentId, creditorNumber });
}

export function isValidFik(text: string): boolean {
  return parseFik(text).ok;
}

/** The code line without spaces, as a Danish online bank takes it. */
function fikCodeLine(fik: Fik): string {
  const paymentId = fik.cardType === "73" ? "" : fik.paymentId;
  return `+${fik.cardType}<${paymentId}+${fik.creditorNumber}<`;
}

// ——— International: RF creditor reference (ISO 11649) ———

const RF_SHAPE = /^RF\d{2}[0-9A-Z]{1,21}$/;
const RF_BODY = /^[0-9A-Z]{1,21}$/;

// ISO 11649 compares letters without regard to case (A and a are both 10); electronic form is
// written without spaces. Upper case is what banks print, so that is what dun stores.
const compactRf = (text: string) => withoutSpaces(text.trim()).toUpperCase();

/** Remainder by 97 of the number a string of digits and capital letters stands for, A = 10 … Z = 35. */
function mod97(alphanumeric: string): number {
  let remainder = 0;
  for (const character of alphanumeric) {
    const code = character.charCodeAt(0);
    // A letter stands for two digits, a digit for one; feeding them one at a time keeps the
    // running value far below 2^53, where a 46-digit reference as one Number would not be.
    const value = code >= 65 ? code - 55 : code - 48;
    remainder = value >= 10 ? (remainder * 100 + value) % 97 : (remainder * 10 + value) % 97;
  }
  return remainder;
}

/**
 * An RF creditor reference: "RF", two check digits and 1–21 letters or digits; spaces (the
 * printed groups of four) and lower case are allowed. Valid when, with the first four characters
 * moved to the end and letters read as numbers (A = 10 … Z = 35), the number is 1 modulo 97.
 */
export function isValidRfReference(text: string): boolean {
  const compact = compactRf(text);
  return RF_SHAPE.test(compact) && mod97(compact.slice(4) + compact.slice(0, 4)) === 1;
}

/**
 * Wraps an existing reference, such as an invoice number of 1–21 letters and digits, in an RF
 * creditor reference: check digits 98 minus the remainder by 97 of reference + "RF00".
 * Spaces are dropped and letters upper-cased. Throws a RangeError for anything else, because a
 * caller reaching here with punctuation or 22 characters skipped validation.
 */
export function makeRfReference(reference: string): string {
  const body = compactRf(reference);
  if (!RF_BODY.test(body)) {
    throw new RangeError(`makeRfReference: "${reference}" is not 1 to 21 letters and digits`);
  }
  const check = 98 - mod97(`${body}RF00`);
  return `RF${String(check).padStart(2, "0")}${body}`;
}

/** The print form: groups of four from the left, "RF18 5390 0754 7034". */
export function formatRfReference(text: string): string {
  return (compactRf(text).match(/.{1,4}/g) ?? []).join(" ");
}

// ——— Any of the above, or the invoice's own reference ———

const OTHER_MAX_CHARACTERS = 35;
// Control and format characters (bidi overrides could make a reference print as something else),
// surrogate halves, private-use and unassigned code points, and the line and paragraph separators.
const NOT_PRINTABLE = /[\p{C}\u2028\u2029]/u;

function classifyKid(text: string): Result<PaymentReference, PaymentReferenceError> {
  const value = withoutSpaces(text);
  if (!KID_SHAPE.test(value)) {
    return failure("kid", "is not a valid KID: it must be 2 to 25 digits, the last of which may be a dash");
  }
  if (!isValidKid(value)) {
    return failure("kid", "is not a valid KID: its check digit does not match (MOD10 or MOD11)");
  }
  return ok({ type: "kid", value, display: value });
}

function classifyOcr(text: string): Result<PaymentReference, PaymentReferenceError> {
  const value = withoutSpaces(text);
  if (!OCR_SHAPE.test(value)) {
    return failure("ocr", "is not a valid OCR reference: it must be 2 to 25 digits");
  }
  if (!isValidSwedishOcr(value)) {
    return failure("ocr", "is not a valid OCR reference: its check digit does not match (modulus 10)");
  }
  return ok({ type: "ocr", value, display: value });
}

function classifyFik(text: string): Result<PaymentReference, PaymentReferenceError> {
  const parsed = parseFik(text);
  if (!parsed.ok) return parsed;
  const codeLine = fikCodeLine(parsed.value);
  return ok({ type: "fik", value: codeLine, display: codeLine });
}

function classifyRf(text: string): Result<PaymentReference, PaymentReferenceError> {
  const value = compactRf(text);
  if (!RF_SHAPE.test(value)) {
    return failure(
      "rf",
      "is not a valid RF creditor reference: it must be RF, two check digits and 1 to 21 letters or digits",
    );
  }
  if (!isValidRfReference(value)) {
    return failure("rf", "is not a valid RF creditor reference: its check digits do not match (ISO 11649)");
  }
  return ok({ type: "rf", value, display: formatRfReference(value) });
}

function classifyOther(text: string): Result<PaymentReference, PaymentReferenceError> {
  const characters = [...text].length;
  if (characters === 0) return failure("other", "must not be empty");
  if (characters > OTHER_MAX_CHARACTERS) {
    return failure("other", `must be at most ${OTHER_MAX_CHARACTERS} characters`);
  }
  if (NOT_PRINTABLE.test(text)) return failure("other", "must not contain line breaks or control characters");
  return ok({ type: "other", value: text, display: text });
}

const CLASSIFIERS: Readonly<
  Record<PaymentReferenceType, (text: string) => Result<PaymentReference, PaymentReferenceError>>
> = { kid: classifyKid, ocr: classifyOcr, fik: classifyFik, rf: classifyRf, other: classifyOther };

/**
 * Decides what kind of reference an invoice carries, validates it and says how to print it.
 * A declared type is held to that type's rules. Without one: "RF" and two digits is an RF
 * reference; "+71<", "+73<" or "+75<" a FIK code line; 2–25 digits a KID for a Norwegian debtor
 * and an OCR reference for a Swedish one, each checked. Anything else is taken as it is: an
 * invoice number quoted as the reference is common, and only the seller's bank can judge it.
 */
export function classifyPaymentReference(
  reference: string,
  country: string,
  declared?: PaymentReferenceType,
): Result<PaymentReference, PaymentReferenceError> {
  const text = reference.trim();
  if (declared !== undefined) return CLASSIFIERS[declared](text);

  const compact = withoutSpaces(text);
  if (/^RF\d{2}/i.test(compact)) return classifyRf(text);
  if (/^\+7[135]</.test(compact)) return classifyFik(text);
  const debtorCountry = country.trim().toUpperCase();
  if (debtorCountry === "NO" && KID_SHAPE.test(compact)) return classifyKid(text);
  if (debtorCountry === "SE" && OCR_SHAPE.test(compact)) return classifyOcr(text);
  return classifyOther(text);
}
