/**
 * The commands that drive local mode through its local-only routes — `dun clock`, `dun dispatch`
 * locally and `dun keys create` locally — against a stub of those routes that records exactly
 * what is sent, then once against local mode itself, and where the CLI finds the API: --api/--key, DUN_API_URL/DUN_API_KEY, .dun/local.json.
 */

import { spawn } from "node:child_process";
import { access, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startLocalStack } from "#local/local-stack.ts";
import { DunApi } from "../../functions/cli/api-client.ts";
import { apiLocationOf, findApi } from "../../functions/cli/api-location.ts";
import { advanceClock, advanceRequestOf, showClock } from "../../functions/cli/clock.ts";
import { EXIT, UsageError } from "../../functions/cli/command.ts";
import { dispatchTargetOf, setLocalDispatch } from "../../functions/cli/dispatch.ts";
import { createLocalKey } from "../../functions/cli/keys.ts";
import { procStartTime, removeLocalFile } from "../../functions/cli/local-file.ts";
import { runCommand } from "../../functions/cli/run.ts";
import { terminal } from "../support/cli.ts";

type Seen = { method: string; path: string; body: unknown; authorization?: string };

/** The local-only routes as local mode answers them, and what they were sent. */
let seen: Seen[];
let localMode: Server;
let deployed: Server;
let localUrl: string;
let deployedUrl: string;
let dir: string;

async function bodyOf(request: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of request) text += chunk;
  return text === "" ? undefined : JSON.parse(text);
}

function stub(routes: Record<string, (body: unknown) => unknown>): Promise<{ server: Server; url: string }> {
  const server = createServer(async (request, response) => {
    const body = await bodyOf(request);
    seen.push({
      method: request.method ?? "",
      path: request.url ?? "",
      body,
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
    });
    const route = routes[`${request.method} ${request.url}`];
    if (!route) {
      response.writeHead(404, { "content-type": "application/problem+json" });
      response.end(
        JSON.stringify({ type: "https://dun.dev/problems/not-found", title: "Not found", status: 404 }),
      );
      return;
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(JSON.stringify(route(body)));
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

beforeAll(async () => {
  let paused = false;
  ({ server: localMode, url: localUrl } = await stub({
    "GET /_local/clock": () => ({ now: "2026-11-20T10:00:00.000Z", speed: 86_400, paused }),
    "POST /_local/clock": (body) => ({
      now: (body as { to?: string }).to ?? "2026-12-04T10:00:00.000Z",
      ticks: 1344,
      emailsSent: 7,
    }),
    "POST /_local/dispatch": (body) => {
      paused = (body as { paused: boolean }).paused;
      return { paused };
    },
    "POST /_local/keys": (body) => ({
      tenantId: (body as { tenant?: string }).tenant ?? "demo",
      apiKey: `dun_${"k".repeat(43)}`,
    }),
  }));
  // A deployed API has none of the local routes: everything is a 404 there.
  ({ server: deployed, url: deployedUrl } = await stub({}));
});

afterAll(async () => {
  await new Promise((resolve) => localMode?.close(resolve));
  await new Promise((resolve) => deployed?.close(resolve));
});

beforeEach(async () => {
  seen = [];
  dir = await mkdtemp(path.join(tmpdir(), "dun-cli-local-"));
});

afterEach(async () => rm(dir, { recursive: true, force: true }));

describe("dun clock", () => {
  it("shows local mode's clock", async () => {
    // Prepare
    const io = terminal();

    // Act
    await showClock({ api: new DunApi({ url: localUrl, source: "--api" }), terminal: io });

    // Assess
    expect(io.out.text).toBe(
      "local clock: 2026-11-20 10:00 UTC\n  speed     ×86400 (1 d of dun time per second)\n  dispatch  running\n",
    );
    expect(seen).toEqual([{ method: "GET", path: "/_local/clock", body: undefined }]);
  });

  it("advances it by a duration or to an instant, without an API key, and says what the ticks did", async () => {
    // Prepare
    const byDuration = terminal();
    const toInstant = terminal({ json: true });
    const api = new DunApi({ url: localUrl, key: "dun_not-needed", source: "--api" });

    // Act
    await advanceClock({ api, terminal: byDuration }, { duration: "14d" });
    await advanceClock({ api, terminal: toInstant }, { to: "2027-01-10T09:00:00Z" });

    // Assess
    expect(seen).toEqual([
      { method: "POST", path: "/_local/clock", body: { advance: "14d" } },
      { method: "POST", path: "/_local/clock", body: { to: "2027-01-10T09:00:00.000Z" } },
    ]);
    expect(byDuration.out.text).toBe("local clock now 2026-12-04 10:00 UTC: 1344 ticks ran, 7 emails sent\n");
    expect(byDuration.err.text).toBe(
      "advancing the local clock by 14d; every dispatcher tick in between runs…\n",
    );
    expect(JSON.parse(toInstant.out.text)).toEqual({
      now: "2027-01-10T09:00:00.000Z",
      ticks: 1344,
      emailsSent: 7,
    });
    expect(toInstant.err.text).toBe("");
  });

  it("reads 14d, 36h and 90m, and refuses anything else before sending it", () => {
    expect(advanceRequestOf({ duration: "14d" })).toEqual({ advance: "14d" });
    expect(advanceRequestOf({ duration: "36H" })).toEqual({ advance: "36h" });
    expect(advanceRequestOf({ duration: "90m" })).toEqual({ advance: "90m" });
    for (const duration of ["14", "2w", "-3d", "1.5d", "0d", "14 days"]) {
      expect(() => advanceRequestOf({ duration })).toThrow(UsageError);
    }
    expect(() => advanceRequestOf({})).toThrow(/say how far/);
    expect(() => advanceRequestOf({ duration: "1d", to: "2027-01-01T00:00:00Z" })).toThrow(/not both/);
    expect(() => advanceRequestOf({ to: "next friday" })).toThrow(/is not an instant/);
  });

  it("exists only in local mode: a deployed API's 404 says so, with exit code 3", async () => {
    // Prepare
    const io = terminal();

    // Act
    const code = await runCommand(io, () =>
      advanceClock(
        { api: new DunApi({ url: deployedUrl, source: "--api" }), terminal: io },
        { duration: "14d" },
      ),
    );

    // Assess
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toMatch(/\ndun: the clock exists only in local mode \(npm start\)\n$/);
  });
});

describe("dun dispatch, locally", () => {
  it("pauses and resumes local mode's tick", async () => {
    // Prepare
    const api = new DunApi({ url: localUrl, source: ".dun/local.json" });
    const pause = terminal();
    const resume = terminal({ json: true });

    // Act
    await setLocalDispatch({ api, terminal: pause }, true);
    await setLocalDispatch({ api, terminal: resume }, false);

    // Assess
    expect(seen.map(({ method, path, body }) => ({ method, path, body }))).toEqual([
      { method: "POST", path: "/_local/dispatch", body: { paused: true } },
      { method: "POST", path: "/_local/dispatch", body: { paused: false } },
    ]);
    expect(pause.out.text).toBe(
      "dispatch paused: local mode's dispatcher tick sends nothing until `dun dispatch resume`\n",
    );
    expect(JSON.parse(resume.out.text)).toEqual({ paused: false });
  });

  it("goes to local mode when the API is on this machine, and to the Scheduler otherwise", () => {
    const local = { url: localUrl, source: "--api" };
    const remote = { url: "https://abc.execute-api.eu-north-1.amazonaws.com", source: "DUN_API_URL" };
    expect(dispatchTargetOf({}, local, {})).toEqual({ kind: "local", location: local });
    expect(dispatchTargetOf({ aws: true }, local, { DUN_SCHEDULE_NAME: "dun-tick" })).toEqual({
      kind: "aws",
      schedule: "dun-tick",
    });
    expect(dispatchTargetOf({ schedule: "dun-tick", scheduleGroup: "dun" }, local, {})).toEqual({
      kind: "aws",
      schedule: "dun-tick",
      group: "dun",
    });
    expect(dispatchTargetOf({}, remote, { DUN_SCHEDULE_NAME: "tick", DUN_SCHEDULE_GROUP: "g" })).toEqual({
      kind: "aws",
      schedule: "tick",
      group: "g",
    });
    expect(() => dispatchTargetOf({}, remote, {})).toThrow(
      `name the dispatcher's EventBridge Scheduler schedule: pass --schedule NAME or set DUN_SCHEDULE_NAME (the API at ${remote.url} is not local mode)`,
    );
    expect(() => dispatchTargetOf({}, undefined, {})).toThrow(
      /no local mode to pause: start it with `npm start`/,
    );
  });
});

describe("dun keys create, locally", () => {
  it("asks local mode for a key for the tenant named, and prints only the pair with --json", async () => {
    // Prepare
    const api = new DunApi({ url: localUrl, source: ".dun/local.json" });
    const io = terminal({ json: true });

    // Act
    const created = await createLocalKey({ api, terminal: io }, { tenant: "fjellbyen" });

    // Assess
    expect(seen).toEqual([{ method: "POST", path: "/_local/keys", body: { tenant: "fjellbyen" } }]);
    expect(JSON.parse(io.out.text)).toEqual({ tenantId: "fjellbyen", apiKey: `dun_${"k".repeat(43)}` });
    expect(created).toEqual(JSON.parse(io.out.text));
  });

  it("prints the key once, with what it is for, for the demo tenant when none is named", async () => {
    // Prepare
    const io = terminal();

    // Act
    await createLocalKey({ api: new DunApi({ url: localUrl, source: "--api" }), terminal: io }, {});

    // Assess
    expect(seen[0]?.body).toEqual({});
    expect(io.out.text).toBe(
      `API key for tenant demo in local mode at ${localUrl}:\n\ndun_${"k".repeat(43)}\n\n` +
        "It is shown only once: dun stores only its hash and cannot show it again. Keep it in a secret store.\n",
    );
  });

  it("tells a deployed API apart, and points to --table", async () => {
    const io = terminal();
    const code = await runCommand(io, () =>
      createLocalKey(
        { api: new DunApi({ url: deployedUrl, source: "--api" }), terminal: io },
        { tenant: "x" },
      ),
    );
    expect(code).toBe(EXIT.refused);
    expect(io.err.text).toMatch(
      /is not local mode: a deployed stack's keys are written to its DynamoDB table, so pass --table NAME/,
    );
  });
});

describe("where the CLI finds the API", () => {
  async function localFile(content: unknown): Promise<void> {
    await mkdir(path.join(dir, ".dun"), { recursive: true });
    await writeFile(path.join(dir, ".dun", "local.json"), JSON.stringify(content));
  }

  it("takes --api and --key first, then DUN_API_URL and DUN_API_KEY, then .dun/local.json", async () => {
    // Prepare
    await localFile({
      apiUrl: "http://127.0.0.1:3000/",
      inboxUrl: "http://127.0.0.1:8005",
      apiKey: "dun_local",
    });
    const env = { DUN_API_URL: "https://dun.example/prod/", DUN_API_KEY: "dun_env" };

    // Act, Assess
    expect(await findApi({ api: "https://other.example", key: "dun_option" }, env, dir)).toEqual({
      url: "https://other.example",
      key: "dun_option",
      source: "--api",
    });
    expect(await findApi({}, env, dir)).toEqual({
      url: "https://dun.example/prod",
      key: "dun_env",
      source: "DUN_API_URL",
    });
    expect(await findApi({}, {}, dir)).toEqual({
      url: "http://127.0.0.1:3000",
      key: "dun_local",
      source: path.join(".dun", "local.json"),
    });
  });

  it("sends local mode's key only to local mode's URL", async () => {
    // Prepare
    await localFile({ apiUrl: "http://127.0.0.1:3000", apiKey: "dun_local" });

    // Act, Assess
    expect((await findApi({ api: "http://127.0.0.1:3000/" }, {}, dir))?.key).toBe("dun_local");
    expect((await findApi({ api: "https://dun.example" }, {}, dir))?.key).toBeUndefined();
    expect((await findApi({}, { DUN_API_KEY: "dun_env" }, dir))?.key).toBe("dun_local");
  });

  it("says how to start local mode or name an API when there is none, and refuses what is not a URL", async () => {
    await expect(apiLocationOf({}, {}, dir)).rejects.toThrow(
      "no dun API to talk to: start local mode with `npm start` and run dun in the same directory (it reads the " +
        ".dun/local.json local mode writes there), or pass --api URL --key KEY (or set DUN_API_URL and DUN_API_KEY) " +
        "for a deployed stack",
    );
    await expect(apiLocationOf({ api: "localhost:3000" }, {}, dir)).rejects.toThrow(
      '--api "localhost:3000" must be an http:// or https:// URL',
    );
    await localFile({ inboxUrl: "http://127.0.0.1:8005" });
    await expect(findApi({}, {}, dir)).rejects.toThrow(/\.dun\/local\.json has no "apiUrl"/);
    await localFile({ apiUrl: "http://127.0.0.1:3000", pid: "4242" });
    await expect(findApi({}, {}, dir)).rejects.toThrow(
      /\.dun\/local\.json is not as local mode writes it \(pid: .*\); restart local mode with `npm start`/,
    );
  });

  it("passes over a .dun/local.json whose local mode was killed, or whose pid a later process has", async () => {
    // Prepare: a process that has ended, and this one, which started long before any pid reuse.
    const ended = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) => ended.once("exit", () => resolve(ended.pid ?? 0)));
    const record = {
      apiUrl: "http://127.0.0.1:3000",
      apiKey: "dun_local",
      startedAt: "2026-11-20T10:00:00Z",
    };
    const started = procStartTime(process.pid);

    // Act, Assess
    await localFile({ ...record, pid: process.pid, procStartTime: started });
    expect(await findApi({}, {}, dir)).toEqual({
      url: "http://127.0.0.1:3000",
      key: "dun_local",
      source: ".dun/local.json",
    });
    await localFile({ ...record, pid: deadPid });
    expect(await findApi({}, {}, dir)).toBeUndefined();
    await expect(apiLocationOf({}, {}, dir)).rejects.toThrow(/^no dun API to talk to/);
    // Nor is its key sent to the URL it named, should something else listen there now.
    expect((await findApi({ api: "http://127.0.0.1:3000" }, {}, dir))?.key).toBeUndefined();
    if (started !== undefined) {
      await localFile({ ...record, pid: process.pid, procStartTime: String(Number(started) - 1) });
      expect(await findApi({}, {}, dir)).toBeUndefined();
    }
  });

  it("asks for a key only where a route needs one", async () => {
    // Prepare
    const api = new DunApi({ url: localUrl, source: "--api" });
    const io = terminal();

    // Act
    const code = await runCommand(io, () => api.agingReport());

    // Assess
    expect(code).toBe(EXIT.usage);
    expect(io.err.text).toBe(
      `dun: no API key for ${localUrl} (needed for /v1/reports/aging): pass --key KEY or set DUN_API_KEY; \`dun keys create\` makes one\n`,
    );
    expect(seen).toEqual([]);
  });
});

describe("against local mode itself", () => {
  it("moves the clock, holds the dispatcher and makes a key through the real local routes", async () => {
    // Prepare: local mode with its clock stopped on Monday 23 November 2026, 08:00 UTC.
    const stack = await startLocalStack({ start: new Date("2026-11-23T08:00:00Z"), speed: 0 });
    try {
      const api = new DunApi({ url: stack.apiUrl, source: "--api" });
      const [paused, advanced, resumed, clock, key] = [
        terminal(),
        terminal({ json: true }),
        terminal(),
        terminal(),
        terminal({ json: true }),
      ];

      // Act
      await setLocalDispatch({ api, terminal: paused }, true);
      await advanceClock({ api, terminal: advanced }, { duration: "1d" });
      await setLocalDispatch({ api, terminal: resumed }, false);
      await showClock({ api, terminal: clock });
      await createLocalKey({ api, terminal: key }, { tenant: "fjellbyen" });

      // Assess
      expect(JSON.parse(advanced.out.text)).toEqual({
        now: "2026-11-24T08:00:00.000Z",
        ticks: 0,
        emailsSent: 0,
      });
      expect(clock.out.text).toContain("local clock: 2026-11-24 08:00 UTC");
      const { tenantId, apiKey } = JSON.parse(key.out.text);
      expect(tenantId).toBe("fjellbyen");
      const own = new DunApi({ url: stack.apiUrl, key: apiKey, source: "--api" });
      expect((await own.listInvoices()).invoices).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});

describe("local mode's own .dun/local.json", () => {
  it("is removed on a clean stop, unless another local mode has written its own since", async () => {
    // Prepare
    const file = path.join(dir, ".dun", "local.json");
    await mkdir(path.join(dir, ".dun"), { recursive: true });
    const exists = () =>
      access(file).then(
        () => true,
        () => false,
      );

    // Act, Assess
    await writeFile(file, JSON.stringify({ apiUrl: "http://127.0.0.1:3001", pid: process.pid + 1 }));
    await removeLocalFile(process.pid, dir);
    expect(await exists()).toBe(true);
    await writeFile(file, JSON.stringify({ apiUrl: "http://127.0.0.1:3000", pid: process.pid }));
    await removeLocalFile(process.pid, dir);
    expect(await exists()).toBe(false);
    await removeLocalFile(process.pid, dir);
  });
});
