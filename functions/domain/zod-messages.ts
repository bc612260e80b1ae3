/**
 * zod's wording, where its default reads like a type error rather than advice: a field left out
 * "is required" (zod would say "expected string, received undefined"). zod keeps one global
 * configuration, so this is set once, by the modules every schema and every error answer import
 * (text.ts, and the API's problem.ts).
 */
import * as z from "zod";

z.config({
  customError: (issue) =>
    issue.code === "invalid_type" && issue.input === undefined ? "is required" : undefined,
});
