import { describe, expect, it } from "vitest";
import { soleTimeZoneOf } from "#domain/invoice/customer.ts";
import { isCountryCode } from "#domain/locale/country.ts";
import { LocaleSchema, resolveLanguage } from "#domain/locale/locale.ts";
import { isTimeZone } from "#domain/locale/time-zone.ts";

describe("the language an email is written in", () => {
  it.each([
    ["nb-NO", undefined, "nb"],
    ["nb", undefined, "nb"],
    ["no", undefined, "nb"],
    ["nn-NO", undefined, "nb"],
    ["de-AT", undefined, "de"],
    ["pt-BR", "sv", "sv"],
    ["pt-BR", undefined, "en"],
    [undefined, "fi", "fi"],
    ["not a tag", "da", "da"],
  ])("%s with tenant default %s → %s", (tag, tenantDefault, expected) => {
    expect(resolveLanguage(tag, tenantDefault)).toBe(expected);
  });
});

describe("codes at the boundary", () => {
  it("canonicalises BCP 47 tags and refuses malformed ones", () => {
    expect(LocaleSchema.parse("nb-no")).toBe("nb-NO");
    expect(LocaleSchema.safeParse("en_US!").success).toBe(false);
  });

  it("knows assigned country codes only", () => {
    expect(isCountryCode("NO")).toBe(true);
    expect(isCountryCode("XX")).toBe(false);
    expect(isCountryCode("no")).toBe(false);
  });

  it("knows IANA zones, including aliases", () => {
    expect(isTimeZone("Europe/Oslo")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Europe/Atlantis")).toBe(false);
    expect(isTimeZone("")).toBe(false);
  });

  it("fills the zone only where a country's clocks all agree", () => {
    expect(soleTimeZoneOf("NO")).toBe("Europe/Oslo");
    expect(soleTimeZoneOf("DE")).toBe("Europe/Berlin");
    expect(soleTimeZoneOf("US")).toBeUndefined();
    expect(soleTimeZoneOf("ES")).toBeUndefined();
  });
});
