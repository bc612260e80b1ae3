import { execFile } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { findChromium } from "../../functions/cli/screenshot.ts";

const run = promisify(execFile);

describe("dun preview", () => {
  it("writes the HTML, the text and, where Chromium is installed, a PNG", async () => {
    // Prepare
    const out = await mkdtemp(path.join(os.tmpdir(), "dun-preview-"));

    // Act
    const { stdout } = await run(
      process.execPath,
      ["functions/cli/bin.js", "preview", "--stage", "final_notice", "--locale", "nb-NO", "--out", out],
      { timeout: 60_000 },
    );

    // Assess
    expect(stdout).toContain("Subject: ");
    const html = await readFile(path.join(out, "final_notice.nb-NO.html"), "utf8");
    const text = await readFile(path.join(out, "final_notice.nb-NO.txt"), "utf8");
    expect(html).toContain('<html lang="nb"');
    expect(text).toMatch(/^Subject: .+\n\n/);
    expect(text.toLowerCase()).toContain("inkassovarsel");
    if (findChromium()) {
      const png = await readFile(path.join(out, "final_notice.nb-NO.png"));
      expect(png.subarray(1, 4).toString()).toBe("PNG");
    } else {
      expect(stdout).toContain("no PNG: Chromium not found");
    }
  });

  it("refuses an unknown stage, naming the choices", async () => {
    const failure = await run(process.execPath, [
      "functions/cli/bin.js",
      "preview",
      "--stage",
      "nag",
      "--locale",
      "en",
    ]).catch((error: { code: number; stderr: string }) => error);
    // 2: a usage error (docs/CLI.md, "Exit codes").
    expect(failure).toMatchObject({ code: 2 });
    expect((failure as { stderr: string }).stderr).toContain("Allowed choices are courtesy, reminder_1");
  });
});
