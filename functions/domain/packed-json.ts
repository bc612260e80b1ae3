/**
 * Data packed into the bundles (the catalogs and templates by templates/build.ts, the holiday table
 * by build-holiday-table.ts): JSON, Brotli-compressed, in Z85 text. As plain literals the catalogs
 * and the templates' markup were 318 kB of a sending Lambda's bundle; packed they are under 100 kB,
 * and a Lambda unpacks them when it first uses them.
 */
import { brotliCompressSync, brotliDecompressSync, constants } from "node:zlib";

/**
 * Z85 (ZeroMQ RFC 32): four bytes in five printable characters, none of which a JavaScript string
 * literal escapes. Base64 takes four characters for three bytes, 6 % more: 4.6 kB of a sending
 * Lambda's 77 kB of packed data.
 */
const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const Z85_VALUES = new Int8Array(128).fill(-1);
for (let index = 0; index < Z85.length; index++) Z85_VALUES[Z85.charCodeAt(index)] = index;

/** The bytes in Z85, after one digit that says how many zero bytes were added to make whole groups of four. */
function toZ85(bytes: Buffer): string {
  const padding = (4 - (bytes.length % 4)) % 4;
  const padded = Buffer.concat([bytes, Buffer.alloc(padding)]);
  const characters: string[] = [String(padding)];
  const group = new Array<string>(5);
  for (let at = 0; at < padded.length; at += 4) {
    let value = padded.readUInt32BE(at);
    for (let digit = 4; digit >= 0; digit--) {
      group[digit] = Z85[value % 85] ?? "";
      value = Math.floor(value / 85);
    }
    characters.push(group.join(""));
  }
  return characters.join("");
}

function fromZ85(text: string): Buffer {
  const padding = Number(text[0]);
  const groups = (text.length - 1) / 5;
  if (!Number.isInteger(groups) || !(padding >= 0 && padding <= 3))
    throw new TypeError("packed data is not Z85");
  const bytes = Buffer.alloc(groups * 4);
  for (let group = 0; group < groups; group++) {
    let value = 0;
    for (let digit = 0; digit < 5; digit++) {
      const digitValue = Z85_VALUES[text.charCodeAt(1 + group * 5 + digit)] ?? -1;
      if (digitValue < 0) throw new TypeError("packed data is not Z85");
      value = value * 85 + digitValue;
    }
    bytes.writeUInt32BE(value, group * 4);
  }
  return bytes.subarray(0, bytes.length - padding);
}

/** JSON, Brotli at its best, Z85: what the builders write and unpackJson reads. */
export function packJson(value: unknown): string {
  const json = Buffer.from(JSON.stringify(value), "utf8");
  return toZ85(
    brotliCompressSync(json, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: json.byteLength,
      },
    }),
  );
}

export function unpackJson<T>(packed: string): T {
  return JSON.parse(brotliDecompressSync(fromZ85(packed)).toString("utf8")) as T;
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
