// Types for catalogs.js, which `npm run build:templates` generates (and git ignores).
export declare const catalogs: Record<string, Record<string, string>>;
