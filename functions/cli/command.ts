/** What dun's commands share: where they write, which table, how they fail, and the exit codes. */
import { readFile } from "node:fs/promises";

/** Where a command writes what the user reads: process.stdout in the shell, a buffer in a test. */
export type Output = { write(text: string): unknown };

/** stderr, which may be a terminal: a progress bar is drawn only where someone watches it. */
export type Stderr = Output & { isTTY?: boolean; columns?: number };

/**
 * Where a command that talks to the API writes: its answer on `out`, progress and messages on
 * `err`. With `json`, `out` holds one JSON document and nothing else, for scripts to parse.
 */
export type Terminal = { out: Output; err: Stderr; json: boolean };

/**
 * The exit codes of `dun`, part of its interface: scripts branch on them, so a number never
 * changes its meaning. docs/CLI.md and `dun --help` list them.
 */
export const EXIT = {
  ok: 0,
  /** Anything else: a file that cannot be read, a tenant not stored, or an unexpected error. */
  failed: 1,
  /** The command line is wrong: commander's own errors, and what the commands check themselves. */
  usage: 2,
  /** The API (or AWS) refused the request, or an upload had rows rejected. */
  refused: 3,
  /** The API could not be reached at all. */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * A failure the user can act on: dun.ts prints its message alone on stderr and exits with its
 * `exitCode` (1 unless said otherwise), without the stack trace an unexpected error gets.
 */
export class CliError extends Error {
  override readonly name = "CliError";
  readonly exitCode: ExitCode;

  constructor(message: string, exitCode: ExitCode = EXIT.failed) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** A command line the command cannot run: an option missing or a value it cannot read. Exit code 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** The table to work on: --table, or else the TABLE_NAME the Lambdas are configured with. */
export function tableNameOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const tableName = option ?? env.TABLE_NAME;
  if (tableName === undefined || tableName === "") {
    throw new CliError("no table given: pass --table <name> or set TABLE_NAME");
  }
  return tableName;
}

/** A `--json` answer on `out`: one document, indented, since people read it too. */
export function writeJson(out: Output, value: unknown): void {
  out.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A file the user named, as text; one that cannot be read is a CliError naming it and why. */
export async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}
