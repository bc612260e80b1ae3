/**
 * Which process local mode's .dun/local.json names, and whether it still runs: a pid that answers
 * is not enough, since a dead process's pid goes to the next one; the start time in
 * /proc/<pid>/stat tells the two apart. The processes here are a fake table of pids.
 */
import { describe, expect, it } from "vitest";
import {
  type ProcessProbe,
  procStartTime,
  stillRunning,
  thisProcess,
} from "../../functions/cli/local-file.ts";

/** /proc/<pid>/stat as Linux writes it, with `startTime` as field 22. */
function statLine(pid: number, command: string, startTime: string): string {
  const fields3to21 = "S 1 4242 4242 0 -1 4194560 3137 0 0 0 41 9 0 0 20 0 11 0".split(" ");
  const rest = "1259544576 21822 18446744073709551615 4194304 4199205 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
  return `${pid} (${command}) ${fields3to21.join(" ")} ${startTime} ${rest}\n`;
}

/** Processes by pid, each with its /proc stat line; none of them without /proc. */
function processes(table: Record<number, string | undefined>, withProc = true): ProcessProbe {
  return {
    exists: (pid) => pid in table,
    stat: (pid) => (withProc ? table[pid] : undefined),
  };
}

describe("a process's start time", () => {
  it("is field 22 of /proc/<pid>/stat", () => {
    const probe = processes({ 4242: statLine(4242, "node", "78347") });
    expect(procStartTime(4242, probe)).toBe("78347");
  });

  it("is counted from after the command's name, which may hold spaces and parentheses", () => {
    const probe = processes({ 4242: statLine(4242, "dun (dev) 1 2 3", "912") });
    expect(procStartTime(4242, probe)).toBe("912");
  });

  it("is unknown without /proc, or for a process that is gone", () => {
    expect(procStartTime(4242, processes({ 4242: statLine(4242, "node", "912") }, false))).toBeUndefined();
    expect(procStartTime(4243, processes({}))).toBeUndefined();
  });

  it("is recorded for this process where there is a /proc", () => {
    const withProc = processes({ [process.pid]: statLine(process.pid, "node", "5150") });
    const withoutProc = processes({ [process.pid]: undefined });
    expect(thisProcess(withProc)).toEqual({ pid: process.pid, procStartTime: "5150" });
    expect(thisProcess(withoutProc)).toEqual({ pid: process.pid });
  });
});

describe("whether the local mode of a record still runs", () => {
  it("does while its pid answers and its process started when the record says", () => {
    const probe = processes({ 4242: statLine(4242, "node", "78347") });
    expect(stillRunning({ pid: 4242, procStartTime: "78347" }, probe)).toBe(true);
  });

  it("does not once its process is gone", () => {
    const probe = processes({ 4243: statLine(4243, "node", "78347") });
    expect(stillRunning({ pid: 4242, procStartTime: "78347" }, probe)).toBe(false);
    expect(stillRunning({ pid: 4242 }, probe)).toBe(false);
  });

  it("does not when its pid now belongs to a process that started later", () => {
    const probe = processes({ 4242: statLine(4242, "bash", "99120") });
    expect(stillRunning({ pid: 4242, procStartTime: "78347" }, probe)).toBe(false);
  });

  it("goes by the pid alone for a record without a start time (written where there is no /proc)", () => {
    const probe = processes({ 4242: undefined }, false);
    expect(stillRunning({ pid: 4242 }, probe)).toBe(true);
  });

  it("cannot be confirmed by a start time where there is no /proc to compare it with", () => {
    const probe = processes({ 4242: statLine(4242, "node", "78347") }, false);
    expect(stillRunning({ pid: 4242, procStartTime: "78347" }, probe)).toBe(false);
  });
});
