/**
 * `dun dev` (and `npm start`): local mode in the foreground. Starts the local stack, says where
 * everything is and what to try, writes `.dun/local.json` so that the other commands find it
 * (local-file.ts), and prints one `DUN_READY {json}` line for scripts. Ctrl-C (or SIGTERM) stops
 * everything, removes the file and exits; stop-signals.ts says how the signals are heard, from
 * before anything starts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PortInUse } from "#local/listen.ts";
import { type LocalStack, startLocalStack } from "#local/local-stack.ts";
import { LOCAL_DIR, LOCAL_FILE, type LocalFile, removeLocalFile, thisProcess } from "./local-file.ts";
import { catchStopSignals } from "./stop-signals.ts";

export const DEFAULT_API_PORT = 3000;
export const DEFAULT_SES_PORT = 8005;

export type DevOptions = {
  port: number;
  sesPort: number;
  persist: boolean;
  speed: number;
  host?: string;
  /** Where the clock starts; now by default. */
  start?: Date;
};

type Output = { write(text: string): unknown };

export async function runDev(
  options: DevOptions,
  out: Output = process.stdout,
  err: Output = process.stderr,
) {
  // Before anything starts, so that a Ctrl-C during start-up is not the default action's to answer.
  const signals = catchStopSignals({ err });
  let stack: LocalStack;
  try {
    stack = await startLocalStack({
      host: options.host,
      port: options.port,
      sesPort: options.sesPort,
      persistDir: options.persist ? join(LOCAL_DIR, "data") : undefined,
      speed: options.speed,
      start: options.start,
      onSent: (sent, at) =>
        out.write(
          `${at.toISOString().slice(0, 16).replace("T", " ")}Z  sent ${sent.step} for ${sent.invoiceNumber}\n`,
        ),
    });
  } catch (error) {
    signals.remove();
    if (error instanceof PortInUse) {
      const option = error.what === "the SES inbox" ? "--ses-port" : "--port";
      err.write(`dun: ${error.message} (${option} <port>).\n`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }

  const ready = { apiUrl: stack.apiUrl, inboxUrl: stack.inboxUrl, apiKey: stack.apiKey };
  // Stopped while starting: nothing to announce, only something to close.
  if (!signals.stopping) {
    await mkdir(LOCAL_DIR, { recursive: true });
    // Which process this is, so that a file left behind when it is killed is known for what it is.
    const record: LocalFile = {
      ...ready,
      dynamoEndpoint: stack.dynamo.endpoint,
      tableName: stack.dynamo.tableName,
      ...thisProcess(),
      startedAt: new Date().toISOString(),
    };
    await writeFile(LOCAL_FILE, `${JSON.stringify(record, null, 2)}\n`);
    out.write(banner(stack, options));
    out.write(`DUN_READY ${JSON.stringify(ready)}\n`);
  }

  await signals.requested;
  out.write("\ndun: stopping…\n");
  await stack.close();
  await removeLocalFile();
  out.write("dun: stopped.\n");
  process.exit(0);
}

function banner(stack: LocalStack, options: DevOptions): string {
  const clock =
    options.speed === 0
      ? "stopped: only `npx dun clock advance` moves it"
      : options.speed === 1
        ? "running at real time"
        : `running at ${options.speed}× real time (a day in ${Math.round(86_400 / options.speed)} s)`;
  return `
dun is running locally — no AWS account involved.

  HTTP API   ${stack.apiUrl}        (docs/API.md; GET /v1/openapi.json)
  Inbox      ${stack.inboxUrl}        (every email dun sends lands here)
  API key    ${stack.apiKey}
  Tenant     ${stack.tenantId} (Nordlys Regnskap), ${stack.demoInvoices} demo invoices in 8 languages
  Clock      ${stack.clock.now().toISOString()}, ${clock}
  Data       ${options.persist ? `${LOCAL_DIR}/data (kept between runs)` : "in memory (--persist keeps it)"}

Try next, in another terminal:
  npx dun clock advance 14d            watch two weeks of reminders go out
  npx dun list --overdue               what is owed
  npx dun upload docs/examples/invoices.csv
  curl -H "Authorization: Bearer ${stack.apiKey}" ${stack.apiUrl}/v1/reports/aging

Ctrl-C stops everything.
`;
}
