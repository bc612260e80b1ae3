import * as z from "zod";
import { CountryCodeSchema } from "#domain/locale/country.ts";
import { LocaleSchema } from "#domain/locale/locale.ts";
import { isTimeZone, TimeZoneSchema } from "#domain/locale/time-zone.ts";
import { EmailSchema, singleLineText } from "#domain/text.ts";
import { CustomerTypeSchema } from "#domain/vocabulary.ts";

/** One address or several; stored as a list so every later step handles one shape. */
export const EmailsSchema = z
  .union([EmailSchema.transform((email) => [email]), z.array(EmailSchema).min(1).max(5)])
  .transform((emails) => [...new Set(emails)]);

// Two instants, one in winter and one in summer time, to tell whether a country's zones differ.
const OFFSET_PROBES = [new Date("2026-01-15T12:00:00Z"), new Date("2026-07-15T12:00:00Z")];

function offsetsOf(zone: string): string {
  return OFFSET_PROBES.map((probe) =>
    new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "longOffset" }).format(probe),
  ).join("|");
}

/**
 * The zone of a country whose clocks all agree (NO → Europe/Oslo; DE → Europe/Berlin, though
 * Büsingen has a zone of its own). Countries whose clocks differ (US, RU, ES with the Canaries)
 * must say which, or a debtor could be emailed at night.
 */
export function soleTimeZoneOf(country: string): string | undefined {
  // Each answer costs a few Intl.DateTimeFormats (~1 ms); an upload of 10 000 rows names a handful
  // of countries, so each is worked out once.
  if (SOLE_ZONES.has(country)) return SOLE_ZONES.get(country);
  const zone = computeSoleTimeZone(country);
  SOLE_ZONES.set(country, zone);
  return zone;
}

/** Countries are ISO 3166 codes (validated before this is asked), so the cache stays small. */
const SOLE_ZONES = new Map<string, string | undefined>();

function computeSoleTimeZone(country: string): string | undefined {
  // Intl Locale Info: a getter in V8 before 12.x, a method after; either answers from CLDR.
  const locale = new Intl.Locale(`und-${country}`) as Intl.Locale & {
    timeZones?: string[];
    getTimeZones?: () => string[] | undefined;
  };
  const zones = (typeof locale.getTimeZones === "function" ? locale.getTimeZones() : locale.timeZones) ?? [];
  const [first] = zones;
  if (first === undefined || !isTimeZone(first)) return undefined;
  const offsets = offsetsOf(first);
  return zones.every((zone) => offsetsOf(zone) === offsets) ? first : undefined;
}

/** The customer as uploaded. `email` may be one address or a list. */
export const CustomerInputSchema = z
  .strictObject({
    id: singleLineText(64).optional(),
    name: singleLineText(200),
    email: EmailsSchema,
    locale: LocaleSchema,
    country: CountryCodeSchema,
    timeZone: TimeZoneSchema.optional(),
    type: CustomerTypeSchema,
    accountManagerEmail: EmailSchema.optional(),
  })
  .transform(({ email, timeZone, ...customer }, ctx) => {
    const zone = timeZone ?? soleTimeZoneOf(customer.country);
    if (zone === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["timeZone"],
        message: `is required for customers in ${customer.country}, which spans several time zones`,
      });
      return z.NEVER;
    }
    return { ...customer, emails: email, timeZone: zone };
  });
export type CustomerInput = z.input<typeof CustomerInputSchema>;

/** The customer as stored on an invoice. */
export const CustomerSchema = z.object({
  id: z.string().optional(),
  name: z.string(),
  emails: z.array(z.string()).min(1),
  locale: z.string(),
  country: z.string(),
  timeZone: z.string(),
  type: CustomerTypeSchema,
  accountManagerEmail: z.string().optional(),
});
export type Customer = z.infer<typeof CustomerSchema>;

/** Every address dun may write to about this customer's invoices: the customer's and its account manager's. */
export function addressesOf(customer: Customer): string[] {
  return customer.accountManagerEmail
    ? [...customer.emails, customer.accountManagerEmail]
    : [...customer.emails];
}
