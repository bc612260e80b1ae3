/**
 * The Lambda bundles as the CDK builds them (infra/bundling.ts): each one's size against the
 * 500 kB every bundle is allowed, and its module initialisation — `await import(bundle)` in a
 * fresh Node.js process, which is what Lambda's init phase spends on our code before the first
 * event.
 *
 * Initialisation is judged against a baseline measured the same way in the same run: a bundle that
 * imports only the AWS SDK clients the handler uses and constructs them. A Lambda that talks to
 * those services pays that much whatever we write, so the ratio is what our own code and its
 * dependencies add on top of the floor the AWS SDK sets.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { build, type Metafile } from "esbuild";
import { esbuildOptions, LAMBDA_ENTRIES, type LambdaName } from "../infra/bundling.ts";
import type { Figure, Suite } from "./figure.ts";

const run = promisify(execFile);

/** The limit on every Lambda bundle: 500 kB, read strictly as 500 000 bytes (kB = 1000 bytes). */
export const BUNDLE_LIMIT_BYTES = 500_000;
/** Fresh processes per bundle; the median sets the figure. */
const LOADS = 5;
const REPOSITORY = path.resolve(import.meta.dirname, "..");

/**
 * What each handler reads from its environment at import (functions/handlers/environment.ts and
 * the `required(...)` calls in each handler), with the variables Lambda itself always sets.
 */
export const LAMBDA_ENVIRONMENT: Record<LambdaName, Record<string, string>> = {
  api: { TABLE_NAME: "dun-bench" },
  dispatcher: {
    TABLE_NAME: "dun-bench",
    SEND_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/dun-send",
  },
  sender: {
    TABLE_NAME: "dun-bench",
    SES_CONFIGURATION_SET: "dun",
    FROM_ADDRESS: "billing@example.com",
    EVENTS_DEAD_LETTER_QUEUE_URL: "https://sqs.eu-north-1.amazonaws.com/000000000000/dun-events-dlq",
  },
  events: { TABLE_NAME: "dun-bench", SES_CONFIGURATION_SET: "dun", FROM_ADDRESS: "billing@example.com" },
  "upload-worker": {
    TABLE_NAME: "dun-bench",
    UPLOAD_BUCKET: "dun-uploads",
    UPLOAD_QUEUE_URL: "https://sqs.eu-west-1.amazonaws.com/123456789012/dun-uploads",
  },
};
const LAMBDA_RUNTIME_ENVIRONMENT = {
  AWS_REGION: "eu-west-1",
  AWS_LAMBDA_FUNCTION_NAME: "dun-bench",
  // As infra/constructs/dun-function.ts deploys them: Node.js then reads each bundle's source map at load.
  NODE_OPTIONS: "--enable-source-maps",
};

/** The AWS SDK clients each handler constructs at module scope: its initialisation floor. */
const SDK_CLIENTS: Record<LambdaName, Record<string, string>> = {
  api: { "@aws-sdk/client-dynamodb": "DynamoDBClient" },
  dispatcher: { "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-sqs": "SQSClient" },
  sender: { "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-ses": "SESClient" },
  events: { "@aws-sdk/client-dynamodb": "DynamoDBClient", "@aws-sdk/client-ses": "SESClient" },
  "upload-worker": {
    "@aws-sdk/client-dynamodb": "DynamoDBClient",
    "@aws-sdk/client-s3": "S3Client",
    "@aws-sdk/client-sqs": "SQSClient",
  },
};

export type Bundle = { file: string; bytes: number; metafile: Metafile; warnings: string[] };

/**
 * A directory to bundle into that resolves the external modules as the nodejs22.x runtime does:
 * it can see @aws-sdk/* (the runtime ships the SDK) and nothing else of this repository's
 * node_modules, so a dependency left out of a bundle by mistake fails to load.
 */
export async function bundleDirectory(): Promise<string> {
  const directory = await mkdtemp(path.join(os.tmpdir(), "dun-bundles-"));
  await mkdir(path.join(directory, "node_modules"));
  await symlink(
    path.join(REPOSITORY, "node_modules", "@aws-sdk"),
    path.join(directory, "node_modules", "@aws-sdk"),
  );
  return directory;
}

/** Bundles one entry with the CDK's options into `directory/<name>/index.mjs`. */
export async function bundle(entry: string, directory: string, name: string): Promise<Bundle> {
  const file = path.join(directory, name, "index.mjs");
  const result = await build({
    ...esbuildOptions(path.resolve(REPOSITORY, entry), file),
    absWorkingDir: REPOSITORY,
    metafile: true,
    logLevel: "silent",
  });
  return {
    file,
    bytes: (await stat(file)).size,
    metafile: result.metafile,
    warnings: result.warnings.map((warning) => warning.text),
  };
}

/**
 * Loads a bundle in a fresh `node` process with `env` and reports how long `await import` took,
 * timed inside the child so process start-up is not counted, and the type of its `handler` export.
 */
export async function loadInFreshNode(
  file: string,
  env: Record<string, string>,
): Promise<{ initMs: number; handler: string }> {
  const child = [
    "const start = performance.now();",
    "const module = await import(process.argv[1]);",
    "const initMs = performance.now() - start;",
    "process.stdout.write(JSON.stringify({ initMs, handler: typeof module.handler }));",
  ].join("\n");
  const { stdout } = await run(
    process.execPath,
    ["--input-type=module", "-e", child, pathToFileURL(file).href],
    {
      cwd: path.dirname(file),
      env: { PATH: process.env.PATH ?? "", ...LAMBDA_RUNTIME_ENVIRONMENT, ...env },
    },
  );
  return JSON.parse(stdout) as { initMs: number; handler: string };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The biggest contributors to a bundle, by package (or by source folder for our own code). */
function heaviestInputs(metafile: Metafile, count = 3): string {
  const byPackage = new Map<string, number>();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const name = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.dirname(input);
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1000)} kB`)
    .join(", ");
}

async function measure(): Promise<Figure[]> {
  const directory = await bundleDirectory();
  try {
    const figures: Figure[] = [];
    for (const [name, entry] of Object.entries(LAMBDA_ENTRIES) as [LambdaName, string][]) {
      const lambda = await bundle(entry, directory, name);
      const floorSource = path.join(directory, `${name}-sdk-floor.ts`);
      await writeFile(
        floorSource,
        [
          ...Object.entries(SDK_CLIENTS[name]).map(
            ([module, client]) => `import { ${client} } from "${module}";`,
          ),
          ...Object.values(SDK_CLIENTS[name]).map((client) => `new ${client}({});`),
          "export const handler = async () => ({});",
        ].join("\n"),
      );
      const floor = await bundle(floorSource, directory, `${name}-sdk-floor`);

      // Alternate the two so that a neighbour's burst on this shared machine hits both alike;
      // the first pair warms the disk cache and is not counted.
      const lambdaMs: number[] = [];
      const floorMs: number[] = [];
      for (let load = -1; load < LOADS; load++) {
        const own = await loadInFreshNode(lambda.file, LAMBDA_ENVIRONMENT[name]);
        const sdk = await loadInFreshNode(floor.file, LAMBDA_ENVIRONMENT[name]);
        if (load < 0) continue;
        lambdaMs.push(own.initMs);
        floorMs.push(sdk.initMs);
      }
      const initMs = median(lambdaMs);
      const floorInitMs = median(floorMs);

      figures.push(
        {
          name: `bundle.${name}.size`,
          value: lambda.bytes / 1000,
          unit: "kB",
          ratio: {
            value: lambda.bytes / BUNDLE_LIMIT_BYTES,
            of: "bundle size / 500 kB",
            goal: "≤ 1",
            met: lambda.bytes <= BUNDLE_LIMIT_BYTES,
          },
          note: `index.mjs, minified, without its source map; heaviest: ${heaviestInputs(lambda.metafile)}.`,
        },
        {
          name: `bundle.${name}.init`,
          value: initMs,
          unit: "ms",
          ratio: {
            value: initMs / floorInitMs,
            of: `await import(bundle) / the same for a bundle of only its SDK clients (${Math.round(floorInitMs)} ms)`,
            goal: "≤ 2",
            met: initMs / floorInitMs <= 2,
          },
          note:
            `median of ${LOADS} fresh Node.js processes. The AWS SDK clients are external, loaded from node_modules ` +
            "as from the runtime's; the goal lets our code and its dependencies cost at most what the SDK clients " +
            "every such Lambda loads anyway cost. Lambda's own limit, 10 s of init, is far off either way.",
        },
      );
    }
    return figures;
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

export const bundlesSuite: Suite = { title: "Lambda bundles: size and module initialisation", run: measure };
