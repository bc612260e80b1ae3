import * as z from "zod";

// ISO 4217 list one, the codes in force in 2026, minus the X-codes for precious metals, bond-market
// units, SDRs, the Sucre and testing (XAG XAU XBA XBB XBC XBD XDR XPD XPT XSU XTS XUA XXX): nobody
// is invoiced in those. Kept as data rather than asked of Intl, because Intl.supportedValuesOf
// still lists withdrawn codes (HRK, CUC, ZWL) and Intl.NumberFormat accepts any three letters.
// Withdrawn and replaced: ANG → XCG (2025), SLL → SLE, ZWL → ZWG (2024), HRK → EUR (2023).
// The non-X fund codes (BOV CHE CHW CLF COU MXV USN UYI UYW) stay: contracts are written in them.
export const CURRENCY_CODES: ReadonlySet<string> = new Set(
  (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD " +
    "CAD CDF CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP " +
    "GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW " +
    "KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN " +
    "NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD " +
    "SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW " +
    "UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG"
  ).split(" "),
);

// The minor-unit exponent where it is not 2 (ISO 4217's "minor unit" column).
const EXPONENT_NOT_TWO: ReadonlyMap<string, number> = new Map([
  ..."BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
    .split(" ")
    .map((code) => [code, 0] as const),
  ..."BHD IQD JOD KWD LYD OMR TND".split(" ").map((code) => [code, 3] as const),
  ..."CLF UYW".split(" ").map((code) => [code, 4] as const),
]);

/** Exact match on an upper-case active code; "nok" is not one (CurrencyCodeSchema normalises first). */
export function isCurrencyCode(code: string): boolean {
  return CURRENCY_CODES.has(code);
}

/**
 * How many decimal digits the currency's minor unit has: 2 for NOK (øre), 0 for JPY, 3 for KWD (fils).
 * Throws a RangeError for an unknown code, because a caller reaching here with one skipped validation.
 */
export function minorUnits(currency: string): number {
  if (!CURRENCY_CODES.has(currency)) {
    throw new RangeError(`minorUnits: "${currency}" is not an active ISO 4217 currency code`);
  }
  return EXPONENT_NOT_TWO.get(currency) ?? 2;
}

/** Accepts "nok" or " NOK ", stores "NOK". */
export const CurrencyCodeSchema = z
  .string()
  .transform((code) => code.trim().toUpperCase())
  .refine(isCurrencyCode, { message: "must be an ISO 4217 currency code, such as NOK or EUR" });
export type CurrencyCode = z.infer<typeof CurrencyCodeSchema>;
