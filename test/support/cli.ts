/**
 * The dun CLI as the tests drive it: a terminal that keeps what a command writes, the real `dun`
 * run as a subprocess, and a port nothing listens on. The API the CLI talks to is ./api.ts's.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";

/** What a command wrote to one stream, as the terminal would show it. */
export type Written = { text: string; write(text: string): void };

export function output(): Written {
  const written = {
    text: "",
    write(text: string) {
      written.text += text;
    },
  };
  return written;
}

/** stdout and stderr as a terminal would show them; stderr is a terminal (a progress bar's) only when `tty`. */
export function terminal(options: { json?: boolean; tty?: boolean } = {}) {
  return {
    out: output(),
    err: Object.assign(output(), { isTTY: options.tty ?? false, columns: 100 }),
    json: options.json ?? false,
  };
}

const BIN = path.resolve(import.meta.dirname, "../../functions/cli/bin.js");

export type DunRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs `node functions/cli/bin.js …` in `cwd`, with only the environment given (and PATH, and
 * `cwd` as a HOME without AWS profiles), so that no DUN_* or AWS_* of this one leaks in. `cwd`
 * should be away from the repository, whose .dun/local.json (local mode running) would send
 * commands there. The AWS SDK's notice that its releases after January 2027 need Node 22 is
 * turned off, so that stderr holds only what dun says.
 */
export function runDun(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<DunRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: options.cwd,
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...options.env,
      },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A port on 127.0.0.1 that nothing listens on: an API that cannot be reached. */
export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
