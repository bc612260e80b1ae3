/**
 * The real `dun` as a subprocess (`node functions/cli/bin.js …`) against the API over HTTP: the
 * exit codes scripts branch on (docs/CLI.md), stdout kept to the answer, and local mode's
 * .dun/local.json found in the directory the command runs in.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Api, startApi } from "../support/api.ts";
import { closedPort, runDun } from "../support/cli.ts";
import { anInvoiceInput } from "../support/invoices.ts";

let api: Api<"a">;
let url: string;
let dir: string;

/** `dun …` in `dir`, with only PATH and HOME from this environment, so no DUN_* or AWS_* leaks in. */
function dun(args: string[], env: Record<string, string> = {}) {
  return runDun(args, { cwd: dir, env });
}

beforeAll(async () => {
  api = await startApi({ now: new Date("2026-11-20T10:00:00Z"), tenants: ["a"] });
  url = await api.listen();
  dir = await mkdtemp(path.join(tmpdir(), "dun-cli-exit-"));
  await writeFile(
    path.join(dir, "invoices.csv"),
    [
      "invoiceNumber,currency,amount,issueDate,dueDate,customer.name,customer.email,customer.locale,customer.country,customer.type",
      "X-1,NOK,1250.00,2026-11-01,2026-11-15,Fjordlys AS,faktura@fjordlys.example,nb-NO,NO,business",
      "X-2,NOK,980.00,2026-11-01,2026-11-15,Kafé Bryggen,post@,nb-NO,NO,business",
      "",
    ].join("\n"),
  );
  await writeFile(path.join(dir, "one.json"), JSON.stringify(anInvoiceInput({ invoiceNumber: "X-3" })));
});

afterAll(async () => {
  await api?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("dun's exit codes", () => {
  it("0 when all went well; --json keeps stdout to one document", async () => {
    const result = await dun(["--api", url, "--key", api.keys.a, "upload", "one.json", "--json"]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ summary: { created: 1, rejected: 0 } });
  });

  it("3 when rows were rejected, each named by its line", async () => {
    const result = await dun(["upload", "invoices.csv"], { DUN_API_URL: url, DUN_API_KEY: api.keys.a });
    expect(result).toEqual({
      code: 3,
      stdout:
        "row 3: customer.email: must be an email address such as name@example.com\n" +
        "invoices.csv: 2 rows: 1 created, 0 updated, 0 unchanged, 1 rejected\n",
      stderr: "",
    });
  });

  it("3 when the API refuses the request, with its detail on stderr", async () => {
    const result = await dun(["status", "NOPE", "--api", url, "--key", api.keys.a]);
    expect(result).toEqual({
      code: 3,
      stdout: "",
      stderr: "dun: GET /v1/invoices/NOPE answered 404 Not found: no invoice NOPE\n",
    });
  });

  it("4 when the API cannot be reached", async () => {
    const port = await closedPort();
    const result = await dun(["aging", "--api", `http://127.0.0.1:${port}`, "--key", "dun_x"]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `dun: cannot reach the dun API at http://127.0.0.1:${port} (ECONNREFUSED); check --api and the network; for local mode, run \`npm start\`\n`,
    );
  });

  it("2 for a command line that is wrong, whether commander or the command finds it", async () => {
    const unknown = await dun(["aging", "--bogus"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: unknown option '--bogus'/);
    const duration = await dun(["clock", "advance", "2w", "--api", url]);
    expect(duration.code).toBe(2);
    expect(duration.stderr).toMatch(/^dun: "2w" is not a duration/);
    const nowhere = await dun(["list"]);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toMatch(/^dun: no dun API to talk to: start local mode with `npm start`/);
  });

  it("0 for --help, which lists the exit codes", async () => {
    const help = await dun(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Exit codes:\n {2}0 {2}done\n {2}1 {2}failed/);
    expect(help.stdout).toMatch(/ {2}4 {2}unreachable: the API could not be reached/);
  });
});

describe("local mode's .dun/local.json", () => {
  it("is where the CLI finds the API and its key when nothing else names them", async () => {
    // Prepare
    await mkdir(path.join(dir, ".dun"), { recursive: true });
    await writeFile(
      path.join(dir, ".dun", "local.json"),
      JSON.stringify({ apiUrl: url, inboxUrl: "http://127.0.0.1:8005", apiKey: api.keys.a }),
    );

    // Act
    const listed = await dun(["list", "--json"]);

    // Assess
    expect(listed.stderr).toBe("");
    expect(listed.code).toBe(0);
    expect(
      JSON.parse(listed.stdout).invoices.map((invoice: { invoiceNumber: string }) => invoice.invoiceNumber),
    ).toEqual(["X-1", "X-3"]);
    await rm(path.join(dir, ".dun"), { recursive: true });
  });
});
