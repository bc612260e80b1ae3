/**
 * A tenant is one seller using dun: who the emails come from, how the debtor pays them, what the
 * legal footer says, and the dunning policy they chose.
 */
import * as z from "zod";
import { PolicySchema } from "#domain/ladder/policy.ts";
import { CountryCodeSchema } from "#domain/locale/country.ts";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import { EmailSchema, HttpsUrlSchema, singleLineText } from "#domain/text.ts";

/** ISO 13616 IBAN: the country, two check digits, and up to 30 letters and digits, checked mod 97. */
export function isValidIban(text: string): boolean {
  const iban = text.replaceAll(" ", "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  const digits = rearranged.replace(/[A-Z]/g, (letter) => String(letter.charCodeAt(0) - 55));
  // Piecewise mod 97 keeps every step inside a safe integer.
  let remainder = 0;
  for (const digit of digits) remainder = (remainder * 10 + Number(digit)) % 97;
  return remainder === 1;
}

export const PaymentDetailsSchema = z.strictObject({
  iban: z
    .string()
    .refine(isValidIban, { message: "must be a valid IBAN (its check digits do not match)" })
    .transform((iban) => iban.replaceAll(" ", "").toUpperCase())
    .optional(),
  bic: z
    .string()
    .regex(/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/, "must be an 8 or 11 character BIC")
    .optional(),
  /** A domestic account number (Norwegian kontonummer, Danish reg.nr + konto, Swedish bankgiro…). */
  domesticAccount: singleLineText(40).optional(),
});

export const TenantSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,62}$/, "must be 2-63 lowercase letters, digits or -"),
  name: singleLineText(200),
  legalName: singleLineText(200).optional(),
  organisationNumber: singleLineText(40).optional(),
  address: z.array(singleLineText(200)).max(5).default([]),
  country: CountryCodeSchema,
  brandColor: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, "must be a colour such as #1d4ed8")
    .default("#1d4ed8"),
  logoUrl: HttpsUrlSchema.optional(),
  /** The receivables mailbox: debtors' replies go here. */
  replyTo: EmailSchema,
  /** Who hears about bounces, complaints, disputes and hand-overs. */
  ownerEmail: EmailSchema,
  defaultLanguage: z.enum(SUPPORTED_LANGUAGES).default("en"),
  payment: PaymentDetailsSchema.default({}),
  /**
   * The agency the tenant hands unpaid claims to, named in the hand-over notice so the debtor
   * knows who will write; without it the notice says only that an agency will.
   */
  collectionAgency: z
    .strictObject({
      name: singleLineText(200),
      /** How the debtor reaches the agency: an address, a phone number or a web page. */
      contact: singleLineText(200).optional(),
    })
    .optional(),
  policy: PolicySchema,
});
export type Tenant = z.infer<typeof TenantSchema>;
export type TenantInput = z.input<typeof TenantSchema>;
