/**
 * How every Lambda is bundled: one set of choices, read by the CDK constructs (NodejsFunction's
 * `bundling` prop) and by the bench and tests (plain esbuild), so what is measured is what ships.
 */
import { OutputFormat, SourceMapMode } from "aws-cdk-lib/aws-lambda-nodejs";
import type { BuildOptions } from "esbuild";

/** Each Lambda's handler file, relative to the repository root. */
export const LAMBDA_ENTRIES = {
  api: "functions/handlers/api.ts",
  dispatcher: "functions/handlers/dispatcher.ts",
  sender: "functions/handlers/sender.ts",
  events: "functions/handlers/events.ts",
  "upload-worker": "functions/handlers/upload-worker.ts",
} as const;

export type LambdaName = keyof typeof LAMBDA_ENTRIES;

/**
 * The AWS SDK v3 clients are left out because the nodejs22.x runtime ships them. Bundling our own
 * would pin the version the tests ran, which is safer for behaviour, but the clients and their
 * @smithy/* machinery are 300–360 kB of each bundle (measured with esbuild: the dispatcher would be
 * 520 kB, the sender 849 kB), which no 500 kB budget survives. The price: the runtime updates
 * its SDK on AWS's schedule, so Lambda may run a newer client than the tests did; v3 keeps its API
 * stable within the major version, and dun uses only long-standing commands. Everything else is bundled — @aws-sdk/lib-dynamodb, Powertools, zod,
 * handlebars — because the runtime is not documented to carry it, and so that the version tested
 * is the version that runs.
 */
export const EXTERNAL_MODULES = ["@aws-sdk/client-*"];

/**
 * Modules swapped for others in every bundle. The ICU message parser gives way to its no-parser
 * entry, which keeps the syntax tree's types and guards: the catalogs come parsed
 * (templates/build.ts), so IntlMessageFormat never parses in a Lambda, and the parser and its
 * skeleton parser were 27 kB of each sending bundle. This is formatjs's own advice for messages
 * precompiled to trees; given text, IntlMessageFormat would throw instead of parsing it.
 */
export const ALIASES: Readonly<Record<string, string>> = {
  "@formatjs/icu-messageformat-parser": "@formatjs/icu-messageformat-parser/no-parser.js",
};

/** The options every Lambda bundle shares (NodejsFunction `bundling`). */
export const BUNDLING = {
  minify: true,
  sourceMap: true, // stack traces in CloudWatch name the TypeScript source lines
  sourceMapMode: SourceMapMode.DEFAULT,
  sourcesContent: false, // the map names lines; it need not carry the sources too
  target: "node22",
  format: OutputFormat.ESM,
  mainFields: ["module", "main"], // prefer a dependency's ESM build: it tree-shakes
  // ESM bundles of CommonJS dependencies still call require(); give them one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  externalModules: EXTERNAL_MODULES,
  // NodejsFunction has no alias option; it passes each of these to esbuild as --alias:module=replacement.
  esbuildArgs: {
    "--alias": Object.entries(ALIASES).map(([module, replacement]) => `${module}=${replacement}`),
  },
};

/**
 * The same bundling as plain esbuild options, as NodejsFunction hands them to esbuild, so the
 * bench and the tests build exactly what the CDK deploys.
 */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: "node",
    target: BUNDLING.target,
    format: "esm",
    minify: BUNDLING.minify,
    sourcemap: BUNDLING.sourceMap,
    sourcesContent: BUNDLING.sourcesContent,
    mainFields: BUNDLING.mainFields,
    banner: { js: BUNDLING.banner },
    external: BUNDLING.externalModules,
    alias: { ...ALIASES },
  };
}
