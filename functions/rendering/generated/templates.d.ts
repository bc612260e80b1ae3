// Types for templates.js, which `npm run build:templates` generates (and git ignores).
export declare const htmlTemplates: Record<string, TemplateSpecification>;
export declare const textTemplate: TemplateSpecification;
export { catalogs } from "./catalogs.js";
