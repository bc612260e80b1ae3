/**
 * Text the build packs into the generated modules (templates/build.ts): JSON, Brotli-compressed,
 * base64. As plain literals the catalogs and the templates' markup were 318 kB of a sending
 * Lambda's bundle; packed they are 143 kB, and a Lambda unpacks only what it uses, when it first
 * uses it: one language's catalog, not twelve.
 */
import { brotliDecompressSync } from "node:zlib";

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
