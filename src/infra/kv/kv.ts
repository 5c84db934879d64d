/** One member of a sorted set together with its score. */
export interface ScoredMember {
  member: string;
  score: number;
}

/**
 * Key-value store used for rate limits, locks, dedupe markers and
 * leaderboards. Production runs on Redis; tests and single-process
 * deployments use the in-memory implementation, and both are held to the
 * same contract (see kv.contract.test.ts), so Redis semantics are the spec.
 *
 * Keys are logical: the Redis implementation namespaces them with a prefix,
 * callers never add it themselves. A key holds either a string or a sorted
 * set; using it as the other kind rejects with a WRONGTYPE error, as Redis does.
 *
 * TTLs are milliseconds and must be positive integers; anything else throws
 * a RangeError before touching the store.
 */
export interface KvStore {
  /** Which backend this is, for logs and /readyz output. */
  readonly kind: 'redis' | 'memory';

  /** The string at `key`, or null when it is missing or expired. */
  get(key: string): Promise<string | null>;

  /** Overwrites `key` (whatever it held). Without `ttlMs` any previous TTL is dropped. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;

  /** Deletes the given keys; resolves to how many existed. */
  del(...keys: string[]): Promise<number>;

  /**
   * Increments the integer counter at `key` and resolves to the new value.
   * The TTL is applied when the counter is created and never extended, so a
   * fixed rate-limit window closes on time however busy it is. (A counter
   * found without any TTL also gets one, so it can never live forever.)
   */
  incr(key: string, ttlMs: number): Promise<number>;

  /**
   * Sets `key` only if it does not exist (SET NX PX). Resolves true when this
   * call won. Used for locks (value = owner token) and dedupe markers.
   */
  setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean>;

  /**
   * Deletes `key` only if it still holds `token`, atomically. Releasing a
   * lock this way cannot remove a lock that expired and was re-acquired by
   * someone else. Resolves true when the key was deleted.
   */
  releaseIfOwner(key: string, token: string): Promise<boolean>;

  /** Adds `delta` to `member`'s score (creating it at 0) and resolves to the new score. */
  zincrby(key: string, member: string, delta: number): Promise<number>;

  /** Sets scores, adding members as needed; resolves to how many members were new. */
  zadd(key: string, entries: ReadonlyArray<ScoredMember>): Promise<number>;

  /** `member`'s score, or null when it (or the set) is missing. */
  zscore(key: string, member: string): Promise<number | null>;

  /** 0-based rank of `member` with the highest score first, or null when absent. */
  zrevrank(key: string, member: string): Promise<number | null>;

  /**
   * Members from rank `start` to `stop` inclusive, highest score first. Negative
   * indexes count from the end (-1 is the last). Equal scores are ordered by
   * member descending in byte order, matching Redis ZREVRANGE.
   */
  zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]>;

  /** Number of members in the sorted set (0 when missing). */
  zcard(key: string): Promise<number>;

  /** Removes `member`; resolves true when it was present. */
  zrem(key: string, member: string): Promise<boolean>;

  /** Replaces the TTL of an existing key; resolves false when the key is missing. */
  expire(key: string, ttlMs: number): Promise<boolean>;

  exists(key: string): Promise<boolean>;

  /** Resolves when the store can serve requests, rejects otherwise (used by /readyz). */
  ping(): Promise<void>;

  /** Releases connections and timers. The store must not be used afterwards. */
  close(): Promise<void>;
}

/** Rejects TTLs Redis would refuse (PX needs a positive integer) so both stores fail alike. */
export function assertTtl(ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) {
    throw new RangeError(`TTL must be a positive integer number of milliseconds, got ${ttlMs}`);
  }
}
