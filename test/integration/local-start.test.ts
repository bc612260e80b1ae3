/**
 * `npm start` from the outside, as a newcomer runs it: a child process that prints DUN_READY, takes
 * a CSV upload over HTTP, plays the ladder out when its clock is moved, puts the reminders in the
 * inbox in their debtors' languages, and leaves nothing running after Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createConnection } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";

const ReadySchema = z.object({ apiUrl: z.string(), inboxUrl: z.string(), apiKey: z.string() });
type Ready = z.infer<typeof ReadySchema>;

const children: ChildProcess[] = [];
/** npm start runs in the repository, so its local mode writes the repository's .dun/local.json. */
const LOCAL_FILE = ".dun/local.json";

type NpmStart = {
  child: ChildProcess;
  ready: Promise<Ready>;
  output: () => string;
  /** The first whole line, on stdout or stderr, that starts with `prefix`; fails if npm start ends without one. */
  line: (prefix: string) => Promise<string>;
};

/** `npm start -- …args` in its own process group, as a terminal would run it. */
function npmStart(args: string[]): NpmStart {
  const child = spawn("npm", ["start", "--silent", "--", ...args], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
  });
  children.push(child);
  let output = "";
  const waiting = new Set<() => boolean>();
  const heard = (chunk: Buffer) => {
    output += chunk.toString();
    for (const check of waiting) check();
  };
  child.stdout?.on("data", heard);
  child.stderr?.on("data", heard);
  // "close", not "exit": npm may end before dun has written its last words to the shared pipe.
  const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
  const line = (prefix: string) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = output
          .split("\n")
          .slice(0, -1)
          .find((candidate) => candidate.startsWith(prefix));
        if (found === undefined) return false;
        waiting.delete(check);
        resolve(found);
        return true;
      };
      if (check()) return;
      waiting.add(check);
      void closed.then(() => {
        if (!check())
          reject(new Error(`npm start ended without a line ${JSON.stringify(prefix)}:\n${output}`));
      });
    });
  const ready = new Promise<Ready>((resolve, reject) => {
    const timeout = setTimeout(() => reject(new Error(`no DUN_READY within 90 s:\n${output}`)), 90_000);
    line("DUN_READY ")
      .then((found) => resolve(ReadySchema.parse(JSON.parse(found.slice("DUN_READY ".length)))), reject)
      .finally(() => clearTimeout(timeout));
  });
  return { child, ready, output: () => output, line };
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function portOpen(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = createConnection({ host: hostname, port: Number(port) });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

async function waitFor(condition: () => boolean | Promise<boolean>, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

afterEach(async () => {
  // Stopped as a user would (so that local mode removes its .dun/local.json), and killed if it will not.
  for (const child of children.splice(0)) {
    const pid = child.pid;
    if (!pid || !groupAlive(pid)) continue;
    process.kill(-pid, "SIGINT");
    if (!(await waitFor(() => !groupAlive(pid), 10_000))) process.kill(-pid, "SIGKILL");
  }
});

describe("npm start", () => {
  it("takes a CSV upload, and the reminders land in the inbox in their debtors' languages as the clock moves", async () => {
    // Arrange: the clock frozen on Monday 23 November 2026, 08:00 UTC.
    const { ready } = npmStart([
      "--port",
      "0",
      "--ses-port",
      "0",
      "--speed",
      "0",
      "--start",
      "2026-11-23T08:00:00Z",
    ]);
    const { apiUrl, inboxUrl, apiKey } = await ready;

    // Act: the example export, then a fortnight.
    const upload = await fetch(`${apiUrl}/v1/invoices`, {
      method: "POST",
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "text/csv" },
      body: readFileSync("docs/examples/invoices.csv", "utf8"),
    });
    const moved = await fetch(`${apiUrl}/_local/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance: "14d" }),
    });

    // Assess
    expect(upload.status).toBe(200);
    expect(JSON.parse(await upload.text()).summary).toMatchObject({ created: 5, rejected: 0 });
    expect(JSON.parse(await moved.text()).now).toBe("2026-12-07T08:00:00.000Z");
    const { emails } = (await (await fetch(`${inboxUrl}/store`)).json()) as {
      emails: { subject: string; destination: { to: string[] } }[];
    };
    const subjectTo = (address: string) =>
      emails
        .filter((email) => email.destination.to.join(",").includes(address))
        .map((email) => email.subject);
    expect(subjectTo("faktura@fjordlys.example")).toContainEqual(
      expect.stringMatching(/^Betalingspåminnelse/),
    );
    expect(subjectTo("bogholderi@havnegade.example")).toContainEqual(
      expect.stringMatching(/^Betalingspåmindelse/),
    );
    expect(subjectTo("anna.lindqvist@post.example")).toContainEqual(expect.stringMatching(/^Påminnelse/));
    expect(subjectTo("rechnung@mueller-soehne.example")).toContainEqual(expect.stringMatching(/fällig/));
    expect(subjectTo("amministrazione@dalucia.example")).toContainEqual(expect.stringMatching(/scad/));
  }, 180_000);

  it("stops everything on Ctrl-C and leaves no process or port behind", async () => {
    const { child, ready, line } = npmStart(["--port", "0", "--ses-port", "0"]);
    const { apiUrl, inboxUrl } = await ready;
    const pid = child.pid as number;
    // local.json names dun's own process, one of npm start's group, and when it started.
    const recorded = JSON.parse(readFileSync(LOCAL_FILE, "utf8"));
    expect(recorded).toMatchObject({
      apiUrl,
      inboxUrl,
      pid: expect.any(Number),
      startedAt: expect.any(String),
    });
    if (process.platform === "linux") expect(recorded.procStartTime).toMatch(/^\d+$/);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once("close", (code, signal) => resolve({ code, signal })),
    );

    // Ctrl-C in a terminal signals the whole foreground process group, and npm passes the SIGINT
    // it got on to dun as well: dun hears it twice.
    process.kill(-pid, "SIGINT");

    // dun stops cleanly and says so; npm then ends by the signal, as a shell expects of a Ctrl-C'd
    // command, or with dun's 0.
    expect(await line("dun: stopped.")).toBe("dun: stopped.");
    expect([
      { code: 0, signal: null },
      { code: null, signal: "SIGINT" },
    ]).toContainEqual(await exited);
    expect(await waitFor(() => !groupAlive(pid), 10_000)).toBe(true);
    expect(await portOpen(apiUrl)).toBe(false);
    expect(await portOpen(inboxUrl)).toBe(false);
    expect(existsSync(LOCAL_FILE)).toBe(false);
  }, 180_000);

  it("says which port is taken, and how to choose another", async () => {
    const first = npmStart(["--port", "0", "--ses-port", "0"]);
    const { apiUrl } = await first.ready;
    const port = new URL(apiUrl).port;

    const second = npmStart(["--port", port, "--ses-port", "0"]);
    const code = await new Promise<number | null>((resolve) => second.child.once("exit", resolve));
    second.ready.catch(() => undefined);

    expect(code).toBe(1);
    expect(second.output()).toContain(`port ${port} is in use`);
    expect(second.output()).toContain("--port");
  }, 180_000);
});
