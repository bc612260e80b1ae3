import { describe, expect, it } from "vitest";
import { hashApiKey, newApiKey, parseAuthorization } from "#api/api-keys.ts";

describe("newApiKey", () => {
  it("makes a dun_ key of 32 random bytes in base64url, with the hash to store instead of it", () => {
    // Act
    const { key, hash } = newApiKey();

    // Assess
    expect(key).toMatch(/^dun_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(key.slice(4), "base64url")).toHaveLength(32);
    expect(hash).toBe(hashApiKey(key));
  });

  it("never makes the same key twice", () => {
    const keys = new Set(Array.from({ length: 100 }, () => newApiKey().key));

    expect(keys.size).toBe(100);
  });
});

describe("hashApiKey", () => {
  it("is the SHA-256 of the key in hex", () => {
    // The FIPS 180-2 test vector for "abc"
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("gives one key the same hash every time, so the hash finds the key's item", () => {
    const { key } = newApiKey();

    expect(hashApiKey(key)).toBe(hashApiKey(key));
  });
});

describe("parseAuthorization", () => {
  const { key } = newApiKey();

  it("takes the key out of 'Bearer <key>', whatever the case of the scheme", () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      expect(parseAuthorization(`${scheme} ${key}`)).toEqual({ ok: true, value: key });
    }
  });

  it("calls a request without the header, or with an empty one, missing", () => {
    for (const header of [undefined, ""]) {
      const result = parseAuthorization(header);

      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.error.code).toBe("missing");
    }
  });

  it("calls anything else malformed", () => {
    const headers = [
      `Basic ${key}`,
      `Bearer  ${key}`,
      `Bearer\t${key}`,
      ` Bearer ${key}`,
      `Bearer ${key} `,
      `Bearer${key}`,
      "Bearer",
      "Bearer ",
      `Bearer ${key.slice(0, -1)}`,
      `Bearer ${key}A`,
      `Bearer DUN_${key.slice(4)}`,
      `Bearer ${key.slice(0, -1)}=`,
      "Bearer eyJhbGciOiJIUzI1NiJ9.e30.ZRrHA1JJJW8opsbCGfG_HACGpVUMN_a9IV7pAx_Zmeo",
    ];
    for (const header of headers) {
      const result = parseAuthorization(header);

      expect(result, header).toMatchObject({ ok: false, error: { code: "malformed" } });
    }
  });

  it("never repeats the header in its message, since it may hold a secret", () => {
    const result = parseAuthorization(`Token ${key}`);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain(key.slice(4));
  });
});
