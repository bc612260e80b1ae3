/**
 * Data packed into the bundles (the catalogs and templates by templates/build.ts, the holiday table
 * by build-holiday-table.ts): JSON, Brotli-compressed,
 * base64. As plain literals the catalogs and the templates' markup were 318 kB of a sending
 * Lambda's bundle; packed they are 143 kB, and a Lambda unpacks only what it uses, when it first
 * uses it: one language's catalog, not twelve.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";

/** JSON, Brotli at its best, base64: what the builders write and unpackJson reads. */
export function packJson(value: unknown): string {
  const json = Buffer.from(JSON.stringify(value), "utf8");
  return brotliCompressSync(json, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: json.byteLength,
    },
  }).toString("base64");
}

export function unpackJson<T>(packed: string): T {
  return JSON.parse(brotliDecompressSync(Buffer.from(packed, "base64")).toString("utf8")) as T;
}

/** A record whose values are unpacked on first read, each once. */
export function unpackedOnRead<T>(packed: Readonly<Record<string, string>>): Record<string, T> {
  const unpacked: Record<string, T> = {};
  for (const [key, value] of Object.entries(packed)) {
    Object.defineProperty(unpacked, key, {
      enumerable: true,
      get() {
        const found = unpackJson<T>(value);
        Object.defineProperty(unpacked, key, { enumerable: true, value: found });
        return found;
      },
      configurable: true,
    });
  }
  return unpacked;
}
