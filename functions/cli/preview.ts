/** `dun preview`: one email as HTML, plain text and, where Chromium is installed, a PNG. */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { resolveLanguage } from "#domain/locale/locale.ts";
import type { TemplateName } from "#rendering/email-data.ts";
import { renderEmail } from "#rendering/render-email.ts";
import { SAMPLE_DEBTORS, sampleEmail } from "#rendering/samples.ts";
import { findChromium, screenshotHtml } from "./screenshot.ts";

export type PreviewFiles = { html: string; text: string; png?: string; subject: string };

export async function writePreview(
  stage: TemplateName,
  locale: string,
  outDir: string,
): Promise<PreviewFiles> {
  const language = resolveLanguage(locale);
  const email = renderEmail(stage, locale, sampleEmail(stage, language));
  await mkdir(outDir, { recursive: true });
  const base = path.join(outDir, `${stage}.${locale}`);
  const files: PreviewFiles = { html: `${base}.html`, text: `${base}.txt`, subject: email.subject };
  await writeFile(files.html, email.html);
  await writeFile(files.text, `Subject: ${email.subject}\n\n${email.text}`);
  const chromium = findChromium();
  if (chromium) {
    files.png = `${base}.png`;
    await screenshotHtml(email.html, files.png, chromium);
  }
  return files;
}

export function defaultLocaleOf(locale: string): string {
  return SAMPLE_DEBTORS[resolveLanguage(locale)].locale;
}
