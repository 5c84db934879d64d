import type { KvStore } from './kv.js';
import { MemoryKvStore, type MemoryKvStoreOptions } from './memory-kv.js';
import { RedisKvStore, type RedisKvStoreOptions } from './redis-kv.js';
import { GuardedKvStore, type GuardedKvOptions } from './guarded-kv.js';

export { assertTtl, type KvStore, type ScoredMember } from './kv.js';
export { MemoryKvStore, type MemoryKvStoreOptions } from './memory-kv.js';
export { RedisKvStore, type RedisKvStoreOptions } from './redis-kv.js';
export { GuardedKvStore, KvUnavailableError, type GuardedKvOptions } from './guarded-kv.js';

export type CreateKvStoreOptions = RedisKvStoreOptions & MemoryKvStoreOptions & { guard?: GuardedKvOptions };

/**
 * Redis (guarded by a circuit breaker) when a URL is configured, otherwise an in-process store. A blank URL
 * counts as unset so an empty `REDIS_URL=` line in .env does not try to connect.
 */
export function createKvStore(redisUrl: string | undefined, options: CreateKvStoreOptions = {}): KvStore {
  const { now, sweepIntervalMs, guard, ...redisOptions } = options;
  // Redis sits behind a breaker with short timeouts: a dead Redis must not eat the platforms' 3 s.
  return redisUrl?.trim() ? new GuardedKvStore(new RedisKvStore(redisUrl.trim(), redisOptions), guard) : new MemoryKvStore({ now, sweepIntervalMs });
}
