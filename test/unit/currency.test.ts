import { describe, expect, it } from "vitest";
import { CURRENCY_CODES, CurrencyCodeSchema, isCurrencyCode, minorUnits } from "#domain/money/currency.ts";

describe("isCurrencyCode", () => {
  it("knows the currencies dun's debtors pay in, and the newest codes", () => {
    for (const code of [
      "NOK",
      "SEK",
      "DKK",
      "EUR",
      "ISK",
      "CHF",
      "PLN",
      "GBP",
      "USD",
      "XCG",
      "ZWG",
      "SLE",
      "VED",
    ]) {
      expect(isCurrencyCode(code), code).toBe(true);
    }
  });

  it("refuses metals, funds of the X range, testing codes and withdrawn currencies", () => {
    for (const code of ["XAU", "XAG", "XDR", "XTS", "XXX", "HRK", "ANG", "ZWL", "CUC", "SLL"]) {
      expect(isCurrencyCode(code), code).toBe(false);
    }
  });

  it("matches exactly: lower case and padding are the schema's job", () => {
    expect(isCurrencyCode("nok")).toBe(false);
    expect(isCurrencyCode(" NOK")).toBe(false);
    expect(isCurrencyCode("")).toBe(false);
  });

  it("holds every code as three capital letters", () => {
    for (const code of CURRENCY_CODES) expect(code).toMatch(/^[A-Z]{3}$/);
    expect(CURRENCY_CODES.size).toBeGreaterThan(150);
  });

  it("holds only codes Intl can format", () => {
    for (const code of CURRENCY_CODES) {
      expect(() => new Intl.NumberFormat("en", { style: "currency", currency: code }), code).not.toThrow();
    }
  });
});

describe("minorUnits", () => {
  it("is 2 for most currencies", () => {
    expect(minorUnits("NOK")).toBe(2);
    expect(minorUnits("EUR")).toBe(2);
    expect(minorUnits("HUF")).toBe(2);
  });

  it("is 0 for currencies without a minor unit", () => {
    for (const code of "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF".split(" ")) {
      expect(minorUnits(code), code).toBe(0);
    }
  });

  it("is 3 for the dinars and rials that count in thousandths", () => {
    for (const code of "BHD IQD JOD KWD LYD OMR TND".split(" ")) expect(minorUnits(code), code).toBe(3);
  });

  it("is 4 for the Chilean and Uruguayan units of account", () => {
    expect(minorUnits("CLF")).toBe(4);
    expect(minorUnits("UYW")).toBe(4);
  });

  it("throws a RangeError for a code the caller forgot to validate", () => {
    expect(() => minorUnits("XYZ")).toThrow(RangeError);
    expect(() => minorUnits("nok")).toThrow(RangeError);
  });
});

describe("CurrencyCodeSchema", () => {
  it("trims and upper-cases what a tenant typed", () => {
    expect(CurrencyCodeSchema.parse("nok")).toBe("NOK");
    expect(CurrencyCodeSchema.parse(" eur ")).toBe("EUR");
  });

  it("explains what it wants when the code is unknown", () => {
    // Act
    const result = CurrencyCodeSchema.safeParse("kr");

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe("must be an ISO 4217 currency code, such as NOK or EUR");
  });

  it("rejects a metal", () => {
    expect(CurrencyCodeSchema.safeParse("xau").success).toBe(false);
  });
});
