import { readFileSync } from "node:fs";
import { IntlMessageFormat } from "intl-messageformat";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { statutoryCollectionCosts } from "#domain/rules/interest.ts";
import {
  ALL_NOTICE_TABLES,
  type NoticeMessage,
  NoticeTableSchema,
  type NoticeValue,
  noticesFor,
  noticeTableFor,
} from "#domain/rules/notices.ts";
import { type CustomerType, STAGES } from "#domain/vocabulary.ts";

const catalogOf = (language: string): Record<string, string> =>
  JSON.parse(readFileSync(new URL(`../../templates/messages/${language}.json`, import.meta.url), "utf8"));

/** The argument names a message uses, from the parsed ICU syntax tree. */
function argumentsOf(message: string): Set<string> {
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
  walk(new IntlMessageFormat(message, "en").getAst() as unknown[]);
  return names;
}

/** Every message a table names, in every version, stage and customer type. */
function messagesOfAllTables(): NoticeMessage[] {
  return ALL_NOTICE_TABLES.flatMap((table) =>
    table.versions.flatMap((version) =>
      (["business", "consumer"] as const).flatMap((type) =>
        STAGES.flatMap((stage) => {
          const said = version[type][stage];
          return [...(said.heading ? [said.heading] : []), ...said.paragraphs, ...said.notice];
        }),
      ),
    ),
  );
}

const COUNTRIES = ["NO", "DK", "SE", "FI", "DE", "IT", "RU", "GB", "US", "NL", "FR", "ES", "PL"];
const TYPES: readonly CustomerType[] = ["business", "consumer"];
/** The placeholder each optional value fills: a message using it must say it needs it. */
const PLACEHOLDER_OF: Record<NoticeValue, string> = {
  rate: "rate",
  stageFee: "fee",
  compensation: "compensation",
  collectionCosts: "collectionCosts",
};

describe("the notices table", () => {
  it("parses: every version dated, sourced and in order", () => {
    for (const table of ALL_NOTICE_TABLES)
      expect(() => NoticeTableSchema.parse(table), table.name).not.toThrow();
  });

  it.each(
    COUNTRIES.flatMap((country) =>
      TYPES.flatMap((type) => STAGES.map((stage) => [country, type, stage] as const)),
    ),
  )("answers for %s, a %s, at %s, from the country's own table", (country, type, stage) => {
    expect(noticeTableFor(country).jurisdiction).toBe(country);
    expect(noticesFor(country, type, stage, "2026-12-21")).toBeDefined();
  });

  it("answers an EU member state without a table from the EU default, anyone else from the default", () => {
    expect(noticeTableFor("AT").jurisdiction).toBe("EU");
    expect(noticeTableFor("jp").jurisdiction).toBe("default");
    for (const type of TYPES) {
      for (const stage of STAGES) {
        expect(noticesFor("AT", type, stage, "2026-12-21")).toBeDefined();
        expect(noticesFor("JP", type, stage, "2026-12-21")).toBeDefined();
      }
    }
  });

  it("names only messages every catalog has", () => {
    const keys = new Set(messagesOfAllTables().map((message) => message.key));
    for (const language of SUPPORTED_LANGUAGES) {
      const catalog = catalogOf(language);
      for (const key of keys) expect(catalog[key], `${language}: ${key}`).toBeTypeOf("string");
    }
  });

  it("uses every notice message the catalogs hold", () => {
    const used = new Set(messagesOfAllTables().map((message) => message.key));
    const notices = Object.keys(catalogOf("en")).filter((key) => key.startsWith("notice."));
    expect(notices.filter((key) => !used.has(key))).toEqual([]);
  });

  it("declares every optional value a message prints, so it is left out when the email has none", () => {
    const english = catalogOf("en");
    for (const message of messagesOfAllTables()) {
      const placeholders = argumentsOf(english[message.key] ?? "");
      for (const [value, placeholder] of Object.entries(PLACEHOLDER_OF)) {
        if (placeholders.has(placeholder)) {
          expect(message.needs, `${message.key} prints {${placeholder}}`).toContain(value);
        }
      }
    }
  });

  it("tells a final notice's consequences in every country, with the law's own instrument where it has one", () => {
    for (const country of [...COUNTRIES, "AT", "JP"]) {
      for (const type of TYPES) {
        const keys = noticesFor(country, type, "final_notice", "2026-12-21").notice.map(({ key }) => key);
        expect(keys, `${country} ${type}`).toContain("final_notice.consequence");
      }
    }
    expect(noticesFor("NO", "consumer", "final_notice", "2026-12-21").heading?.key).toBe(
      "notice.NO.inkassovarsel.heading",
    );
    expect(noticesFor("RU", "business", "final_notice", "2026-12-21").heading?.key).toBe(
      "notice.RU.pretenziya.heading",
    );
    expect(noticesFor("RU", "consumer", "final_notice", "2026-12-21").heading).toBeUndefined();
    expect(noticesFor("NL", "consumer", "final_notice", "2026-12-21").heading?.key).toBe(
      "notice.NL.veertiendagenbrief.heading",
    );
  });

  it("never tells an Italian consumer of the B2B interest of D.Lgs. 231/2002", () => {
    for (const stage of STAGES) {
      const said = noticesFor("IT", "consumer", stage, "2026-12-21");
      expect([...said.paragraphs, ...said.notice].map(({ key }) => key)).not.toContain(
        "notice.IT.business.interest",
      );
    }
  });
});

describe("the Dutch scale of collection costs (BIK)", () => {
  it.each([
    [10_000, 4_000], // 15 % of EUR 100 is below the EUR 40 minimum
    [100_000, 15_000],
    [250_000, 37_500],
    [500_000, 62_500],
    [1_000_000, 87_500],
    [20_000_000, 277_500],
    [200_000_000, 677_500], // capped at EUR 6,775
  ])("on a principal of %i cents is %i cents", (principal, costs) => {
    const owed = statutoryCollectionCosts({
      country: "NL",
      customerType: "consumer",
      currency: "EUR",
      principal,
      on: "2026-12-21",
    });
    expect(owed?.amount).toBe(costs);
  });

  it("gives no amount in a currency the scale does not name", () => {
    const owed = statutoryCollectionCosts({
      country: "NL",
      customerType: "consumer",
      currency: "USD",
      principal: 100_000,
      on: "2026-12-21",
    });
    expect(owed?.amount).toBe(0);
    expect(owed?.withheld).toBe("invoice_currency_differs");
  });
});
