import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Property-based suites run hundreds of cases; the default 5 s is tight on a shared 2-core box.
    testTimeout: 30_000,
    // Synthesizing the stack, or starting dynalite and the SES stand-in, takes seconds on a loaded box.
    hookTimeout: 60_000,
  },
});
