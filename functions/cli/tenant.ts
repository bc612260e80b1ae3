/** `dun tenant put FILE`: a new tenant from a JSON file, checked against TenantSchema before anything is written. */
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { fieldErrorsOf } from "#api/problem.ts";
import { type Tenant, TenantSchema } from "#domain/tenant/tenant.ts";
import { CliError, type Output, readText } from "./command.ts";

export type PutTenantDeps = {
  tenants: Pick<TenantTable, "get" | "put">;
  tableName: string;
  out: Output;
};

export async function putTenant(deps: PutTenantDeps, file: string): Promise<Tenant> {
  const tenant = parseTenant(file, await readText(file));
  // Storing the tenant replaces its whole item, suppressed addresses included: replacing a stored
  // tenant would let dun email again people who complained or whose address bounced.
  if (await deps.tenants.get(tenant.id)) {
    throw new CliError(
      `tenant ${tenant.id} is already stored in table ${deps.tableName}; \`dun tenant put\` only adds new tenants, since replacing one would also drop its suppressed addresses`,
    );
  }
  await deps.tenants.put(tenant);
  deps.out.write(`${tenant.id}\n`);
  return tenant;
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
