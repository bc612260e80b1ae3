import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "#api/problem.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import {
  choosePaymentAccount,
  currenciesTaken,
  isValidBankgiro,
  isValidFinnishReference,
  isValidNorwegianAccount,
  isValidPlusgiro,
  type PaymentAccount,
  PaymentAccountSchema,
} from "#domain/payment/payment-account.ts";
import { classifyPaymentReference, type PaymentReference } from "#domain/payment/payment-reference.ts";
import { StoredTenantSchema, TenantSchema } from "#domain/tenant/tenant.ts";

const tenant = (payment: unknown) => ({
  id: "nordlys",
  name: "Nordlys Regnskap AS",
  country: "NO",
  replyTo: "faktura@nordlys.example",
  ownerEmail: "eier@nordlys.example",
  payment,
  policy: DEFAULT_POLICY_INPUT,
});

const errorsOf = (input: unknown) => {
  const parsed = TenantSchema.safeParse(input);
  return parsed.success ? [] : fieldErrorsOf(parsed.error);
};

function reference(text: string, country: string): PaymentReference {
  const classified = classifyPaymentReference(text, country);
  if (!classified.ok) throw new Error(classified.error.message);
  return classified.value;
}

const KONTONUMMER: PaymentAccount = { type: "no-kontonummer", number: "86011117947" };
const BANKGIRO: PaymentAccount = { type: "se-bankgiro", number: "50501055" };
const PLUSGIRO: PaymentAccount = { type: "se-plusgiro", number: "1234566" };
const FI_CREDITOR: PaymentAccount = { type: "dk-fi-creditor", number: "81234567" };
const FINNISH_IBAN: PaymentAccount = { type: "fi-iban", iban: "FI2112345600000785" };
const IBAN: PaymentAccount = {
  type: "iban",
  iban: "NO9386011117947",
  bic: "DNBANOKK",
  currencies: ["NOK", "SEK", "DKK", "EUR"],
};
const ALL = [KONTONUMMER, BANKGIRO, FI_CREDITOR, FINNISH_IBAN, IBAN];

const KID = reference("1234567890128", "NO");
const OCR = reference("1234567897", "SE");
const FIK = reference("+71<000000000000018+81234567<", "DK");
const RF = reference("RF18 5390 0754 7034", "DE");
const VIITENUMERO = reference("1232", "FI");

describe("account numbers", () => {
  it("checks a Norwegian kontonummer's MOD11 digit", () => {
    expect(isValidNorwegianAccount("86011117947")).toBe(true);
    expect(isValidNorwegianAccount("86011117948")).toBe(false);
    expect(isValidNorwegianAccount("8601111794")).toBe(false);
  });

  it("checks Swedish bankgiro (7 or 8 digits) and PlusGiro numbers by Luhn", () => {
    expect(isValidBankgiro("50501055")).toBe(true);
    expect(isValidBankgiro("1234566")).toBe(true);
    expect(isValidBankgiro("50501056")).toBe(false);
    expect(isValidBankgiro("123456")).toBe(false);
    expect(isValidPlusgiro("1234566")).toBe(true);
    expect(isValidPlusgiro("1234567")).toBe(false);
  });

  it("checks a Finnish viitenumero's 7-3-1 digit", () => {
    expect(isValidFinnishReference("1232")).toBe(true);
    expect(isValidFinnishReference("12344")).toBe(true);
    expect(isValidFinnishReference("1233")).toBe(false);
    expect(isValidFinnishReference("123")).toBe(false);
  });

  it("stores the digits of a number written with groups", () => {
    expect(PaymentAccountSchema.parse({ type: "no-kontonummer", number: "8601.11.17947" })).toEqual(
      KONTONUMMER,
    );
    expect(PaymentAccountSchema.parse({ type: "se-bankgiro", number: "5050-1055" })).toEqual(BANKGIRO);
    expect(PaymentAccountSchema.parse({ type: "se-plusgiro", number: "12 34 56-6" })).toEqual(PLUSGIRO);
    expect(PaymentAccountSchema.parse({ type: "fi-iban", iban: "FI21 1234 5600 0007 85" })).toEqual(
      FINNISH_IBAN,
    );
  });

  it("names the account's field and what is wrong with it", () => {
    // Prepare
    const accounts = [
      { type: "no-kontonummer", number: "8601.11.17948" },
      { type: "se-bankgiro", number: "123456" },
      { type: "se-plusgiro", number: "12 34 56-7" },
      { type: "dk-fi-creditor", number: "1234567" },
      { type: "fi-iban", iban: "NO9386011117947" },
      { type: "iban", iban: "DE89370400440532013000", currencies: [] },
      { type: "iban", iban: "DE89370400440532013000", bic: "DEUT", currencies: ["EURO"] },
    ];

    // Act
    const errors = errorsOf(tenant({ accounts }));

    // Assess
    expect(errors).toEqual([
      {
        path: "payment.accounts[0].number",
        message: "is not a Norwegian kontonummer: its check digit does not match (MOD11)",
      },
      {
        path: "payment.accounts[1].number",
        message: "is not a Swedish bankgiro number: it must be 7 or 8 digits, such as 5050-1055",
      },
      {
        path: "payment.accounts[2].number",
        message: "is not a Swedish PlusGiro number: its check digit does not match (modulus 10)",
      },
      {
        path: "payment.accounts[3].number",
        message: "is not a Danish FI creditor number: it must be 8 digits, such as 81234567",
      },
      { path: "payment.accounts[4].iban", message: "must be a Finnish IBAN, starting with FI" },
      { path: "payment.accounts[5].currencies", message: expect.any(String) },
      { path: "payment.accounts[6].bic", message: "must be an 8 or 11 character BIC" },
      { path: "payment.accounts[6].currencies[0]", message: expect.stringContaining("ISO 4217") },
    ]);
  });
});

describe("the old payment shape", () => {
  it("is read as accounts, a bankgiro told by its dash", () => {
    const parsed = TenantSchema.parse(
      tenant({ iban: "DE89 3704 0044 0532 0130 00", bic: "COBADEFFXXX", domesticAccount: "5050-1055" }),
    );
    expect(parsed.payment.accounts).toEqual([
      BANKGIRO,
      { type: "iban", iban: "DE89370400440532013000", bic: "COBADEFFXXX", currencies: "any" },
    ]);
  });

  it("refuses a domestic account whose scheme cannot be told, naming the field", () => {
    expect(errorsOf(tenant({ iban: "NO9386011117947", domesticAccount: "1234 1234567890" }))).toEqual([
      {
        path: "payment.domesticAccount",
        message: expect.stringContaining("give the account under payment.accounts"),
      },
    ]);
    expect(errorsOf(tenant({ iban: "NO9486011117947" }))).toEqual([
      { path: "payment.iban", message: "must be a valid IBAN (its check digits do not match)" },
    ]);
  });

  it("stored so, is still read, without the account it cannot place", () => {
    const stored = StoredTenantSchema.parse(tenant({ domesticAccount: "1234 1234567890" }));
    expect(stored.payment.accounts).toEqual([]);
  });
});

describe("which account an email shows", () => {
  it.each([
    ["a KID, with the Norwegian kontonummer", "NO", "NOK", KID, "no-kontonummer", "8601.11.17947"],
    ["an OCR reference, with the bankgiro", "SE", "SEK", OCR, "se-bankgiro", "5050-1055"],
    ["a FIK code line, with its own FI creditor number", "DK", "DKK", FIK, "dk-fi-creditor", "81234567"],
    ["an RF reference, with the Finnish IBAN", "FI", "EUR", RF, "fi-iban", "FI21 1234 5600 0007 85"],
    ["a viitenumero, with the Finnish IBAN", "FI", "EUR", VIITENUMERO, "fi-iban", "FI21 1234 5600 0007 85"],
    ["an RF reference abroad, with the IBAN", "DE", "EUR", RF, "iban", "NO93 8601 1117 947"],
  ])("prints %s", (_, country, currency, ref, type, display) => {
    const chosen = choosePaymentAccount(ALL, { country, currency, reference: ref });
    expect(chosen).toEqual({
      account: expect.objectContaining({ type, display }),
      reference: { type: ref.type, display: ref.display },
      quoteInvoiceNumber: false,
    });
  });

  it("gives a debtor abroad the IBAN and BIC in the invoice's currency", () => {
    expect(choosePaymentAccount(ALL, { country: "DE", currency: "SEK" })).toEqual({
      account: { type: "iban", display: "NO93 8601 1117 947", bic: "DNBANOKK" },
      quoteInvoiceNumber: false,
    });
  });

  it("takes an OCR reference with a PlusGiro number too", () => {
    expect(
      choosePaymentAccount([IBAN, PLUSGIRO], { country: "SE", currency: "SEK", reference: OCR }),
    ).toEqual({
      account: { type: "se-plusgiro", display: "12 34 56-6" },
      reference: { type: "ocr", display: "1234567897" },
      quoteInvoiceNumber: false,
    });
  });

  it.each([
    ["a KID to a debtor abroad", "DE", "EUR", KID, "iban"],
    ["a KID to a Swedish debtor paying NOK", "SE", "NOK", KID, "iban"],
    ["an RF reference in NOK", "NO", "NOK", RF, "no-kontonummer"],
    ["an RF reference in DKK", "DK", "DKK", RF, "dk-fi-creditor"],
    ["an OCR reference in EUR", "SE", "EUR", OCR, "iban"],
  ])(
    "does not print %s beside another account, and asks for the invoice number",
    (_, country, currency, ref, type) => {
      const chosen = choosePaymentAccount(ALL, { country, currency, reference: ref });
      expect(chosen?.account.type).toBe(type);
      expect(chosen?.reference).toBeUndefined();
      expect(chosen?.quoteInvoiceNumber).toBe(true);
    },
  );

  it("does not print a FIK code line of another creditor", () => {
    const other: PaymentAccount = { type: "dk-fi-creditor", number: "87654321" };
    const chosen = choosePaymentAccount([other, IBAN], { country: "DK", currency: "DKK", reference: FIK });
    expect(chosen).toEqual({
      account: { type: "dk-fi-creditor", display: "87654321" },
      quoteInvoiceNumber: true,
    });
  });

  it("does not print a viitenumero beside a foreign IBAN", () => {
    const chosen = choosePaymentAccount([IBAN], { country: "FI", currency: "EUR", reference: VIITENUMERO });
    expect(chosen).toEqual({
      account: { type: "iban", display: "NO93 8601 1117 947", bic: "DNBANOKK" },
      quoteInvoiceNumber: true,
    });
  });

  it("prints a reference of no scheme beside any account, as the message to quote", () => {
    const invoiceNumber = reference("2026-1001", "DE");
    const chosen = choosePaymentAccount(ALL, { country: "DE", currency: "EUR", reference: invoiceNumber });
    expect(chosen?.reference).toEqual({ type: "other", display: "2026-1001" });
  });

  it("shows no account at all when none takes the invoice's currency", () => {
    expect(choosePaymentAccount(ALL, { country: "US", currency: "USD", reference: RF })).toBeUndefined();
    expect(choosePaymentAccount([], { country: "NO", currency: "NOK", reference: KID })).toBeUndefined();
  });

  it("says which currencies a tenant's accounts take", () => {
    expect(currenciesTaken([KONTONUMMER, BANKGIRO, FINNISH_IBAN])).toEqual(["EUR", "NOK", "SEK"]);
    expect(currenciesTaken([KONTONUMMER, { ...IBAN, currencies: "any" }])).toBe("any");
  });
});
