import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURRENCY_CODES, minorUnits } from "#domain/money/currency.ts";
import {
  addMoney,
  formatMoney,
  type MoneyParseError,
  parseAmount,
  parseMoney,
  roundHalfUp,
  subtractMoney,
  toDecimalString,
  zeroOf,
} from "#domain/money/money.ts";

const ALL_CURRENCIES = [...CURRENCY_CODES];
// The locales dun writes in, with the thousands separators each uses: "," "." U+00A0 U+202F "'".
const LOCALES = [
  "en-US",
  "en-GB",
  "de-DE",
  "de-CH",
  "nb-NO",
  "sv-SE",
  "da-DK",
  "fi-FI",
  "fr-FR",
  "it-IT",
  "es-ES",
  "nl-NL",
  "pl-PL",
  "ru-RU",
];
const ERROR_CODES: ReadonlySet<MoneyParseError["code"]> = new Set([
  "empty",
  "malformed",
  "ambiguous",
  "negative",
  "too_many_decimals",
  "too_large",
  "unknown_currency",
]);

/** Minor units, or the error code: one value per case keeps the tables below readable. */
function parsed(text: string, currency: string, options?: { decimalSeparator?: "." | "," }): number | string {
  const result = parseAmount(text, currency, options);
  return result.ok ? result.value : result.error.code;
}

function decimalSeparatorOf(locale: string): "." | "," {
  const part = new Intl.NumberFormat(locale).formatToParts(1.5).find((p) => p.type === "decimal");
  if (part?.value !== "." && part?.value !== ",") throw new Error(`${locale} uses ${part?.value}`);
  return part.value;
}

/** Intl's decimal style with the currency's digits and grouping: what a spreadsheet in that locale shows. */
function intlDecimal(amount: number, currency: string, locale: string): string {
  const digits = minorUnits(currency);
  return new Intl.NumberFormat(locale, {
    style: "decimal",
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
    useGrouping: true,
  }).format(toDecimalString({ amount, currency }) as `${number}`);
}

const plainSpaces = (text: string) => text.replace(/[\u00A0\u202F]/g, " ");

// Small amounts hit the one-group and no-group paths that huge ones never do.
const amounts = fc.oneof(
  fc.integer({ min: 0, max: 9_999 }),
  fc.integer({ min: 0, max: 99_999_999 }),
  fc.maxSafeNat(),
);

describe("parseAmount, the forms it accepts", () => {
  it.each([
    ["12500", 1_250_000],
    ["12500.00", 1_250_000],
    ["12500,00", 1_250_000],
    ["12 500,00", 1_250_000],
    ["12.500,00", 1_250_000],
    ["12,500.00", 1_250_000],
    ["1 234 567,5", 123_456_750],
    ["1.234.567", 123_456_700],
    ["1,234,567", 123_456_700],
    ["0.5", 50],
    ["0", 0],
    ["0.00", 0],
    ["007", 700],
    ["12.5", 1250],
    ["1234,56", 123_456],
  ])("reads %j as NOK %i øre", (text, minor) => {
    expect(parsed(text, "NOK")).toBe(minor);
  });

  it.each([
    ["1\u00A0234,50", "NO-BREAK SPACE (nb, sv, fi, pl, ru)"],
    ["1\u202F234,50", "NARROW NO-BREAK SPACE (fr)"],
    ["1\u2009234,50", "THIN SPACE"],
    ["1 234,50", "space"],
    ["1'234.50", "apostrophe (de-CH)"],
    ["1\u2019234.50", "right single quotation mark (de-CH, older ICU)"],
    ["1.234,50", "dot (de, da, it, es, nl)"],
    ["1,234.50", "comma (en)"],
  ])("accepts %j: thousands grouped by %s", (text) => {
    expect(parsed(text, "NOK")).toBe(123_450);
  });

  it("trims the whitespace a spreadsheet cell carries", () => {
    expect(parsed("  12 500,00\t\n", "NOK")).toBe(1_250_000);
    expect(parsed("\u00A012500\u00A0", "NOK")).toBe(1_250_000);
  });

  it("reads a decimal part without a whole part, since a leading separator can only be decimal", () => {
    expect(parsed(",50", "NOK")).toBe(50);
    expect(parsed(".5", "NOK")).toBe(50);
    expect(parsed(".500", "KWD")).toBe(500);
    expect(parsed(".5", "JPY")).toBe("too_many_decimals");
  });

  it("takes the last of '.' and ',' as the decimal separator when both appear", () => {
    expect(parsed("1.234.567,89", "NOK")).toBe(123_456_789);
    expect(parsed("1,234,567.89", "NOK")).toBe(123_456_789);
    expect(parsed("1,234.5", "NOK")).toBe(123_450);
  });

  it("takes a lone mark after space or apostrophe grouping as the decimal separator", () => {
    expect(parsed("1 234,567", "KWD")).toBe(1_234_567);
    expect(parsed("1'234.567", "KWD")).toBe(1_234_567);
  });

  it("accepts surplus zero decimals, since nothing is rounded away", () => {
    expect(parsed("1234.00", "JPY")).toBe(1234);
    expect(parsed("12500.000", "NOK")).toBe(1_250_000);
  });
});

describe("parseAmount, a lone '.' or ',' before three digits", () => {
  it("rejects it as ambiguous and says what to write instead", () => {
    // Act
    const result = parseAmount("1,234", "NOK");

    // Assess
    expect(result).toEqual({
      ok: false,
      error: { code: "ambiguous", message: '"1,234" is ambiguous: write 1234.00 or 1.234,00' },
    });
    expect(parsed("1.234", "NOK")).toBe("ambiguous");
    expect(parsed("12.345", "EUR")).toBe("ambiguous");
    expect(parsed("999,000", "SEK")).toBe("ambiguous");
  });

  it("reads it as grouping for a currency without a minor unit", () => {
    expect(parsed("1,234", "JPY")).toBe(1234);
    expect(parsed("1.234", "JPY")).toBe(1234);
    expect(parsed("12 345", "ISK")).toBe(12_345);
  });

  it("follows the decimal separator the caller names", () => {
    expect(parsed("1,234", "NOK", { decimalSeparator: "." })).toBe(123_400);
    expect(parsed("1.234", "NOK", { decimalSeparator: "," })).toBe(123_400);
    expect(parsed("1,234", "NOK", { decimalSeparator: "," })).toBe("too_many_decimals");
    expect(parsed("1,234", "KWD", { decimalSeparator: "," })).toBe(1234);
    expect(parsed("1,234", "KWD", { decimalSeparator: "." })).toBe(1_234_000);
  });

  it("lets the text win where it is not ambiguous, whatever the caller names", () => {
    expect(parsed("12500.00", "NOK", { decimalSeparator: "," })).toBe(1_250_000);
    expect(parsed("1.234,50", "NOK", { decimalSeparator: "." })).toBe(123_450);
  });

  it("reads '.' as the decimal point for a three-decimal currency, the canonical form", () => {
    expect(parsed("1.500", "KWD")).toBe(1500);
    expect(parsed("0.250", "BHD")).toBe(250);
    // In English text "1,500" is fifteen hundred, so a comma stays a question.
    expect(parsed("1,500", "KWD")).toBe("ambiguous");
  });

  it("offers the decimal reading too where the currency allows it", () => {
    const result = parseAmount("1,234", "KWD");
    expect(result.ok ? undefined : result.error.message).toBe(
      '"1,234" is ambiguous: write 1234.000 or 1.234,000 if "," separates thousands, ' +
        "or 1.234 if it is the decimal separator",
    );
  });

  it("is no question when the head cannot be a group", () => {
    expect(parsed("1234.567", "KWD")).toBe(1_234_567);
    expect(parsed("0,500", "NOK")).toBe(50);
    expect(parsed("1.2345", "CLF")).toBe(12_345);
  });
});

describe("parseAmount, what it rejects", () => {
  it.each([
    ["1.23.456", "groups of two"],
    ["12.34.567", "a group of two in the middle"],
    ["1234.567.890", "a first group of four"],
    ["1 23", "a space before two digits"],
    ["1 2345", "a space before four digits"],
    ["12..5", "a doubled separator"],
    ["12  500", "a doubled space"],
    ["12.", "a trailing separator"],
    ["1.234,567,89", "two decimal commas"],
    ["1 234.567,89", "two kinds of grouping"],
    ["1'234 567", "apostrophe and space mixed"],
    ["1.234 567", "a dot before space grouping"],
    ["1e5", "an exponent"],
    ["0x10", "hexadecimal"],
    ["+12", "a plus sign"],
    ["+-", "signs only"],
    ["-", "a lone minus"],
    ["kr 12", "a currency word"],
    ["€12", "a currency symbol"],
    ["12 NOK", "a currency code"],
    ["١٢", "Arabic-Indic digits"],
    ["12\t500", "a tab between groups"],
    ["(12", "an unclosed parenthesis"],
    ["--5", "a doubled minus"],
  ])("rejects %j (%s) as malformed", (text) => {
    expect(parsed(text, "NOK")).toBe("malformed");
  });

  it("names the character that does not belong", () => {
    const result = parseAmount("12 kr", "NOK");
    expect(result.ok ? undefined : result.error.message).toBe(
      '"12 kr" is not an amount: "k" does not belong in one; write only digits and separators, ' +
        "such as 12500.00 or 12 500,00",
    );
  });

  it("rejects nothing at all as empty", () => {
    expect(parsed("", "NOK")).toBe("empty");
    expect(parsed("  \u00A0 ", "NOK")).toBe("empty");
  });

  it.each(["-5", "−5", "- 12 500,00", "(12.50)", "( 5 )", "12,50-", "-0", "−1.234,50"])(
    "rejects %j as negative",
    (text) => {
      expect(parsed(text, "NOK")).toBe("negative");
    },
  );

  it("tells the user an amount must not be negative", () => {
    const result = parseAmount("-5", "NOK");
    expect(result.ok ? undefined : result.error.message).toBe(
      '"-5" is negative: an amount must be zero or more, such as 12500.00 or 12 500,00',
    );
  });

  it("rejects decimals the currency does not have instead of rounding", () => {
    expect(parsed("12.345", "NOK", { decimalSeparator: "." })).toBe("too_many_decimals");
    expect(parsed("1234.567", "NOK")).toBe("too_many_decimals");
    expect(parsed("12500,001", "NOK")).toBe("too_many_decimals");
    expect(parsed("12.5", "JPY")).toBe("too_many_decimals");
    expect(parsed("1.2345", "KWD")).toBe("too_many_decimals");
    expect(parsed("1.23456", "CLF")).toBe("too_many_decimals");
  });

  it("says how many decimals the currency has", () => {
    const nok = parseAmount("1234.567", "NOK");
    const jpy = parseAmount("12.5", "JPY");
    expect(nok.ok ? undefined : nok.error.message).toBe(
      '"1234.567" has 3 decimals, but NOK amounts have at most 2, such as 12500.00 or 12 500,00',
    );
    expect(jpy.ok ? undefined : jpy.error.message).toBe(
      '"12.5" has 1 decimal, but JPY amounts are whole numbers, such as 12500 or 12 500',
    );
  });

  it("accepts up to Number.MAX_SAFE_INTEGER minor units and no more", () => {
    expect(parsed("90071992547409.91", "NOK")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed("90 071 992 547 409,91", "NOK")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed("90071992547409.92", "NOK")).toBe("too_large");
    expect(parsed("9007199254740991", "JPY")).toBe(Number.MAX_SAFE_INTEGER);
    expect(parsed("9007199254740992", "JPY")).toBe("too_large");
    expect(parsed("9".repeat(400), "JPY")).toBe("too_large");
    expect(parsed(`${"0".repeat(400)}1`, "JPY")).toBe(1);
  });

  it("names the largest amount it accepts", () => {
    const result = parseAmount("100000000000000", "NOK");
    expect(result.ok ? undefined : result.error.message).toBe(
      '"100000000000000" is too large: the largest amount dun accepts is 90071992547409.91 NOK',
    );
  });

  it("rejects a currency that is not an active ISO 4217 code", () => {
    expect(parsed("12", "XYZ")).toBe("unknown_currency");
    expect(parsed("12", "XAU")).toBe("unknown_currency");
    expect(parsed("12", "")).toBe("unknown_currency");
    const lower = parseAmount("12", "nok");
    expect(lower.ok ? undefined : lower.error.message).toBe(
      '"nok" is not an ISO 4217 currency code; write it in capitals: NOK',
    );
  });

  it("keeps a pasted page out of the message", () => {
    const result = parseAmount("x".repeat(10_000), "NOK");
    expect(result.ok).toBe(false);
    expect(result.ok ? 0 : result.error.message.length).toBeLessThan(200);
  });
});

describe("parseAmount across currencies", () => {
  it.each([
    ["12500", "JPY", 12_500],
    ["12 500", "JPY", 12_500],
    ["1.500", "KWD", 1500],
    ["1.500,250", "KWD", 1_500_250],
    ["12500", "KWD", 12_500_000],
    ["12 500,00", "NOK", 1_250_000],
    ["0.0001", "CLF", 1],
  ])("reads %j %s as %i minor units", (text, currency, minor) => {
    expect(parsed(text, currency)).toBe(minor);
  });
});

describe("parseMoney", () => {
  it("pairs the amount with its currency", () => {
    expect(parseMoney("12 500,00", "NOK")).toEqual({
      ok: true,
      value: { amount: 1_250_000, currency: "NOK" },
    });
  });

  it("passes the error through", () => {
    expect(parseMoney("1,234", "EUR")).toMatchObject({ ok: false, error: { code: "ambiguous" } });
    expect(parseMoney("1,234", "EUR", { decimalSeparator: "." })).toEqual({
      ok: true,
      value: { amount: 123_400, currency: "EUR" },
    });
  });
});

describe("toDecimalString", () => {
  it.each([
    [1_250_000, "NOK", "12500.00"],
    [5, "NOK", "0.05"],
    [0, "NOK", "0.00"],
    [1234, "JPY", "1234"],
    [0, "JPY", "0"],
    [1500, "KWD", "1.500"],
    [7, "KWD", "0.007"],
    [12_345, "CLF", "1.2345"],
    [Number.MAX_SAFE_INTEGER, "EUR", "90071992547409.91"],
    [-550, "NOK", "-5.50"],
  ])("writes %i minor units of %s as %s", (amount, currency, text) => {
    expect(toDecimalString({ amount, currency })).toBe(text);
  });

  it("refuses an amount that is not a whole number of minor units", () => {
    expect(() => toDecimalString({ amount: 12.5, currency: "NOK" })).toThrow(RangeError);
    expect(() => toDecimalString({ amount: 2 ** 53, currency: "NOK" })).toThrow(RangeError);
    expect(() => toDecimalString({ amount: 1, currency: "XYZ" })).toThrow(RangeError);
  });

  it("is read back to the same amount, for any currency and any safe amount", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_CURRENCIES), amounts, (currency, amount) => {
        // Act
        const back = parseAmount(toDecimalString({ amount, currency }), currency);

        // Assess
        expect(back).toEqual({ ok: true, value: amount });
      }),
      { numRuns: 1000 },
    );
  });
});

describe("parseAmount reads what Intl writes", () => {
  it("knows the group characters Node's ICU emits in each locale", () => {
    const groups = new Set(
      LOCALES.flatMap((locale) =>
        new Intl.NumberFormat(locale, { useGrouping: true })
          .formatToParts(1_234_567)
          .filter((part) => part.type === "group")
          .map((part) => part.value),
      ),
    );
    // Any character new ICU data brings in must be taught to the parser first.
    for (const group of groups) expect([".", ",", "\u00A0", "\u202F", " ", "'", "\u2019"]).toContain(group);
  });

  it("in every locale dun writes in, given the locale's decimal separator", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...LOCALES),
        fc.constantFrom(...ALL_CURRENCIES),
        amounts,
        (locale, currency, amount) => {
          // Prepare
          const text = intlDecimal(amount, currency, locale);

          // Act
          const back = parseAmount(text, currency, { decimalSeparator: decimalSeparatorOf(locale) });

          // Assess
          expect(back, text).toEqual({ ok: true, value: amount });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("in every locale, for the currencies whose digits make '1.234' and '1,234' hard", () => {
    for (const locale of LOCALES) {
      const decimalSeparator = decimalSeparatorOf(locale);
      for (const [currency, amount] of [
        ["JPY", 1234],
        ["NOK", 123_400],
        ["KWD", 1234],
        ["KWD", 1_234_000],
        ["CLF", 12_340_000],
      ] as const) {
        const text = intlDecimal(amount, currency, locale);
        expect(parseAmount(text, currency, { decimalSeparator }), `${locale} ${text}`).toEqual({
          ok: true,
          value: amount,
        });
      }
    }
  });
});

describe("parseAmount on any text", () => {
  // Text made of the characters the parser cares about reaches far deeper than random Unicode.
  const amountish = fc.string({
    unit: fc.constantFrom(..."0123456789.,'’ \u00A0\u202F\u2009-−()+e".split("")),
    maxLength: 24,
  });
  const anyText = fc.oneof(
    amountish,
    fc.string(),
    fc.string({ unit: "binary" }),
    fc.string({ unit: "grapheme" }),
  );
  const anyCurrency = fc.oneof(fc.constantFrom("NOK", "JPY", "KWD", "CLF"), fc.string({ maxLength: 4 }));
  const anyOptions = fc.constantFrom(
    undefined,
    {},
    { decimalSeparator: "." as const },
    { decimalSeparator: "," as const },
  );

  it("never throws and always answers with a Result", () => {
    fc.assert(
      fc.property(anyText, anyCurrency, anyOptions, (text, currency, options) => {
        // Act
        const result = parseAmount(text, currency, options);

        // Assess
        if (result.ok) {
          expect(Number.isSafeInteger(result.value) && result.value >= 0).toBe(true);
        } else {
          expect(ERROR_CODES.has(result.error.code)).toBe(true);
          expect(result.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("only ever accepts the digits it was given, in their order", () => {
    // Grouping and the decimal mark decide where the digits go, never which ones there are.
    const significant = (digits: string) => digits.replace(/^0+/, "").replace(/0+$/, "");
    fc.assert(
      fc.property(
        amountish,
        fc.constantFrom("NOK", "JPY", "KWD", "CLF"),
        anyOptions,
        (text, currency, options) => {
          const result = parseAmount(text, currency, options);
          if (!result.ok) return;
          expect(significant(String(result.value)), text).toBe(significant(text.replace(/\D/g, "")));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("never accepts a negative amount, however it is written", () => {
    const negativeText = fc
      .tuple(fc.constantFrom(...LOCALES), fc.constantFrom("NOK", "JPY", "KWD", "EUR"), amounts)
      .chain(([locale, currency, amount]) => {
        const positive = intlDecimal(amount, currency, locale);
        const canonical = toDecimalString({ amount, currency });
        const intlNegative = new Intl.NumberFormat(locale, {
          minimumFractionDigits: minorUnits(currency),
          maximumFractionDigits: minorUnits(currency),
        }).format(`-${canonical}` as `${number}`);
        return fc.record({
          currency: fc.constant(currency),
          text: fc.constantFrom(
            intlNegative,
            `-${positive}`,
            `\u2212${positive}`,
            `- ${canonical}`,
            `(${positive})`,
            `${positive}-`,
          ),
          decimalSeparator: fc.constant(decimalSeparatorOf(locale)),
        });
      });
    fc.assert(
      fc.property(negativeText, ({ currency, text, decimalSeparator }) => {
        expect(parseAmount(text, currency, { decimalSeparator }), text).toMatchObject({
          ok: false,
          error: { code: "negative" },
        });
      }),
      { numRuns: 500 },
    );
  });
});

describe("formatMoney", () => {
  it.each([
    ["nb-NO", "NOK", "1 234,50 kr"],
    ["da-DK", "DKK", "1.234,50 kr."],
    ["de-DE", "EUR", "1.234,50 €"],
    ["sv-SE", "SEK", "1 234,50 kr"],
    ["en-US", "USD", "$1,234.50"],
  ])("writes 123450 minor units in %s %s as %s", (locale, currency, expected) => {
    expect(plainSpaces(formatMoney({ amount: 123_450, currency }, locale))).toBe(expected);
  });

  it.each([
    ["it-IT", "EUR", "1.450,00 €"],
    ["es-ES", "EUR", "1.450,00 €"],
    ["pl-PL", "PLN", "1 450,00 zł"],
  ])("groups a four-digit amount in %s as the banks there do: %s %s", (locale, currency, expected) => {
    // CLDR leaves four digits ungrouped in these locales; amounts beside 12.500,00 € are grouped.
    expect(plainSpaces(formatMoney({ amount: 145_000, currency }, locale))).toBe(expected);
  });

  it("always shows the currency's own number of decimals", () => {
    expect(formatMoney({ amount: 1234, currency: "JPY" }, "en-US")).toBe("¥1,234");
    expect(
      plainSpaces(formatMoney({ amount: 1500, currency: "KWD" }, "en-US", { currencyDisplay: "code" })),
    ).toBe("KWD 1.500");
    expect(plainSpaces(formatMoney({ amount: 1_250_000, currency: "NOK" }, "nb-NO"))).toBe("12 500,00 kr");
    // ICU would show IQD and HUF without decimals; the ISO exponent the amount is stored in rules.
    expect(
      plainSpaces(formatMoney({ amount: 1_500_250, currency: "IQD" }, "en-US", { currencyDisplay: "code" })),
    ).toBe("IQD 1,500.250");
    expect(plainSpaces(formatMoney({ amount: 12_345_650, currency: "HUF" }, "hu-HU"))).toBe("123 456,50 Ft");
  });

  it("is exact up to the largest safe amount, where a float would have drifted", () => {
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: "EUR" }, "en-US")).toBe(
      "€90,071,992,547,409.91",
    );
  });

  it("shows a negative balance with the locale's minus", () => {
    expect(plainSpaces(formatMoney({ amount: -550, currency: "NOK" }, "nb-NO"))).toBe("−5,50 kr");
  });

  it("names the currency by code when asked", () => {
    expect(
      plainSpaces(formatMoney({ amount: 123_450, currency: "NOK" }, "de-DE", { currencyDisplay: "code" })),
    ).toBe("1.234,50 NOK");
  });
});

describe("addMoney and subtractMoney", () => {
  const nok = (amount: number) => ({ amount, currency: "NOK" });

  it("add and subtract in minor units", () => {
    expect(addMoney(nok(123_450), nok(3500))).toEqual(nok(126_950));
    expect(subtractMoney(nok(123_450), nok(3450))).toEqual(nok(120_000));
  });

  it("let a difference go below zero, as an overpayment does", () => {
    expect(subtractMoney(nok(100), nok(250))).toEqual(nok(-150));
  });

  it("throw a TypeError when the currencies differ, since dun never converts", () => {
    expect(() => addMoney(nok(100), { amount: 100, currency: "EUR" })).toThrow(TypeError);
    expect(() => subtractMoney(nok(100), { amount: 100, currency: "SEK" })).toThrow(TypeError);
  });

  it("throw a RangeError rather than lose precision past Number.MAX_SAFE_INTEGER", () => {
    expect(() => addMoney(nok(Number.MAX_SAFE_INTEGER), nok(1))).toThrow(RangeError);
    expect(() => addMoney(nok(0.5), nok(1))).toThrow(RangeError);
  });

  it("have zero as identity", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ALL_CURRENCIES), fc.maxSafeNat(), (currency, amount) => {
        const money = { amount, currency };
        expect(addMoney(money, zeroOf(currency))).toEqual(money);
        expect(subtractMoney(money, zeroOf(currency))).toEqual(money);
      }),
      { numRuns: 200 },
    );
  });

  it("zeroOf refuses an unknown currency", () => {
    expect(zeroOf("JPY")).toEqual({ amount: 0, currency: "JPY" });
    expect(() => zeroOf("XYZ")).toThrow(RangeError);
  });
});

describe("roundHalfUp", () => {
  it.each([
    [5n, 2n, 3],
    [-5n, 2n, -3],
    [5n, -2n, -3],
    [-5n, -2n, 3],
    [7n, 3n, 2],
    [8n, 3n, 3],
    [1n, 4n, 0],
    [3n, 4n, 1],
    [-1n, 4n, 0],
    [0n, 7n, 0],
  ])("rounds %i / %i to %i, halves away from zero", (numerator, denominator, expected) => {
    expect(roundHalfUp(numerator, denominator)).toBe(expected);
  });

  it("turns a year's interest into whole øre in one rounding", () => {
    // Prepare: 12.5 % a year on 1234.50 NOK for 30 days of a 365-day year.
    const principal = 123_450n;

    // Act
    const interest = roundHalfUp(principal * 125n * 30n, 1000n * 365n);

    // Assess: 1268.32… øre
    expect(interest).toBe(1268);
  });

  it("is never more than half a unit off, and goes away from zero on a tie", () => {
    const abs = (value: bigint) => (value < 0n ? -value : value);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.boolean(),
        (numerator, d, flip) => {
          // Prepare
          const denominator = flip ? -d : d;

          // Act
          const rounded = BigInt(roundHalfUp(numerator, denominator));

          // Assess, scaled by the denominator so that every quantity is an integer.
          const twiceMiss = abs(2n * (numerator - rounded * denominator));
          expect(twiceMiss <= d).toBe(true);
          if (twiceMiss === d) expect(abs(rounded * denominator) > abs(numerator)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("refuses a zero denominator and a result too large for a number", () => {
    expect(() => roundHalfUp(1n, 0n)).toThrow(RangeError);
    expect(() => roundHalfUp(2n ** 60n, 1n)).toThrow(RangeError);
  });
});
