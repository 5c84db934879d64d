import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '../../core/errors.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import { leaderboardMessages } from './leaderboard.messages.js';
import { LeaderboardRepository } from './leaderboard.repository.js';
import { isRanked, LEADERBOARD_PERIODS, periodWindow, type LeaderboardPeriod, type PeriodWindow } from './leaderboard.rules.js';

export { LEADERBOARD_PERIODS, periodWindow, type LeaderboardPeriod, type PeriodWindow } from './leaderboard.rules.js';

/** A cached board is trusted this long, then rebuilt from the ledger (heals any drift). */
const BUILT_TTL_MS = 24 * 60 * 60_000;
/** The set outlives its marker, so a write never recreates an expired set without a TTL. */
const SET_TTL_MS = BUILT_TTL_MS + 60 * 60_000;
const REBUILD_LOCK_MS = 30_000;

function keysFor(spaceId: string, window: PeriodWindow) {
  const key = `lb:${spaceId}:${window.label}`;
  return { key, built: `${key}:built`, lock: `${key}:lock` };
}

export interface LeaderboardEntry {
  userId: string;
  name: string;
  score: number;
  /** 1-based. */
  rank: number;
}

export interface LeaderboardPage {
  window: PeriodWindow;
  entries: LeaderboardEntry[];
  /** The asking user's place, also when outside the top; null when unranked or opted out. */
  me: LeaderboardEntry | null;
  ranked: number;
  optedIn: boolean;
  source: 'cache' | 'database';
}

/** A user's scores and spaces, read inside the transaction that changed their XP. */
export interface UserScores {
  userId: string;
  optedIn: boolean;
  spaces: string[];
  scores: Record<LeaderboardPeriod, number>;
  now: Date;
}

interface WriteQueue {
  chains: Map<string, Promise<void>>;
  pending: Set<Promise<void>>;
}

/** Per store: one write chain per user, so two quick completions reach the cache in commit order. */
const queues = new WeakMap<KvStore, WriteQueue>();

function queueFor(kv: KvStore): WriteQueue {
  let queue = queues.get(kv);
  if (!queue) {
    queue = { chains: new Map(), pending: new Set() };
    queues.set(kv, queue);
  }
  return queue;
}

/** Resolves once every leaderboard write queued so far has finished (tests, benchmarks, shutdown). */
export async function leaderboardWritesSettled(kv: KvStore): Promise<void> {
  const queue = queues.get(kv);
  while (queue?.pending.size) await Promise.allSettled([...queue.pending]);
}

/**
 * Leaderboards per space and period: sorted sets in the kv store, rebuilt from
 * the ledger when missing, read from the database when the store is down. Only
 * members who opted in (`user_profiles.leaderboard_opt_in`) and scored appear.
 */
export class LeaderboardService {
  private readonly repository: LeaderboardRepository;

  constructor(
    em: EntityManager,
    private readonly kv: KvStore,
    private readonly logger: Logger,
  ) {
    this.repository = new LeaderboardRepository(em);
  }

  async show(spaceId: string | null, userId: string, period: LeaderboardPeriod, now: Date, limit = 10): Promise<LeaderboardPage> {
    if (!spaceId) {
      throw new ValidationError(leaderboardMessages.needs_space());
    }
    const window = periodWindow(period, now);
    const cached = await this.fromCache(spaceId, userId, window, limit).catch((error: unknown) => {
      this.logger.warn({ err: error, spaceId, period }, 'leaderboard cache unavailable, reading the database');
      return null;
    });
    return cached ?? (await this.fromDatabase(spaceId, userId, window, limit));
  }

  /** Replaces the cached board of a space and period with the ledger's figures; returns its size. */
  async rebuild(spaceId: string, window: PeriodWindow): Promise<number> {
    const { key, built } = keysFor(spaceId, window);
    const scores = await this.scores(spaceId, window);
    await this.kv.del(key, built);
    if (scores.length) {
      await this.kv.zadd(
        key,
        scores.map((s) => ({ member: s.userId, score: s.score })),
      );
      await this.kv.expire(key, SET_TTL_MS);
    }
    await this.kv.set(built, String(scores.length), BUILT_TTL_MS);
    return scores.length;
  }

  /** Reads what the cache needs after a change of a user's XP; call it inside that transaction. */
  async scoresFor(em: EntityManager, userId: string, now: Date): Promise<UserScores> {
    const repository = new LeaderboardRepository(em);
    const standing = await repository.standing(userId, now);
    const spaces = await repository.spacesOf(userId);
    return { userId, optedIn: standing.optedIn, spaces, scores: { all: standing.all, week: standing.week, month: standing.month }, now };
  }

  /**
   * Writes a user's scores to every cached board they belong on (boards not built
   * yet are left for their first reader). Queued behind the user's earlier writes
   * and never rejects: a store that is down only leaves the cache stale.
   */
  publish(scores: UserScores): Promise<void> {
    const queue = queueFor(this.kv);
    const previous = queue.chains.get(scores.userId) ?? Promise.resolve();
    const write = previous
      .then(() => this.write(scores))
      .catch((error: unknown) => {
        this.logger.warn({ err: error, userId: scores.userId }, 'leaderboard update failed; the cache heals at its next rebuild');
      });
    queue.chains.set(scores.userId, write);
    queue.pending.add(write);
    void write.finally(() => {
      queue.pending.delete(write);
      if (queue.chains.get(scores.userId) === write) queue.chains.delete(scores.userId);
    });
    return write;
  }

  private async write(scores: UserScores): Promise<void> {
    for (const spaceId of scores.spaces) {
      for (const period of LEADERBOARD_PERIODS) {
        const { key, built } = keysFor(spaceId, periodWindow(period, scores.now));
        if (!(await this.kv.exists(built))) continue;
        const score = scores.scores[period];
        if (isRanked(scores.optedIn, score)) await this.kv.zadd(key, [{ member: scores.userId, score }]);
        else await this.kv.zrem(key, scores.userId);
      }
    }
  }

  private async fromCache(spaceId: string, userId: string, window: PeriodWindow, limit: number): Promise<LeaderboardPage | null> {
    const { key, built, lock } = keysFor(spaceId, window);
    if (!(await this.kv.exists(built))) {
      const token = randomUUID();
      // One reader rebuilds; the others read the database meanwhile.
      if (!(await this.kv.setIfAbsent(lock, token, REBUILD_LOCK_MS))) return null;
      try {
        await this.rebuild(spaceId, window);
      } finally {
        await this.kv.releaseIfOwner(lock, token);
      }
    }
    const [top, rank, score, ranked] = await Promise.all([
      this.kv.zrevrange(key, 0, limit - 1),
      this.kv.zrevrank(key, userId),
      this.kv.zscore(key, userId),
      this.kv.zcard(key),
    ]);
    const { names, optedIn, hidden } = await this.people(
      userId,
      top.map((t) => t.member),
    );
    // A member who opted out while the cache missed the change (store down, a write racing the opt-out): drop them and answer from the ledger.
    const stale = top
      .map((t) => t.member)
      .concat(rank !== null ? [userId] : [])
      .filter((member) => hidden.has(member));
    if (stale.length) {
      for (const member of new Set(stale)) await this.kv.zrem(key, member);
      return null;
    }
    const entries = top.map((t, i) => ({ userId: t.member, name: names.get(t.member) ?? 'someone', score: t.score, rank: i + 1 }));
    const me = rank !== null && score !== null ? { userId, name: names.get(userId) ?? 'you', score, rank: rank + 1 } : null;
    return { window, entries, me, ranked, optedIn, source: 'cache' };
  }

  private async fromDatabase(spaceId: string, userId: string, window: PeriodWindow, limit: number): Promise<LeaderboardPage> {
    const scores = await this.scores(spaceId, window);
    const { names, optedIn } = await this.people(
      userId,
      scores.slice(0, limit).map((s) => s.userId),
    );
    const entry = (s: { userId: string; score: number }, i: number) => ({
      userId: s.userId,
      name: names.get(s.userId) ?? 'someone',
      score: s.score,
      rank: i + 1,
    });
    const mine = scores.findIndex((s) => s.userId === userId);
    return {
      window,
      entries: scores.slice(0, limit).map(entry),
      me: mine === -1 ? null : entry(scores[mine]!, mine),
      ranked: scores.length,
      optedIn,
      source: 'database',
    };
  }

  /** Opted-in members of a space with a positive score for the window, best first (ties as the sorted set orders them). */
  private scores(spaceId: string, window: PeriodWindow): Promise<Array<{ userId: string; score: number }>> {
    return this.repository.boardScores(spaceId, window);
  }

  /** Display names of the listed users and the asking user, whether the asking user opted in, and who of them did not. */
  private async people(userId: string, listed: string[]): Promise<{ names: Map<string, string>; optedIn: boolean; hidden: Set<string> }> {
    const rows = await this.repository.people([...new Set([...listed, userId])]);
    return {
      names: new Map(rows.map((r) => [r.id, r.name])),
      optedIn: rows.find((r) => r.id === userId)?.optedIn ?? true,
      hidden: new Set(rows.filter((r) => !r.optedIn).map((r) => r.id)),
    };
  }
}
