import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tenantKey } from "#adapters/dynamo/keys.ts";
import type { InvoiceInput } from "#domain/invoice/invoice-input.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import { translatorFor } from "#rendering/catalog.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline, TENANT } from "../support/pipeline.ts";

// What each debtor must be able to pay with, and what must never stand beside it.
const KONTONUMMER = "8601.11.17947";
const BANKGIRO = "5050-1055";
const FI_CREDITOR = "81234567";
const FINNISH_IBAN = "FI21 1234 5600 0007 85";
const IBAN = "NO93 8601 1117 947";
const BIC = "DNBANOKK";

const KID = "1234567890128";
const OCR = "1234567897";
const FIK = "+71<000000000000018+81234567<";
const RF = "RF18 5390 0754 7034";
const VIITENUMERO = "1232";

type Debtor = {
  n: string;
  country: string;
  locale: string;
  language: string;
  timeZone: string;
  currency: string;
  reference?: string;
  referenceType?: InvoiceInput["paymentReferenceType"];
};

const debtors = {
  no: {
    n: "NO-KID",
    country: "NO",
    locale: "nb-NO",
    language: "nb",
    timeZone: "Europe/Oslo",
    currency: "NOK",
    reference: KID,
  },
  se: {
    n: "SE-OCR",
    country: "SE",
    locale: "sv-SE",
    language: "sv",
    timeZone: "Europe/Stockholm",
    currency: "SEK",
    reference: OCR,
  },
  dk: {
    n: "DK-FIK",
    country: "DK",
    locale: "da-DK",
    language: "da",
    timeZone: "Europe/Copenhagen",
    currency: "DKK",
    reference: FIK,
  },
  fiRf: {
    n: "FI-RF",
    country: "FI",
    locale: "fi-FI",
    language: "fi",
    timeZone: "Europe/Helsinki",
    currency: "EUR",
    reference: RF,
  },
  fiViite: {
    n: "FI-VIITE",
    country: "FI",
    locale: "fi-FI",
    language: "fi",
    timeZone: "Europe/Helsinki",
    currency: "EUR",
    reference: VIITENUMERO,
  },
  deRf: {
    n: "DE-RF",
    country: "DE",
    locale: "de-DE",
    language: "de",
    timeZone: "Europe/Berlin",
    currency: "EUR",
    reference: RF,
  },
  deKid: {
    n: "DE-KID",
    country: "DE",
    locale: "de-DE",
    language: "de",
    timeZone: "Europe/Berlin",
    currency: "EUR",
    reference: KID,
    referenceType: "kid",
  },
  us: {
    n: "US-USD",
    country: "US",
    locale: "en-US",
    language: "en",
    timeZone: "America/New_York",
    currency: "USD",
    reference: RF,
  },
} satisfies Record<string, Debtor>;

const emailOf = (debtor: Debtor, tenant: string) => `billing-${debtor.n.toLowerCase()}@${tenant}.example`;

function uploadOf(debtor: Debtor, tenant: string): InvoiceInput {
  const base = anInvoiceInput();
  return {
    ...base,
    invoiceNumber: debtor.n,
    currency: debtor.currency,
    paymentReference: debtor.reference,
    paymentReferenceType: debtor.referenceType,
    customer: {
      ...base.customer,
      email: emailOf(debtor, tenant),
      locale: debtor.locale,
      country: debtor.country,
      timeZone: debtor.timeZone,
    },
  };
}

describe("the account each debtor is shown, through the real pipeline", () => {
  let pipeline: Pipeline;
  let texts: Map<string, string>;

  beforeAll(async () => {
    // Prepare: a seller with an account in each Nordic scheme and an IBAN for NOK, SEK, DKK and
    // EUR (not USD); a second one stored, as tenants were before accounts, with one IBAN.
    pipeline = await startPipeline({ start: new Date("2026-11-01T00:00:00Z") });
    await pipeline.addTenant({
      ...TENANT,
      payment: {
        accounts: [
          { type: "iban", iban: IBAN, bic: BIC, currencies: ["NOK", "SEK", "DKK", "EUR"] },
          { type: "no-kontonummer", number: KONTONUMMER },
          { type: "se-bankgiro", number: BANKGIRO },
          { type: "dk-fi-creditor", number: FI_CREDITOR },
          { type: "fi-iban", iban: FINNISH_IBAN },
        ],
      },
    });
    await pipeline.dynamo.documents.send(
      new PutCommand({
        TableName: pipeline.dynamo.tableName,
        Item: {
          ...tenantKey("gammel"),
          tenant: {
            ...TENANT,
            id: "gammel",
            policy: DEFAULT_POLICY_INPUT,
            payment: { iban: "NO9386011117947", bic: BIC, domesticAccount: "1234 1234567890" },
          },
        },
      }),
    );
    for (const debtor of Object.values(debtors)) await pipeline.addInvoice(uploadOf(debtor, "nordlys"));
    for (const debtor of [debtors.no, debtors.deRf])
      await pipeline.addInvoice(uploadOf(debtor, "gammel"), "gammel");

    // Act: until every courtesy note (three days before the due date) has gone.
    await pipeline.runUntil(new Date("2026-11-15T00:00:00Z"), 3 * 3_600_000);
    const emails = await pipeline.ses.store();
    texts = new Map(emails.map((email) => [email.destination.to.join(","), email.body.text ?? ""]));
  }, 120_000);

  afterAll(async () => pipeline?.close());

  const textTo = (debtor: Debtor, tenant = "nordlys") => {
    const text = texts.get(emailOf(debtor, tenant));
    expect(text, `${tenant}'s email to ${debtor.n}`).toBeDefined();
    return text ?? "";
  };
  const label = (debtor: Debtor, key: string, values?: Record<string, string>) =>
    translatorFor(debtor.language)(key, values);

  it.each([
    ["a Norwegian payer: the kontonummer with the KID", debtors.no, KONTONUMMER, "kid"],
    ["a Swedish payer: the bankgiro with the OCR reference", debtors.se, BANKGIRO, "ocr"],
    ["a Danish payer: the FI creditor number with the FIK code line", debtors.dk, FI_CREDITOR, "fik"],
    ["a Finnish payer: the Finnish IBAN with the RF reference", debtors.fiRf, FINNISH_IBAN, "rf"],
    ["a Finnish payer: the Finnish IBAN with the viitenumero", debtors.fiViite, FINNISH_IBAN, "other"],
    ["a German payer: the IBAN with the RF reference", debtors.deRf, IBAN, "rf"],
  ])("shows %s", (_, debtor, account, type) => {
    const text = textTo(debtor);
    expect(text).toContain(label(debtor, "common.howToPay"));
    expect(text).toContain(account);
    expect(text).toContain(debtor.reference);
    expect(text).toContain(label(debtor, "common.referenceHint", { type }));
    expect(text).not.toContain(label(debtor, "common.quoteInvoiceNumber", { number: debtor.n }));
    // One account only: the cross-border IBAN is not printed to a payer who has an account of their own.
    if (account !== IBAN) expect(text).not.toContain(IBAN);
  });

  it("gives a payer abroad the IBAN and the BIC, in the invoice's currency", () => {
    const text = textTo(debtors.deRf);
    expect(text).toContain(BIC);
    expect(text).not.toContain(FINNISH_IBAN);
  });

  it("prints no KID beside an IBAN, and asks for the invoice number instead", () => {
    const text = textTo(debtors.deKid);
    expect(text).toContain(IBAN);
    expect(text).not.toContain(KID);
    expect(text).toContain(label(debtors.deKid, "common.quoteInvoiceNumber", { number: "DE-KID" }));
  });

  it("prints no bank details for a currency no account takes, but still the pay link", () => {
    const text = textTo(debtors.us);
    expect(text).not.toContain(label(debtors.us, "common.howToPay"));
    expect(text).not.toContain(RF);
    expect(text).not.toContain(IBAN);
    expect(text).toContain("https://pay.example/2026-1001");
  });

  it("reads a tenant stored in the old shape: its Norwegian IBAN's kontonummer for a KID, its IBAN abroad", () => {
    const norwegian = textTo(debtors.no, "gammel");
    expect(norwegian).toContain(KONTONUMMER);
    expect(norwegian).toContain(KID);
    expect(norwegian).not.toContain("1234 1234567890");
    const german = textTo(debtors.deRf, "gammel");
    expect(german).toContain(IBAN);
    expect(german).toContain(RF);
  });

  it("never prints a reference beside an account it does not belong to, in any email sent", () => {
    const belongsWith: [reference: string, accounts: string[]][] = [
      [KID, [KONTONUMMER]],
      [OCR, [BANKGIRO]],
      [FIK, [FI_CREDITOR]],
      [VIITENUMERO, [FINNISH_IBAN]],
    ];
    expect(texts.size).toBe(Object.keys(debtors).length + 2);
    for (const [to, text] of texts) {
      for (const [reference, accounts] of belongsWith) {
        if (text.includes(reference))
          expect(
            accounts.some((account) => text.includes(account)),
            to,
          ).toBe(true);
      }
    }
  });
});
