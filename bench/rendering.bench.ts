/**
 * Rendering: dun's precompiled templates against the fair alternative — MJML and the Handlebars
 * compiler run when the sender runs, once per template, and the result kept (bench/mjml-at-runtime.ts).
 * Both render through render-with.ts, so they differ only in where the templates come from.
 *
 * Once warm, both fill a compiled Handlebars function and should be about as fast: precompiling is
 * not what makes an email quick to render. What it buys is a Lambda that never carries MJML — its
 * bundle size — and a first email that never waits for MJML to load and compile — its first call.
 * So three figures, each a ratio of the two paths measured side by side in one run:
 * - the warm render rate (goal: precompiled at least 0.9 × cached MJML);
 * - the first call: a fresh `node` that imports the bundle and renders one email (goal < 1);
 * - the bundle: a tiny entry that renders one email, bundled as the Lambdas are (goal < 1).
 */
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { renderEmail } from "#rendering/render-email.ts";
import { renderWith } from "#rendering/render-with.ts";
import { sampleEmail } from "#rendering/samples.ts";
import { type Bundle, bundle, bundleDirectory } from "./bundles.bench.ts";
import { type Figure, medianMsPerCall, type Suite } from "./figure.ts";
import { mjmlTemplates } from "./mjml-at-runtime.ts";

const run = promisify(execFile);
const REPOSITORY = path.resolve(import.meta.dirname, "..");
const EMAILS_DIR = path.join(REPOSITORY, "templates/emails");
/** Fresh processes per path; the median sets the figure. */
const FIRST_CALLS = 7;

// A Norwegian second reminder: the longest of the debtor emails, with a deadline and a notice.
const TEMPLATE = "reminder_2";
const LOCALE = "nb-NO";
const data = sampleEmail(TEMPLATE, "nb");

/** The tiny entry each path is bundled from: it renders the one email, nothing else. */
const ENTRIES = {
  precompiled: [
    `import { renderEmail } from ${JSON.stringify(path.join(REPOSITORY, "functions/rendering/render-email.ts"))};`,
    `import { sampleEmail } from ${JSON.stringify(path.join(REPOSITORY, "functions/rendering/samples.ts"))};`,
    `export async function renderOne() {`,
    `  return renderEmail("${TEMPLATE}", "${LOCALE}", sampleEmail("${TEMPLATE}", "nb"));`,
    "}",
  ],
  mjml: [
    `import { renderWith } from ${JSON.stringify(path.join(REPOSITORY, "functions/rendering/render-with.ts"))};`,
    `import { sampleEmail } from ${JSON.stringify(path.join(REPOSITORY, "functions/rendering/samples.ts"))};`,
    `import { mjmlTemplates } from ${JSON.stringify(path.join(REPOSITORY, "bench/mjml-at-runtime.ts"))};`,
    `export async function renderOne(emailsDirectory) {`,
    `  const templates = await mjmlTemplates(emailsDirectory, ["${TEMPLATE}"]);`,
    `  return renderWith(templates, "${TEMPLATE}", "${LOCALE}", sampleEmail("${TEMPLATE}", "nb"));`,
    "}",
  ],
};

/**
 * A fresh `node` imports the bundle and renders one email: the time from before the import to the
 * rendered email, timed inside the child so that starting Node.js itself is not counted. The
 * environment is a Lambda's as infra/constructs/dun-function.ts deploys it (source maps on).
 */
async function firstCallInFreshNode(file: string): Promise<{ ms: number; html: string }> {
  const child = [
    "const start = performance.now();",
    "const module = await import(process.argv[1]);",
    "const email = await module.renderOne(process.argv[2]);",
    "const ms = performance.now() - start;",
    "process.stdout.write(JSON.stringify({ ms, html: email.html }));",
  ].join("\n");
  const { stdout } = await run(
    process.execPath,
    ["--input-type=module", "-e", child, pathToFileURL(file).href, EMAILS_DIR],
    {
      cwd: path.dirname(file),
      env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: "--enable-source-maps" },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as { ms: number; html: string };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function warmRates(): Promise<{ precompiledMs: number; mjmlMs: number }> {
  const cached = await mjmlTemplates(EMAILS_DIR, [TEMPLATE]);
  const precompiled = () => renderEmail(TEMPLATE, LOCALE, data);
  const mjml = () => renderWith(cached, TEMPLATE, LOCALE, data);
  if (precompiled().html !== mjml().html) throw new Error("the two paths render different HTML");
  // Alternate rounds of the two so that a neighbour's burst on this shared machine hits both alike.
  const precompiledRounds: number[] = [];
  const mjmlRounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    precompiledRounds.push(medianMsPerCall(precompiled, { calls: 2000, rounds: 3 }));
    mjmlRounds.push(medianMsPerCall(mjml, { calls: 2000, rounds: 3 }));
  }
  return { precompiledMs: median(precompiledRounds), mjmlMs: median(mjmlRounds) };
}

async function coldPaths(): Promise<{
  bundles: Record<keyof typeof ENTRIES, Bundle>;
  firstCallMs: Record<keyof typeof ENTRIES, number>;
}> {
  const directory = await bundleDirectory();
  try {
    const bundles = {} as Record<keyof typeof ENTRIES, Bundle>;
    for (const [name, lines] of Object.entries(ENTRIES) as [keyof typeof ENTRIES, string[]][]) {
      const entry = path.join(directory, `${name}-entry.ts`);
      await writeFile(entry, `${lines.join("\n")}\n`);
      bundles[name] = await bundle(entry, directory, name);
    }
    const times: Record<keyof typeof ENTRIES, number[]> = { precompiled: [], mjml: [] };
    // Alternated, and the first pair only warms the disk cache.
    for (let call = -1; call < FIRST_CALLS; call++) {
      const precompiled = await firstCallInFreshNode(bundles.precompiled.file);
      const mjml = await firstCallInFreshNode(bundles.mjml.file);
      if (precompiled.html !== mjml.html) throw new Error("the two bundles render different HTML");
      if (call < 0) continue;
      times.precompiled.push(precompiled.ms);
      times.mjml.push(mjml.ms);
    }
    return { bundles, firstCallMs: { precompiled: median(times.precompiled), mjml: median(times.mjml) } };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function measure(): Promise<Figure[]> {
  const { precompiledMs, mjmlMs } = await warmRates();
  const { bundles, firstCallMs } = await coldPaths();
  const rate = mjmlMs / precompiledMs;
  const firstCall = firstCallMs.precompiled / firstCallMs.mjml;
  const size = bundles.precompiled.bytes / bundles.mjml.bytes;
  return [
    {
      name: "rendering.precompiled_emails_per_second",
      value: 1000 / precompiledMs,
      unit: "emails/s",
      ratio: {
        value: rate,
        of: `precompiled / MJML compiled once and cached (${Math.round(1000 / mjmlMs)} emails/s)`,
        goal: "≥ 0.9",
        met: rate >= 0.9,
      },
      note:
        "A Norwegian second reminder, subject + HTML + text, warm. The baseline compiles the template with MJML " +
        "and Handlebars once and keeps it, as a sender without a build step would; both then fill a compiled " +
        "Handlebars function, so neither should be much faster.",
    },
    {
      name: "rendering.first_call",
      value: firstCallMs.precompiled,
      unit: "ms",
      ratio: {
        value: firstCall,
        of: `precompiled / MJML at run time (${Math.round(firstCallMs.mjml)} ms)`,
        goal: "< 1",
        met: firstCall < 1,
      },
      note:
        `median of ${FIRST_CALLS} fresh Node.js processes per path, alternated: import the bundle and render one ` +
        "email, as a Lambda's first invocation does. The MJML path loads MJML and compiles the template first.",
    },
    {
      name: "rendering.bundle_size",
      value: bundles.precompiled.bytes / 1000,
      unit: "kB",
      ratio: {
        value: size,
        of: `precompiled / MJML at run time (${Math.round(bundles.mjml.bytes / 1000)} kB)`,
        goal: "< 1",
        met: size < 1,
      },
      note:
        "A tiny entry that renders one email, bundled as the Lambdas are (infra/bundling.ts: minified ESM), " +
        "without its source map; the MJML path ships the .mjml files (8 kB) beside it, not counted.",
    },
  ];
}

export const renderingSuite: Suite = {
  title: "Rendering: precompiled vs MJML compiled at run time",
  run: measure,
};
