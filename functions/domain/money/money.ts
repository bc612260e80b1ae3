/**
 * Money is an integer count of the currency's minor unit (øre, cents, fils; yen have none) and an
 * ISO 4217 code. Arithmetic stays in integers; decimals exist only at the edges, where people type
 * amounts in (parseAmount) and read them (formatMoney).
 */
import { isCurrencyCode, minorUnits } from "#domain/money/currency.ts";
import { err, ok, type Result } from "#domain/result.ts";

/** `amount` is in minor units (12500.00 NOK is 1250000) and is a safe integer. */
export type Money = { readonly amount: number; readonly currency: string };

export type MoneyParseError = {
  code:
    | "empty"
    | "malformed"
    | "ambiguous"
    | "negative"
    | "too_many_decimals"
    | "too_large"
    | "unknown_currency";
  message: string;
};

export type ParseAmountOptions = {
  /**
   * The decimal separator the writer uses (from the tenant's CSV settings or the debtor's locale).
   * A hint, consulted only where the text itself cannot tell: "1,234" or "1.234".
   */
  decimalSeparator?: "." | ",";
};

type Mark = "." | ",";
type Separator = Mark | "space" | "apostrophe";

// The characters that may separate digits. Intl groups thousands with U+00A0 (nb, sv, fi, pl, ru),
// U+202F (fr), "." (de, da, it, es, nl) or "," (en), and de-CH with an apostrophe (U+0027 in current
// ICU, U+2019 in older data and in text typed on a Mac). The spaces count as one kind, as do the
// apostrophes, because text pasted through spreadsheets and mail clients swaps them freely.
const SEPARATORS: ReadonlyMap<string, Separator> = new Map<string, Separator>([
  [".", "."],
  [",", ","],
  [" ", "space"],
  ["\u00A0", "space"],
  ["\u202F", "space"],
  ["\u2009", "space"],
  ["'", "apostrophe"],
  ["\u2019", "apostrophe"],
]);
const MINUS_SIGNS = new Set(["-", "\u2212"]);
const MAX_MINOR = BigInt(Number.MAX_SAFE_INTEGER);
const MAX_MINOR_DIGITS = String(Number.MAX_SAFE_INTEGER).length;

/**
 * Reads a non-negative decimal amount, as people and spreadsheets write it, into minor units.
 *
 * Accepted: digits, optionally grouped by three with a space (also U+00A0, U+202F, U+2009), an
 * apostrophe (' or ’), "." or ","; optionally a decimal part after "." or ",". "12500", "12500.00",
 * "12 500,00", "12.500,00", "12,500.00", "1'234.50". A decimal part alone is allowed: ",50" and
 * ".5" are half a unit, because a separator at the start can only be a decimal one.
 *
 * Which mark is the decimal separator:
 * - with both "." and ",", the last one is, once; the other groups thousands;
 * - one mark appearing more than once groups thousands ("1.234.567");
 * - one mark after space or apostrophe grouping is the decimal separator ("1 234,5");
 * - a lone mark that cannot be grouping is the decimal separator: "1.5", "1234,567" (the head is
 *   longer than a group), "0,500" (nobody groups a leading zero);
 * - a lone mark before exactly three digits ("1,234") is ambiguous, and rejected, unless the currency
 *   has no minor unit (then it groups: "1.234" JPY is 1234), `options.decimalSeparator` says which it
 *   is, or the mark is "." and the currency has three decimals: "1.500" KWD is one and a half dinars.
 *   That last rule is what makes toDecimalString's canonical form read back unchanged; "1,500" KWD
 *   stays ambiguous, because in English text it is fifteen hundred.
 *
 * Decimals beyond the currency's exponent are rejected unless they are zeros ("1234.00" JPY is 1234,
 * "12.345" NOK is an error): nothing is ever rounded away. Signs and parentheses mean a negative
 * amount, which is rejected; so is "+". Never throws, whatever the text.
 */
export function parseAmount(
  text: string,
  currency: string,
  options: ParseAmountOptions = {},
): Result<number, MoneyParseError> {
  if (!isCurrencyCode(currency)) {
    const upper = currency.trim().toUpperCase();
    const hint = isCurrencyCode(upper) ? `; write it in capitals: ${upper}` : ", such as NOK or EUR";
    return err({
      code: "unknown_currency",
      message: `${quote(currency)} is not an ISO 4217 currency code${hint}`,
    });
  }
  const exponent = minorUnits(currency);
  const trimmed = text.trim();
  if (trimmed === "") return err({ code: "empty", message: emptyMessage(exponent) });
  const unsigned = withoutSign(trimmed);
  if (unsigned === undefined) return parseUnsigned(trimmed, trimmed, currency, exponent, options);
  const magnitude = parseUnsigned(unsigned, trimmed, currency, exponent, options);
  // "-abc" and a lone "-" are malformed text before they are negative amounts.
  if (!magnitude.ok && magnitude.error.code === "malformed") return magnitude;
  if (!magnitude.ok && magnitude.error.code === "empty") {
    return err({ code: "malformed", message: malformedMessage(trimmed, exponent) });
  }
  return err({
    code: "negative",
    message: `${quote(trimmed)} is negative: an amount must be zero or more, such as ${examples(exponent)}`,
  });
}

/** parseAmount, paired with its currency. */
export function parseMoney(
  text: string,
  currency: string,
  options: ParseAmountOptions = {},
): Result<Money, MoneyParseError> {
  const amount = parseAmount(text, currency, options);
  return amount.ok ? ok({ amount: amount.value, currency }) : amount;
}

/**
 * The canonical machine form: no grouping, "." before exactly the currency's exponent of digits —
 * "12500.00" NOK, "1234" JPY, "1.500" KWD, "-5.00" for a negative balance. Stored and sent in APIs;
 * parseAmount reads every non-negative one back to the same amount.
 */
export function toDecimalString(money: Money): string {
  const exponent = minorUnits(money.currency);
  assertAmount("toDecimalString", money);
  const sign = money.amount < 0 ? "-" : "";
  const digits = String(Math.abs(money.amount)).padStart(exponent + 1, "0");
  if (exponent === 0) return sign + digits;
  return `${sign}${digits.slice(0, -exponent)}.${digits.slice(-exponent)}`;
}

export type FormatMoneyOptions = { currencyDisplay?: "symbol" | "code" | "narrowSymbol" };

/**
 * The amount as the reader's locale writes it: formatMoney(NOK 123450, "nb-NO") is "1 234,50 kr"
 * (with U+00A0), always with the currency's exponent of decimals. Intl gets a decimal string, not a
 * float, so no amount up to Number.MAX_SAFE_INTEGER minor units is ever off by a rounding error.
 * Throws a RangeError for a locale tag Intl rejects; locales are validated where they enter.
 */
export function formatMoney(money: Money, locale: string, options: FormatMoneyOptions = {}): string {
  const decimal = toDecimalString(money) as `${number}`;
  return currencyFormat(locale, money.currency, options.currencyDisplay ?? "symbol").format(decimal);
}

/** a + b. Mixing currencies is a bug (dun never converts), so it throws a TypeError. */
export function addMoney(a: Money, b: Money): Money {
  assertSameCurrency("addMoney", a, b);
  return checkedMoney("addMoney", a.amount + b.amount, a.currency);
}

/** a − b, which may be negative (an overpayment). Mixing currencies throws a TypeError. */
export function subtractMoney(a: Money, b: Money): Money {
  assertSameCurrency("subtractMoney", a, b);
  return checkedMoney("subtractMoney", a.amount - b.amount, a.currency);
}

/** Nothing, in the given currency; a RangeError for an unknown code. */
export function zeroOf(currency: string): Money {
  minorUnits(currency);
  return { amount: 0, currency };
}

/**
 * numerator / denominator rounded to the nearest integer, halves away from zero (2.5 → 3, −2.5 → −3):
 * the commercial rounding that invoices and statutory interest use. Callers build the exact rational
 * in minor units first, so there is one rounding, at the end. Interest at 12.5 % a year for 30 days on
 * 1234.50 NOK (123450 øre) is roundHalfUp(123450n * 125n * 30n, 1000n * 365n) = 1268 øre.
 * Throws a RangeError on a zero denominator or a result beyond Number.MAX_SAFE_INTEGER.
 */
export function roundHalfUp(numerator: bigint, denominator: bigint): number {
  if (denominator === 0n) throw new RangeError("roundHalfUp: the denominator is zero");
  const negative = numerator < 0n !== denominator < 0n;
  const n = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  // floor(n/d + 1/2) without leaving the integers.
  const magnitude = (2n * n + d) / (2n * d);
  if (magnitude > MAX_MINOR) throw new RangeError("roundHalfUp: the result is not a safe integer");
  // Through BigInt, so that a negative result that rounds to zero is 0, not -0.
  return Number(negative ? -magnitude : magnitude);
}

function parseUnsigned(
  body: string,
  original: string,
  currency: string,
  exponent: number,
  options: ParseAmountOptions,
): Result<number, MoneyParseError> {
  if (body === "") return err({ code: "empty", message: emptyMessage(exponent) });
  const stranger = firstStranger(body);
  if (stranger !== undefined) {
    return err({
      code: "malformed",
      message:
        `${quote(original)} is not an amount: ${quote(stranger)} does not belong in one; ` +
        `write only digits and separators, such as ${examples(exponent)}`,
    });
  }
  const lexed = lex(body);
  const reading = lexed && read(lexed, exponent, options.decimalSeparator);
  if (reading === undefined) return err({ code: "malformed", message: malformedMessage(original, exponent) });
  if ("ambiguous" in reading) {
    return err({ code: "ambiguous", message: ambiguousMessage(original, reading.ambiguous, exponent) });
  }

  const { integer, fraction } = reading;
  if (fraction.length > exponent && /[1-9]/.test(fraction.slice(exponent))) {
    const decimals = fraction.length === 1 ? "1 decimal" : `${fraction.length} decimals`;
    const allowed =
      exponent === 0
        ? `${currency} amounts are whole numbers`
        : `${currency} amounts have at most ${exponent}`;
    return err({
      code: "too_many_decimals",
      message: `${quote(original)} has ${decimals}, but ${allowed}, such as ${examples(exponent)}`,
    });
  }
  const minor = (integer + fraction.slice(0, exponent).padEnd(exponent, "0")).replace(/^0+(?=\d)/, "");
  // The digit count settles most cases before BigInt has to, and keeps BigInt off megabyte inputs.
  if (minor.length > MAX_MINOR_DIGITS || BigInt(minor) > MAX_MINOR) {
    const largest = toDecimalString({ amount: Number.MAX_SAFE_INTEGER, currency });
    return err({
      code: "too_large",
      message: `${quote(original)} is too large: the largest amount dun accepts is ${largest} ${currency}`,
    });
  }
  return ok(Number(minor));
}

/** The text inside a leading "-"/"−", a trailing one (as some ERPs export), or parentheses. */
function withoutSign(text: string): string | undefined {
  if (MINUS_SIGNS.has(text.charAt(0))) return text.slice(1).trim();
  if (MINUS_SIGNS.has(text.charAt(text.length - 1))) return text.slice(0, -1).trim();
  if (text.startsWith("(") && text.endsWith(")")) return text.slice(1, -1).trim();
  return undefined;
}

type Lexed = {
  /** "." or "," before the first digit: ",50". */
  readonly leadingMark: Mark | undefined;
  /** The runs of digits, never empty. */
  readonly runs: readonly string[];
  /** separators[i] stands between runs[i] and runs[i + 1]. */
  readonly separators: readonly Separator[];
};

/** Digit runs with single separators between them; undefined for "12..5", "12.", "1 ,5" and the like. */
function lex(body: string): Lexed | undefined {
  const runs: string[] = [];
  const separators: Separator[] = [];
  let leadingMark: Mark | undefined;
  let runStart = 0;
  for (let index = 0; index < body.length; index++) {
    const char = body.charAt(index);
    if (isDigit(char)) continue;
    const separator = SEPARATORS.get(char);
    if (separator === undefined) return undefined;
    if (index === runStart) {
      if (index !== 0 || (separator !== "." && separator !== ",")) return undefined;
      leadingMark = separator;
    } else {
      runs.push(body.slice(runStart, index));
      separators.push(separator);
    }
    runStart = index + 1;
  }
  if (runStart === body.length) return undefined;
  runs.push(body.slice(runStart));
  return { leadingMark, runs, separators };
}

type Reading =
  | { readonly integer: string; readonly fraction: string }
  | { readonly ambiguous: { readonly head: string; readonly tail: string; readonly mark: Mark } };

/** Decides which separator, if any, is the decimal one (see parseAmount); undefined when malformed. */
function read(lexed: Lexed, exponent: number, hint: Mark | undefined): Reading | undefined {
  const { leadingMark, runs, separators } = lexed;
  if (leadingMark !== undefined) {
    return separators.length === 0 ? { integer: "0", fraction: runs[0] ?? "" } : undefined;
  }
  const last = separators.length - 1;
  const dots = separators.filter((separator) => separator === ".").length;
  const commas = separators.filter((separator) => separator === ",").length;

  // The index in `separators` of the decimal one; -1 when every separator groups.
  let point = -1;
  if (dots > 0 && commas > 0) {
    const mark = separators[last];
    if ((mark === "." && dots === 1) || (mark === "," && commas === 1)) point = last;
    else return undefined;
  } else if (dots + commas === 1) {
    const mark: Mark = dots === 1 ? "." : ",";
    // Spaces or apostrophes never follow the decimal separator, and never mix with a grouping mark.
    if (separators[last] !== mark) return undefined;
    point = last;
    const head = runs[0] ?? "";
    const tail = runs[1] ?? "";
    const couldGroup = last === 0 && tail.length === 3 && head.length <= 3 && !head.startsWith("0");
    if (couldGroup) {
      if (exponent === 0) point = -1;
      else if (hint !== undefined) point = hint === mark ? 0 : -1;
      else if (!(mark === "." && exponent === 3)) return { ambiguous: { head, tail, mark } };
    }
  }

  const groups = point === -1 ? runs : runs.slice(0, point + 1);
  const groupSeparators = point === -1 ? separators : separators.slice(0, point);
  const kind = groupSeparators[0];
  if (kind !== undefined) {
    if (groupSeparators.some((separator) => separator !== kind)) return undefined;
    const [first = "", ...rest] = groups;
    if (first.length > 3 || rest.some((group) => group.length !== 3)) return undefined;
  }
  return { integer: groups.join(""), fraction: point === -1 ? "" : (runs[point + 1] ?? "") };
}

/** The first character that is neither a digit nor a separator, to name it in the message. */
function firstStranger(body: string): string | undefined {
  for (const char of body) if (!isDigit(char) && !SEPARATORS.has(char)) return char;
  return undefined;
}

function isDigit(char: string): boolean {
  return char.length === 1 && char >= "0" && char <= "9";
}

/** A few accepted spellings, with the currency's exponent of decimals. */
function examples(exponent: number): string {
  if (exponent === 0) return "12500 or 12 500";
  const zeros = "0".repeat(exponent);
  return `12500.${zeros} or 12 500,${zeros}`;
}

function emptyMessage(exponent: number): string {
  return `The amount is empty: write a number such as ${examples(exponent)}`;
}

function malformedMessage(text: string, exponent: number): string {
  return (
    `${quote(text)} is not an amount: write digits, grouped by three if you like, and the decimals ` +
    `after "." or ",", such as ${examples(exponent)}`
  );
}

function ambiguousMessage(
  text: string,
  { head, tail, mark }: { head: string; tail: string; mark: Mark },
  exponent: number,
): string {
  const zeros = "0".repeat(exponent);
  const grouped = `write ${head}${tail}.${zeros} or ${head}.${tail},${zeros}`;
  // With two decimals "1,234" can only have meant grouping, but a slip of one mark is a thousandfold
  // error on a demand for payment, so it is still asked for rather than guessed.
  if (exponent <= 2) return `${quote(text)} is ambiguous: ${grouped}`;
  return (
    `${quote(text)} is ambiguous: ${grouped} if "${mark}" separates thousands, ` +
    `or ${head}.${tail.padEnd(exponent, "0")} if it is the decimal separator`
  );
}

/** The user's text in a message, cut short so that a pasted page does not become the message. */
function quote(text: string): string {
  if (text.length <= 40) return `"${text}"`;
  // By code point, so that an emoji is not cut in half.
  return `"${[...text.slice(0, 80)].slice(0, 39).join("")}…"`;
}

// Building an Intl.NumberFormat costs far more than formatting with one, and a batch of reminders
// formats thousands of amounts in a handful of locale/currency pairs. Bounded, since locales come
// from uploaded data.
const formats = new Map<string, Intl.NumberFormat>();

function currencyFormat(
  locale: string,
  currency: string,
  currencyDisplay: NonNullable<FormatMoneyOptions["currencyDisplay"]>,
): Intl.NumberFormat {
  const key = `${locale}\u0000${currency}\u0000${currencyDisplay}`;
  const cached = formats.get(key);
  if (cached) return cached;
  const digits = minorUnits(currency);
  // ICU shows no decimals for some currencies that ISO 4217 gives two or three (HUF, IDR, COP, IQD,
  // PKR...); amounts are stored in ISO's minor units, so ISO's count is shown and nothing is hidden.
  const format = new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    currencyDisplay,
    // CLDR leaves four-digit numbers ungrouped in it, es, pl and pt ("1450,00 €", beside
    // "12.500,00 €"), a rule for numbers in running prose. Invoices, bank statements and banks'
    // own apps there group every amount ("1.450,00 €", "1 450,00 zł"), as every other language dun
    // writes already does, so amounts are grouped always, and a column of them lines up.
    useGrouping: "always",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  if (formats.size >= 512) formats.clear();
  formats.set(key, format);
  return format;
}

function assertAmount(operation: string, money: Money): void {
  if (!Number.isSafeInteger(money.amount)) {
    throw new RangeError(`${operation}: ${money.amount} is not a whole number of minor units`);
  }
}

function assertSameCurrency(operation: string, a: Money, b: Money): void {
  if (a.currency !== b.currency) {
    throw new TypeError(`${operation}: cannot combine ${a.currency} with ${b.currency}; dun never converts`);
  }
  minorUnits(a.currency);
  assertAmount(operation, a);
  assertAmount(operation, b);
}

function checkedMoney(operation: string, amount: number, currency: string): Money {
  if (!Number.isSafeInteger(amount)) {
    throw new RangeError(`${operation}: the result is beyond Number.MAX_SAFE_INTEGER minor units`);
  }
  return { amount, currency };
}
