import { assertTtl, type KvStore, type ScoredMember } from './kv.js';

export interface MemoryKvStoreOptions {
  /** Clock in epoch milliseconds; tests inject a fake one to expire keys without sleeping. */
  now?: () => number;
  /** How often expired keys are purged even if nobody reads them again. */
  sweepIntervalMs?: number;
}

interface StringEntry {
  kind: 'string';
  value: string;
  expiresAt?: number;
}

interface ZSetEntry {
  kind: 'zset';
  scores: Map<string, number>;
  /** Members ordered for ZREVRANGE, rebuilt lazily after a write. */
  ranked?: ScoredMember[];
  expiresAt?: number;
}

type Entry = StringEntry | ZSetEntry;

/** Same wording as Redis so callers and tests can treat both stores alike. */
const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

/**
 * In-process KvStore for tests, local development and single-instance
 * deployments. It mirrors Redis semantics (see KvStore) but offers nothing
 * across processes: two bot instances sharing a MemoryKvStore do not exist.
 */
export class MemoryKvStore implements KvStore {
  readonly kind = 'memory';

  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly sweepTimer: NodeJS.Timeout;
  private closed = false;

  constructor(options: MemoryKvStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    // Lazy expiry alone would keep write-once keys (dedupe markers) forever.
    this.sweepTimer = setInterval(() => this.sweep(), options.sweepIntervalMs ?? 30_000);
    // The sweep must never be what keeps the process (or a test worker) alive.
    this.sweepTimer.unref();
  }

  async get(key: string): Promise<string | null> {
    return this.stringEntry(key)?.value ?? null;
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs !== undefined) assertTtl(ttlMs);
    this.assertOpen();
    this.entries.set(key, { kind: 'string', value, expiresAt: this.expiryFor(ttlMs) });
  }

  async del(...keys: string[]): Promise<number> {
    let deleted = 0;
    for (const key of new Set(keys)) {
      if (this.live(key)) {
        this.entries.delete(key);
        deleted++;
      }
    }
    return deleted;
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    assertTtl(ttlMs);
    const entry = this.stringEntry(key);
    const next = (entry ? parseCounter(entry.value) : 0) + 1;
    this.entries.set(key, {
      kind: 'string',
      value: String(next),
      expiresAt: entry?.expiresAt ?? this.expiryFor(ttlMs),
    });
    return next;
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    if (this.live(key)) return false;
    this.entries.set(key, { kind: 'string', value, expiresAt: this.expiryFor(ttlMs) });
    return true;
  }

  async releaseIfOwner(key: string, token: string): Promise<boolean> {
    if (this.stringEntry(key)?.value !== token) return false;
    this.entries.delete(key);
    return true;
  }

  async zincrby(key: string, member: string, delta: number): Promise<number> {
    assertScore(delta);
    const zset = this.zsetForWrite(key);
    const score = (zset.scores.get(member) ?? 0) + delta;
    if (Number.isNaN(score)) throw new Error('ERR resulting score is not a number (NaN)');
    zset.scores.set(member, score);
    return score;
  }

  async zadd(key: string, entries: ReadonlyArray<ScoredMember>): Promise<number> {
    entries.forEach(({ score }) => assertScore(score));
    if (entries.length === 0) {
      this.assertOpen();
      return 0;
    }
    const zset = this.zsetForWrite(key);
    let added = 0;
    for (const { member, score } of entries) {
      if (!zset.scores.has(member)) added++;
      zset.scores.set(member, score);
    }
    return added;
  }

  async zscore(key: string, member: string): Promise<number | null> {
    return this.zsetEntry(key)?.scores.get(member) ?? null;
  }

  async zrevrank(key: string, member: string): Promise<number | null> {
    const zset = this.zsetEntry(key);
    if (!zset?.scores.has(member)) return null;
    return ranked(zset).findIndex((entry) => entry.member === member);
  }

  async zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]> {
    if (!Number.isInteger(start) || !Number.isInteger(stop)) {
      throw new Error('ERR value is not an integer or out of range');
    }
    const zset = this.zsetEntry(key);
    if (!zset) return [];
    const all = ranked(zset);
    // Same index normalisation as Redis: negatives count from the end, then clamp.
    const from = Math.max(start < 0 ? all.length + start : start, 0);
    const to = Math.min(stop < 0 ? all.length + stop : stop, all.length - 1);
    if (from > to) return [];
    return all.slice(from, to + 1).map((entry) => ({ ...entry }));
  }

  async zcard(key: string): Promise<number> {
    return this.zsetEntry(key)?.scores.size ?? 0;
  }

  async zrem(key: string, member: string): Promise<boolean> {
    const zset = this.zsetEntry(key);
    if (!zset?.scores.delete(member)) return false;
    zset.ranked = undefined;
    // Redis deletes a sorted set once its last member goes, so exists() must agree.
    if (zset.scores.size === 0) this.entries.delete(key);
    return true;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = this.expiryFor(ttlMs);
    return true;
  }

  async exists(key: string): Promise<boolean> {
    return this.live(key) !== undefined;
  }

  async ping(): Promise<void> {
    this.assertOpen();
  }

  async close(): Promise<void> {
    clearInterval(this.sweepTimer);
    this.closed = true;
    this.entries.clear();
  }

  /** Drops every expired key; runs on the timer, exposed for tests. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) {
      if (isExpired(entry, now)) this.entries.delete(key);
    }
  }

  /** Number of keys physically held, expired or not; lets tests observe the sweep. */
  get size(): number {
    return this.entries.size;
  }

  private expiryFor(ttlMs: number | undefined): number | undefined {
    return ttlMs === undefined ? undefined : this.now() + ttlMs;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('MemoryKvStore is closed');
  }

  private live(key: string): Entry | undefined {
    this.assertOpen();
    const entry = this.entries.get(key);
    if (entry && isExpired(entry, this.now())) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private stringEntry(key: string): StringEntry | undefined {
    const entry = this.live(key);
    if (entry && entry.kind !== 'string') throw new Error(WRONGTYPE);
    return entry;
  }

  private zsetEntry(key: string): ZSetEntry | undefined {
    const entry = this.live(key);
    if (entry && entry.kind !== 'zset') throw new Error(WRONGTYPE);
    return entry;
  }

  /** The sorted set at `key`, created if missing, with its rank cache invalidated. */
  private zsetForWrite(key: string): ZSetEntry {
    let zset = this.zsetEntry(key);
    if (!zset) {
      zset = { kind: 'zset', scores: new Map() };
      this.entries.set(key, zset);
    }
    zset.ranked = undefined;
    return zset;
  }
}

function isExpired(entry: Entry, now: number): boolean {
  return entry.expiresAt !== undefined && entry.expiresAt <= now;
}

function ranked(zset: ZSetEntry): ScoredMember[] {
  zset.ranked ??= [...zset.scores].map(([member, score]) => ({ member, score })).sort((a, b) => b.score - a.score || compareUtf8(b.member, a.member));
  return zset.ranked;
}

/**
 * Orders strings by their UTF-8 bytes, as Redis does for equal scores. Plain
 * `<` compares UTF-16 code units, which disagrees for characters outside the
 * BMP (emoji sort below U+E000..U+FFFF in UTF-16 but above them in UTF-8).
 */
function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    if (a.charCodeAt(i) !== b.charCodeAt(i)) return a.codePointAt(i)! - b.codePointAt(i)!;
  }
  return a.length - b.length;
}

function parseCounter(value: string): number {
  const n = Number(value);
  if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(n)) {
    throw new Error('ERR value is not an integer or out of range');
  }
  return n;
}

function assertScore(score: number): void {
  if (Number.isNaN(score)) throw new Error('ERR value is not a valid float');
}
