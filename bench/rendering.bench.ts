/**
 * Rendering: the precompiled renderer against what it replaces — running MJML (and compiling the
 * Handlebars template) for every email — measured side by side in one run; and the size of the
 * renderer's bundle against the 1 MB budget of a Lambda bundle.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";
import Handlebars from "handlebars";
import mjml2html from "mjml";
import { translatorFor } from "#rendering/catalog.ts";
import { EmailDataSchema } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { sampleEmail } from "#rendering/samples.ts";
import { buildView } from "#rendering/view-model.ts";
import { BRAND_COLOR_STAND_IN } from "../templates/build.ts";
import { type Figure, medianMsPerAsyncCall, medianMsPerCall, type Suite } from "./figure.ts";

const EMAILS_DIR = path.resolve("templates/emails");

async function run(): Promise<Figure[]> {
  const data = sampleEmail("reminder_2", "nb");
  const precompiledMs = medianMsPerCall(() => renderEmail("reminder_2", "nb-NO", data), {
    calls: 3000,
    rounds: 11,
  });

  const source = await readFile(path.join(EMAILS_DIR, "reminder_2.mjml"), "utf8");
  const textSource = await readFile(path.join(EMAILS_DIR, "text/email.txt.hbs"), "utf8");
  const perEmailMjmlMs = await medianMsPerAsyncCall(async () => {
    const view = buildView("reminder_2", EmailDataSchema.parse(data), translatorFor("nb"), "nb", "nb-NO");
    const { html } = await mjml2html(source, {
      filePath: path.join(EMAILS_DIR, "reminder_2.mjml"),
      ignoreIncludes: false,
      includePath: EMAILS_DIR,
      validationLevel: "soft",
    });
    const filled = html.replaceAll(BRAND_COLOR_STAND_IN, "{{brandColor}}");
    return [
      Handlebars.compile(filled, { strict: true })(view),
      Handlebars.compile(textSource, { noEscape: true })(view),
    ];
  });

  const bundle = await build({
    entryPoints: ["functions/rendering/render-email.ts"],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    write: false,
  });
  const bundleBytes = bundle.outputFiles[0]?.contents.byteLength ?? Number.NaN;
  const speedup = perEmailMjmlMs / precompiledMs;

  return [
    {
      name: "rendering.precompiled_emails_per_second",
      value: 1000 / precompiledMs,
      unit: "emails/s",
      ratio: {
        value: speedup,
        of: `precompiled vs MJML per email (${(1000 / perEmailMjmlMs).toFixed(1)} emails/s)`,
        goal: "≥ 100",
        met: speedup >= 100,
      },
      note: "A Norwegian second reminder, subject + HTML + text. The MJML path compiles MJML and the Handlebars template for each email, as a sender without a build step would.",
    },
    {
      name: "rendering.bundle_bytes",
      value: bundleBytes,
      unit: "bytes",
      ratio: {
        value: bundleBytes / 1_048_576,
        of: "share of the 1 MB Lambda bundle budget",
        goal: "≤ 1",
        met: bundleBytes <= 1_048_576,
      },
      note: "render-email.ts bundled and minified with esbuild: twelve catalogs, eight compiled templates, the Handlebars runtime, intl-messageformat.",
    },
  ];
}

export const renderingSuite: Suite = { title: "Rendering", run };
