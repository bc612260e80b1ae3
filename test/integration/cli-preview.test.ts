/**
 * `dun preview --invoice N` as a subprocess against a pipeline's real table (dynalite): the email it
 * writes is the one the sender then sends for that step, word for word, through aws-ses-v2-local;
 * it sends and writes nothing itself; and an invoice it cannot preview is a clear error. Last, the
 * same in local mode, found by its .dun/local.json, on its simulated clock.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { StoredEmail } from "#local/local-ses.ts";
import { startLocalStack } from "#local/local-stack.ts";
import { thisProcess } from "../../functions/cli/local-file.ts";
import { addApiKey } from "../support/api.ts";
import { runDun } from "../support/cli.ts";
import { anInvoiceInput } from "../support/invoices.ts";
import { type Pipeline, startPipeline } from "../support/pipeline.ts";

let pipeline: Pipeline;
let dir: string;

/** `dun …` in `dir`, away from the repository's .dun/local.json, at the pipeline's table. */
function dun(args: string[], env: Record<string, string> = {}) {
  return runDun(args, {
    cwd: dir,
    env: {
      TABLE_NAME: pipeline.dynamo.tableName,
      AWS_ENDPOINT_URL_DYNAMODB: pipeline.dynamo.endpoint,
      AWS_REGION: "eu-north-1",
      AWS_ACCESS_KEY_ID: "local",
      AWS_SECRET_ACCESS_KEY: "local",
      // The PNG is Chromium's business (test/templates/preview.test.ts); the words are this file's.
      CHROMIUM_PATH: path.join(dir, "no-chromium"),
      ...env,
    },
  });
}

type Preview = { step: string; at: string; to: string[]; cc: string[]; replyTo: string; text: string };

async function preview(invoiceNumber: string, at: Date): Promise<Preview> {
  const run = await dun([
    "preview",
    "--invoice",
    invoiceNumber,
    "--tenant",
    "nordlys",
    "--at",
    at.toISOString(),
    "--out",
    dir,
    "--json",
  ]);
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
}

/** The text file as the preview wrote it: its header lines, and the plain-text part after them. */
async function writtenText(file: string) {
  const written = await readFile(file, "utf8");
  const blank = written.indexOf("\n\n");
  return { headers: written.slice(0, blank).split("\n"), body: written.slice(blank + 2) };
}

/**
 * What the sender sent the debtor at the step's own time: the pipeline's tick then, and the one new
 * email to the debtor in SES (the account manager's one note may go in the same tick, to them).
 */
async function sentAt(at: string, before: number): Promise<StoredEmail> {
  pipeline.clock.now = new Date(at);
  await pipeline.tick();
  const emails = (await pipeline.ses.store()).filter((email) =>
    email.destination.to.includes("faktura@fjordlys.example"),
  );
  expect(emails).toHaveLength(before + 1);
  return emails[before] as StoredEmail;
}

beforeEach(async () => {
  pipeline = await startPipeline({ start: new Date("2026-11-20T10:00:00Z") });
  await pipeline.addTenant();
  dir = await mkdtemp(path.join(tmpdir(), "dun-preview-"));
});

afterEach(async () => {
  await pipeline.close();
  await rm(dir, { recursive: true, force: true });
});

describe("dun preview --invoice", () => {
  it("writes the email the sender then sends for each step, to the same people", async () => {
    // Prepare: due Monday 16 November, so reminder_1 falls due on the 23rd, a week overdue (the
    // account manager is told once, in a note of their own, never copied), and reminder_2, which
    // claims interest, on 7 December: its amounts are counted to that day, not to the day it is
    // previewed.
    await pipeline.addInvoice(
      anInvoiceInput({
        customer: {
          ...anInvoiceInput().customer,
          email: ["faktura@fjordlys.example", "regnskap@fjordlys.example"],
        },
      }),
    );

    const steps = [
      { stage: "reminder_1", at: "2026-11-23T08:00:00.000Z", cc: [] },
      { stage: "reminder_2", at: "2026-12-07T08:00:00.000Z", cc: [] },
    ];
    for (const [index, { stage, at, cc }] of steps.entries()) {
      // Act
      const previewed = await preview("2026-1001", pipeline.clock.now);
      const sent = await sentAt(previewed.at, index);

      // Assess
      expect(previewed).toMatchObject({ step: stage, at, cc });
      expect(pipeline.outcomes.at(-1)).toMatchObject({ outcome: "sent", step: stage });
      const { headers, body } = await writtenText(previewed.text);
      expect(body).toBe(sent.body.text);
      expect(headers).toEqual([
        `To: ${sent.destination.to.join(", ")}`,
        ...(sent.destination.cc.length > 0 ? [`Cc: ${sent.destination.cc.join(", ")}`] : []),
        `Reply-To: ${sent.replyTo.join(", ")}`,
        `Subject: ${sent.subject}`,
      ]);
      expect(previewed.to).toEqual(["faktura@fjordlys.example", "regnskap@fjordlys.example"]);
      expect(await readFile(path.join(dir, `2026-1001.${stage}.html`), "utf8")).toBe(sent.body.html);
    }
    // Counted to 7 December, two weeks after the preview was asked for: the interest is the step's.
    expect((await writtenText(path.join(dir, "2026-1001.reminder_2.txt"))).body).toMatch(/rente/i);
  });

  it("sends nothing and writes nothing to the table", async () => {
    // Prepare
    await pipeline.addInvoice(anInvoiceInput());
    const before = await pipeline.invoices.get("nordlys", "2026-1001");

    // Act
    await preview("2026-1001", new Date("2026-11-23T08:00:00Z"));

    // Assess
    expect(await pipeline.ses.store()).toEqual([]);
    expect(await pipeline.invoices.get("nordlys", "2026-1001")).toEqual(before);
  });

  it("takes the tenant from the API key when no --tenant names it", async () => {
    // Prepare
    await pipeline.addInvoice(anInvoiceInput());
    const key = await addApiKey(pipeline.dynamo, "nordlys");

    // Act
    const run = await dun(
      ["preview", "--invoice", "2026-1001", "--at", "2026-11-20T10:00:00Z", "--out", dir],
      {
        DUN_API_KEY: key,
      },
    );

    // Assess
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^Invoice 2026-1001: reminder_1 at 2026-11-23 08:00 UTC\nTo: faktura@fjordlys.example\n/,
    );
    expect(run.stdout).toContain(`wrote ${path.join(dir, "2026-1001.reminder_1.txt")}\n`);
  });

  it("says there is no such invoice, in which table, and exits with 1", async () => {
    // Act
    const run = await dun(["preview", "--invoice", "NOPE", "--tenant", "nordlys", "--out", dir]);

    // Assess
    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr: "dun: no invoice NOPE of tenant nordlys in table dun-test\n",
    });
  });

  it("says a paid invoice has no email to send, and exits with 1", async () => {
    // Prepare
    await pipeline.addInvoice(anInvoiceInput());
    const paid = await pipeline.call("POST", "/v1/invoices/2026-1001/payments", { amount: "12500.00" });
    expect(paid.status).toBe(200);

    // Act
    const run = await dun(["preview", "--invoice", "2026-1001", "--tenant", "nordlys", "--out", dir]);

    // Assess
    expect(run).toEqual({
      code: 1,
      stdout: "",
      stderr: "dun: invoice 2026-1001 has no email to send: it is paid\n",
    });
  });

  it("says until when a promised invoice waits, and how to preview it then", async () => {
    // Prepare
    await pipeline.addInvoice(anInvoiceInput());
    const promised = await pipeline.call("POST", "/v1/invoices/2026-1001/promise", { date: "2026-11-30" });
    expect(promised.status).toBe(200);

    // Act
    const run = await dun([
      "preview",
      "--invoice",
      "2026-1001",
      "--tenant",
      "nordlys",
      "--at",
      "2026-11-20T10:00:00Z",
    ]);

    // Assess
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^dun: invoice 2026-1001 has no email to send yet: it waits until (\S+ \S+) UTC, when its promised date \(and grace\) runs out; .*\(preview it with --at \S+\)\n$/,
    );
  });

  it("is a usage error with the sample options, or with neither", async () => {
    // Act
    const both = await dun(["preview", "--invoice", "2026-1001", "--stage", "reminder_1"]);
    const neither = await dun(["preview"]);

    // Assess
    expect(both).toMatchObject({ code: 2, stderr: expect.stringContaining("--stage with --invoice") });
    expect(neither).toMatchObject({ code: 2, stderr: expect.stringContaining("--invoice N") });
  });
});

describe("dun preview --invoice in local mode", () => {
  it("reads local mode's table on its clock, for the tenant of its key, and local mode then sends that email", async () => {
    // Prepare: local mode with its demo invoices, its clock stopped, and the .dun/local.json that
    // `npm start` writes in the directory dun runs in.
    const stack = await startLocalStack({ speed: 0, start: new Date("2026-11-20T10:00:00Z") });
    try {
      await mkdir(path.join(dir, ".dun"));
      await writeFile(
        path.join(dir, ".dun", "local.json"),
        JSON.stringify({
          apiUrl: stack.apiUrl,
          apiKey: stack.apiKey,
          dynamoEndpoint: stack.dynamo.endpoint,
          tableName: stack.dynamo.tableName,
          ...thisProcess(),
        }),
      );
      const before = (await stack.ses.store()).length;

      // Act: no table, no tenant, no time given.
      const run = await runDun(["preview", "--invoice", "DEMO-1003", "--out", dir, "--json"], {
        cwd: dir,
        env: { CHROMIUM_PATH: path.join(dir, "no-chromium") },
      });

      // Assess
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      const previewed: Preview = JSON.parse(run.stdout);
      // Due on the 24th by local mode's clock, not this machine's: the heads-up goes on Monday the 23rd.
      expect(previewed).toMatchObject({ step: "courtesy", at: expect.stringMatching(/^2026-11-23T/) });
      await stack.clock.advanceTo(new Date(previewed.at));
      const emails = await stack.ses.store();
      const sent = emails.slice(before).find((email) => email.subject.includes("DEMO-1003"));
      expect((await writtenText(previewed.text)).body).toBe(sent?.body.text);
    } finally {
      await stack.close();
    }
  });
});
