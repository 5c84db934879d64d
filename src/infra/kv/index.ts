import type { KvStore } from './kv.js';
import { MemoryKvStore, type MemoryKvStoreOptions } from './memory-kv.js';
import { RedisKvStore, type RedisKvStoreOptions } from './redis-kv.js';

export { assertTtl, type KvStore, type ScoredMember } from './kv.js';
export { MemoryKvStore, type MemoryKvStoreOptions } from './memory-kv.js';
export { RedisKvStore, type RedisKvStoreOptions } from './redis-kv.js';

export type CreateKvStoreOptions = RedisKvStoreOptions & MemoryKvStoreOptions;

/**
 * Redis when a URL is configured, otherwise an in-process store. A blank URL
 * counts as unset so an empty `REDIS_URL=` line in .env does not try to connect.
 */
export function createKvStore(redisUrl: string | undefined, options: CreateKvStoreOptions = {}): KvStore {
  const { now, sweepIntervalMs, ...redisOptions } = options;
  return redisUrl?.trim()
    ? new RedisKvStore(redisUrl.trim(), redisOptions)
    : new MemoryKvStore({ now, sweepIntervalMs });
}
