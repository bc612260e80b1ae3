/**
 * `.dun/local.json`: what local mode (`npm start`) writes for the other commands to find it, its
 * URLs and key, and which process it is. A local mode that was killed leaves the file behind; the
 * process it names tells such a file from one whose local mode runs. A pid alone is not enough,
 * since the system gives a dead process's pid to a new one, so on Linux the file also holds when
 * the process started (/proc/<pid>/stat), which a process with a reused pid does not share.
 */
import { readFileSync } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";

/** Where local mode keeps its state, relative to where it runs; `.dun/` is ignored by git. */
export const LOCAL_DIR = ".dun";
export const LOCAL_FILE = path.join(LOCAL_DIR, "local.json");

export const LocalFileSchema = z.looseObject({
  apiUrl: z.string(),
  inboxUrl: z.string().optional(),
  apiKey: z.string().optional(),
  /**
   * Local mode's DynamoDB (dynalite) and dun's table in it: what `dun preview --invoice` reads, as
   * the sender does, without the HTTP API, which shows an invoice but not the item the sender decides on.
   */
  dynamoEndpoint: z.string().optional(),
  tableName: z.string().optional(),
  /** Local mode's process. A file without one (written by hand, or by an older dun) is taken at its word. */
  pid: z.number().int().positive().optional(),
  /** When local mode started, in real time (its simulated clock says something else). */
  startedAt: z.string().optional(),
  /** When its process started, in clock ticks after boot: field 22 of /proc/<pid>/stat; Linux only. */
  procStartTime: z.string().optional(),
});
export type LocalFile = z.infer<typeof LocalFileSchema>;

/** A process as local.json names it. */
export type ProcessIdentity = { pid: number; procStartTime?: string };

/** How this module looks at processes: the system's own, or a fake in a test. */
export type ProcessProbe = {
  /** Whether a process of this pid exists: signal 0 reaches it, or would but for permissions. */
  exists(pid: number): boolean;
  /** The text of /proc/<pid>/stat; undefined where there is none (no such process, or no /proc). */
  stat(pid: number): string | undefined;
};

export const SYSTEM_PROCESSES: ProcessProbe = {
  exists(pid) {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === "EPERM";
    }
  },
  stat(pid) {
    try {
      return readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
      return undefined;
    }
  },
};

/**
 * When a process started, as field 22 of /proc/<pid>/stat says: clock ticks after boot. The second
 * field, the command's name in parentheses, may itself hold spaces and parentheses, so the fields
 * are counted from after its last ")".
 */
export function procStartTime(pid: number, probe: ProcessProbe = SYSTEM_PROCESSES): string | undefined {
  const stat = probe.stat(pid);
  if (stat === undefined) return undefined;
  const fields = stat
    .slice(stat.lastIndexOf(")") + 1)
    .trim()
    .split(/\s+/);
  // fields[0] is field 3 (the state), so field 22 is fields[19].
  const startTime = fields[19];
  return startTime !== undefined && /^\d+$/.test(startTime) ? startTime : undefined;
}

/** This process, as local mode records itself. */
export function thisProcess(probe: ProcessProbe = SYSTEM_PROCESSES): ProcessIdentity {
  const startTime = procStartTime(process.pid, probe);
  return startTime === undefined ? { pid: process.pid } : { pid: process.pid, procStartTime: startTime };
}

/**
 * Whether the process a record names still runs: a process of that pid exists and, where the
 * record has its start time, started then. Without /proc to compare with, the record's start
 * time cannot be confirmed, and the record came from elsewhere (another machine, a container).
 */
export function stillRunning(record: ProcessIdentity, probe: ProcessProbe = SYSTEM_PROCESSES): boolean {
  if (!probe.exists(record.pid)) return false;
  if (record.procStartTime === undefined) return true;
  return procStartTime(record.pid, probe) === record.procStartTime;
}

/**
 * Removes local.json if it is still this process's: a second local mode started in the same
 * directory (on other ports) has written its own since, and keeps running after this one stops.
 */
export async function removeLocalFile(pid: number = process.pid, cwd: string = process.cwd()): Promise<void> {
  const file = path.join(cwd, LOCAL_FILE);
  let recorded: unknown;
  try {
    recorded = JSON.parse(await readFile(file, "utf8"));
  } catch {
    return;
  }
  if (LocalFileSchema.safeParse(recorded).data?.pid === pid) await rm(file, { force: true });
}
