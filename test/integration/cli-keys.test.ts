/**
 * `dun keys create` and `dun tenant put` over the real DynamoDB API (dynalite): a key is printed
 * once and stored only as its hash, only for a tenant that exists, and a tenant file is checked
 * before anything is written. The last tests run the real CLI as a subprocess.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { hashApiKey } from "#api/api-keys.ts";
import { TenantSchema } from "#domain/tenant/tenant.ts";
import { type LocalDynamo, startDynalite } from "#local/local-dynamo.ts";
import { CliError, tableNameOf } from "../../functions/cli/command.ts";
import { createKey } from "../../functions/cli/keys.ts";
import { thisProcess } from "../../functions/cli/local-file.ts";
import { putTenant } from "../../functions/cli/tenant.ts";
import { closedPort, output, runDun } from "../support/cli.ts";
import { TENANT } from "../support/pipeline.ts";

const KEY_LINE = /^dun_[A-Za-z0-9_-]{43}$/gm;

let dynamo: LocalDynamo;
let tenants: TenantTable;
let apiKeys: ApiKeyTable;
let dir: string;

async function scan(): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await dynamo.documents.send(new ScanCommand({ TableName: dynamo.tableName }));
  return Items;
}

async function tenantFile(name: string, content: unknown): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, JSON.stringify(content, null, 2));
  return file;
}

/** `dun …` in `dir`, away from the repository, whose .dun/local.json (local mode running) would send keys there. */
function dun(args: string[], env: Record<string, string>) {
  return runDun(args, { cwd: dir, env });
}

beforeEach(async () => {
  dynamo = await startDynalite();
  tenants = new TenantTable(dynamo.documents, dynamo.tableName);
  apiKeys = new ApiKeyTable(dynamo.documents, dynamo.tableName);
  dir = await mkdtemp(path.join(tmpdir(), "dun-cli-"));
});

afterEach(async () => {
  await dynamo.close();
  await rm(dir, { recursive: true, force: true });
});

describe("dun keys create", () => {
  it("prints a key once whose hash leads to the tenant, and stores only the hash", async () => {
    // Prepare
    await tenants.put(TenantSchema.parse(TENANT));
    const out = output();

    // Act
    await createKey(
      {
        tenants,
        apiKeys,
        tableName: dynamo.tableName,
        out,
        now: () => new Date("2026-11-23T09:00:00Z"),
      },
      { tenantId: "nordlys", label: "accounting export" },
    );

    // Assess
    const keys = out.text.match(KEY_LINE) ?? [];
    expect(keys).toHaveLength(1);
    const key = keys[0] ?? "";
    expect(out.text.split(key)).toHaveLength(2);
    expect(out.text).toMatch(/shown only once/);
    expect(out.text).toMatch(/only its hash/);
    expect(await apiKeys.tenantOf(hashApiKey(key))).toBe("nordlys");
    const items = await scan();
    const stored = JSON.stringify(items);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(4));
    expect(items).toContainEqual({
      pk: `KEY#${hashApiKey(key)}`,
      sk: "KEY",
      tenantId: "nordlys",
      createdAt: "2026-11-23T09:00:00.000Z",
      label: "accounting export",
    });
  });

  it("refuses a tenant the table does not hold, and writes nothing", async () => {
    // Prepare
    const out = output();

    // Act
    const creating = createKey(
      { tenants, apiKeys, tableName: dynamo.tableName, out, now: () => new Date() },
      { tenantId: "fjellbyen" },
    );

    // Assess
    await expect(creating).rejects.toThrow(CliError);
    await expect(creating).rejects.toThrow(
      "no tenant fjellbyen in table dun-test; store one first with `dun tenant put tenant.json`",
    );
    expect(out.text).toBe("");
    expect(await scan()).toEqual([]);
  });

  it("refuses a label that is empty or spans lines, before creating anything", async () => {
    // Prepare
    await tenants.put(TenantSchema.parse(TENANT));
    const out = output();

    // Act
    const creating = createKey(
      { tenants, apiKeys, tableName: dynamo.tableName, out, now: () => new Date() },
      { tenantId: "nordlys", label: "one\ntwo" },
    );

    // Assess
    await expect(creating).rejects.toThrow(/--label must not contain line breaks/);
    expect(out.text).toBe("");
    expect(await scan()).toHaveLength(1);
  });
});

describe("dun keys create --json", () => {
  it("prints only the tenant and the key, for a script to store", async () => {
    // Prepare
    await tenants.put(TenantSchema.parse(TENANT));
    const out = output();

    // Act
    const created = await createKey(
      { tenants, apiKeys, tableName: dynamo.tableName, out, now: () => new Date(), json: true },
      { tenantId: "nordlys" },
    );

    // Assess
    expect(JSON.parse(out.text)).toEqual({ tenantId: "nordlys", apiKey: created.apiKey });
    expect(await apiKeys.tenantOf(hashApiKey(created.apiKey))).toBe("nordlys");
  });
});

describe("the table a command works on", () => {
  it("is --table, or else TABLE_NAME, and neither is an error that says what to do", () => {
    expect(tableNameOf("from-option", { TABLE_NAME: "from-env" })).toBe("from-option");
    expect(tableNameOf(undefined, { TABLE_NAME: "from-env" })).toBe("from-env");
    expect(() => tableNameOf(undefined, {})).toThrow(CliError);
    expect(() => tableNameOf(undefined, { TABLE_NAME: "" })).toThrow(
      "no table given: pass --table <name> or set TABLE_NAME",
    );
  });
});

describe("dun tenant put", () => {
  it("stores a valid tenant file and prints the tenant's id", async () => {
    // Prepare
    const file = await tenantFile("tenant.json", TENANT);
    const out = output();

    // Act
    await putTenant({ tenants, tableName: dynamo.tableName, out }, file);

    // Assess
    expect(out.text).toBe("nordlys\n");
    expect((await tenants.get("nordlys"))?.tenant).toEqual(TenantSchema.parse(TENANT));
  });

  it("stores a tenant whose accounts leave a currency out, and says which currencies its emails can show bank details for", async () => {
    // Prepare
    const file = await tenantFile("tenant.json", {
      ...TENANT,
      payment: {
        accounts: [
          { type: "no-kontonummer", number: "8601.11.17947" },
          { type: "fi-iban", iban: "FI2112345600000785" },
        ],
      },
    });
    const out = output();
    const err = output();

    // Act
    await putTenant({ tenants, tableName: dynamo.tableName, out, err }, file);

    // Assess
    expect(out.text).toBe("nordlys\n");
    expect(err.text).toBe(
      "note: tenant nordlys's payment accounts take EUR, NOK: an invoice in any other currency is emailed without bank details, with its pay link only\n",
    );
    expect((await tenants.get("nordlys"))?.tenant.payment.accounts).toEqual([
      { type: "no-kontonummer", number: "86011117947" },
      { type: "fi-iban", iban: "FI2112345600000785" },
    ]);
  });

  it("names a payment account's wrong number, and writes nothing", async () => {
    // Prepare
    const file = await tenantFile("tenant.json", {
      ...TENANT,
      payment: { accounts: [{ type: "se-bankgiro", number: "5050-1056" }] },
    });

    // Act
    const putting = putTenant({ tenants, tableName: dynamo.tableName, out: output() }, file);

    // Assess
    await expect(putting).rejects.toThrow(
      /^ {2}payment\.accounts\[0\]\.number: is not a Swedish bankgiro number: its check digit does not match/m,
    );
    expect(await scan()).toEqual([]);
  });

  it("names every wrong field, and writes nothing", async () => {
    // Prepare
    const file = await tenantFile("tenant.json", { ...TENANT, replyTo: "faktura at nordlys", country: "XX" });
    const out = output();

    // Act
    const putting = putTenant({ tenants, tableName: dynamo.tableName, out }, file);

    // Assess
    const error = await putting.catch((error: unknown) => error);
    expect(error).toBeInstanceOf(CliError);
    const message = (error as CliError).message;
    expect(message).toContain(`${file} is not a valid tenant`);
    expect(message).toMatch(/^ {2}replyTo: must be an email address/m);
    expect(message).toMatch(/^ {2}country: /m);
    expect(out.text).toBe("");
    expect(await scan()).toEqual([]);
  });

  it("refuses a file that is not JSON, or not there", async () => {
    // Prepare
    const file = path.join(dir, "tenant.json");
    await writeFile(file, "{ id: nordlys }");
    const out = output();

    // Act
    const notJson = putTenant({ tenants, tableName: dynamo.tableName, out }, file).catch((error) => error);
    const missing = putTenant(
      { tenants, tableName: dynamo.tableName, out },
      path.join(dir, "missing.json"),
    ).catch((error) => error);

    // Assess
    expect(await notJson).toEqual(expect.objectContaining({ name: "CliError" }));
    expect((await notJson).message).toContain(`${file} is not JSON`);
    expect((await missing).message).toMatch(/cannot read .*missing\.json/);
    expect(out.text).toBe("");
    expect(await scan()).toEqual([]);
  });

  it("refuses to replace a stored tenant, whose suppressed addresses would be lost", async () => {
    // Prepare
    await tenants.put(TenantSchema.parse(TENANT));
    await tenants.suppress("nordlys", "complained@example.com");
    const file = await tenantFile("tenant.json", { ...TENANT, name: "Someone Else" });
    const out = output();

    // Act
    const putting = putTenant({ tenants, tableName: dynamo.tableName, out }, file);

    // Assess
    await expect(putting).rejects.toThrow("tenant nordlys is already stored in table dun-test");
    const stored = await tenants.get("nordlys");
    expect(stored?.tenant.name).toBe(TENANT.name);
    expect(await tenants.listSuppressed("nordlys")).toEqual(["complained@example.com"]);
  });
});

describe("the dun command line", () => {
  it("creates a key end to end: stores a tenant file, then prints a key that resolves to it", async () => {
    // Prepare
    const env = {
      TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    };
    const put = await dun(["tenant", "put", await tenantFile("tenant.json", TENANT)], env);
    expect(put).toMatchObject({
      code: 0,
      stdout: "nordlys\n",
      stderr:
        "note: tenant nordlys's payment accounts take DKK, EUR, NOK, SEK, USD: an invoice in any other currency is emailed without bank details, with its pay link only\n",
    });

    // Act
    const created = await dun(["keys", "create", "--tenant", "nordlys", "--label", "upload script"], env);

    // Assess
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const keys = created.stdout.match(KEY_LINE) ?? [];
    expect(keys).toHaveLength(1);
    expect(created.stdout).toMatch(/shown only once/);
    expect(await apiKeys.tenantOf(hashApiKey(keys[0] ?? ""))).toBe("nordlys");
  });

  it("makes the key in the table of TABLE_NAME, as DEPLOY.md does it, even while local mode runs there", async () => {
    // Prepare: local mode's .dun/local.json, naming a process that runs (this one) and an API no
    // key request may reach.
    await tenants.put(TenantSchema.parse(TENANT));
    const localUrl = `http://127.0.0.1:${await closedPort()}`;
    await mkdir(path.join(dir, ".dun"));
    await writeFile(
      path.join(dir, ".dun", "local.json"),
      JSON.stringify({
        apiUrl: localUrl,
        apiKey: "dun_local",
        ...thisProcess(),
        startedAt: "2026-11-23T08:00:00Z",
      }),
    );

    // Act
    const created = await dun(["keys", "create", "--tenant", "nordlys", "--json"], {
      TABLE_NAME: dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    });

    // Assess
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const { tenantId, apiKey } = JSON.parse(created.stdout);
    expect(tenantId).toBe("nordlys");
    expect(await apiKeys.tenantOf(hashApiKey(apiKey))).toBe("nordlys");
  });

  it("exits with 2 and names both when the command line names local mode and a table", async () => {
    // Act
    const created = await dun(
      [
        "--api",
        "http://127.0.0.1:3000",
        "keys",
        "create",
        "--tenant",
        "nordlys",
        "--table",
        dynamo.tableName,
      ],
      { AWS_REGION: "eu-north-1" },
    );

    // Assess
    expect(created).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "dun: --api http://127.0.0.1:3000 is local mode and --table dun-test a deployed stack's table: " +
        "a key is made in one of them, so pass only one\n",
    });
    expect(await scan()).toEqual([]);
  });

  it("exits with 1 and says so on stderr when it has no table to work on", async () => {
    // Act
    const created = await dun(["keys", "create", "--tenant", "nordlys"], { AWS_REGION: "eu-north-1" });

    // Assess
    expect(created).toEqual({
      code: 1,
      stdout: "",
      stderr: "dun: no table given: pass --table <name> or set TABLE_NAME\n",
    });
  });

  it("exits with 1 and points to `dun tenant put` when the tenant is not stored", async () => {
    // Act
    const created = await dun(["keys", "create", "--tenant", "fjellbyen", "--table", dynamo.tableName], {
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
    });

    // Assess
    expect(created.code).toBe(1);
    expect(created.stdout).toBe("");
    expect(created.stderr).toMatch(/no tenant fjellbyen in table dun-test; store one first/);
    expect(await scan()).toEqual([]);
  });
});
