/**
 * The Lambda bundles as the CDK builds them (infra/bundling.ts): complete, loadable and within the
 * 500 kB goal (kB = 1000 bytes). Size is a property of the build, not of the machine, so it is asserted here; how
 * long a bundle takes to load is measured by `npm run bench` (bench/bundles.bench.ts).
 */
import { rm } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUNDLE_LIMIT_BYTES,
  type Bundle,
  bundle,
  bundleDirectory,
  LAMBDA_ENVIRONMENT,
  loadInFreshNode,
} from "../../bench/bundles.bench.ts";
import { EXTERNAL_MODULES, LAMBDA_ENTRIES, type LambdaName } from "../../infra/bundling.ts";

/** What a bundle may leave to the runtime: Node.js built-ins and the modules infra/bundling.ts externalises. */
function providedByRuntime(module: string): boolean {
  // csv-parse's streaming parser asks for "stream", a built-in under its bare name.
  if (isBuiltin(module)) return true;
  return EXTERNAL_MODULES.some((pattern) => new RegExp(`^${pattern.replaceAll("*", "[^/]+")}$`).test(module));
}

describe.each(Object.keys(LAMBDA_ENTRIES) as LambdaName[])("the %s Lambda bundle", (name) => {
  let directory: string;
  let built: Bundle;
  beforeAll(async () => {
    directory = await bundleDirectory();
    built = await bundle(LAMBDA_ENTRIES[name], directory, name);
  });
  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it("builds without warnings, leaving out only what the runtime provides", () => {
    const externals = Object.values(built.metafile.outputs).flatMap((output) =>
      output.imports.filter((imported) => imported.external).map((imported) => imported.path),
    );
    expect(built.warnings).toEqual([]);
    expect(externals.filter((module) => !providedByRuntime(module))).toEqual([]);
  });

  it("fits in 500 kB", () => {
    expect(built.bytes).toBeLessThanOrEqual(BUNDLE_LIMIT_BYTES);
  });

  it("leaves out the ICU message parser and nodemailer's MIME composer, which it never runs", () => {
    // The catalogs come parsed (templates/build.ts) and raw-message.ts writes the MIME itself.
    // What the bundle holds of each input it read: esbuild reads mime-types.js and then shakes it out.
    const inputs = Object.values(built.metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
        .map(([input]) => input),
    );
    expect(inputs.filter((input) => /icu-(messageformat|skeleton)-parser\/index\.js$/.test(input))).toEqual(
      [],
    );
    expect(
      inputs.filter((input) => /nodemailer\/.*\/(mail-composer|mime-node|mime-types)/.test(input)),
    ).toEqual([]);
  });

  it("loads in a fresh Node.js process with its environment and exports a handler", async () => {
    // Act: the bundle's directory resolves only @aws-sdk/*, as the runtime does (bench/bundles.bench.ts).
    const loaded = await loadInFreshNode(built.file, LAMBDA_ENVIRONMENT[name]);

    // Assess
    expect(loaded.handler).toBe("function");
  });
});
