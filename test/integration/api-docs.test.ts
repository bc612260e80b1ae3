/**
 * docs/API.md as a script: every ```sh block in it runs, in order, with the real curl against the
 * local HTTP server on dynalite, and must answer the status its `# → NNN` line promises. A reader
 * pasting the examples one after the other sees what the document says, and an API change that
 * breaks an example breaks this test.
 *
 * The API's clock is pinned to the instant the document names, so its dates stay valid forever.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/api.ts";

/** "Dates in the examples are relative to Friday 2026-11-20, 10:00 UTC", as API.md says. */
const NOW = new Date("2026-11-20T10:00:00Z");
const MIN_EXAMPLES = 12;
const REPOSITORY = fileURLToPath(new URL("../..", import.meta.url));
const DOC = "docs/API.md";

type Example = { line: number; script: string; status: string; title: string };

/** Every ```sh block, in order, with the status on its last line: `# → 200`. */
function examplesOf(markdown: string): Example[] {
  return [...markdown.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((match) => {
    const script = match[1] ?? "";
    const line = markdown.slice(0, match.index).split("\n").length;
    const lines = script.trimEnd().split("\n");
    const status = /^# → (\d{3})$/.exec(lines.at(-1) ?? "")?.[1];
    if (!status) throw new Error(`${DOC}:${line}: a sh block must end with its status, such as "# → 200"`);
    const command =
      script
        .replace(/\\\n\s*/g, " ")
        .split("\n")
        .find((text) => text.includes("curl")) ?? "";
    const title = command.replace(/^.*?curl /, "curl ").replace(/ -H .*$/, "");
    return { line, script, status, title };
  });
}

/**
 * Every curl in a block writes the body to a file and prints the status alone, so a block's output
 * is its status; a block that ran curl twice (or never) prints something else, and fails.
 */
function scriptFor(example: Example, answerFile: string): string {
  const curl = `curl() { /usr/bin/curl --silent --show-error --output '${answerFile}' --write-out '%{http_code}' "$@"; }`;
  return `${curl}\n${example.script}`;
}

const markdown = readFileSync(join(REPOSITORY, DOC), "utf8");
const examples = examplesOf(markdown);
const run = promisify(execFile);

let api: Api<"a">;
let url: string;
let scratch: string;

beforeAll(async () => {
  api = await startApi({ now: NOW, tenants: ["a"] });
  url = await api.listen();
  scratch = mkdtempSync(join(tmpdir(), "dun-api-docs-"));
});

afterAll(async () => {
  await api?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe(`${DOC}, run with curl`, () => {
  it(`has at least ${MIN_EXAMPLES} runnable examples, and names the clock they run at`, () => {
    expect(examples.length).toBeGreaterThanOrEqual(MIN_EXAMPLES);
    expect(markdown).toContain("Friday 2026-11-20, 10:00 UTC");
  });

  for (const example of examples) {
    it(`line ${example.line}: ${example.title} → ${example.status}`, async () => {
      // Prepare
      const answerFile = join(scratch, `answer-${example.line}`);

      // Act
      const { stdout } = await run("bash", ["-c", scriptFor(example, answerFile)], {
        cwd: REPOSITORY,
        env: { PATH: process.env.PATH, DUN_URL: url, DUN_KEY: api.keys.a },
        maxBuffer: 1024 * 1024,
      }).catch((error: { stdout?: string; stderr?: string }) => {
        throw new Error(`${DOC}:${example.line} failed to run: ${error.stderr ?? error}`);
      });

      // Assess
      const answer = readFileSync(answerFile, "utf8");
      expect(stdout, `${DOC}:${example.line} answered:\n${answer}`).toBe(example.status);
      if (Number(example.status) >= 400) {
        // A problem says its status again, as RFC 9457 asks.
        expect(JSON.parse(answer)).toMatchObject({ status: Number(example.status) });
      }
    });
  }
});
