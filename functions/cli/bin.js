#!/usr/bin/env node
// `npx dun`: runs the TypeScript CLI through tsx, so the repository needs no build to use it.
import { register } from "tsx/esm/api";

register();
await import("./dun.ts");
