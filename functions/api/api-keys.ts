/**
 * API keys: the only credential of the HTTP API, and the only thing that names the tenant. dun
 * keeps a key's hash, never the key: whoever reads the table cannot call the API with it.
 */
import { createHash, randomBytes } from "node:crypto";
import { err, ok, type Result } from "#domain/result.ts";

/** The prefix lets secret scanners and people tell a dun key from any other token. */
const PREFIX = "dun_";
/** 32 random bytes in base64url: 43 characters, no padding. */
const KEY_SHAPE = /^dun_[A-Za-z0-9_-]{43}$/;
const BEARER = "bearer ";

export type AuthorizationError = { code: "missing" | "malformed"; message: string };

/** A new key, shown to its owner once, and the hash that is stored in its place. */
export function newApiKey(): { key: string; hash: string } {
  const key = PREFIX + randomBytes(32).toString("base64url");
  return { key, hash: hashApiKey(key) };
}

/**
 * A key's lookup hash. A single unsalted SHA-256 is enough here, unlike for a password: a key is
 * 256 random bits, so there is no dictionary to try and brute force is out of reach however fast
 * the hash is; a salt would defend against precomputed tables of guessable secrets, which a random
 * key is not, and would make it impossible to find the key by its hash. Fast also matters: every
 * request computes it.
 */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * The key in an `Authorization: Bearer <key>` header. Only the scheme is case-insensitive (RFC
 * 9110 §11.1); the key must have the shape newApiKey gives, so that a mistyped or foreign token is
 * told apart from an unknown key without a table read. The messages never repeat the header: it
 * may hold a secret, and problems end up in logs.
 */
export function parseAuthorization(header: string | undefined): Result<string, AuthorizationError> {
  if (header === undefined || header === "") {
    return err({
      code: "missing",
      message: "The request has no Authorization header; send 'Authorization: Bearer <api key>'.",
    });
  }
  if (header.slice(0, BEARER.length).toLowerCase() !== BEARER) {
    return err({
      code: "malformed",
      message: "The Authorization header must be 'Bearer <api key>', with one space.",
    });
  }
  const key = header.slice(BEARER.length);
  if (!KEY_SHAPE.test(key)) {
    return err({
      code: "malformed",
      message: "The API key in the Authorization header is not a dun key (dun_ and 43 characters).",
    });
  }
  return ok(key);
}
