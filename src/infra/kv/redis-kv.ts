import { Redis } from 'ioredis';
import { assertTtl, type KvStore, type ScoredMember } from './kv.js';

export interface RedisKvStoreOptions {
  /** Prepended to every key so several apps or test runs can share one Redis. Default `questlog:`. */
  keyPrefix?: string;
  /** Give up on a TCP connect attempt after this long (a blackholed host never refuses). Default 2000. */
  connectTimeoutMs?: number;
  /**
   * Reject any command without a reply after this long, including commands
   * waiting for a reconnect. A timed-out write may still have been applied.
   * Default 2000.
   */
  commandTimeoutMs?: number;
  /** Reconnect attempts a queued command waits through before it is failed. Default 2. */
  maxRetriesPerRequest?: number;
  /**
   * Connection-level errors (refused, reset, ...). ioredis reports them as
   * events in addition to failing the affected commands; without a listener
   * it prints every reconnect failure to stderr.
   */
  onError?: (error: Error) => void;
}

/**
 * Counter whose TTL is set on creation only, so a rate-limit window is not
 * pushed back by every hit. Checking PTTL rather than `n == 1` also repairs a
 * counter that somehow exists without a TTL instead of letting it live forever.
 */
const INCR_WITH_TTL = `
local n = redis.call('INCR', KEYS[1])
if redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
end
return n`;

/** GET and DEL must be one step, or the lock could expire and change hands in between. */
const RELEASE_IF_OWNER = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** The Lua commands registered through the `scripts` option; ioredis cannot type them itself. */
interface ScriptedRedis extends Redis {
  kvIncrWithTtl(key: string, ttlMs: number): Promise<number>;
  kvReleaseIfOwner(key: string, token: string): Promise<number>;
}

/** KvStore on Redis (via ioredis), for production and multi-instance deployments. */
export class RedisKvStore implements KvStore {
  readonly kind = 'redis';
  readonly keyPrefix: string;

  private readonly redis: ScriptedRedis;

  constructor(url: string, options: RedisKvStoreOptions = {}) {
    this.keyPrefix = options.keyPrefix ?? 'questlog:';
    this.redis = new Redis(url, {
      keyPrefix: this.keyPrefix,
      lazyConnect: false,
      // Commands issued while (re)connecting are queued rather than failed
      // outright, so startup and brief blips are invisible. The retry limit
      // and command timeout bound that wait so a down Redis fails fast.
      enableOfflineQueue: true,
      maxRetriesPerRequest: options.maxRetriesPerRequest ?? 2,
      connectTimeout: options.connectTimeoutMs ?? 2_000,
      commandTimeout: options.commandTimeoutMs ?? 2_000,
      scripts: {
        kvIncrWithTtl: { lua: INCR_WITH_TTL, numberOfKeys: 1 },
        kvReleaseIfOwner: { lua: RELEASE_IF_OWNER, numberOfKeys: 1 },
      },
    }) as ScriptedRedis;
    this.redis.on('error', options.onError ?? (() => {}));
  }

  async get(key: string): Promise<string | null> {
    return this.redis.get(key);
  }

  async set(key: string, value: string, ttlMs?: number): Promise<void> {
    if (ttlMs === undefined) {
      await this.redis.set(key, value);
    } else {
      assertTtl(ttlMs);
      await this.redis.set(key, value, 'PX', ttlMs);
    }
  }

  async del(...keys: string[]): Promise<number> {
    // DEL with no keys is a Redis syntax error; nothing to delete is simply 0.
    return keys.length === 0 ? 0 : this.redis.del(...keys);
  }

  async incr(key: string, ttlMs: number): Promise<number> {
    assertTtl(ttlMs);
    return this.redis.kvIncrWithTtl(key, ttlMs);
  }

  async setIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.redis.set(key, value, 'PX', ttlMs, 'NX')) === 'OK';
  }

  async releaseIfOwner(key: string, token: string): Promise<boolean> {
    return (await this.redis.kvReleaseIfOwner(key, token)) === 1;
  }

  async zincrby(key: string, member: string, delta: number): Promise<number> {
    return parseScore(await this.redis.zincrby(key, formatScore(delta), member));
  }

  async zadd(key: string, entries: ReadonlyArray<ScoredMember>): Promise<number> {
    // ZADD with no members is a Redis syntax error; adding nothing adds 0.
    if (entries.length === 0) return 0;
    const args = entries.flatMap(({ member, score }) => [formatScore(score), member]);
    return this.redis.zadd(key, ...args);
  }

  async zscore(key: string, member: string): Promise<number | null> {
    const score = await this.redis.zscore(key, member);
    return score === null ? null : parseScore(score);
  }

  async zrevrank(key: string, member: string): Promise<number | null> {
    return this.redis.zrevrank(key, member);
  }

  async zrevrange(key: string, start: number, stop: number): Promise<ScoredMember[]> {
    const flat = await this.redis.zrevrange(key, start, stop, 'WITHSCORES');
    const entries: ScoredMember[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      entries.push({ member: flat[i], score: parseScore(flat[i + 1]) });
    }
    return entries;
  }

  async zcard(key: string): Promise<number> {
    return this.redis.zcard(key);
  }

  async zrem(key: string, member: string): Promise<boolean> {
    return (await this.redis.zrem(key, member)) === 1;
  }

  async expire(key: string, ttlMs: number): Promise<boolean> {
    assertTtl(ttlMs);
    return (await this.redis.pexpire(key, ttlMs)) === 1;
  }

  async exists(key: string): Promise<boolean> {
    return (await this.redis.exists(key)) === 1;
  }

  async ping(): Promise<void> {
    await this.redis.ping();
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') {
      // QUIT lets in-flight replies arrive; fall back to a hard close if it fails.
      await this.redis.quit().catch(() => this.redis.disconnect());
    } else {
      // Not connected: QUIT would sit in the offline queue, so just stop reconnecting.
      this.redis.disconnect();
    }
  }
}

/** Redis spells infinities `inf`/`-inf`, which Number() cannot parse. */
function parseScore(raw: string | number): number {
  if (typeof raw === 'number') return raw;
  if (raw === 'inf' || raw === '+inf') return Infinity;
  if (raw === '-inf') return -Infinity;
  return Number(raw);
}

function formatScore(score: number): string {
  if (score === Infinity) return '+inf';
  if (score === -Infinity) return '-inf';
  return String(score);
}
