/**
 * The law of the debtor's country, as dated data. Each jurisdiction is a list of versions, each
 * with the full set of rules and a source for every number (countries/*.ts); reference rates are
 * dated lists of their own. `rulesFor` answers which rules hold in a country on a date, and
 * which table answered.
 */
import type { IsoDate } from "#domain/calendar/iso-date.ts";
import { EU_MEMBER_STATES } from "#domain/locale/country.ts";
import type { CustomerType } from "#domain/vocabulary.ts";
import { GERMANY } from "./countries/de.ts";
import { DEFAULT_RULES } from "./countries/default.ts";
import { DENMARK } from "./countries/dk.ts";
import { EU_EURO_AREA, EU_OUTSIDE_EURO_AREA, EURO_AREA_SINCE } from "./countries/eu.ts";
import { FINLAND } from "./countries/fi.ts";
import { FRANCE } from "./countries/fr.ts";
import { UNITED_KINGDOM } from "./countries/gb.ts";
import { ITALY } from "./countries/it.ts";
import { NETHERLANDS } from "./countries/nl.ts";
import { NORWAY } from "./countries/no.ts";
import { RUSSIA } from "./countries/ru.ts";
import { SWEDEN } from "./countries/se.ts";
import { UNITED_STATES } from "./countries/us.ts";
import type { CustomerRules, Jurisdiction, JurisdictionTable, RuleSet } from "./rule-schema.ts";

export {
  type CollectionCosts,
  type ContactHours,
  type CustomerRules,
  describeSource,
  type FeeCap,
  type InterestRule,
  type Jurisdiction,
  type JurisdictionTable,
  type RateEntry,
  type RateTable,
  type ReminderGap,
  RULE_NAMES,
  type RuleName,
  RuleNameSchema,
  type RuleSet,
  type Source,
  type Sourced,
} from "./rule-schema.ts";

/** The countries with a table of their own, keyed by ISO 3166-1 code. */
export const COUNTRY_TABLES: ReadonlyMap<string, JurisdictionTable> = new Map(
  [
    NORWAY,
    DENMARK,
    SWEDEN,
    FINLAND,
    GERMANY,
    ITALY,
    RUSSIA,
    UNITED_KINGDOM,
    UNITED_STATES,
    NETHERLANDS,
    FRANCE,
  ].map((table) => [table.jurisdiction, table] as const),
);

/** Every table, own and fallback, for tests and the docs. */
export const ALL_TABLES: readonly JurisdictionTable[] = [
  ...COUNTRY_TABLES.values(),
  EU_EURO_AREA,
  EU_OUTSIDE_EURO_AREA,
  DEFAULT_RULES,
];

/** The rules that hold in one country on one date. */
export type CountryRules = {
  /** The country asked about, upper-cased. */
  country: string;
  /** Which table answered: the country's own, the EU default ("EU" or "EU-non-euro"), or "default". */
  jurisdiction: Jurisdiction;
  name: string;
  /** The currency the rules' amounts are in; null where they name none. */
  currency: string | null;
  /** The version that answered. Later than `on` only when `on` precedes every version (see rulesFor). */
  validFrom: IsoDate;
  business: CustomerRules;
  consumer: CustomerRules;
};

/**
 * The table that governs a debtor in `country` on `on`: its own, else the EU default for member
 * states (inside or outside the euro area on that date), else the conservative default.
 */
export function tableFor(country: string, on: IsoDate): JurisdictionTable {
  const code = country.trim().toUpperCase();
  const own = COUNTRY_TABLES.get(code);
  if (own) return own;
  if (!EU_MEMBER_STATES.has(code)) return DEFAULT_RULES;
  const joined = EURO_AREA_SINCE.get(code);
  return joined !== undefined && joined <= on ? EU_EURO_AREA : EU_OUTSIDE_EURO_AREA;
}

/**
 * The rules in force in `country` on `on`, for both customer types, each with its source.
 *
 * On a date before a table's first version the first version answers (its validFrom shows it):
 * it is the oldest law dun knows, and the tables begin before any invoice dun is likely to
 * chase. Interest for days before a reference table's first rate is not claimed at all
 * (see interest.ts), so an old debt is never charged a rate dun cannot show.
 */
export function rulesFor(country: string, on: IsoDate): CountryRules {
  return rulesOfTable(tableFor(country, on), on, country.trim().toUpperCase());
}

/** The rules one table holds on `on`, for a debtor in `country` (the table's own code by default). */
export function rulesOfTable(
  table: JurisdictionTable,
  on: IsoDate,
  country: string = table.jurisdiction,
): CountryRules {
  const version = versionOn(table, on);
  // The ladder asks several times per decision (fees, interest, compensation, deadlines); the answer
  // depends only on the country and the version that holds, so it is built once per pair.
  let ofTable = answered.get(table);
  if (!ofTable) {
    ofTable = new Map();
    answered.set(table, ofTable);
  }
  const key = `${country}\u0000${version.validFrom}`;
  const known = ofTable.get(key);
  if (known) return known;
  const rules: CountryRules = {
    country,
    jurisdiction: table.jurisdiction,
    name: table.name,
    currency: table.currency,
    validFrom: version.validFrom,
    business: rulesOfType(version.rules, "business"),
    consumer: rulesOfType(version.rules, "consumer"),
  };
  if (ofTable.size < 10_000) ofTable.set(key, rules);
  return rules;
}

/** Per table (tests build tables of their own), by country and version. */
const answered = new WeakMap<JurisdictionTable, Map<string, CountryRules>>();

/** The rules for one customer type: `customerRulesFor("NO", "consumer", day).maxReminderFee.value`. */
export function customerRulesFor(country: string, customerType: CustomerType, on: IsoDate): CustomerRules {
  return rulesFor(country, on)[customerType];
}

function versionOn(table: JurisdictionTable, on: IsoDate) {
  const [first, ...later] = table.versions;
  if (!first) throw new Error(`the ${table.name} table has no versions`);
  let current = first;
  for (const version of later) {
    if (version.validFrom > on) break;
    current = version;
  }
  return current;
}

function rulesOfType(rules: RuleSet, customerType: CustomerType): CustomerRules {
  return {
    maxReminderFee: rules.maxReminderFee[customerType],
    reminderFeeNotBeforeDaysAfterDue: rules.reminderFeeNotBeforeDaysAfterDue[customerType],
    maxFeeBearingReminders: rules.maxFeeBearingReminders[customerType],
    minDaysBetweenReminders: rules.minDaysBetweenReminders[customerType],
    finalNoticeDeadlineDays: rules.finalNoticeDeadlineDays[customerType],
    reminderFeeRequiresAgreement: rules.reminderFeeRequiresAgreement[customerType],
    contactHours: rules.contactHours[customerType],
    statutoryInterest: rules.statutoryInterest[customerType],
    fixedCompensation: rules.fixedCompensation[customerType],
    noFeeOnFirstReminder: rules.noFeeOnFirstReminder[customerType],
    interestFrom: rules.interestFrom[customerType],
    finalNoticeDeadlineCounting: rules.finalNoticeDeadlineCounting[customerType],
    collectionCosts: rules.collectionCosts[customerType],
  };
}
