import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeTagValue, encodeTagValue, MAX_TAG_VALUE_LENGTH } from "#adapters/ses/tag-values.ts";
import { INVOICE_NUMBER } from "#domain/invoice/invoice-input.ts";

// The SES API reference, MessageTag: "only ASCII letters (a-z, A-Z), numbers (0-9), underscores
// (_), or dashes (-)", "256 characters or fewer".
const SES_TAG_VALUE = /^[A-Za-z0-9_-]{0,256}$/;
const utf8Length = (text: string) => Buffer.byteLength(text, "utf8");

describe("SES tag values", () => {
  it("escapes what SES does not allow, and the escape character itself", () => {
    // Act
    const encoded = encodeTagValue("2026/1001.A_b");

    // Assess
    expect(encoded).toBe("2026_2F1001_2EA_5Fb");
    expect(decodeTagValue(encoded)).toBe("2026/1001.A_b");
  });

  it("escapes every UTF-8 byte of a non-ASCII character", () => {
    // Act
    const encoded = encodeTagValue("Å-1");

    // Assess
    expect(encoded).toBe("_C3_85-1");
  });

  it("gives back any string that fits, in SES's alphabet and length", () => {
    // Prepare: well-formed Unicode of every plane, up to 85 UTF-8 bytes (3 characters each at most).
    const text = fc.string({ unit: "grapheme", maxLength: 40 }).filter((value) => utf8Length(value) <= 85);

    fc.assert(
      fc.property(text, (value) => {
        // Act
        const encoded = encodeTagValue(value);

        // Assess
        expect(encoded).toMatch(SES_TAG_VALUE);
        expect(decodeTagValue(encoded)).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("never hands SES a value it would refuse: a longer one comes back too, or is refused whole", () => {
    // Prepare
    const text = fc.string({ unit: "grapheme", minLength: 40, maxLength: 300 });
    const attempt = (value: string): string | unknown => {
      try {
        return encodeTagValue(value);
      } catch (error) {
        return error;
      }
    };

    fc.assert(
      fc.property(text, (value) => {
        // Act
        const encoded = attempt(value);

        // Assess
        if (typeof encoded === "string") {
          expect(encoded).toMatch(SES_TAG_VALUE);
          expect(decodeTagValue(encoded)).toBe(value);
        } else {
          expect(encoded).toBeInstanceOf(RangeError);
        }
      }),
    );
  });

  it("always fits an invoice number, whatever characters dun accepts in one", () => {
    fc.assert(
      fc.property(fc.stringMatching(INVOICE_NUMBER), (invoiceNumber) => {
        // Act
        const encoded = encodeTagValue(invoiceNumber);

        // Assess
        expect(encoded).toMatch(SES_TAG_VALUE);
        expect(decodeTagValue(encoded)).toBe(invoiceNumber);
      }),
    );
  });

  it("refuses a value SES would refuse for its length, rather than cut it", () => {
    // Prepare: 86 bytes that each need an escape: 258 characters.
    const tooLong = ".".repeat(86);

    // Act
    const encoding = () => encodeTagValue(tooLong);

    // Assess
    expect(encodeTagValue(".".repeat(85))).toHaveLength(255);
    expect(encoding).toThrow(RangeError);
    expect(encoding).toThrow(String(MAX_TAG_VALUE_LENGTH));
  });

  it("refuses a lone surrogate, which UTF-8 cannot carry back", () => {
    // Act
    const encoding = () => encodeTagValue("2026-\uD800");

    // Assess
    expect(encoding).toThrow(TypeError);
  });

  it('keeps a "_" that starts no escape, rather than fail a whole event over one tag', () => {
    // Act
    const decoded = [decodeTagValue("reminder_1"), decodeTagValue("a_zz_")];

    // Assess
    expect(decoded).toEqual(["reminder_1", "a_zz_"]);
  });
});
