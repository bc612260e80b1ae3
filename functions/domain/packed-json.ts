/**
 * Data packed into the bundles (the catalogs and templates by templates/build.ts, the holiday table
 * by build-holiday-table.ts): JSON, Brotli-compressed,
 * base64. As plain literals the catalogs and the templates' markup were 318 kB of a sending
 * Lambda's bundle; packed they are under 100 kB, and a Lambda unpacks them when it first uses them.
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

/**
 * A record of the given keys whose values are packed together, as one object of JSON texts: the
 * object is unpacked on the first read of any key, and each value parsed on its own first read.
 * Together the catalogs pack to 55 kB where one by one they took 69 kB (they share their keys and
 * much of their wording). The first read unpacks all of them, about 3 ms on the bench machine, once
 * per Lambda instance; a further language costs only its own parse, 0.2 ms (packJsonTexts writes
 * these).
 */
export function unpackedTogetherOnRead<T>(keys: readonly string[], packed: string): Record<string, T> {
  let texts: Record<string, string> | undefined;
  const unpacked: Record<string, T> = {};
  for (const key of keys) {
    Object.defineProperty(unpacked, key, {
      enumerable: true,
      get() {
        texts ??= unpackJson<Record<string, string>>(packed);
        const found = JSON.parse(texts[key] ?? "null") as T;
        Object.defineProperty(unpacked, key, { enumerable: true, value: found });
        return found;
      },
      configurable: true,
    });
  }
  return unpacked;
}

/** Values packed together for unpackedTogetherOnRead: each as its JSON text, the texts in one stream. */
export function packJsonTexts(values: Readonly<Record<string, unknown>>): string {
  return packJson(
    Object.fromEntries(Object.entries(values).map(([key, value]) => [key, JSON.stringify(value)])),
  );
}
