import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { packJson, packJsonTexts, unpackedTogetherOnRead, unpackJson } from "#domain/packed-json.ts";

describe("packed JSON", () => {
  it("unpacks to exactly what was packed, whatever its length, in characters a string literal need not escape", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        // Act
        const packed = packJson(value);

        // Assess
        expect(packed).toMatch(/^[0-3][0-9a-zA-Z.\-:+=^!/*?&<>()[\]{}@%$#]*$/);
        expect(unpackJson(packed)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 300 },
    );
  });

  it("refuses text that is not what packJson writes, instead of unpacking something else", () => {
    // Prepare
    const packed = packJson({ da: "Hej" });

    // Act and assess
    expect(() => unpackJson(`${packed}x`)).toThrow(TypeError);
    expect(() => unpackJson(`${packed.slice(0, 1)}"${packed.slice(2)}`)).toThrow(TypeError);
    expect(() => unpackJson(`7${packed.slice(1)}`)).toThrow(TypeError);
  });

  it("packs values together and gives each back on its own first read", () => {
    // Prepare
    const values = { da: { greeting: "Hej" }, de: { greeting: "Guten Tag" } };

    // Act
    const unpacked = unpackedTogetherOnRead<{ greeting: string }>(["da", "de"], packJsonTexts(values));

    // Assess
    expect(Object.keys(unpacked)).toEqual(["da", "de"]);
    expect(unpacked.de).toEqual(values.de);
    expect(unpacked.de).toBe(unpacked.de);
    expect(unpacked.da).toEqual(values.da);
  });
});
