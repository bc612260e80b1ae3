import * as z from "zod";

/** The languages dun writes its emails in. */
export const SUPPORTED_LANGUAGES = [
  "en",
  "nb",
  "da",
  "sv",
  "fi",
  "de",
  "it",
  "fr",
  "es",
  "nl",
  "pl",
  "ru",
] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
const SUPPORTED: ReadonlySet<string> = new Set(SUPPORTED_LANGUAGES);

/** Canonical BCP 47 form ("nb-no" → "nb-NO"), or undefined when the tag is not well-formed. */
export function canonicalLocale(tag: string): string | undefined {
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    return canonical;
  } catch {
    return undefined;
  }
}

export const LocaleSchema = z
  .string()
  .max(35)
  .transform((tag, ctx) => {
    const canonical = canonicalLocale(tag);
    if (canonical === undefined) {
      ctx.addIssue({ code: "custom", message: "must be a BCP 47 language tag, such as nb-NO or de" });
      return z.NEVER;
    }
    return canonical;
  });

// Bokmål is what a Norwegian debtor tagged "no" or "nn" reads most easily among our catalogs.
const LANGUAGE_ALIASES: Readonly<Record<string, Language>> = { no: "nb", nn: "nb" };

// Intl.getCanonicalLocales and Intl.Locale cost microseconds each; the sender asks the same few
// questions for every email.
const resolved = new Map<string, Language>();

/**
 * The catalog to write in: the tag itself, its language, that language's alias ("nb-NO" → "nb",
 * "no" → "nb"), then the tenant's default, then English.
 */
export function resolveLanguage(tag: string | undefined, tenantDefault?: string): Language {
  const key = `${tag ?? ""}\u0000${tenantDefault ?? ""}`;
  let language = resolved.get(key);
  if (language === undefined) {
    language = resolveUncached(tag, tenantDefault);
    if (resolved.size < 10_000) resolved.set(key, language);
  }
  return language;
}

function resolveUncached(tag: string | undefined, tenantDefault?: string): Language {
  for (const candidate of [tag, tenantDefault]) {
    const language = candidate && catalogLanguageOf(candidate);
    if (language) return language;
  }
  return "en";
}

/**
 * The catalog a tag itself asks for ("de-AT" → "de", "nn-NO" → "nb"), without any fallback:
 * undefined for a language dun does not write ("pt-PT") or a tag that is not well-formed.
 */
export function catalogLanguageOf(tag: string): Language | undefined {
  const canonical = canonicalLocale(tag);
  if (!canonical) return undefined;
  const language = new Intl.Locale(canonical).language;
  if (SUPPORTED.has(language)) return language as Language;
  return LANGUAGE_ALIASES[language];
}
