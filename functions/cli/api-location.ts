/**
 * Where the CLI finds the dun API and its key: `--api URL` / `--key K`, else the environment
 * (DUN_API_URL, DUN_API_KEY), else the `.dun/local.json` that local mode (`npm start`) writes in
 * the directory it runs in. The first place that names a URL wins. The key is --key, else the
 * one that goes with the URL's source: DUN_API_KEY with a URL from --api or DUN_API_URL, local
 * mode's own with local mode's URL. A key from local.json is only ever sent to local.json's own
 * URL, so a local key never travels to a deployed stack. A local.json whose local mode no longer
 * runs (killed, so it could not remove the file) names nothing: see local-file.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { CliError, UsageError } from "./command.ts";
import { LOCAL_FILE, type LocalFile, LocalFileSchema, stillRunning } from "./local-file.ts";

export type ApiLocation = {
  /** The API's base URL, without a trailing slash: routes (`/v1/…`) are appended to it. */
  url: string;
  key?: string;
  /** Where the URL came from, for messages: "--api", "DUN_API_URL" or ".dun/local.json". */
  source: string;
};

export type LocateOptions = { api?: string; key?: string };

/** The API to talk to, or undefined when nothing names one (see apiLocationOf for the error). */
export async function findApi(
  options: LocateOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<ApiLocation | undefined> {
  const fromOptions = nonEmpty(options.api);
  const fromEnv = nonEmpty(env.DUN_API_URL);
  const given = fromOptions ?? fromEnv;
  const key = nonEmpty(options.key) ?? nonEmpty(env.DUN_API_KEY);
  if (given !== undefined) {
    const source = fromOptions !== undefined ? "--api" : "DUN_API_URL";
    const url = baseUrlOf(given, source);
    if (key !== undefined) return { url, source, key };
    // --api pointing at local mode needs no --key: local.json has it. A broken local.json is no
    // reason to refuse a URL given outright, so it is then only a key not found.
    const local = await readLocalFile(cwd).catch(() => undefined);
    const sameApi = local !== undefined && sameUrl(local.apiUrl, url);
    return withKey({ url, source }, sameApi ? nonEmpty(local.apiKey) : undefined);
  }
  const local = await readLocalFile(cwd);
  if (local === undefined) return undefined;
  // Local mode's own key before DUN_API_KEY, which belongs with a DUN_API_URL that is not set.
  const localKey = nonEmpty(options.key) ?? nonEmpty(local.apiKey) ?? nonEmpty(env.DUN_API_KEY);
  return withKey({ url: baseUrlOf(local.apiUrl, LOCAL_FILE), source: LOCAL_FILE }, localKey);
}

function sameUrl(raw: string, url: string): boolean {
  try {
    return baseUrlOf(raw, LOCAL_FILE) === url;
  } catch {
    return false;
  }
}

function withKey(location: ApiLocation, key: string | undefined): ApiLocation {
  return key === undefined ? location : { ...location, key };
}

/** The API to talk to; with none named anywhere, a usage error that says how to name one. */
export async function apiLocationOf(
  options: LocateOptions,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<ApiLocation> {
  const location = await findApi(options, env, cwd);
  if (!location) throw new UsageError(NO_API);
  return location;
}

export const NO_API =
  "no dun API to talk to: start local mode with `npm start` and run dun in the same directory (it reads the " +
  ".dun/local.json local mode writes there), or pass --api URL --key KEY (or set DUN_API_URL and DUN_API_KEY) " +
  "for a deployed stack";

/** Whether the API runs on this machine, as local mode's does. */
export function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "localhost" || host === "[::1]" || /^127(\.\d{1,3}){3}$/.test(host);
}

function baseUrlOf(raw: string, source: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(`${source} ${JSON.stringify(raw)} is not a URL such as http://127.0.0.1:3000`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} ${JSON.stringify(raw)} must be an http:// or https:// URL`);
  }
  if (url.search !== "" || url.hash !== "") {
    throw new UsageError(`${source} ${JSON.stringify(raw)} must not have a query string or fragment`);
  }
  // A stage path (https://…/prod) is kept: the routes go under it.
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Local mode's local.json in `cwd`, or undefined when there is none or its local mode no longer runs. */
export async function readLocalFile(cwd: string = process.cwd()): Promise<LocalFile | undefined> {
  const file = path.join(cwd, LOCAL_FILE);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new CliError(`cannot read ${LOCAL_FILE}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${LOCAL_FILE} is not JSON (${(error as Error).message}); restart local mode with \`npm start\``,
    );
  }
  const parsed = LocalFileSchema.safeParse(json);
  if (!parsed.success) {
    const [issue] = parsed.error.issues;
    const fault =
      issue === undefined || issue.path[0] === "apiUrl"
        ? 'has no "apiUrl"'
        : `is not as local mode writes it (${issue.path.join(".")}: ${issue.message})`;
    throw new CliError(`${LOCAL_FILE} ${fault}; restart local mode with \`npm start\``);
  }
  const { pid, procStartTime } = parsed.data;
  if (pid !== undefined && !stillRunning({ pid, procStartTime })) return undefined;
  return parsed.data;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}
