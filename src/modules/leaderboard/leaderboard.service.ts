import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { ValidationError, plain } from '../../core/errors.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';

export const LEADERBOARD_PERIODS = ['week', 'month', 'all'] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

/** A cached board is trusted this long, then rebuilt from the ledger (heals any drift). */
const BUILT_TTL_MS = 24 * 60 * 60_000;
/** The set outlives its marker, so a write never recreates an expired set without a TTL. */
const SET_TTL_MS = BUILT_TTL_MS + 60 * 60_000;
const REBUILD_LOCK_MS = 30_000;

/** A period of the ledger in UTC (leaderboards span members in every time zone). */
export interface PeriodWindow {
  period: LeaderboardPeriod;
  /** `2026-W48`, `2026-11` or `all`. */
  label: string;
  from: Date | null;
  to: Date | null;
}

export function periodWindow(period: LeaderboardPeriod, now: Date): PeriodWindow {
  const utc = DateTime.fromJSDate(now, { zone: 'utc' });
  if (period === 'all') return { period, label: 'all', from: null, to: null };
  const unit = period === 'week' ? 'week' : 'month';
  const start = utc.startOf(unit);
  const label = period === 'week' ? `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}` : start.toFormat('yyyy-LL');
  return { period, label, from: start.toJSDate(), to: start.plus({ [`${unit}s`]: 1 }).toJSDate() };
}

/**
 * A user's ledger sums for the current UTC week and month, as a lateral join
 * (`join`, whose `params` come first) exposing `week` and `month` (`columns`).
 */
export function ledgerSums(userIdColumn: string, now: Date): { join: string; columns: string; params: string[] } {
  const week = periodWindow('week', now);
  const month = periodWindow('month', now);
  const since = week.from! < month.from! ? week.from! : month.from!;
  return {
    join: `left join lateral (select sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as week,
        sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as month
      from experience_events where user_id = ${userIdColumn} and created_at >= ?::timestamptz) ledger_sums on true`,
    columns: 'coalesce(ledger_sums.week, 0)::int as week, coalesce(ledger_sums.month, 0)::int as month',
    params: [week.from!, week.to!, month.from!, month.to!, since].map((d) => d.toISOString()),
  };
}

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
  constructor(
    private readonly em: EntityManager,
    private readonly kv: KvStore,
    private readonly logger: Logger,
  ) {}

  async show(spaceId: string | null, userId: string, period: LeaderboardPeriod, now: Date, limit = 10): Promise<LeaderboardPage> {
    if (!spaceId) {
      throw new ValidationError(plain('Leaderboards belong to a server or workspace: run `/leaderboard` there rather than in a direct message.'));
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
      await this.kv.zadd(key, scores.map((s) => ({ member: s.userId, score: s.score })));
      await this.kv.expire(key, SET_TTL_MS);
    }
    await this.kv.set(built, String(scores.length), BUILT_TTL_MS);
    return scores.length;
  }

  /** Reads what the cache needs after a change of a user's XP; call it inside that transaction. */
  async scoresFor(em: EntityManager, userId: string, now: Date): Promise<UserScores> {
    const sums = ledgerSums('u.id', now);
    const [row] = await em.execute<{ optedIn: boolean; all: number; week: number; month: number; spaces: string[] }[]>(
      `select p.leaderboard_opt_in as "optedIn", u.experience_points as "all",
         (select coalesce(json_agg(m.space_id), '[]') from space_members m where m.user_id = u.id) as spaces, ${sums.columns}
       from users u join user_profiles p on p.user_id = u.id ${sums.join}
       where u.id = ?`,
      [...sums.params, userId],
    );
    return {
      userId,
      optedIn: row?.optedIn ?? false,
      spaces: row?.spaces ?? [],
      scores: { all: Number(row?.all ?? 0), week: Number(row?.week ?? 0), month: Number(row?.month ?? 0) },
      now,
    };
  }

  /**
   * Writes a user's scores to every cached board they belong on (boards not built
   * yet are left for their first reader). Queued behind the user's earlier writes
   * and never rejects: a store that is down only leaves the cache stale.
   */
  publish(scores: UserScores): Promise<void> {
    const queue = queueFor(this.kv);
    const previous = queue.chains.get(scores.userId) ?? Promise.resolve();
    const write = previous.then(() => this.write(scores)).catch((error: unknown) => {
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
        if (scores.optedIn && score > 0) await this.kv.zadd(key, [{ member: scores.userId, score }]);
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
    const { names, optedIn } = await this.people(userId, top.map((t) => t.member));
    const entries = top.map((t, i) => ({ userId: t.member, name: names.get(t.member) ?? 'someone', score: t.score, rank: i + 1 }));
    const me = rank !== null && score !== null ? { userId, name: names.get(userId) ?? 'you', score, rank: rank + 1 } : null;
    return { window, entries, me, ranked, optedIn, source: 'cache' };
  }

  private async fromDatabase(spaceId: string, userId: string, window: PeriodWindow, limit: number): Promise<LeaderboardPage> {
    const scores = await this.scores(spaceId, window);
    const { names, optedIn } = await this.people(userId, scores.slice(0, limit).map((s) => s.userId));
    const entry = (s: { userId: string; score: number }, i: number) => ({ userId: s.userId, name: names.get(s.userId) ?? 'someone', score: s.score, rank: i + 1 });
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
  private async scores(spaceId: string, window: PeriodWindow): Promise<Array<{ userId: string; score: number }>> {
    const rows =
      window.from === null
        ? await this.em.execute<{ userId: string; score: number }[]>(
            `select u.id as "userId", u.experience_points as score
             from space_members m join users u on u.id = m.user_id join user_profiles p on p.user_id = m.user_id and p.leaderboard_opt_in
             where m.space_id = ? and u.experience_points > 0
             order by score desc, u.id desc`,
            [spaceId],
          )
        : await this.em.execute<{ userId: string; score: number }[]>(
            `select e.user_id as "userId", sum(e.amount)::int as score
             from space_members m join user_profiles p on p.user_id = m.user_id and p.leaderboard_opt_in
             join experience_events e on e.user_id = m.user_id and e.created_at >= ? and e.created_at < ?
             where m.space_id = ?
             group by e.user_id having sum(e.amount) > 0
             order by score desc, e.user_id desc`,
            [window.from.toISOString(), window.to!.toISOString(), spaceId],
          );
    return rows.map((r) => ({ userId: r.userId, score: Number(r.score) }));
  }

  /** Display names of the listed users and the asking user, and whether the asking user opted in: one query. */
  private async people(userId: string, listed: string[]): Promise<{ names: Map<string, string>; optedIn: boolean }> {
    const rows = await this.em.execute<{ id: string; name: string; optedIn: boolean }[]>(
      `select u.id, coalesce(u.display_name, u.username) as name, p.leaderboard_opt_in as "optedIn"
       from users u join user_profiles p on p.user_id = u.id where u.id in (select jsonb_array_elements_text(?::jsonb)::uuid)`,
      [JSON.stringify([...new Set([...listed, userId])])],
    );
    return { names: new Map(rows.map((r) => [r.id, r.name])), optedIn: rows.find((r) => r.id === userId)?.optedIn ?? true };
  }
}
