/**
 * Where `dun keys create` makes its key: in a deployed stack's table whenever one is named (as
 * docs/DEPLOY.md step 7 names it, with TABLE_NAME), even while local mode runs; through local
 * mode's route otherwise; and never in two places at once.
 */
import { describe, expect, it } from "vitest";
import { CliError, UsageError } from "../../functions/cli/command.ts";
import { keyTargetOf } from "../../functions/cli/keys.ts";

describe("where dun keys create makes its key", () => {
  it("is the table of --table, or of TABLE_NAME, before any API the CLI would find", () => {
    expect(keyTargetOf({ table: "dun" }, {})).toEqual({ kind: "table", tableName: "dun" });
    expect(keyTargetOf({}, { TABLE_NAME: "dun" })).toEqual({ kind: "table", tableName: "dun" });
    expect(keyTargetOf({ table: "dun-staging" }, { TABLE_NAME: "dun" })).toEqual({
      kind: "table",
      tableName: "dun-staging",
    });
  });

  it("is the table of TABLE_NAME even when DUN_API_URL names local mode", () => {
    const env = { TABLE_NAME: "dun", DUN_API_URL: "http://127.0.0.1:3000" };
    expect(keyTargetOf({}, env)).toEqual({ kind: "table", tableName: "dun" });
  });

  it("is the table when --api names a deployed stack, whose keys only its table can make", () => {
    const api = "https://abc123.execute-api.eu-north-1.amazonaws.com";
    expect(keyTargetOf({ api, table: "dun" }, {})).toEqual({ kind: "table", tableName: "dun" });
    expect(keyTargetOf({ api }, { TABLE_NAME: "dun" })).toEqual({ kind: "table", tableName: "dun" });
  });

  it("is the API the CLI finds when no table is named", () => {
    expect(keyTargetOf({}, {})).toEqual({ kind: "api" });
    expect(keyTargetOf({}, { TABLE_NAME: "" })).toEqual({ kind: "api" });
    expect(keyTargetOf({ api: "https://dun.example" }, {})).toEqual({ kind: "api" });
  });

  it("is local mode when --api names it, before the TABLE_NAME of the environment", () => {
    expect(keyTargetOf({ api: "http://127.0.0.1:3000" }, { TABLE_NAME: "dun" })).toEqual({ kind: "api" });
    expect(keyTargetOf({ api: "http://localhost:3000/" }, { TABLE_NAME: "dun" })).toEqual({ kind: "api" });
  });

  it("is a usage error naming both when the command line names local mode and a table", () => {
    const both = () => keyTargetOf({ api: "http://127.0.0.1:3000", table: "dun" }, {});
    expect(both).toThrow(UsageError);
    expect(both).toThrow(
      "--api http://127.0.0.1:3000 is local mode and --table dun a deployed stack's table: " +
        "a key is made in one of them, so pass only one",
    );
  });

  it("refuses an empty --table as no table at all", () => {
    const empty = () => keyTargetOf({ table: "" }, { TABLE_NAME: "dun" });
    expect(empty).toThrow(CliError);
    expect(empty).toThrow("no table given: pass --table <name> or set TABLE_NAME");
  });
});
