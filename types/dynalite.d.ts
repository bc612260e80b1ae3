// dynalite ships no types; this is the part of its API dun uses (an http.Server factory).
declare module "dynalite" {
  import type { Server } from "node:http";
  export type DynaliteOptions = {
    path?: string;
    createTableMs?: number;
    deleteTableMs?: number;
    updateTableMs?: number;
    maxItemSizeKb?: number;
  };
  export default function dynalite(options?: DynaliteOptions): Server;
}
