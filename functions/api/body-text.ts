/**
 * A request body's bytes as text: UTF-8 only, strictly. A lenient decoder turns every byte it cannot
 * read into "\uFFFD", so a Windows-1252 export from Excel would be stored as "M\uFFFDller & S\uFFFDhne
 * GmbH" with a 200; instead the body is refused, naming the line of its first byte that is not UTF-8
 * (a CSV row is a line, and the line is what the person who exported it can find).
 */

/** Where the first byte that is not UTF-8 is: its line (from 1) and its offset in the body. */
export type NotUtf8 = { line: number; offset: number };

export type BodyText = { ok: true; text: string } | { ok: false; notUtf8: NotUtf8 };

// `ignoreBOM: false` (the default) drops a leading byte order mark, which Excel's "CSV UTF-8" writes.
const strict = new TextDecoder("utf-8", { fatal: true });

export function bodyText(bytes: Uint8Array): BodyText {
  try {
    return { ok: true, text: strict.decode(bytes) };
  } catch {
    // The native decoder says only that a byte is wrong, not which: found again here, byte by byte.
    const offset = firstInvalidByte(bytes);
    let line = 1;
    for (let index = 0; index < offset; index++) if (bytes[index] === 0x0a) line++;
    return { ok: false, notUtf8: { line, offset } };
  }
}

/**
 * The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
 * no overlong forms, no surrogates, nothing above U+10FFFF), or the length when there is none.
 */
export function firstInvalidByte(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index] ?? 0;
    if (lead < 0x80) {
      index++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0) return index;
    // The second byte's range is narrower after these leads: that is what rules out overlong
    // forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
    const low = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const high = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    for (let next = 1; next < length; next++) {
      const byte = bytes[index + next];
      const [min, max] = next === 1 ? [low, high] : [0x80, 0xbf];
      if (byte === undefined || byte < min || byte > max) return index;
    }
    index += length;
  }
  return bytes.length;
}
