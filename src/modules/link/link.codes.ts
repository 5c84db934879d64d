import { randomInt } from 'node:crypto';
import type { KvStore } from '../../infra/kv/kv.js';

/** A link code is good for this long, once. */
export const LINK_CODE_TTL_MS = 10 * 60_000;
/** No 0/O, 1/I/L: codes are read off one screen and typed on another. */
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

const codeKey = (code: string) => `link:code:${code}`;
const userKey = (userId: string) => `link:user:${userId}`;

/** Canonical form of what a user typed: case and separators do not matter (`k7qx-94md` = `K7QX94MD`). */
export function normalizeCode(typed: string): string {
  return typed.toUpperCase().replace(/[\s-]/g, '');
}

/** `K7QX94MD` -> `K7QX-94MD`, easier to read aloud. */
export function displayCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

export function isWellFormedCode(code: string): boolean {
  return code.length === CODE_LENGTH && [...code].every((c) => ALPHABET.includes(c));
}

/**
 * One-time link codes in the kv store: `link:code:<code>` -> the issuing user
 * (short TTL), `link:user:<id>` -> that user's current code, so a new code
 * replaces the previous one and erasure can find it.
 */
export class LinkCodes {
  constructor(private readonly kv: KvStore) {}

  async issue(userId: string): Promise<{ code: string; expiresInMs: number }> {
    await this.revoke(userId);
    for (;;) {
      const code = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
      if (!(await this.kv.setIfAbsent(codeKey(code), userId, LINK_CODE_TTL_MS))) continue; // taken: draw again
      await this.kv.set(userKey(userId), code, LINK_CODE_TTL_MS);
      return { code, expiresInMs: LINK_CODE_TTL_MS };
    }
  }

  /** The user who issued `code`, while it is valid; does not use it up. */
  async peek(code: string): Promise<string | null> {
    return isWellFormedCode(code) ? this.kv.get(codeKey(code)) : null;
  }

  /**
   * Uses the code up: true for exactly one caller, and only while it still names
   * `issuer` (a replaced or expired code is refused).
   */
  async consume(code: string, issuer: string): Promise<boolean> {
    if (!isWellFormedCode(code)) return false;
    if (!(await this.kv.releaseIfOwner(codeKey(code), issuer))) return false;
    await this.kv.releaseIfOwner(userKey(issuer), code);
    return true;
  }

  /** Forgets the user's pending code, if any (a new code, erasure, a merge). */
  async revoke(userId: string): Promise<void> {
    const previous = await this.kv.get(userKey(userId));
    if (previous) await this.kv.releaseIfOwner(codeKey(previous), userId);
    await this.kv.del(userKey(userId));
  }
}
