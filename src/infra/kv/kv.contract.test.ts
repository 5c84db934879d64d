import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKvStore } from './index.js';
import type { KvStore } from './kv.js';
import { MemoryKvStore } from './memory-kv.js';
import { RedisKvStore } from './redis-kv.js';

interface KvHarness {
  store: KvStore;
  /** Lets `ms` pass: moves the fake clock for memory, really waits for Redis. */
  advance(ms: number): Promise<void>;
  /** Closes the store and removes anything it wrote. */
  cleanup(): Promise<void>;
}

/** Short enough to keep the Redis run fast, long enough to survive event-loop jitter. */
const TTL = 200;

/** The behaviour every KvStore must share; Redis semantics are the reference. */
function describeKvContract(name: string, factory: () => KvHarness | Promise<KvHarness>): void {
  describe(name, () => {
    let kv: KvStore;
    let advance: KvHarness['advance'];
    let cleanup: KvHarness['cleanup'] | undefined;

    beforeEach(async () => {
      ({ store: kv, advance, cleanup } = await factory());
    });

    afterEach(async () => {
      await cleanup?.();
      cleanup = undefined;
    });

    describe('strings', () => {
      it('gets, overwrites, deletes and reports existence', async () => {
        expect(await kv.get('missing')).toBeNull();
        expect(await kv.exists('a')).toBe(false);

        await kv.set('a', '1');
        await kv.set('a', '2');
        await kv.set('b', 'x');
        expect(await kv.get('a')).toBe('2');
        expect(await kv.exists('a')).toBe(true);

        expect(await kv.del('a', 'b', 'missing')).toBe(2);
        expect(await kv.del('a')).toBe(0);
        expect(await kv.del()).toBe(0);
        expect(await kv.get('a')).toBeNull();
      });

      it('expires a key once its TTL has passed', async () => {
        await kv.set('k', 'v', TTL);
        await advance(TTL / 4);
        expect(await kv.get('k')).toBe('v');

        await advance(TTL);
        expect(await kv.get('k')).toBeNull();
        expect(await kv.exists('k')).toBe(false);
      });

      it('drops the TTL when a key is overwritten without one', async () => {
        await kv.set('k', 'v', TTL);
        await kv.set('k', 'w');
        await advance(TTL + 50);
        expect(await kv.get('k')).toBe('w');
      });

      it('sets a TTL on an existing key with expire', async () => {
        await kv.set('k', 'v');
        expect(await kv.expire('k', TTL)).toBe(true);
        expect(await kv.expire('missing', TTL)).toBe(false);
        await advance(TTL + 50);
        expect(await kv.exists('k')).toBe(false);
      });

      it('rejects TTLs that are not positive integers', async () => {
        await expect(kv.set('k', 'v', 0)).rejects.toThrow(RangeError);
        await expect(kv.incr('k', -1)).rejects.toThrow(RangeError);
        await expect(kv.setIfAbsent('k', 'v', 1.5)).rejects.toThrow(RangeError);
        await expect(kv.expire('k', Number.NaN)).rejects.toThrow(RangeError);
        expect(await kv.exists('k')).toBe(false);
      });

      it('rejects using a key as the wrong type', async () => {
        await kv.zadd('board', [{ member: 'a', score: 1 }]);
        await kv.set('text', 'hello');
        await expect(kv.get('board')).rejects.toThrow(/WRONGTYPE/);
        await expect(kv.zincrby('text', 'a', 1)).rejects.toThrow(/WRONGTYPE/);
      });
    });

    describe('incr', () => {
      it('counts up from 1', async () => {
        expect(await kv.incr('hits', TTL)).toBe(1);
        expect(await kv.incr('hits', TTL)).toBe(2);
        expect(await kv.incr('hits', TTL)).toBe(3);
        expect(await kv.get('hits')).toBe('3');
      });

      it('sets the TTL on the first increment and never extends it', async () => {
        expect(await kv.incr('hits', TTL)).toBe(1);
        await advance(TTL * 0.6);
        expect(await kv.incr('hits', TTL)).toBe(2);
        // Past the original window but inside a window restarted by the second hit.
        await advance(TTL * 0.6);
        expect(await kv.get('hits')).toBeNull();
        expect(await kv.incr('hits', TTL)).toBe(1);
      });

      it('gives a counter that has no TTL one instead of letting it live forever', async () => {
        await kv.set('hits', '5');
        expect(await kv.incr('hits', TTL)).toBe(6);
        await advance(TTL + 50);
        expect(await kv.exists('hits')).toBe(false);
      });

      it('rejects a value that is not an integer', async () => {
        await kv.set('hits', 'many');
        await expect(kv.incr('hits', TTL)).rejects.toThrow(/not an integer/);
      });
    });

    describe('locks', () => {
      it('lets exactly one of many concurrent setIfAbsent calls win', async () => {
        const tokens = Array.from({ length: 20 }, (_, i) => `token-${i}`);
        const results = await Promise.all(tokens.map((token) => kv.setIfAbsent('lock', token, TTL)));

        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await kv.get('lock')).toBe(tokens[results.indexOf(true)]);
      });

      it('frees the key for a new owner once the TTL passes', async () => {
        expect(await kv.setIfAbsent('lock', 'first', TTL)).toBe(true);
        expect(await kv.setIfAbsent('lock', 'second', TTL)).toBe(false);
        expect(await kv.get('lock')).toBe('first');

        await advance(TTL + 50);
        expect(await kv.setIfAbsent('lock', 'second', TTL)).toBe(true);
        expect(await kv.get('lock')).toBe('second');
      });

      it('releases only for the owning token', async () => {
        await kv.setIfAbsent('lock', 'mine', TTL * 10);

        expect(await kv.releaseIfOwner('lock', 'yours')).toBe(false);
        expect(await kv.get('lock')).toBe('mine');

        expect(await kv.releaseIfOwner('lock', 'mine')).toBe(true);
        expect(await kv.exists('lock')).toBe(false);
        expect(await kv.releaseIfOwner('lock', 'mine')).toBe(false);
      });

      it('does not let a stale owner release a lock that changed hands', async () => {
        await kv.setIfAbsent('lock', 'stale', TTL);
        await advance(TTL + 50);
        await kv.setIfAbsent('lock', 'current', TTL * 10);

        expect(await kv.releaseIfOwner('lock', 'stale')).toBe(false);
        expect(await kv.get('lock')).toBe('current');
      });
    });

    describe('sorted sets', () => {
      const seed = () =>
        kv.zadd('board', [
          { member: 'alice', score: 30 },
          { member: 'bob', score: 50 },
          { member: 'carol', score: 30 },
          { member: 'dave', score: 10 },
        ]);

      it('accumulates scores with zincrby', async () => {
        expect(await kv.zincrby('board', 'alice', 5)).toBe(5);
        expect(await kv.zincrby('board', 'alice', -1.5)).toBe(3.5);
        expect(await kv.zscore('board', 'alice')).toBe(3.5);
      });

      it('counts only new members in zadd and overwrites existing scores', async () => {
        expect(await seed()).toBe(4);
        expect(
          await kv.zadd('board', [
            { member: 'dave', score: 99 },
            { member: 'erin', score: 1 },
          ]),
        ).toBe(1);
        expect(await kv.zscore('board', 'dave')).toBe(99);
        expect(await kv.zadd('board', [])).toBe(0);
        expect(await kv.zcard('board')).toBe(5);
      });

      it('returns null scores and ranks for missing members and sets', async () => {
        await seed();
        expect(await kv.zscore('board', 'nobody')).toBeNull();
        expect(await kv.zrevrank('board', 'nobody')).toBeNull();
        expect(await kv.zscore('missing', 'alice')).toBeNull();
        expect(await kv.zrevrank('missing', 'alice')).toBeNull();
        expect(await kv.zcard('missing')).toBe(0);
        expect(await kv.zrevrange('missing', 0, -1)).toEqual([]);
      });

      it('ranks highest first with ties ordered by member descending', async () => {
        await seed();
        expect(await kv.zrevrange('board', 0, -1)).toEqual([
          { member: 'bob', score: 50 },
          { member: 'carol', score: 30 },
          { member: 'alice', score: 30 },
          { member: 'dave', score: 10 },
        ]);
        expect(await kv.zrevrank('board', 'bob')).toBe(0);
        expect(await kv.zrevrank('board', 'carol')).toBe(1);
        expect(await kv.zrevrank('board', 'alice')).toBe(2);
        expect(await kv.zrevrank('board', 'dave')).toBe(3);
      });

      it('orders tied members by UTF-8 bytes, as Redis does', async () => {
        const members = ['b', 'a', 'B', '\uFFFD', '😀', 'ab'];
        await kv.zadd(
          'board',
          members.map((member) => ({ member, score: 1 })),
        );
        const ordered = (await kv.zrevrange('board', 0, -1)).map((entry) => entry.member);
        expect(ordered).toEqual(['😀', '\uFFFD', 'b', 'ab', 'a', 'B']);
      });

      it('treats range indexes like Redis: inclusive, negative from the end, clamped', async () => {
        await seed();
        const members = async (start: number, stop: number) => (await kv.zrevrange('board', start, stop)).map((entry) => entry.member);

        expect(await members(0, 1)).toEqual(['bob', 'carol']);
        expect(await members(1, 2)).toEqual(['carol', 'alice']);
        expect(await members(-2, -1)).toEqual(['alice', 'dave']);
        expect(await members(2, 100)).toEqual(['alice', 'dave']);
        expect(await members(-100, 0)).toEqual(['bob']);
        expect(await members(4, 10)).toEqual([]);
        expect(await members(3, 1)).toEqual([]);
      });

      it('round-trips infinite scores', async () => {
        await kv.zadd('board', [
          { member: 'top', score: Infinity },
          { member: 'bottom', score: -Infinity },
          { member: 'middle', score: 0 },
        ]);
        expect(await kv.zscore('board', 'top')).toBe(Infinity);
        expect(await kv.zrevrange('board', -1, -1)).toEqual([{ member: 'bottom', score: -Infinity }]);
      });

      it('removes members and deletes the set with its last member', async () => {
        await kv.zadd('board', [
          { member: 'a', score: 1 },
          { member: 'b', score: 2 },
        ]);
        expect(await kv.zrem('board', 'a')).toBe(true);
        expect(await kv.zrem('board', 'a')).toBe(false);
        expect(await kv.zrevrank('board', 'b')).toBe(0);
        expect(await kv.zrem('board', 'b')).toBe(true);
        expect(await kv.exists('board')).toBe(false);
      });

      it('expires a whole sorted set', async () => {
        await seed();
        expect(await kv.expire('board', TTL)).toBe(true);
        await advance(TTL + 50);
        expect(await kv.zcard('board')).toBe(0);
        expect(await kv.zscore('board', 'bob')).toBeNull();
      });
    });

    describe('lifecycle', () => {
      it('pings while open and rejects once closed', async () => {
        await expect(kv.ping()).resolves.toBeUndefined();
        await kv.close();
        await expect(kv.ping()).rejects.toThrow();
      });
    });
  });
}

describeKvContract('MemoryKvStore', () => {
  let now = Date.UTC(2030, 0, 1);
  const store = new MemoryKvStore({ now: () => now });
  return {
    store,
    advance: async (ms) => {
      now += ms;
    },
    cleanup: () => store.close(),
  };
});

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) console.warn('Redis contract tests skipped: REDIS_URL is not set');

describe.skipIf(!redisUrl)('against REDIS_URL', () => {
  // Every run (and every test in it) writes under its own prefix, so runs can
  // share a Redis with each other and with a live bot without collisions.
  const runPrefix = `questlog-test:${randomUUID()}:`;
  let admin: Redis;
  let testIndex = 0;

  beforeAll(() => {
    admin = new Redis(redisUrl!, { maxRetriesPerRequest: 2 });
  });

  afterAll(async () => {
    await deleteByPrefix(admin, runPrefix);
    await admin.quit();
  });

  describeKvContract('RedisKvStore', () => {
    const keyPrefix = `${runPrefix}${testIndex++}:`;
    const store = new RedisKvStore(redisUrl!, { keyPrefix });
    return {
      store,
      advance: (ms) => sleep(ms),
      cleanup: async () => {
        await store.close();
        await deleteByPrefix(admin, keyPrefix);
      },
    };
  });

  it('namespaces keys under the configured prefix', async () => {
    const keyPrefix = `${runPrefix}namespacing:`;
    const store = new RedisKvStore(redisUrl!, { keyPrefix });
    try {
      await store.set('k', 'v');
      expect(await admin.get(`${keyPrefix}k`)).toBe('v');
    } finally {
      await store.close();
      await deleteByPrefix(admin, keyPrefix);
    }
  });
});

describe('RedisKvStore against an unreachable server', () => {
  it('rejects ping within a couple of seconds instead of hanging', async () => {
    const store = new RedisKvStore('redis://127.0.0.1:1');
    try {
      const started = Date.now();
      await expect(store.ping()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2_500);
    } finally {
      await store.close();
    }
  });
});

describe('createKvStore', () => {
  it('uses memory without a URL, treating a blank one as unset', async () => {
    for (const url of [undefined, '', '  ']) {
      const store = createKvStore(url);
      expect(store.kind).toBe('memory');
      await store.close();
    }
  });

  it('uses Redis when given a URL', async () => {
    const store = createKvStore('redis://127.0.0.1:1');
    expect(store.kind).toBe('redis');
    await store.close();
  });
});

describe('MemoryKvStore sweep', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('purges expired keys nobody reads again, and close() stops the timer', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let now = 0;
    const store = new MemoryKvStore({ now: () => now, sweepIntervalMs: 1_000 });
    await store.set('marker', '1', 500);
    await store.set('forever', '1');

    now = 600;
    expect(store.size).toBe(2);
    vi.advanceTimersByTime(1_000);
    expect(store.size).toBe(1);

    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

/** SCAN rather than KEYS so cleanup never blocks a Redis that others are using. */
async function deleteByPrefix(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    if (keys.length > 0) await redis.unlink(...keys);
    cursor = next;
  } while (cursor !== '0');
}
