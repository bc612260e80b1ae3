import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "#api/problem.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
import { EU_MEMBER_STATES } from "#domain/locale/country.ts";
import { CURRENCY_CODES } from "#domain/money/currency.ts";
import { isValidIban, TenantSchema } from "#domain/tenant/tenant.ts";

const tenant = {
  id: "nordlys-regnskap",
  name: "Nordlys Regnskap AS",
  organisationNumber: "NO 923 456 789 MVA",
  address: ["Storgata 1", "0155 Oslo"],
  country: "NO",
  replyTo: "Faktura@Nordlys.example",
  ownerEmail: "eier@nordlys.example",
  payment: { iban: "NO93 8601 1117 947", bic: "DNBANOKK" },
  policy: DEFAULT_POLICY_INPUT,
};

describe("a tenant", () => {
  it("fills its defaults and normalises addresses and the IBAN", () => {
    const parsed = TenantSchema.parse(tenant);
    expect(parsed).toMatchObject({
      brandColor: "#1d4ed8",
      defaultLanguage: "en",
      replyTo: "faktura@nordlys.example",
    });
  });

  it("reads the old payment shape as accounts: the Norwegian IBAN's kontonummer, and the IBAN in any currency", () => {
    expect(TenantSchema.parse(tenant).payment).toEqual({
      accounts: [
        { type: "no-kontonummer", number: "86011117947" },
        { type: "iban", iban: "NO9386011117947", bic: "DNBANOKK", currencies: "any" },
      ],
    });
  });

  it("checks IBAN check digits", () => {
    expect(isValidIban("NO93 8601 1117 947")).toBe(true);
    expect(isValidIban("DE89 3704 0044 0532 0130 00")).toBe(true);
    expect(isValidIban("DE89 3704 0044 0532 0130 01")).toBe(false);
    expect(isValidIban("not an iban")).toBe(false);
  });

  it("names the field at fault", () => {
    const result = TenantSchema.safeParse({
      ...tenant,
      brandColor: "red",
      payment: { iban: "NO94 8601 1117 947" },
    });
    expect(result.success).toBe(false);
    expect(result.error && fieldErrorsOf(result.error).map((error) => error.path)).toEqual([
      "brandColor",
      "payment.iban",
    ]);
  });
});

describe("a tenant's size", () => {
  it("is refused beyond 64 KB as UTF-8, naming the field that holds the most", () => {
    // Prepare: an override per EU country and customer type, each with a fee in every currency dun knows.
    const fees = Object.fromEntries([...CURRENCY_CODES].map((currency) => [currency, "1"]));
    const ladder = { ...DEFAULT_POLICY_INPUT.ladder, reminder_1: { offsetDays: 14, fee: fees } };
    const overrides = [...EU_MEMBER_STATES].flatMap((country) =>
      ["business", "consumer"].map((customerType) => ({ country, customerType, ladder })),
    );

    // Act
    const parsed = TenantSchema.safeParse({ ...tenant, policy: { ...DEFAULT_POLICY_INPUT, overrides } });

    // Assess
    expect(parsed.success).toBe(false);
    expect(parsed.error && fieldErrorsOf(parsed.error)).toEqual([
      {
        path: "policy",
        message: expect.stringMatching(/^makes the tenant \d+ KB as UTF-8 text, more than the 64 KB/),
      },
    ]);
  });

  it("takes an ordinary tenant, whose name and address are in letters of several bytes", () => {
    const parsed = TenantSchema.safeParse({ ...tenant, name: "Ж".repeat(200), address: ["€".repeat(200)] });
    expect(parsed.success).toBe(true);
  });
});
