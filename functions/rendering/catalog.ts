/**
 * The message catalogs, compiled into the build (unpacked on first use), and their formatting with
 * ICU MessageFormat (plurals, selects) in the debtor's language. The messages come parsed (the
 * build parses them, templates/build.ts), so the Lambda bundles leave the ICU parser out
 * (infra/bundling.ts); each message's formatter is made once per language and kept.
 */
import { IntlMessageFormat } from "intl-messageformat";
import { catalogs } from "./generated/catalogs.js";

export type MessageValues = Record<string, string | number>;
export type Translate = (key: string, values?: MessageValues) => string;

const formatters = new Map<string, IntlMessageFormat>();

export function hasCatalog(language: string): boolean {
  return catalogs[language] !== undefined;
}

export function translatorFor(language: string): Translate {
  const catalog = catalogs[language];
  if (!catalog) throw new RangeError(`no message catalog for ${language}`);
  return (key, values) => {
    const cacheKey = `${language}\u0000${key}`;
    let formatter = formatters.get(cacheKey);
    if (!formatter) {
      const message = catalog[key];
      if (message === undefined) throw new RangeError(`the ${language} catalog has no message ${key}`);
      // A syntax tree, never text: the bundled IntlMessageFormat has no parser to read text with.
      formatter = new IntlMessageFormat(message, language);
      formatters.set(cacheKey, formatter);
    }
    return String(formatter.format(values && markValueEnds(values))).replace(VALUE_END_AND_DOT, "");
  };
}

// A value that ends in a dot of its own ("1.234,50 kr.", "16 ноября 2026 г.", "Bianchi S.r.l.") at
// the end of a sentence would print two: "kr..". Each such value carries a mark out of the private
// use area to the formatted text, where the mark and the sentence's own dot right after it go.
const VALUE_END = "\uE000";
const VALUE_END_AND_DOT = /\uE000\.?/g;

function markValueEnds(values: MessageValues): MessageValues {
  // Most values end in no dot: those are passed on as they are, without a copy per message.
  let any = false;
  for (const name in values) {
    const value = values[name];
    if (typeof value === "string" && value.endsWith(".")) {
      any = true;
      break;
    }
  }
  if (!any) return values;
  const marked: MessageValues = {};
  for (const [name, value] of Object.entries(values))
    marked[name] = typeof value === "string" && value.endsWith(".") ? value + VALUE_END : value;
  return marked;
}
