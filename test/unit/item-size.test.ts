/**
 * An item's size by DynamoDB's rule ("DynamoDB item sizes and formats",
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html),
 * each case worked out by hand from the page's sentences.
 */
import { describe, expect, it } from "vitest";
import { itemSize, numberSize } from "#adapters/dynamo/item-size.ts";

describe("an item's size", () => {
  it("counts a string and its attribute name in UTF-8 bytes", () => {
    expect(itemSize({ pk: { S: "TENANT#a" } })).toBe(2 + 8);
    // "€" is 3 bytes in UTF-8 (1 unit in UTF-16), "ж" 2, "ø" 2, "😀" 4 (2 units in UTF-16).
    expect(itemSize({ d: { S: "€€€" } })).toBe(1 + 9);
    expect(itemSize({ d: { S: "жø😀" } })).toBe(1 + 2 + 2 + 4);
    expect(itemSize({ прим: { S: "" } })).toBe(8);
  });

  it("counts a binary by its raw bytes, not its base64", () => {
    expect(itemSize({ b: { B: Buffer.from("buffer").toString("base64") } })).toBe(1 + 6);
    expect(itemSize({ b: { B: new Uint8Array(10) } })).toBe(1 + 10);
  });

  it("counts a null or a boolean as 1 byte", () => {
    expect(itemSize({ flag: { BOOL: false }, none: { NULL: true } })).toBe(4 + 1 + 4 + 1);
  });

  it("counts a number as 1 byte per two significant digits, plus 1", () => {
    expect(numberSize("0")).toBe(1);
    expect(numberSize("27")).toBe(2);
    expect(numberSize("123456")).toBe(4);
    // Leading and trailing zeroes are trimmed.
    expect(numberSize("1200")).toBe(2);
    expect(numberSize("000123.4500")).toBe(numberSize("123.45"));
    expect(numberSize("1.2e3")).toBe(numberSize("1200"));
    // Pairs are aligned on the decimal point, and a sign costs a byte.
    expect(numberSize("15")).toBe(2);
    expect(numberSize("1.5")).toBe(3);
    expect(numberSize("-15")).toBe(3);
    expect(itemSize({ amount: { N: "125000" } })).toBe(6 + 3);
  });

  it("gives a list or a map 3 bytes, and each element 1 more", () => {
    expect(itemSize({ l: { L: [] }, m: { M: {} } })).toBe(1 + 3 + 1 + 3);
    expect(itemSize({ l: { L: [{ S: "ab" }, { BOOL: true }] } })).toBe(1 + 3 + (1 + 2) + (1 + 1));
    // A map's element counts its name as an attribute does.
    expect(itemSize({ m: { M: { name: { S: "Müller" } } } })).toBe(1 + 3 + 1 + 4 + 7);
    expect(itemSize({ m: { M: { inner: { L: [{ N: "1" }] } } } })).toBe(1 + 3 + 1 + 5 + (3 + 1 + 2));
  });

  it("counts a set as the sum of its members", () => {
    expect(itemSize({ s: { SS: ["a@b.no", "ø@b.no"] } })).toBe(1 + 6 + 7);
    expect(itemSize({ n: { NS: ["1", "22"] } })).toBe(1 + 2 + 2);
  });
});
