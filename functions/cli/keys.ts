/**
 * `dun keys create`: a new API key for a tenant. The key is printed once and stored only as its
 * hash (see functions/api/api-keys.ts), so this is the one moment anyone can copy it.
 *
 * Two ways to it: against a deployed stack, by writing its DynamoDB table with the operator's AWS
 * credentials (createKey); against local mode, through its local-only route, which also makes
 * the tenant from the demo tenant when there is none of that name (createLocalKey). keyTargetOf
 * chooses between them.
 */
import type { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import type { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { newApiKey } from "#api/api-keys.ts";
import { singleLineText } from "#domain/text.ts";
import { ApiError, type DunApi } from "./api-client.ts";
import { isLoopback } from "./api-location.ts";
import { CliError, EXIT, type Output, type Terminal, tableNameOf, UsageError, writeJson } from "./command.ts";

/** Where a key is made: a deployed stack's table, or the API the CLI finds (local mode's route). */
export type KeyTarget = { kind: "table"; tableName: string } | { kind: "api" };

/**
 * The table when one is named, by --table or by TABLE_NAME as docs/DEPLOY.md step 7 sets it, even
 * while local mode runs and its .dun/local.json names it: the operator is at a deployed stack.
 * --api naming local mode goes before TABLE_NAME, as the command line goes before the
 * environment; --api naming local mode and --table are two places for one key, a usage error.
 * With no table named, the API the CLI finds (or, with none, the error that no table is given).
 */
export function keyTargetOf(
  options: { table?: string; api?: string },
  env: NodeJS.ProcessEnv = process.env,
): KeyTarget {
  const localApi = options.api !== undefined && namesLocalMode(options.api);
  if (localApi && options.table !== undefined) {
    throw new UsageError(
      `--api ${options.api?.trim()} is local mode and --table ${options.table} a deployed stack's table: ` +
        "a key is made in one of them, so pass only one",
    );
  }
  if (localApi) return { kind: "api" };
  if (options.table === undefined && (env.TABLE_NAME ?? "") === "") return { kind: "api" };
  return { kind: "table", tableName: tableNameOf(options.table, env) };
}

/** Whether a URL is on this machine, as local mode is; one that is no URL is findApi's to refuse. */
function namesLocalMode(url: string): boolean {
  try {
    return isLoopback(url.trim());
  } catch {
    return false;
  }
}

export type CreateKeyDeps = {
  tenants: Pick<TenantTable, "get">;
  apiKeys: Pick<ApiKeyTable, "put">;
  /** Named in the messages, so that a key made in the wrong table (or account) is noticed. */
  tableName: string;
  out: Output;
  now: () => Date;
  /** Print only `{"tenantId", "apiKey"}`, for scripts. */
  json?: boolean;
};

export type CreatedKey = { tenantId: string; apiKey: string };

/** A label says what a key is for ("accounting export"), so that it can be told apart later. */
const LabelSchema = singleLineText(200);

export async function createKey(
  deps: CreateKeyDeps,
  request: { tenantId: string; label?: string },
): Promise<CreatedKey> {
  const label = checkedLabel(request.label);
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
    label,
  });
  const created = { tenantId: request.tenantId, apiKey: key };
  if (deps.json) writeJson(deps.out, created);
  else writeKey(deps.out, created, `in table ${deps.tableName}${label ? ` (${label})` : ""}`);
  return created;
}

export type CreateLocalKeyDeps = { api: Pick<DunApi, "createLocalKey" | "location">; terminal: Terminal };

/** A key from local mode, for the tenant of that name (made from the demo tenant if new), or the demo tenant's own. */
export async function createLocalKey(
  deps: CreateLocalKeyDeps,
  request: { tenant?: string; label?: string },
): Promise<CreatedKey> {
  const label = checkedLabel(request.label);
  let answer: CreatedKey;
  try {
    answer = await deps.api.createLocalKey({
      ...(request.tenant === undefined ? {} : { tenant: request.tenant }),
      ...(label === undefined ? {} : { label }),
    });
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      throw new CliError(
        `the API at ${deps.api.location.url} is not local mode: a deployed stack's keys are written to its ` +
          "DynamoDB table, so pass --table NAME (with AWS credentials that may write it) and --tenant ID",
        EXIT.refused,
      );
    }
    throw error;
  }
  const created = { tenantId: answer.tenantId, apiKey: answer.apiKey };
  const { out, json } = deps.terminal;
  if (json) writeJson(out, created);
  else writeKey(out, created, `in local mode at ${deps.api.location.url}${label ? ` (${label})` : ""}`);
  return created;
}

function checkedLabel(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const label = LabelSchema.safeParse(text);
  if (!label.success) {
    throw new CliError(`--label ${label.error.issues.map((issue) => issue.message).join(", ")}`, EXIT.usage);
  }
  return label.data;
}

function writeKey(out: Output, created: CreatedKey, where: string): void {
  out.write(
    `API key for tenant ${created.tenantId} ${where}:\n\n` +
      `${created.apiKey}\n\n` +
      "It is shown only once: dun stores only its hash and cannot show it again. Keep it in a secret store.\n",
  );
}
