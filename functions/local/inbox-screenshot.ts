/**
 * The README's picture of local mode: starts the local stack on a fixed day, lets the first
 * reminders go out, opens the SES inbox in Chromium with the Norwegian reminder shown, and writes
 * a PNG. Run it again after changing an email:
 *
 *   node --import tsx functions/local/inbox-screenshot.ts docs/images/local-inbox.png
 */
import { findChromium } from "../cli/screenshot.ts";
import { startLocalStack } from "./local-stack.ts";

const out = process.argv[2] ?? "docs/images/local-inbox.png";
const executablePath = findChromium();
if (!executablePath) {
  process.stderr.write("no Chromium: apt-get install chromium, or set CHROMIUM_PATH\n");
  process.exit(1);
}

const stack = await startLocalStack({ start: new Date("2026-11-23T07:59:00Z"), speed: 0 });
try {
  await stack.ses.clear();
  await stack.clock.advanceTo(new Date("2026-11-23T08:00:00Z"));
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({ executablePath, args: ["--no-sandbox", "--disable-gpu"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1100, height: 1300 }, deviceScaleFactor: 1 });
    await page.goto(stack.inboxUrl);
    const reminder = page.locator(".email", { hasText: "DEMO-1001" });
    await reminder.getByRole("button", { name: "Toggle HTML view" }).click();
    // Runs in the page: the element is an HTMLIFrameElement there, which Node's types do not know.
    await reminder.locator("iframe").evaluate((frame: { style: Record<string, string> }) => {
      frame.style.width = "100%";
      frame.style.height = "900px";
    });
    await reminder.scrollIntoViewIfNeeded();
    await page.screenshot({ path: out });
    process.stdout.write(`wrote ${out}\n`);
  } finally {
    await browser.close();
  }
} finally {
  await stack.close();
}
