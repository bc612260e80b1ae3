/**
 * `npm run bench`: runs every suite in one process, one after the other, and writes
 * docs/BENCHMARKS.md for people and docs/benchmarks.json for machines.
 */
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { apiSuite } from "./api.bench.ts";
import { bundlesSuite } from "./bundles.bench.ts";
import { dispatchSuite } from "./dispatch.bench.ts";
import { domainSuite } from "./domain.bench.ts";
import { type Figure, round } from "./figure.ts";
import { listsSuite } from "./lists.bench.ts";
import { pipelineSuite } from "./pipeline.bench.ts";
import { renderingSuite } from "./rendering.bench.ts";
import { reportsSuite } from "./reports.bench.ts";
import { throughputSuite } from "./throughput.bench.ts";
import { uploadJobSuite } from "./upload-job.bench.ts";

// Rendering first: its figure is a ratio of two timings, best measured on a quiet, fresh heap.
const suites = [
  renderingSuite,
  domainSuite,
  pipelineSuite,
  dispatchSuite,
  apiSuite,
  listsSuite,
  reportsSuite,
  uploadJobSuite,
  throughputSuite,
  bundlesSuite,
];

const results: { title: string; figures: Figure[] }[] = [];
for (const suite of suites) {
  process.stderr.write(`bench: ${suite.title}…\n`);
  results.push({ title: suite.title, figures: await suite.run() });
}

const machine = {
  node: process.version,
  cpus: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "unknown"}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
};
const generatedAt = new Date().toISOString();
const figures = results.flatMap((result) => result.figures);

await writeFile("docs/benchmarks.json", `${JSON.stringify({ generatedAt, machine, figures }, null, 2)}\n`);

const lines = [
  "# Benchmarks",
  "",
  `Written by \`npm run bench\` on ${generatedAt.slice(0, 10)} (Node.js ${machine.node}, ${machine.cpus}).`,
  "These machines are shared and noisy: each figure is judged by a ratio measured or fixed in the same run,",
  "never by an absolute time. The same figures, for machines, are in `docs/benchmarks.json`.",
  "",
];
for (const result of results) {
  lines.push(
    `## ${result.title}`,
    "",
    "| figure | value | ratio it is judged by | goal | met |",
    "|---|---|---|---|---|",
  );
  for (const f of result.figures) {
    lines.push(
      `| \`${f.name}\` | ${round(f.value)} ${f.unit} | ${round(f.ratio.value)} (${f.ratio.of}) | ${f.ratio.goal} | ${f.ratio.met ? "yes" : "**no**"} |`,
    );
  }
  const notes = result.figures.filter((f) => f.note);
  if (notes.length > 0) {
    lines.push("");
    for (const f of notes) lines.push(`- \`${f.name}\`: ${f.note}`);
  }
  lines.push("");
}
await writeFile("docs/BENCHMARKS.md", `${lines.join("\n")}`);

const missed = figures.filter((f) => !f.ratio.met);
process.stderr.write(`bench: ${figures.length} figures, ${missed.length} goals missed\n`);
for (const f of missed)
  process.stderr.write(`  missed: ${f.name} ${round(f.ratio.value)} (goal ${f.ratio.goal})\n`);
