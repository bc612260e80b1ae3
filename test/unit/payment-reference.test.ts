import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  classifyPaymentReference,
  formatRfReference,
  isValidFik,
  isValidKid,
  isValidRfReference,
  isValidSwedishOcr,
  luhnCheckDigit,
  makeRfReference,
  mod11CheckDigit,
  type PaymentReferenceType,
  parseFik,
} from "#domain/payment/payment-reference.ts";

const anyPayload = fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 24 });
const anyRfBody = fc.string({
  unit: fc.constantFrom(..."0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"),
  minLength: 1,
  maxLength: 21,
});

/** One digit of `digits`, at `position` (wrapped), replaced by a different digit. */
function withOneDigitChanged(digits: string, position: number, shift: number): string {
  const at = position % digits.length;
  const changed = (Number(digits[at]) + 1 + (shift % 9)) % 10;
  return `${digits.slice(0, at)}${changed}${digits.slice(at + 1)}`;
}

describe("isValidKid", () => {
  it("accepts published MOD10 KIDs", () => {
    // kid-util's README (12344, 23456783), norwegian-numbers' tests (2345676), and the KID in
    // dun's own upload example, which carries a MOD10 check digit and not a MOD11 one (that would be 5)
    for (const kid of ["12344", "23456783", "2345676", "1234567890128"]) {
      expect(isValidKid(kid), kid).toBe(true);
      expect(luhnCheckDigit(kid.slice(0, -1)), kid).toBe(kid.slice(-1));
    }
    expect(mod11CheckDigit("123456789012")).toBe("5");
  });

  it("accepts published MOD11 KIDs, including one whose check digit is a dash", () => {
    // kid-util's README (12343, 23456788) and norwegian-numbers' tests (310: remainder 0; 40-: remainder 1)
    for (const kid of ["12343", "23456788", "310", "40-", "0000002001-"]) {
      expect(isValidKid(kid), kid).toBe(true);
      expect(mod11CheckDigit(kid.slice(0, -1)), kid).toBe(kid.slice(-1));
    }
  });

  it("rejects a KID with one digit changed", () => {
    expect(isValidKid("1234567890127")).toBe(false);
    expect(isValidKid("12354")).toBe(false);
    expect(isValidKid("41-")).toBe(false);
  });

  it("rejects letters, spaces, a dash anywhere but last, and lengths outside 2 to 25", () => {
    for (const kid of ["", "4", "12A44", "1234 4", "4-0", "-", "12344 "]) {
      expect(isValidKid(kid), JSON.stringify(kid)).toBe(false);
    }
    // 25 characters is the longest KID; 26 is one too many, whatever its check digit
    const twentyFour = "123456789012345678901234";
    expect(isValidKid(twentyFour + luhnCheckDigit(twentyFour))).toBe(true);
    expect(isValidKid(`1${twentyFour}${luhnCheckDigit(`1${twentyFour}`)}`)).toBe(false);
  });

  it("catches any single changed digit, unless the result happens to be a MOD11 KID", () => {
    fc.assert(
      fc.property(anyPayload, fc.nat(), fc.nat(), (payload, position, shift) => {
        // Prepare: a MOD10 KID with one digit mistyped
        const typo = withOneDigitChanged(payload + luhnCheckDigit(payload), position, shift);

        // Act / Assess: accepting both schemes lets through exactly the typos that carry a MOD11 check digit
        const isMod11 = mod11CheckDigit(typo.slice(0, -1)) === typo.slice(-1);
        expect(isValidKid(typo)).toBe(isMod11);
      }),
    );
  });
});

describe("isValidSwedishOcr", () => {
  it("accepts references with a Luhn check digit", () => {
    // 79927398713 is the worked example of the Luhn algorithm
    for (const ocr of ["79927398713", "1234567890128", "67", "26"])
      expect(isValidSwedishOcr(ocr), ocr).toBe(true);
  });

  it("accepts a reference with a length digit, and can insist on one", () => {
    // Prepare: invoice 12345, then the length digit 7 (seven digits in all), then the check digit
    const withLength = `123457${luhnCheckDigit("123457")}`;
    const thirteenDigits = `123456789013${luhnCheckDigit("123456789013")}`;

    // Act / Assess: the length digit is inside the Luhn sum, so the plain check passes too
    expect(withLength).toBe("1234574");
    expect(isValidSwedishOcr(withLength)).toBe(true);
    expect(isValidSwedishOcr(withLength, { requireLengthDigit: true })).toBe(true);
    expect(isValidSwedishOcr(thirteenDigits, { requireLengthDigit: true })).toBe(true);
    expect(isValidSwedishOcr("1234567890128", { requireLengthDigit: true })).toBe(false);
  });

  it("rejects a changed digit, letters, a dash, and lengths outside 2 to 25", () => {
    for (const ocr of ["79927398712", "", "0", "7992739871A", "40-", "12345678901234567890123452"]) {
      expect(isValidSwedishOcr(ocr), ocr).toBe(false);
    }
  });

  it("catches any single changed digit", () => {
    fc.assert(
      fc.property(anyPayload, fc.nat(), fc.nat(), (payload, position, shift) => {
        const ocr = payload + luhnCheckDigit(payload);
        expect(isValidSwedishOcr(ocr)).toBe(true);
        expect(isValidSwedishOcr(withOneDigitChanged(ocr, position, shift))).toBe(false);
      }),
    );
  });
});

describe("parseFik", () => {
  it("reads card type, payment ID and creditor number from a +71 code line", () => {
    // Uniconta's published example: payment ID 00404040 000066 and check digit 9, creditor 12345678
    expect(parseFik("+71<004040400000669+12345678<")).toEqual({
      ok: true,
      value: { cardType: "71", paymentId: "004040400000669", creditorNumber: "12345678" },
    });
  });

  it("takes the code line as printed, with spaces between the parts", () => {
    const parsed = parseFik(" +71< 026840149965328 +81234567< ");
    expect(parsed.ok && parsed.value).toEqual({
      cardType: "71",
      paymentId: "026840149965328",
      creditorNumber: "81234567",
    });
  });

  it("reads a +75 line with its 16-digit payment ID and a +73 line with none", () => {
    // A payment printer's example: payment ID 2 gets check digit 6, on +71 and +75 cards alike
    expect(isValidFik("+71<000000000000026+81234567<")).toBe(true);
    expect(parseFik("+75<0000000000000026+81234567<")).toEqual({
      ok: true,
      value: { cardType: "75", paymentId: "0000000000000026", creditorNumber: "81234567" },
    });
    expect(parseFik("+73<+81234567<")).toEqual({
      ok: true,
      value: { cardType: "73", creditorNumber: "81234567" },
    });
  });

  it("names what is wrong", () => {
    const messageOf = (text: string) => {
      const parsed = parseFik(text);
      return parsed.ok ? "" : parsed.error.message;
    };
    expect(messageOf("+71<004040400000668+12345678<")).toMatch(/check digit does not match/);
    expect(messageOf("+71<04040400000669+12345678<")).toMatch(/\+71 needs a 15-digit payment ID/);
    expect(messageOf("+75<004040400000669+12345678<")).toMatch(/\+75 needs a 16-digit payment ID/);
    expect(messageOf("+73<004040400000669+12345678<")).toMatch(/\+73 carries no payment ID/);
    expect(messageOf("+04<004040400000669+12345678<")).toMatch(/\+04 is not a FIK card type/);
    expect(messageOf("+71<004040400000669+1234567<")).toMatch(/creditor number must be 8 digits/);
    expect(messageOf("+71<004040400000669+12345678")).toMatch(/must look like \+71</);
    expect(messageOf("71 004040400000669 12345678")).toMatch(/must look like \+71</);
    expect(parseFik("")).toMatchObject({
      ok: false,
      error: { code: "invalid_payment_reference", type: "fik" },
    });
  });
});

describe("RF creditor references", () => {
  it("accepts the ISO 11649 example, printed or compact, in either case", () => {
    for (const rf of ["RF18 5390 0754 7034", "RF18539007547034", "rf18 5390 0754 7034"]) {
      expect(isValidRfReference(rf), rf).toBe(true);
    }
  });

  it("accepts references with letters, up to 21 characters after the check digits", () => {
    // python-stdnum's docs (RF185390075470Y) and iso-11649's README (RF720HYA6, RF14X2HU…)
    for (const rf of ["RF185390075470Y", "RF720HYA6", "RF14X2HU4TC28XTYLHASYWT91"]) {
      expect(isValidRfReference(rf), rf).toBe(true);
    }
  });

  it("rejects wrong check digits, punctuation, a missing or too long body and empty text", () => {
    for (const rf of [
      "RF17 5390 0754 7034",
      "RF19GAX8WS5JYOOUJ87",
      "RF18-5390-0754-7034",
      "RF18",
      "RF14X2HU4TC28XTYLHASYWT912",
      "18539007547034",
      "",
    ]) {
      expect(isValidRfReference(rf), rf).toBe(false);
    }
  });

  it("makes the published references from their bodies", () => {
    expect(makeRfReference("539007547034")).toBe("RF18539007547034");
    expect(makeRfReference("TU06FX")).toBe("RF96TU06FX");
    expect(makeRfReference("12345 12345")).toBe("RF451234512345");
    expect(makeRfReference("aB2g5")).toBe("RF68AB2G5");
  });

  it("refuses to make one from punctuation, nothing, or more than 21 characters", () => {
    expect(() => makeRfReference("2026-1001")).toThrow(RangeError);
    expect(() => makeRfReference("")).toThrow(RangeError);
    expect(() => makeRfReference("X2HU4TC28XTYLHASYWT912")).toThrow(RangeError);
  });

  it("always makes a valid reference, which stays valid in print form", () => {
    fc.assert(
      fc.property(anyRfBody, (body) => {
        const rf = makeRfReference(body);
        expect(rf).toBe(`RF${rf.slice(2, 4)}${body.toUpperCase()}`);
        expect(isValidRfReference(rf)).toBe(true);
        expect(isValidRfReference(formatRfReference(rf))).toBe(true);
      }),
    );
  });

  it("prints in groups of four from the left", () => {
    expect(formatRfReference("RF18539007547034")).toBe("RF18 5390 0754 7034");
    expect(formatRfReference("rf1853 9007547034")).toBe("RF18 5390 0754 7034");
    expect(formatRfReference("RF14X2HU4TC28XTYLHASYWT91")).toBe("RF14 X2HU 4TC2 8XTY LHAS YWT9 1");
  });
});

describe("classifyPaymentReference", () => {
  it("takes digits for a Norwegian debtor as a KID and checks them", () => {
    expect(classifyPaymentReference("1234567890128", "NO")).toEqual({
      ok: true,
      value: { type: "kid", value: "1234567890128", display: "1234567890128" },
    });
    expect(classifyPaymentReference(" 1234 5678 9012 8 ", "no")).toMatchObject({
      ok: true,
      value: { type: "kid", value: "1234567890128" },
    });
    expect(classifyPaymentReference("40-", "NO")).toMatchObject({ ok: true, value: { type: "kid" } });
    expect(classifyPaymentReference("1234567890127", "NO")).toEqual({
      ok: false,
      error: {
        code: "invalid_payment_reference",
        type: "kid",
        message: "is not a valid KID: its check digit does not match (MOD10 or MOD11)",
      },
    });
  });

  it("takes digits for a Swedish debtor as an OCR reference and checks them", () => {
    expect(classifyPaymentReference("79927398713", "SE")).toEqual({
      ok: true,
      value: { type: "ocr", value: "79927398713", display: "79927398713" },
    });
    expect(classifyPaymentReference("79927398710", "SE")).toMatchObject({
      ok: false,
      error: {
        type: "ocr",
        message: "is not a valid OCR reference: its check digit does not match (modulus 10)",
      },
    });
  });

  it("recognises a FIK code line and an RF reference whatever the debtor's country", () => {
    expect(classifyPaymentReference("+71< 004040400000669 +12345678<", "DK")).toEqual({
      ok: true,
      value: {
        type: "fik",
        value: "+71<004040400000669+12345678<",
        display: "+71<004040400000669+12345678<",
      },
    });
    expect(classifyPaymentReference("rf18 5390 0754 7034", "DE")).toEqual({
      ok: true,
      value: { type: "rf", value: "RF18539007547034", display: "RF18 5390 0754 7034" },
    });
    expect(classifyPaymentReference("RF17 5390 0754 7034", "NO")).toMatchObject({
      ok: false,
      error: {
        type: "rf",
        message: "is not a valid RF creditor reference: its check digits do not match (ISO 11649)",
      },
    });
    expect(classifyPaymentReference("+75<0000000000000027+81234567<", "SE")).toMatchObject({
      ok: false,
      error: { type: "fik" },
    });
  });

  it("takes an invoice number as it is", () => {
    for (const [reference, country] of [
      ["2026-1001", "NO"],
      ["1234567890127", "DE"],
      ["12345678901234567890123456", "NO"],
      ["RFQ 2026/17", "SE"],
      ["+04<000000000000018+81234567<", "DK"],
      ["Faktura 2026-1001 <Kunde 77>", "DE"],
    ]) {
      expect(classifyPaymentReference(reference ?? "", country ?? ""), reference).toEqual({
        ok: true,
        value: { type: "other", value: reference, display: reference },
      });
    }
  });

  it("still refuses an empty, overlong or control-laden invoice reference", () => {
    const messageOf = (reference: string) => {
      const result = classifyPaymentReference(reference, "DE");
      return result.ok ? "" : result.error.message;
    };
    expect(messageOf("   ")).toBe("must not be empty");
    expect(messageOf("x".repeat(36))).toBe("must be at most 35 characters");
    expect(messageOf("x".repeat(35))).toBe("");
    expect(messageOf("2026-1001\r\nBcc: someone")).toBe("must not contain line breaks or control characters");
    expect(messageOf("2026\u202e1001")).toBe("must not contain line breaks or control characters");
  });

  it("holds a declared type to that type's rules", () => {
    // A MOD11 KID declared as such is fine for a Swedish debtor, but it is no OCR reference
    expect(classifyPaymentReference("12343", "SE", "kid")).toMatchObject({
      ok: true,
      value: { type: "kid" },
    });
    expect(classifyPaymentReference("12343", "NO", "ocr")).toMatchObject({
      ok: false,
      error: { type: "ocr" },
    });
    expect(classifyPaymentReference("2026-1001", "NO", "rf")).toMatchObject({
      ok: false,
      error: {
        type: "rf",
        message:
          "is not a valid RF creditor reference: it must be RF, two check digits and 1 to 21 letters or digits",
      },
    });
    expect(classifyPaymentReference("2026-1001", "NO", "kid")).toMatchObject({
      ok: false,
      error: {
        type: "kid",
        message: "is not a valid KID: it must be 2 to 25 digits, the last of which may be a dash",
      },
    });
    expect(classifyPaymentReference("12345", "DK", "fik")).toMatchObject({
      ok: false,
      error: { type: "fik" },
    });
    // Declared "other", a wrong KID is just text the seller's bank will have to judge
    expect(classifyPaymentReference("1234567890127", "NO", "other")).toMatchObject({
      ok: true,
      value: { type: "other", value: "1234567890127" },
    });
  });

  it("never throws, whatever it is given", () => {
    const anyText = fc.oneof(
      fc.string({ unit: "binary", maxLength: 60 }),
      fc.string({ unit: fc.constantFrom(..."0123456789 RFrf+<-\n\u202e"), maxLength: 40 }),
      fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)) }),
    );
    const anyCountry = fc.oneof(
      fc.constantFrom("NO", "SE", "DK", "FI", "no", ""),
      fc.string({ maxLength: 3 }),
    );
    const anyDeclared = fc.option(fc.constantFrom<PaymentReferenceType>("kid", "ocr", "fik", "rf", "other"), {
      nil: undefined,
    });

    fc.assert(
      fc.property(anyText, anyCountry, anyDeclared, (reference, country, declared) => {
        const result = classifyPaymentReference(reference, country, declared);
        if (result.ok) {
          expect([...result.value.value].length).toBeLessThanOrEqual(35);
          if (declared !== undefined) expect(result.value.type).toBe(declared);
        } else {
          expect(result.error.code).toBe("invalid_payment_reference");
          expect(result.error.message).not.toBe("");
        }
      }),
    );
  });
});
