/**
 * Where a debtor pays: the seller's accounts, each in its own country's scheme and currency, and
 * the choice of the one an email prints for an invoice. A payment reference is only payable with
 * the account it belongs to: a KID is read by Norwegian banks paying a Norwegian kontonummer, an
 * OCR reference by Bankgirot or Plusgirot, a FIK code line names its own Danish creditor, a
 * Finnish viitenumero is read by Finnish banks. Printed beside another account, the debtor's bank
 * drops it or refuses the payment, and the seller gets money it cannot match.
 */
import * as z from "zod";
import { CurrencyCodeSchema } from "#domain/money/currency.ts";
import {
  luhnCheckDigit,
  mod11CheckDigit,
  type PaymentReference,
  PaymentReferenceTypeSchema,
  parseFik,
} from "./payment-reference.ts";

// ——— Check digits ———

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

/**
 * A Norwegian kontonummer: 11 digits (bank, account group, account, check), the last a MOD11
 * check digit with weights 5 4 3 2 7 6 5 4 3 2, KID's MOD11. Banks never issue a number whose
 * remainder would need the check "10", so the "-" KID allows there is no account.
 */
export function isValidNorwegianAccount(digits: string): boolean {
  return /^\d{11}$/.test(digits) && mod11CheckDigit(digits.slice(0, 10)) === digits.slice(10);
}

/** A Swedish bankgiro number: 7 or 8 digits, the last a Luhn check digit over the others. */
export function isValidBankgiro(digits: string): boolean {
  return /^\d{7,8}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/** A Swedish PlusGiro number: 2 to 8 digits, the last a Luhn check digit over the others. */
export function isValidPlusgiro(digits: string): boolean {
  return /^\d{2,8}$/.test(digits) && luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1);
}

/**
 * A Finnish national reference (viitenumero): 4 to 20 digits, the last a check digit over the
 * others weighted 7, 3, 1 from the right, bringing the sum up to a multiple of ten. Printed in
 * groups of five from the right, so spaces are allowed.
 */
export function isValidFinnishReference(text: string): boolean {
  const digits = text.replaceAll(" ", "");
  if (!/^\d{4,20}$/.test(digits)) return false;
  const payload = digits.slice(0, -1);
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    sum += (payload.charCodeAt(payload.length - 1 - fromRight) - 48) * ([7, 3, 1][fromRight % 3] ?? 0);
  }
  return String((10 - (sum % 10)) % 10) === digits.slice(-1);
}

// ——— The accounts a tenant states ———

/**
 * A domestic account number as people write it: digits, perhaps grouped by spaces, dots or dashes
 * ("8601.11.17947", "5050-1055", "12 34 56-7"). Stored as its digits; `problem` says what is
 * wrong with them, read after the field's name.
 */
function accountNumber(problem: (digits: string) => string | undefined) {
  return z.string().transform((text, ctx) => {
    const digits = text.replace(/[ .-]/g, "");
    const wrong = /^\d+$/.test(digits)
      ? problem(digits)
      : "must be digits, grouped by spaces, dots or dashes if you like";
    if (wrong === undefined) return digits;
    ctx.addIssue({ code: "custom", message: wrong });
    return z.NEVER;
  });
}

const KontonummerSchema = accountNumber((digits) => {
  if (digits.length !== 11)
    return "is not a Norwegian kontonummer: it must be 11 digits, such as 8601.11.17947";
  if (!isValidNorwegianAccount(digits))
    return "is not a Norwegian kontonummer: its check digit does not match (MOD11)";
  return undefined;
});

const BankgiroSchema = accountNumber((digits) => {
  if (digits.length < 7 || digits.length > 8)
    return "is not a Swedish bankgiro number: it must be 7 or 8 digits, such as 5050-1055";
  if (!isValidBankgiro(digits))
    return "is not a Swedish bankgiro number: its check digit does not match (modulus 10)";
  return undefined;
});

const PlusgiroSchema = accountNumber((digits) => {
  if (digits.length < 2 || digits.length > 8)
    return "is not a Swedish PlusGiro number: it must be 2 to 8 digits, such as 12 34 56-7";
  if (!isValidPlusgiro(digits))
    return "is not a Swedish PlusGiro number: its check digit does not match (modulus 10)";
  return undefined;
});

// The FI creditor number carries no check digit of its own; Nets checks it against its register.
const FiCreditorSchema = accountNumber((digits) =>
  digits.length === 8
    ? undefined
    : "is not a Danish FI creditor number: it must be 8 digits, such as 81234567",
);

export const IbanSchema = z
  .string()
  .refine(isValidIban, { message: "must be a valid IBAN (its check digits do not match)" })
  .transform((iban) => iban.replaceAll(" ", "").toUpperCase());

export const BicSchema = z
  .string()
  .transform((bic) => bic.trim().toUpperCase())
  .refine((bic) => /^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic), {
    message: "must be an 8 or 11 character BIC",
  });

export const PAYMENT_ACCOUNT_TYPES = [
  "no-kontonummer",
  "se-bankgiro",
  "se-plusgiro",
  "dk-fi-creditor",
  "fi-iban",
  "iban",
] as const;
export const PaymentAccountTypeSchema = z.enum(PAYMENT_ACCOUNT_TYPES);
export type PaymentAccountType = z.infer<typeof PaymentAccountTypeSchema>;

/** "any": an account the bank credits in whatever currency arrives, converting it. */
export const AccountCurrenciesSchema = z.union([
  z.literal("any"),
  z.array(CurrencyCodeSchema).min(1).max(50),
]);

export const PaymentAccountSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("no-kontonummer"), number: KontonummerSchema }),
  z.strictObject({ type: z.literal("se-bankgiro"), number: BankgiroSchema }),
  z.strictObject({ type: z.literal("se-plusgiro"), number: PlusgiroSchema }),
  z.strictObject({ type: z.literal("dk-fi-creditor"), number: FiCreditorSchema }),
  z.strictObject({
    type: z.literal("fi-iban"),
    iban: IbanSchema.refine((iban) => iban.startsWith("FI"), {
      message: "must be a Finnish IBAN, starting with FI",
    }),
    bic: BicSchema.optional(),
  }),
  z.strictObject({
    type: z.literal("iban"),
    iban: IbanSchema,
    /** Payers outside SEPA need it; inside, the IBAN alone is enough. */
    bic: BicSchema.optional(),
    currencies: AccountCurrenciesSchema,
  }),
]);
export type PaymentAccount = z.infer<typeof PaymentAccountSchema>;

// Each domestic scheme is paid from its own country's banks in its own currency, and nowhere else:
// a German bank cannot pay a kontonummer or a bankgiro. An IBAN can be paid from anywhere.
const DOMESTIC: Readonly<Record<PaymentAccountType, { country: string; currency: string } | undefined>> = {
  "no-kontonummer": { country: "NO", currency: "NOK" },
  "se-bankgiro": { country: "SE", currency: "SEK" },
  "se-plusgiro": { country: "SE", currency: "SEK" },
  "dk-fi-creditor": { country: "DK", currency: "DKK" },
  "fi-iban": undefined,
  iban: undefined,
};

// SEPA credit transfers are made in euro only; NOK, SEK and DKK clearing carries no RF reference.
const SEPA_CURRENCIES: ReadonlySet<string> = new Set(["EUR"]);

/** The currencies the accounts take, for telling a seller what its emails can show: "any" when one takes every currency. */
export function currenciesTaken(accounts: readonly PaymentAccount[]): "any" | string[] {
  const taken = new Set<string>();
  for (const account of accounts) {
    if (account.type === "iban") {
      if (account.currencies === "any") return "any";
      for (const currency of account.currencies) taken.add(currency);
    } else taken.add(account.type === "fi-iban" ? "EUR" : (DOMESTIC[account.type]?.currency ?? ""));
  }
  return [...taken].sort();
}

function takes(account: PaymentAccount, currency: string): boolean {
  if (account.type === "fi-iban") return currency === "EUR";
  if (account.type === "iban") return account.currencies === "any" || account.currencies.includes(currency);
  return DOMESTIC[account.type]?.currency === currency;
}

function payableFrom(account: PaymentAccount, country: string): boolean {
  const domestic = DOMESTIC[account.type];
  return domestic === undefined || domestic.country === country;
}

function isFinnishIban(account: PaymentAccount): boolean {
  return (account.type === "fi-iban" || account.type === "iban") && account.iban.startsWith("FI");
}

/** An account of the debtor's own country, which their bank pays most simply. */
function isHomeAccount(account: PaymentAccount, country: string): boolean {
  return DOMESTIC[account.type]?.country === country || (country === "FI" && isFinnishIban(account));
}

/**
 * Whether the reference is payable with the account, in the invoice's currency. A reference of no
 * scheme ("other") is a message any bank passes on, except a Finnish viitenumero, which only
 * Finnish banks read as a reference.
 */
function belongsTo(
  reference: PaymentReference,
  account: PaymentAccount,
  currency: string,
  country: string,
): boolean {
  switch (reference.type) {
    case "kid":
      return account.type === "no-kontonummer";
    case "ocr":
      return account.type === "se-bankgiro" || account.type === "se-plusgiro";
    case "fik": {
      // The code line names the creditor it pays; with another creditor number it pays someone else.
      const fik = parseFik(reference.value);
      return account.type === "dk-fi-creditor" && fik.ok && fik.value.creditorNumber === account.number;
    }
    case "rf":
      return (account.type === "fi-iban" || account.type === "iban") && SEPA_CURRENCIES.has(currency);
    case "other":
      if (country === "FI" && isValidFinnishReference(reference.value))
        return isFinnishIban(account) && currency === "EUR";
      return true;
  }
}

/** How an account number is printed, as its own country's banks and papers print it. */
function displayOf(account: PaymentAccount): string {
  switch (account.type) {
    case "no-kontonummer":
      return `${account.number.slice(0, 4)}.${account.number.slice(4, 6)}.${account.number.slice(6)}`;
    case "se-bankgiro":
      return `${account.number.slice(0, -4)}-${account.number.slice(-4)}`;
    case "se-plusgiro":
      return `${account.number.slice(0, -1).replace(/\B(?=(\d{2})+$)/g, " ")}-${account.number.slice(-1)}`;
    case "dk-fi-creditor":
      return account.number;
    case "fi-iban":
    case "iban":
      return account.iban.replace(/(.{4})(?=.)/g, "$1 ");
  }
}

/** What an email prints under "how to pay": one account, and the reference only if it belongs to it. */
export const PaymentInstructionSchema = z.object({
  account: z.object({
    type: PaymentAccountTypeSchema,
    /** The number as printed, grouped the way its country groups it. */
    display: z.string(),
    bic: z.string().optional(),
  }),
  reference: z.object({ type: PaymentReferenceTypeSchema, display: z.string() }).optional(),
  /** The invoice has a reference, but not one payable with this account: the debtor quotes the invoice number. */
  quoteInvoiceNumber: z.boolean().default(false),
});
export type PaymentInstruction = z.input<typeof PaymentInstructionSchema>;

/**
 * Picks the account an email shows a debtor in `country` for an invoice in `currency`: among the
 * accounts that take the currency and that the debtor's bank can pay, ranked the debtor's own
 * country's first, then the IBANs for cross-border payers (with their BIC), then a Finnish IBAN:
 * the first the reference belongs to, else the first. The reference is printed only beside its own account; otherwise the debtor is
 * asked to quote the invoice number. Undefined when no account takes the currency: the email
 * then prints no bank details, and the invoice's pay link, if any, is the way to pay.
 */
export function choosePaymentAccount(
  accounts: readonly PaymentAccount[],
  debtor: { country: string; currency: string; reference?: PaymentReference },
): PaymentInstruction | undefined {
  const { country, currency, reference } = debtor;
  const usable = accounts.filter((account) => takes(account, currency) && payableFrom(account, country));
  // The debtor's own scheme first, then the accounts stated for cross-border payers, then a Finnish
  // IBAN, which anyone in SEPA can pay too.
  const rank = (account: PaymentAccount) =>
    isHomeAccount(account, country) ? 0 : account.type === "iban" ? 1 : 2;
  const ranked = usable.toSorted((a, b) => rank(a) - rank(b));
  const withReference =
    reference && ranked.find((account) => belongsTo(reference, account, currency, country));
  const account = withReference ?? ranked[0];
  if (!account) return undefined;
  return {
    account: {
      type: account.type,
      display: displayOf(account),
      ...((account.type === "iban" || account.type === "fi-iban") && account.bic ? { bic: account.bic } : {}),
    },
    ...(withReference && reference
      ? { reference: { type: reference.type, display: reference.display } }
      : {}),
    quoteInvoiceNumber: reference !== undefined && !withReference,
  };
}

// ——— The shape tenants had before accounts per country ———

/** `payment: {iban, bic, domesticAccount}`, as tenants were stored before accounts per country and currency. */
export const LegacyPaymentSchema = z.strictObject({
  iban: IbanSchema.optional(),
  bic: BicSchema.optional(),
  domesticAccount: z.string().max(40).optional(),
});
export type LegacyPayment = z.infer<typeof LegacyPaymentSchema>;

/**
 * The old domestic account, when its form says which scheme it is: 11 digits with a MOD11 check
 * (a kontonummer), a dash before the last four (a bankgiro) or before the last digit (a PlusGiro).
 * A Danish reg.nr + konto and anything else say too little: undefined.
 */
export function legacyDomesticAccount(text: string): PaymentAccount | undefined {
  const written = text.trim();
  const digits = written.replace(/[ .-]/g, "");
  if (!/^\d+$/.test(digits)) return undefined;
  if (isValidNorwegianAccount(digits)) return { type: "no-kontonummer", number: digits };
  if (/^\d{3,4}-\d{4}$/.test(written) && isValidBankgiro(digits))
    return { type: "se-bankgiro", number: digits };
  if (/^[\d ]+-\d$/.test(written) && isValidPlusgiro(digits)) return { type: "se-plusgiro", number: digits };
  return undefined;
}

/**
 * The old shape as accounts. The old emails printed its IBAN for every invoice, so it takes any
 * currency; a Norwegian IBAN holds the kontonummer (its last 11 digits), which Norwegian payers
 * need for a KID, so it is given as one too. An unreadable domestic account is left out.
 */
export function accountsOfLegacy(payment: LegacyPayment): PaymentAccount[] {
  const accounts: PaymentAccount[] = [];
  const domestic =
    payment.domesticAccount === undefined ? undefined : legacyDomesticAccount(payment.domesticAccount);
  if (domestic) accounts.push(domestic);
  if (payment.iban?.startsWith("NO")) {
    const number = payment.iban.slice(4);
    if (
      isValidNorwegianAccount(number) &&
      !(domestic?.type === "no-kontonummer" && domestic.number === number)
    ) {
      accounts.push({ type: "no-kontonummer", number });
    }
  }
  if (payment.iban) {
    accounts.push({
      type: "iban",
      iban: payment.iban,
      ...(payment.bic ? { bic: payment.bic } : {}),
      currencies: "any",
    });
  }
  return accounts;
}
