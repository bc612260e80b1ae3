/**
 * What the synchronous upload can take: the CPU one CSV row costs the API handler with the real AWS
 * SDK (building, signing, sending and parsing every DynamoDB request), against an endpoint that
 * answers at once from another process, so that only the handler's own work is counted. Scaled to
 * the deployed API Lambda's share of a vCPU (512 MB of 1 769), it gives the rows that fit in its
 * 10 s timeout with a 50 % margin, which MAX_SYNC_UPLOAD_ROWS must not exceed.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ApiKeyTable } from "#adapters/dynamo/api-key-table.ts";
import { invoiceTable } from "#adapters/dynamo/invoice-table.ts";
import { apiKeyKey, tenantKey } from "#adapters/dynamo/keys.ts";
import { TenantTable } from "#adapters/dynamo/tenant-table.ts";
import { hashApiKey } from "#api/api-keys.ts";
import { type ApiDeps, handleApiRequest } from "#api/http-api.ts";
import { MAX_SYNC_UPLOAD_ROWS, SYNC_UPLOAD_MARGIN } from "#api/sync-upload-limit.ts";
import type { LocalDynamo } from "#local/local-dynamo.ts";
import type { Figure } from "./figure.ts";

/** The deployed API Lambda (infra/constructs/api.ts): its memory, hence its share of a vCPU, and its timeout. */
const LAMBDA_MEMORY_MB = 512;
const LAMBDA_TIMEOUT_MS = 10_000;
/** Lambda gives a full vCPU at 1 769 MB and a share in proportion below it. */
const FULL_VCPU_MB = 1_769;

export type SyncUploadCpu = { cpuMsPerRow: number; lambdaMsPerRow: number; rowsThatFit: number };

/**
 * `csvOf(rows, prefix)` writes the upload; `seeded` holds the tenant and its API key (`key`), whose
 * items the instant endpoint is given so that the request is authorised as in AWS.
 */
export async function measureSyncUploadCpu(
  seeded: LocalDynamo,
  tenantId: string,
  key: string,
  csvOf: (rows: number, prefix: string) => string,
  rows: number,
): Promise<SyncUploadCpu> {
  const items = [];
  for (const Key of [tenantKey(tenantId), apiKeyKey(hashApiKey(key))]) {
    const { Item } = await seeded.client.send(
      new GetItemCommand({ TableName: seeded.tableName, Key: { pk: { S: Key.pk }, sk: { S: Key.sk } } }),
    );
    if (!Item) throw new Error(`nothing seeded at ${Key.pk}`);
    items.push([`${Key.pk}\u0000${Key.sk}`, Item]);
  }
  const child = spawn(process.execPath, ["--import", "tsx", "bench/instant-dynamodb.ts"], {
    env: { ...process.env, DUN_INSTANT_ITEMS: JSON.stringify(items) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const [port] = (await once(child.stdout, "data")) as [Buffer];
    const client = new DynamoDBClient({
      endpoint: `http://127.0.0.1:${String(port).trim()}`,
      region: "eu-north-1",
      credentials: { accessKeyId: "bench", secretAccessKey: "bench" },
    });
    const documents = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const deps: ApiDeps = {
      invoices: invoiceTable(documents, seeded.tableName),
      tenants: new TenantTable(documents, seeded.tableName),
      apiKeys: new ApiKeyTable(documents, seeded.tableName),
      now: () => new Date("2026-11-20T10:00:00Z"),
    };
    const post = async (csv: string) => {
      const response = await handleApiRequest(deps, {
        method: "POST",
        rawPath: "/v1/invoices",
        query: {},
        headers: { authorization: `Bearer ${key}`, "content-type": "text/csv" },
        body: csv,
      });
      if (response.statusCode !== 200)
        throw new Error(`upload answered ${response.statusCode}: ${response.body}`);
    };
    // A warm Lambda has compiled the handler's hot paths: so has this process, before it is measured.
    await post(csvOf(Math.min(rows, MAX_SYNC_UPLOAD_ROWS), "WARM"));
    // Requests as large as the API takes, each with its own fixed costs (the key, the tenant).
    const requests = Array.from({ length: Math.ceil(rows / MAX_SYNC_UPLOAD_ROWS) }, (_, index) =>
      csvOf(Math.min(MAX_SYNC_UPLOAD_ROWS, rows - index * MAX_SYNC_UPLOAD_ROWS), `CPU${index}`),
    );
    const before = process.cpuUsage();
    for (const csv of requests) await post(csv);
    const used = process.cpuUsage(before);
    client.destroy();
    const cpuMsPerRow = (used.user + used.system) / 1000 / rows;
    const lambdaMsPerRow = cpuMsPerRow * (FULL_VCPU_MB / LAMBDA_MEMORY_MB);
    return {
      cpuMsPerRow,
      lambdaMsPerRow,
      rowsThatFit: Math.floor((LAMBDA_TIMEOUT_MS * (1 - SYNC_UPLOAD_MARGIN)) / lambdaMsPerRow),
    };
  } finally {
    child.kill();
  }
}

export function syncUploadFigures(measured: SyncUploadCpu, rows: number): Figure[] {
  return [
    {
      name: "api.sync_upload_cpu_per_row_real_sdk",
      value: measured.cpuMsPerRow,
      unit: "ms CPU/row",
      ratio: {
        value: MAX_SYNC_UPLOAD_ROWS / measured.rowsThatFit,
        of: `the synchronous limit (${MAX_SYNC_UPLOAD_ROWS} rows) / the rows whose CPU at ${LAMBDA_MEMORY_MB} MB fits in ${LAMBDA_TIMEOUT_MS / 1000} s with a ${SYNC_UPLOAD_MARGIN * 100} % margin (${measured.rowsThatFit})`,
        goal: "≤ 1",
        met: MAX_SYNC_UPLOAD_ROWS <= measured.rowsThatFit,
      },
      note:
        `${rows} new CSV rows (in requests of ${MAX_SYNC_UPLOAD_ROWS}) through the API handler with the real AWS SDK against a DynamoDB endpoint in another process that answers at once; ` +
        `process CPU (user + system) per row, ${measured.lambdaMsPerRow.toFixed(2)} ms at ${LAMBDA_MEMORY_MB} MB (${LAMBDA_MEMORY_MB}/${FULL_VCPU_MB} of a vCPU). ` +
        "The margin also covers the round trips DynamoDB takes, which cost the Lambda time but no CPU",
    },
  ];
}
