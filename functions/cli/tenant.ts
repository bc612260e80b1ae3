/** `dun tenant put FILE`: a new tenant from a JSON file, checked against TenantSchema before anything is written. */
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { fieldErrorsOf } from "#api/problem.ts";
import { currenciesTaken } from "#domain/payment/payment-account.ts";
import { type Tenant, TenantSchema } from "#domain/tenant/tenant.ts";
import { CliError, type Output, readText } from "./command.ts";

export type PutTenantDeps = {
  tenants: Pick<TenantTable, "get" | "put">;
  tableName: string;
  out: Output;
  /** Where a tenant that is stored but whose emails would lack bank details is pointed out. */
  err?: Output;
};

export async function putTenant(deps: PutTenantDeps, file: string): Promise<Tenant> {
  const tenant = parseTenant(file, await readText(file));
  // Storing the tenant replaces its whole item, and a tenant stored before suppressions had items
  // of their own keeps its suppressed addresses on it: replacing it would let dun email again
  // people who complained or whose address bounced.
  if (await deps.tenants.get(tenant.id)) {
    throw new CliError(
      `tenant ${tenant.id} is already stored in table ${deps.tableName}; \`dun tenant put\` only adds new tenants, since replacing one would also drop its suppressed addresses`,
    );
  }
  await deps.tenants.put(tenant);
  deps.out.write(`${tenant.id}\n`);
  const warning = paymentWarningOf(tenant);
  if (warning) deps.err?.write(`${warning}\n`);
  return tenant;
}

/**
 * A tenant with no account for a currency is still stored, not refused: its invoices in that
 * currency may be paid through their pay links, and dun is not told which currencies will come.
 * But every such email goes out without bank details, which the operator should know now.
 */
export function paymentWarningOf(tenant: Tenant): string | undefined {
  const taken = currenciesTaken(tenant.payment.accounts);
  if (taken === "any") return undefined;
  if (taken.length === 0) {
    return `warning: tenant ${tenant.id} has no payment accounts (payment.accounts): its emails show no bank details, only an invoice's pay link`;
  }
  return `note: tenant ${tenant.id}'s payment accounts take ${taken.join(", ")}: an invoice in any other currency is emailed without bank details, with its pay link only`;
}

function parseTenant(file: string, text: string): Tenant {
  let json: unknown;
  try {
    // Editors on Windows may save UTF-8 with a byte order mark, which JSON.parse refuses.
    json = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (error) {
    throw new CliError(`${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = TenantSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const fields = fieldErrorsOf(parsed.error).map(
    ({ path, message }) => `  ${path || "(the file)"}: ${message}`,
  );
  throw new CliError(`${file} is not a valid tenant; nothing was stored:\n${fields.join("\n")}`);
}
