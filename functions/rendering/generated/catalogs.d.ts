// Types for catalogs.js, which `npm run build:templates` generates (and git ignores).
import type { MessageFormatElement } from "@formatjs/icu-messageformat-parser";

/** Each language's messages, parsed at build time into ICU syntax trees (templates/build.ts). */
export declare const catalogs: Record<string, Record<string, MessageFormatElement[]>>;
