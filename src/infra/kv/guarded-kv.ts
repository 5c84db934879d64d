import type { KvStore, ScoredMember } from './kv.js';

/** The kv store was skipped (breaker open) or did not answer in time. */
export class KvUnavailableError extends Error {
  constructor(reason: string) {
    super(`kv store unavailable: ${reason}`);
  }
}

export interface GuardedKvOptions {
  /** Give up on one call after this long (the store may still apply a write). Default 300 ms. */
  timeoutMs?: number;
  /** Consecutive failures that open the breaker. Default 2. */
  failuresToOpen?: number;
  /** How long an open breaker skips the store before letting one trial call through. Default 5 s. */
  openMs?: number;
  now?: () => number;
  /** Told when the breaker opens (true) or closes again (false). */
  onStateChange?: (open: boolean) => void;
}

/**
 * Bounds every call to a kv store, and skips the store entirely while it is
 * down: after `failuresToOpen` consecutive failures calls fail at once for
 * `openMs`, then one trial call decides whether to close again. Callers on a
 * request path (interaction dedupe, button payloads, replay markers) thus
 * lose at most a few hundred milliseconds when Redis dies, and none while it
 * stays dead; each of them already treats a failed call as "no cache".
 */
export class GuardedKvStore implements KvStore {
  readonly kind: KvStore['kind'];
  private failures = 0;
  private openUntil = 0;
  private trial = false;
  private readonly timeoutMs: number;
  private readonly failuresToOpen: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(
    private readonly inner: KvStore,
    private readonly options: GuardedKvOptions = {},
  ) {
    this.kind = inner.kind;
    this.timeoutMs = options.timeoutMs ?? 300;
    this.failuresToOpen = options.failuresToOpen ?? 2;
    this.openMs = options.openMs ?? 5000;
    this.now = options.now ?? Date.now;
  }

  /** True while calls skip the store. */
  get open(): boolean {
    return this.openUntil > this.now();
  }

  get(key: string) {
    return this.call(() => this.inner.get(key));
  }
  set(key: string, value: string, ttlMs?: number) {
    return this.call(() => this.inner.set(key, value, ttlMs));
  }
  del(...keys: string[]) {
    return this.call(() => this.inner.del(...keys));
  }
  incr(key: string, ttlMs: number) {
    return this.call(() => this.inner.incr(key, ttlMs));
  }
  setIfAbsent(key: string, value: string, ttlMs: number) {
    return this.call(() => this.inner.setIfAbsent(key, value, ttlMs));
  }
  releaseIfOwner(key: string, token: string) {
    return this.call(() => this.inner.releaseIfOwner(key, token));
  }
  zincrby(key: string, member: string, delta: number) {
    return this.call(() => this.inner.zincrby(key, member, delta));
  }
  zadd(key: string, entries: ReadonlyArray<ScoredMember>) {
    return this.call(() => this.inner.zadd(key, entries));
  }
  zscore(key: string, member: string) {
    return this.call(() => this.inner.zscore(key, member));
  }
  zrevrank(key: string, member: string) {
    return this.call(() => this.inner.zrevrank(key, member));
  }
  zrevrange(key: string, start: number, stop: number) {
    return this.call(() => this.inner.zrevrange(key, start, stop));
  }
  zcard(key: string) {
    return this.call(() => this.inner.zcard(key));
  }
  zrem(key: string, member: string) {
    return this.call(() => this.inner.zrem(key, member));
  }
  expire(key: string, ttlMs: number) {
    return this.call(() => this.inner.expire(key, ttlMs));
  }
  exists(key: string) {
    return this.call(() => this.inner.exists(key));
  }
  /** Readiness probes go straight to the store (the breaker must not hide a recovery). */
  ping() {
    return this.inner.ping();
  }
  close() {
    return this.inner.close();
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    if (this.openUntil > this.now()) throw new KvUnavailableError('circuit open after repeated failures');
    if (this.openUntil !== 0) {
      // Half-open: one trial call at a time, the others keep skipping.
      if (this.trial) throw new KvUnavailableError('circuit open, trial call in progress');
      this.trial = true;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        work(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new KvUnavailableError(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      this.succeeded();
      return result;
    } catch (error) {
      // Usage errors (a bad TTL, WRONGTYPE) say nothing about the store's health.
      if (error instanceof RangeError || (error instanceof Error && /WRONGTYPE/.test(error.message))) {
        this.succeeded();
      } else {
        this.failed();
      }
      throw error;
    } finally {
      clearTimeout(timer);
      this.trial = false;
    }
  }

  private succeeded(): void {
    this.failures = 0;
    if (this.openUntil !== 0) {
      this.openUntil = 0;
      this.options.onStateChange?.(false);
    }
  }

  private failed(): void {
    this.failures++;
    if (this.failures >= this.failuresToOpen || this.openUntil !== 0) {
      const wasOpen = this.openUntil !== 0;
      this.openUntil = this.now() + this.openMs;
      if (!wasOpen) this.options.onStateChange?.(true);
    }
  }
}
