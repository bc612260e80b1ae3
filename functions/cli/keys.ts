/**
 * `dun keys create`: a new API key for a tenant. The key is printed once and stored only as its
 * hash (see functions/api/api-keys.ts), so this is the one moment anyone can copy it.
 */
import type { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { newApiKey } from "#api/api-keys.ts";
import { singleLineText } from "#domain/text.ts";
import { CliError, type Output } from "./command.ts";

export type CreateKeyDeps = {
  tenants: Pick<TenantTable, "get">;
  apiKeys: Pick<ApiKeyTable, "put">;
  /** Named in the messages, so that a key made in the wrong table (or account) is noticed. */
  tableName: string;
  out: Output;
  now: () => Date;
};

/** A label says what a key is for ("accounting export"), so that it can be told apart later. */
const LabelSchema = singleLineText(200);

export async function createKey(
  deps: CreateKeyDeps,
  request: { tenantId: string; label?: string },
): Promise<void> {
  const label = request.label === undefined ? undefined : LabelSchema.safeParse(request.label);
  if (label && !label.success) {
    throw new CliError(`--label ${label.error.issues.map((issue) => issue.message).join(", ")}`);
  }
  // A key for a tenant that does not exist would authenticate requests no tenant can serve.
  if (!(await deps.tenants.get(request.tenantId))) {
    throw new CliError(
      `no tenant ${request.tenantId} in table ${deps.tableName}; store one first with \`dun tenant put tenant.json\``,
    );
  }
  const { key, hash } = newApiKey();
  await deps.apiKeys.put({
    hash,
    tenantId: request.tenantId,
    createdAt: deps.now().toISOString(),
    label: label?.data,
  });
  deps.out.write(
    `API key for tenant ${request.tenantId} in table ${deps.tableName}${label ? ` (${label.data})` : ""}:\n\n` +
      `${key}\n\n` +
      "It is shown only once: dun stores only its hash and cannot show it again. Keep it in a secret store.\n",
  );
}
