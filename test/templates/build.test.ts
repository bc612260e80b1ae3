import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compileMjmlFile } from "../../templates/build.ts";

async function templateFile(mjml: string): Promise<{ file: string; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "dun-mjml-"));
  const file = path.join(dir, "broken.mjml");
  await writeFile(file, mjml);
  return { file, dir };
}

describe("the template build", () => {
  it("fails on a template MJML rejects, naming the tag and the line", async () => {
    // Prepare
    const { file, dir } = await templateFile(
      '<mjml><mj-body><mj-section><mj-column><mj-text padding="huge">Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    );

    // Act and assess
    await expect(compileMjmlFile(file, dir)).rejects.toThrow(
      /MJML rejected .*broken\.mjml:\n[\s\S]*Line 1[\s\S]*mj-text[\s\S]*padding/,
    );
  });

  it("fails on a template that forgets the tenant's brand colour", async () => {
    const { file, dir } = await templateFile(
      "<mjml><mj-body><mj-section><mj-column><mj-text>Hi</mj-text></mj-column></mj-section></mj-body></mjml>",
    );
    await expect(compileMjmlFile(file, dir)).rejects.toThrow("broken.mjml never uses the brand colour");
  });

  it("fails on a template that would load a font from elsewhere, which tells that host the reader's IP", async () => {
    const { file, dir } = await templateFile(
      '<mjml><mj-head><mj-font name="Inter" href="https://fonts.example/inter.css" /></mj-head><mj-body><mj-section background-color="#010203"><mj-column><mj-text font-family="Inter, sans-serif">Hi</mj-text></mj-column></mj-section></mj-body></mjml>',
    );
    await expect(compileMjmlFile(file, dir)).rejects.toThrow(
      'broken.mjml loads a resource from elsewhere: <link href="https://fonts.example/inter.css"',
    );
  });
});
