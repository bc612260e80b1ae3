/**
 * The message catalogs, compiled into the build, and their formatting with ICU MessageFormat
 * (plurals, selects) in the debtor's language. Each message is parsed once per language and kept.
 */
import { IntlMessageFormat } from "intl-messageformat";
import { catalogs } from "./generated/templates.js";

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
      formatter = new IntlMessageFormat(message, language);
      formatters.set(cacheKey, formatter);
    }
    return String(formatter.format(values));
  };
}
