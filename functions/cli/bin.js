#!/usr/bin/env node
// `npx dun`: runs the TypeScript CLI through tsx, so the repository needs no build to use it.
import { register } from "tsx/esm/api";

// The AWS SDK warns on Node.js 20 that its releases after January 2027 need Node.js 22 (Lambda runs
// 22; the README says so): eight lines of it on every command would bury what the command says.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

register();
await import("./dun.ts");
