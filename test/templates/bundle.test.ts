import { build } from "esbuild";
import { describe, expect, it } from "vitest";

describe("the renderer's Lambda bundle", () => {
  it("holds the Handlebars runtime only, no MJML and no template compiler, in 500 kB", async () => {
    // Act
    const result = await build({
      entryPoints: ["functions/rendering/render-email.ts"],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      minify: true,
      write: false,
      metafile: true,
    });

    // Assess
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.filter((input) => /node_modules\/mjml/.test(input))).toEqual([]);
    expect(inputs.filter((input) => /handlebars\/(compiler|lib\/handlebars\/compiler)/.test(input))).toEqual(
      [],
    );
    expect(inputs.some((input) => input.includes("handlebars.runtime"))).toBe(true);
    const bytes = result.outputFiles[0]?.contents.byteLength ?? Number.POSITIVE_INFINITY;
    // The Lambda bundle budget: 500 kB, read strictly as 500 000 bytes (bench/bundles.bench.ts).
    expect(bytes).toBeLessThanOrEqual(500_000);
  });
});
