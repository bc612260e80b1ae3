/**
 * No module of functions/ imports itself back at run time: a cycle makes one module see the other
 * half-initialised (an undefined export at import time), which the bundler hides until a cold start
 * trips on it. Type-only imports are erased and may go both ways.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../functions");
const ALIASES = JSON.parse(readFileSync(resolve(ROOT, "../package.json"), "utf8")).imports as Record<
  string,
  string
>;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return name === "generated" ? [] : sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/** The modules of functions/ that `file` imports for their values. */
function runtimeImports(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const targets: string[] = [];
  for (const [statement, names, specifier] of source.matchAll(
    /^import\s+(?:type\s+[^;]*|([^;]*?))\s+from\s+"([^"]+)";/gms,
  )) {
    if (statement.startsWith("import type")) continue;
    const braces = names?.match(/^\{([^}]*)\}$/s);
    if (braces?.[1]?.split(",").every((name) => !name.trim() || name.trim().startsWith("type "))) continue;
    let path = specifier ?? "";
    for (const [alias, target] of Object.entries(ALIASES)) {
      const prefix = alias.replace("*", "");
      if (path.startsWith(prefix)) path = resolve(ROOT, "..", target.replace("*", path.slice(prefix.length)));
    }
    if (path.startsWith(".")) path = resolve(dirname(file), path);
    if (path.startsWith(ROOT)) targets.push(path);
  }
  return targets;
}

describe("the modules of functions/", () => {
  it("import one another without a cycle at run time", () => {
    const graph = new Map(sourceFiles(ROOT).map((file) => [file, runtimeImports(file)]));
    const cycles: string[] = [];
    const state = new Map<string, "open" | "done">();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, "open");
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === "open") {
          cycles.push([...path.slice(path.indexOf(next)), next].map((f) => relative(ROOT, f)).join(" → "));
        } else if (!state.has(next)) visit(next);
      }
      path.pop();
      state.set(file, "done");
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(graph.size).toBeGreaterThan(100);
    expect(cycles).toEqual([]);
  });
});
