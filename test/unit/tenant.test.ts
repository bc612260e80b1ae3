import { describe, expect, it } from "vitest";
import { fieldErrorsOf } from "#api/problem.ts";
import { DEFAULT_POLICY_INPUT } from "#domain/ladder/policy.ts";
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
