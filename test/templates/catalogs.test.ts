import { readFileSync } from "node:fs";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { catalogs } from "#rendering/generated/catalogs.js";

type Catalog = Record<string, string>;

function catalogOf(language: string): Catalog {
  return JSON.parse(
    readFileSync(new URL(`../../templates/messages/${language}.json`, import.meta.url), "utf8"),
  );
}

/** The argument names a message uses, from the parsed ICU syntax tree. */
function argumentsOf(message: string, language: string): string[] {
  const names = new Set<string>();
  const walk = (elements: unknown[]) => {
    for (const element of elements as {
      type: number;
      value?: string;
      options?: Record<string, { value: unknown[] }>;
    }[]) {
      if (element.type !== 0 && element.value) names.add(element.value); // 0 is a literal
      for (const option of Object.values(element.options ?? {})) walk(option.value);
    }
  };
  walk(new IntlMessageFormat(message, language).getAst() as unknown[]);
  return [...names].sort();
}

const english = catalogOf("en");

/**
 * Who reads (a company or a person) changes the form of address in some languages only (Italian
 * «Voi»/«Lei», Polish «Państwo»), so any message may choose by it whether English does or not.
 */
const FORM_OF_ADDRESS = "audience";
const withoutFormOfAddress = (names: string[]) => names.filter((name) => name !== FORM_OF_ADDRESS);
/** A Polish name of unknown gender takes no vocative, so Polish greets a person without it. */
const MAY_LEAVE_OUT: Readonly<Record<string, string[]>> = { "common.greeting": ["name"] };

/** A value for every placeholder any message has. */
const SAMPLES = {
  country: "NO",
  countryName: "Norge",
  name: "Fjordlys AS",
  number: "2026-1001",
  amount: "1 234,50 kr",
  dueDate: "16.11.2026",
  deadline: "30.11.2026",
  date: "20.11.2026",
  days: 3,
  type: "kid",
  kind: "bounce",
  tenant: "Nordlys AS",
  replyTo: "faktura@nordlys.example",
  rate: "12 %",
  percent: "2 %",
  discountedAmount: "1 209,81 kr",
  index: 2,
  count: 3,
  customer: "Fjordlys AS",
  email: "faktura@fjordlys.example",
  detail: "550 5.1.1 user unknown",
  fee: "100,00 kr.",
  agencyNamed: "yes",
  agency: "Kredinor AS",
  agencyContact: "post@kredinor.example",
  compensation: "40,00 €",
  collectionCosts: "375,00 €",
};

describe.each(SUPPORTED_LANGUAGES)("the %s catalog", (language) => {
  // Read inside each test, so a missing or broken catalog fails its own tests only.
  const load = () => catalogOf(language);

  it("has every key of the English catalog, and no other", () => {
    expect(Object.keys(load()).sort()).toEqual(Object.keys(english).sort());
  });

  it("has valid ICU messages using exactly the English message's placeholders", () => {
    const catalog = load();
    for (const [key, message] of Object.entries(english)) {
      const translated = catalog[key];
      expect(translated, key).toBeTypeOf("string");
      const used = withoutFormOfAddress(argumentsOf(translated ?? "", language));
      const expected = withoutFormOfAddress(argumentsOf(message, "en")).filter(
        (name) => used.includes(name) || !MAY_LEAVE_OUT[key]?.includes(name),
      );
      expect(used, key).toEqual(expected);
    }
  });

  it.each(["business", "consumer", "owner"])(
    "formats every message for a reader who is %s, leaving no placeholder behind",
    (audience) => {
      const samples = { audience, ...SAMPLES };
      for (const [key, message] of Object.entries(load())) {
        const formatted = String(new IntlMessageFormat(message, language).format(samples));
        expect(formatted, key).not.toMatch(/[{}]/);
        expect(formatted.trim().length, key).toBeGreaterThan(0);
      }
    },
  );

  it("is bundled as syntax trees that format, with no parser at hand, to what its text formats to", () => {
    // Prepare: each audience, and the plural forms for one and for several.
    const text = load();
    const trees = catalogs[language] ?? {};
    const valueSets = ["business", "consumer", "owner"].flatMap((audience) => [
      { ...SAMPLES, audience },
      { ...SAMPLES, audience, days: 1, count: 1, index: 1 },
    ]);
    const expected = Object.keys(text).flatMap((key) =>
      valueSets.map((values) => String(new IntlMessageFormat(text[key] ?? "", language).format(values))),
    );
    // The Lambdas' IntlMessageFormat has no parser (infra/bundling.ts); nor has this one, for now.
    const parse = IntlMessageFormat.__parse;
    IntlMessageFormat.__parse = undefined;
    try {
      // Act
      const formatted = Object.keys(text).flatMap((key) =>
        valueSets.map((values) => String(new IntlMessageFormat(trees[key] ?? [], language).format(values))),
      );

      // Assess
      expect(Object.keys(trees).sort()).toEqual(Object.keys(text).sort());
      expect(formatted).toEqual(expected);
    } finally {
      IntlMessageFormat.__parse = parse;
    }
  });
});
