import * as z from "zod";

// Creating an Intl.DateTimeFormat costs tens of microseconds; an upload of 10 000 rows names a
// handful of zones, so each answer is remembered.
const known = new Map<string, boolean>();

export function isTimeZone(zone: string): boolean {
  const cached = known.get(zone);
  if (cached !== undefined) return cached;
  let valid = zone.length > 0 && zone.length <= 64;
  if (valid) {
    try {
      // The runtime's own zone database is the authority: it knows every IANA name and alias.
      new Intl.DateTimeFormat("en", { timeZone: zone });
    } catch {
      valid = false;
    }
  }
  if (known.size < 1000) known.set(zone, valid);
  return valid;
}

export const TimeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, { message: "must be an IANA time zone, such as Europe/Oslo" });
