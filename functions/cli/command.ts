/** What the commands that work on dun's table share: where they write, which table, and how they fail. */

/** Where a command writes what the user reads: process.stdout in the shell, a buffer in a test. */
export type Output = { write(text: string): unknown };

/**
 * A failure the user can act on: dun.ts prints its message alone on stderr and exits with 1,
 * without the stack trace an unexpected error gets.
 */
export class CliError extends Error {
  override readonly name = "CliError";
}

/** The table to work on: --table, or else the TABLE_NAME the Lambdas are configured with. */
export function tableNameOf(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const tableName = option ?? env.TABLE_NAME;
  if (tableName === undefined || tableName === "") {
    throw new CliError("no table given: pass --table <name> or set TABLE_NAME");
  }
  return tableName;
}
