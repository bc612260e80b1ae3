/**
 * A PNG of an email as a mail client would show it, taken with the machine's own Chromium
 * (Debian's package, or CHROMIUM_PATH): dun downloads no browser of its own.
 */
import { existsSync } from "node:fs";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((path) => existsSync(path));
}

export async function screenshotHtml(html: string, pngPath: string, executablePath: string): Promise<void> {
  const { chromium } = await import("playwright-core");
  const browser = await chromium.launch({
    executablePath,
    // The flags keep Chromium from reaching for the network: this machine has none, and an email preview needs none.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 680, height: 800 }, deviceScaleFactor: 1 });
    // Emails load no remote resources in a preview: a logo URL would only time out here.
    await page.route("**/*", (route) =>
      route.request().url().startsWith("data:") ? route.continue() : route.abort(),
    );
    await page.setContent(html, { waitUntil: "load" });
    await page.screenshot({ path: pngPath, fullPage: true });
  } finally {
    await browser.close();
  }
}
