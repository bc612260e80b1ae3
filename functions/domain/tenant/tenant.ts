/**
 * A tenant is one seller using dun: who the emails come from, how the debtor pays them, what the
 * legal footer says, and the dunning policy they chose.
 */
import * as z from "zod";
import { PolicySchema } from "#domain/ladder/policy.ts";
import { CountryCodeSchema } from "#domain/locale/country.ts";
import { SUPPORTED_LANGUAGES } from "#domain/locale/locale.ts";
import {
  accountsOfLegacy,
  type LegacyPayment,
  LegacyPaymentSchema,
  legacyDomesticAccount,
  type PaymentAccount,
  PaymentAccountSchema,
} from "#domain/payment/payment-account.ts";
import { EmailSchema, HttpsUrlSchema, singleLineText, utf8Bytes } from "#domain/text.ts";

export { isValidIban } from "#domain/payment/payment-account.ts";

const MAX_ACCOUNTS = 20;

const AccountsSchema = z.strictObject({ accounts: z.array(PaymentAccountSchema).max(MAX_ACCOUNTS) });

const CheckedLegacyPaymentSchema = LegacyPaymentSchema.superRefine((legacy, ctx) => {
  if (legacy.domesticAccount !== undefined && !legacyDomesticAccount(legacy.domesticAccount)) {
    ctx.addIssue({
      code: "custom",
      path: ["domesticAccount"],
      message:
        "is not a Norwegian kontonummer (8601.11.17947), a Swedish bankgiro (5050-1055) or PlusGiro (12 34 56-7); give the account under payment.accounts, with its type",
    });
  }
});

type PaymentInput = z.input<typeof AccountsSchema> | z.input<typeof LegacyPaymentSchema>;

/**
 * Parses either shape by the keys it has, rather than as a union, so that an error is reported at
 * the field of the shape that was meant (`payment.accounts[0].number`, `payment.iban`), never as
 * "matches neither".
 */
function paymentSchema(legacy: z.ZodType<LegacyPayment, PaymentInput>) {
  return z
    .custom<PaymentInput>(() => true)
    .transform((value, ctx): { accounts: PaymentAccount[] } => {
      const isNewShape = typeof value === "object" && value !== null && "accounts" in value;
      const parsed = isNewShape ? AccountsSchema.safeParse(value) : legacy.safeParse(value);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue(issue as Parameters<typeof ctx.addIssue>[0]);
        return z.NEVER;
      }
      return "accounts" in parsed.data ? parsed.data : { accounts: accountsOfLegacy(parsed.data) };
    });
}

/**
 * How debtors pay the tenant: its accounts, each in its own scheme (payment-account.ts), from which
 * every email picks the one that fits its debtor and invoice. The old `{iban, bic, domesticAccount}`
 * is still taken and read as accounts, but a domestic account whose scheme its form does not tell
 * is refused: which references it takes could only be guessed.
 */
export const TenantPaymentSchema = paymentSchema(CheckedLegacyPaymentSchema);

/**
 * As tenants are read back from the table: one stored in the old shape, before dun checked its
 * domestic account, must still send its emails, so an unreadable domestic account is left out
 * (its emails show its IBAN, or no bank details) rather than failing every email the tenant sends.
 */
const StoredPaymentSchema = paymentSchema(LegacyPaymentSchema);

const TenantFieldsSchema = z.strictObject({
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
  /**
   * The tenant's own language: owner alerts and the account manager's note are written in it, with
   * the tenant's country's formats. Debtors whose language dun does not write read it too, unless
   * the policy names another (`policy.defaultLanguage`, which wins for them).
   */
  defaultLanguage: z.enum(SUPPORTED_LANGUAGES).default("en"),
  /**
   * Where the tenant's dashboard is; owner mail links to the invoice's page under it
   * (`{dashboardUrl}/invoices/{invoiceNumber}`).
   */
  dashboardUrl: HttpsUrlSchema.optional(),
  payment: TenantPaymentSchema.default({ accounts: [] }),
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

/**
 * A whole tenant, at most, as UTF-8 JSON: the sender and the events path read the tenant item for
 * every email (a read unit per 4 KB), and it must stay far from DynamoDB's 400 KB item limit,
 * which a policy with a hundred overrides, each with fees in every currency, would pass. Every
 * field is bounded in characters; this bounds them together in bytes. Ordinary tenants are 2-4 KB.
 */
export const MAX_TENANT_BYTES = 64 * 1024;

export const TenantSchema = TenantFieldsSchema.superRefine((tenant, ctx) => {
  const bytes = utf8Bytes(JSON.stringify(tenant));
  if (bytes <= MAX_TENANT_BYTES) return;
  // Named by its largest field, which is where the room has gone.
  const [largest = "policy"] =
    Object.entries(tenant)
      .map(([field, value]) => [field, utf8Bytes(JSON.stringify(value ?? null))] as const)
      .sort((a, b) => b[1] - a[1])[0] ?? [];
  ctx.addIssue({
    code: "custom",
    path: [largest],
    message: `makes the tenant ${Math.ceil(bytes / 1024)} KB as UTF-8 text, more than the ${MAX_TENANT_BYTES / 1024} KB a tenant may be`,
  });
});
export type Tenant = z.infer<typeof TenantSchema>;

/** The tenant as the table holds it, which may be the old payment shape (see StoredPaymentSchema). */
export const StoredTenantSchema = TenantFieldsSchema.extend({
  payment: StoredPaymentSchema.default({ accounts: [] }),
});
export type TenantInput = z.input<typeof TenantSchema>;
