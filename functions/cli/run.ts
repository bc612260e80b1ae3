/**
 * How every command ends: its exit code, and what the user reads when it failed. A failure is
 * one message on stderr, `dun: …`, with the fields the API named on the lines below it; only an
 * unexpected error shows its stack trace. With `--json`, stdout also gets `{"error": {…}}`, so
 * that a script reading stdout always has a document to parse.
 */
import { ApiError, ApiUnreachableError } from "./api-client.ts";
import { CliError, EXIT, type ExitCode, type Terminal, writeJson } from "./command.ts";

/** Runs a command's work and gives its exit code: the one the work returns (else 0), or its failure's. */
export async function runCommand(terminal: Terminal, work: () => Promise<unknown>): Promise<ExitCode> {
  try {
    const result = await work();
    return isExitCode(result) ? result : EXIT.ok;
  } catch (error) {
    return reportFailure(terminal, error);
  }
}

export function reportFailure(terminal: Terminal, error: unknown): ExitCode {
  const { err, out, json } = terminal;
  const failure = failureOf(error);
  err.write(`dun: ${failure.message}\n`);
  for (const field of failure.fields) {
    // A CSV problem's path is "row 7: dueDate", or "row 7: " for the row as a whole.
    const where = field.path.replace(/:\s*$/, "") || "(the request)";
    err.write(`  ${where}: ${field.message}\n`);
  }
  if (
    failure.exitCode === EXIT.failed &&
    !(error instanceof CliError) &&
    error instanceof Error &&
    error.stack
  ) {
    err.write(`${error.stack}\n`);
  }
  if (json) {
    writeJson(out, {
      error: {
        exitCode: failure.exitCode,
        message: failure.message,
        ...(error instanceof ApiError ? { status: error.status, problem: error.problem.body } : {}),
      },
    });
  }
  return failure.exitCode;
}

function isExitCode(value: unknown): value is ExitCode {
  return (Object.values(EXIT) as unknown[]).includes(value);
}

type Failure = { exitCode: ExitCode; message: string; fields: { path: string; message: string }[] };

function failureOf(error: unknown): Failure {
  if (error instanceof ApiError) {
    return { exitCode: EXIT.refused, message: error.message, fields: error.problem.errors };
  }
  if (error instanceof ApiUnreachableError) {
    return { exitCode: EXIT.unreachable, message: error.message, fields: [] };
  }
  if (error instanceof CliError) return { exitCode: error.exitCode, message: error.message, fields: [] };
  const message = error instanceof Error ? error.message : String(error);
  return { exitCode: EXIT.failed, message: `unexpected error: ${message}`, fields: [] };
}
