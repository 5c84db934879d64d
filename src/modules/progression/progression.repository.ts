import { raw, type EntityManager } from '@mikro-orm/postgresql';
import { sendStatements } from '../shared/send-together.js';
import type { AchievementWrite, UserAchievementState } from '../achievement/achievement.repository.js';
import type { QuestStatus, StreakType } from '../columns.js';
import { scoringSpans } from '../leaderboard/leaderboard.rules.js';
import { Quest } from '../quest/quest.entity.js';
import type { StreakRow, StreakRowWrite } from '../streak/streak.repository.js';
import { User } from '../user/user.entity.js';
import { ExperienceEvent } from './experience-event.entity.js';
import { UserStats } from './user-stats.entity.js';
import type { LedgerEvent } from './progression.rules.js';
import type { CompletionCount, UserCounters } from './user-stats.js';

/** Everything a reward starts from, read under the user's row lock. */
export interface GameState {
  xp: number;
  level: number;
  timezone: string;
  dayStartHour: number;
  freezes: number;
  /** The vacation on the profile (it holds the daily streak), as stored. */
  vacationSince: string | null;
  vacationUntil: string | null;
  /** Active streak rows. */
  streaks: StreakRow[];
  achievements: UserAchievementState[];
  optedIn: boolean;
  spaces: string[];
  /** Ledger sums of the current UTC week and month, before this change. */
  week: number;
  month: number;
  counters: UserCounters;
  /** The completed quest's category and its completions so far (when asked for one). */
  category: { name: string; prior: number } | null;
  /** The longest run ever per streak type (ended rows included). */
  bestLengths: Partial<Record<StreakType, number>>;
}

export interface LedgerEntry {
  amount: number;
  reason: 'quest' | 'achievement' | 'undo';
  details: Record<string, unknown>;
}

export interface Notice {
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/** The end of an XP change: every write that goes with it. */
export interface RewardsCommit {
  userId: string;
  questId: string;
  now: Date;
  /** The level after the change (decided by the caller from the new total). */
  level: number;
  ledger: LedgerEntry[];
  notices: Notice[];
  log: { action: string; data: Record<string, unknown> };
  streaks?: { updates: StreakRowWrite[]; inserts?: StreakRowWrite[]; freezes: number | null };
  /** Adds (+1) or takes back (-1) one completion in the counters. */
  count?: { count: CompletionCount; delta: 1 | -1 };
  achievements?: AchievementWrite[];
  /** Undo: the quest's latest analytics row goes with its completion. */
  dropLatestAnalytics?: boolean;
}

const EMPTY: UserCounters = { completions: 0, byDifficulty: {}, byCategory: {}, categoriesUsed: 0, byMinute: {}, stepsDone: 0 };

// The user's user_stats row, with category ids resolved to names.
const SELECT_COUNTERS = `with s as (select * from user_stats where user_id = ?)
  select s.completions, s.completions_by_difficulty as "byDifficulty", s.completions_by_minute as "byMinute", s.steps_done as "stepsDone",
    (select coalesce(jsonb_object_agg(c.name, e.value::int), '{}') from jsonb_each_text(s.completions_by_category) e
      join quest_categories c on c.id::text = e.key) as "byCategory",
    (select count(*)::int from jsonb_each_text(s.completions_by_category) e where e.value::int > 0) as "categoriesUsed"
  from s`;

function normalise(row: UserCounters | undefined): UserCounters {
  if (!row) return { ...EMPTY };
  return {
    completions: Number(row.completions),
    byDifficulty: row.byDifficulty ?? {},
    byCategory: row.byCategory ?? {},
    categoriesUsed: Number(row.categoriesUsed ?? 0),
    byMinute: row.byMinute ?? {},
    stepsDone: Number(row.stepsDone),
  };
}

/** A statement with its `?` parameters, private to this file. */
interface Statement {
  sql: string;
  params: unknown[];
}

/**
 * Runs `statements` as data-modifying CTEs of `main`: one round trip. They see
 * the same snapshot and must not touch the rows `main` reads, nor depend on each other.
 */
function alongside(statements: Statement[], main: Statement): Statement {
  if (!statements.length) return main;
  const ctes = statements.map((s, i) => `side_${i} as (${s.sql})`).join(',\n');
  return { sql: `with ${ctes}\n${main.sql.trimStart()}`, params: [...statements.flatMap((s) => s.params), ...main.params] };
}

/**
 * The XP ledger, the user's XP and level, the completion counters and the one
 * statement that closes every reward. Completion and undo are the hot path
 * (about five round trips per completion with rewards): their reads and writes
 * stay single raw statements here, because the entity path would send one
 * statement per row and table (benchmark: `npm run bench -- gamification`).
 */
export class ProgressionRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Locks the user's row for the rest of the transaction, so one user's
   * completions and undos take turns (streaks and counters are
   * read-modify-write), then reads everything the rewards start from. `no key
   * update` leaves inserts that reference the user (quests, ledger rows)
   * unblocked.
   */
  async lockGameState(userId: string, now: Date, completion?: { categoryId: string | null }): Promise<GameState> {
    const { week, month } = scoringSpans(now);
    const since = week.from < month.from ? week.from : month.from;
    // raw: `for no key update` has no LockMode, and the read must be a later statement of the same round trip,
    // whose snapshot is taken after the lock is granted (a locking read would keep the old one).
    const [, rows, counters, category] = await sendStatements(this.em, [
      { sql: 'select 1 from users where id = ? for no key update', params: [userId] },
      {
        sql: `select u.experience_points as xp, u.level, p.timezone, p.day_start_hour as "dayStartHour", p.streak_freezes as freezes,
         p.vacation_since as "vacationSince", p.vacation_until as "vacationUntil",
         (select coalesce(json_agg(json_build_object(
            'id', s.id, 'type', s.streak_type, 'currentCount', s.current_count, 'longestCount', s.longest_count,
            'startDate', s.start_date, 'lastActivityDate', s.last_activity_date, 'isActive', s.is_active, 'metadata', s.metadata)), '[]')
          from streaks s where s.user_id = u.id and s.is_active) as streaks,
         (select coalesce(json_agg(json_build_object(
            'achievementId', ua.achievement_id, 'unlockedAt', ua.unlocked_at, 'progress', ua.progress_data -> 'progress')), '[]')
          from user_achievements ua where ua.user_id = u.id) as achievements,
         p.leaderboard_opt_in as "optedIn", (select coalesce(json_agg(m.space_id), '[]') from space_members m where m.user_id = u.id) as spaces,
         coalesce(l.week, 0)::int as week, coalesce(l.month, 0)::int as month,
         (select coalesce(json_object_agg(b.streak_type, b.best), '{}') from
           (select streak_type, max(longest_count) as best from streaks where user_id = u.id group by streak_type) b) as "bestLengths"
       from users u join user_profiles p on p.user_id = u.id
       left join lateral (select sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as week,
           sum(amount) filter (where created_at >= ?::timestamptz and created_at < ?::timestamptz) as month
         from experience_events where user_id = u.id and created_at >= ?::timestamptz) l on true
       where u.id = ?`,
        params: [...[week.from, week.to, month.from, month.to, since].map((d) => d.toISOString()), userId],
      },
      // A completion predicts its counters from these (the lock keeps other completions out meanwhile).
      ...(completion
        ? [
            { sql: SELECT_COUNTERS, params: [userId] },
            {
              sql: `select c.name, coalesce((select (s.completions_by_category ->> c.id::text)::int from user_stats s where s.user_id = c.user_id), 0) as prior
                  from quest_categories c where c.id = ? and c.user_id = ?`,
              params: [completion.categoryId, userId],
            },
          ]
        : []),
    ]);
    const row = rows?.[0] as unknown as Omit<GameState, 'counters' | 'category'> | undefined;
    if (!row) throw new Error(`user ${userId} has no profile`);
    // JSON columns arrive parsed from PostgreSQL, as text from PGlite.
    if (typeof row.bestLengths === 'string') row.bestLengths = JSON.parse(row.bestLengths) as GameState['bestLengths'];
    const found = category?.[0] as { name: string; prior: number } | undefined;
    return {
      ...row,
      counters: normalise(counters?.[0] as unknown as UserCounters | undefined),
      category: found ? { name: found.name, prior: Number(found.prior) } : null,
    };
  }

  /**
   * Ledger rows, notifications, the behavior log, streak rows, counters and
   * achievements ride along with the update of the user's XP and level, in one
   * statement (the user's row is locked by `lockGameState`).
   */
  async commit(change: RewardsCommit): Promise<{ xp: number; level: number }> {
    const { userId, questId } = change;
    const delta = change.ledger.reduce((sum, e) => sum + e.amount, 0);
    // raw: data-modifying CTEs put six tables' writes in one round trip (the entity path would take one per table)
    const writes: Statement[] = [
      {
        sql: `insert into experience_events (user_id, quest_id, amount, reason, created_at, details)
          select ?, ?, x.amount, x.reason, ?::timestamptz, x.details from jsonb_to_recordset(?::jsonb) as x(amount int, reason text, details jsonb)`,
        params: [userId, questId, change.now.toISOString(), JSON.stringify(change.ledger)],
      },
      {
        sql: 'insert into user_behavior_logs (user_id, action_type, action_data) values (?, ?, ?)',
        params: [userId, change.log.action, JSON.stringify(change.log.data)],
      },
    ];
    if (change.notices.length) {
      writes.push({
        // The command's reply shows these notices: recorded as delivered in-reply, so the outbox never DMs them.
        sql: `insert into notifications (user_id, type, title, message, data, is_sent, sent_at, delivered_via)
          select ?, x.type, x.title, x.message, x.data, true, ?::timestamptz, 'reply'
          from jsonb_to_recordset(?::jsonb) as x(type text, title text, message text, data jsonb)`,
        params: [userId, change.now.toISOString(), JSON.stringify(change.notices)],
      });
    }
    if (change.streaks?.updates.length) {
      writes.push({
        sql: `update streaks s set current_count = x."currentCount", longest_count = x."longestCount", start_date = x."startDate",
           last_activity_date = x."lastActivityDate", is_active = x."isActive", metadata = x.metadata
         from jsonb_to_recordset(?::jsonb) as x(id uuid, "currentCount" int, "longestCount" int, "startDate" date, "lastActivityDate" date, "isActive" boolean, metadata jsonb)
         where s.id = x.id and s.user_id = ?`,
        params: [JSON.stringify(change.streaks.updates), userId],
      });
    }
    if (change.streaks?.inserts?.length) {
      writes.push({
        sql: `insert into streaks (id, user_id, streak_type, current_count, longest_count, start_date, last_activity_date, is_active, metadata)
         select x.id, ?, x.type, x."currentCount", x."longestCount", x."startDate", x."lastActivityDate", x."isActive", x.metadata
         from jsonb_to_recordset(?::jsonb) as x(id uuid, type text, "currentCount" int, "longestCount" int, "startDate" date, "lastActivityDate" date, "isActive" boolean, metadata jsonb)`,
        params: [userId, JSON.stringify(change.streaks.inserts)],
      });
    }
    if (change.streaks && change.streaks.freezes !== null) {
      writes.push({ sql: 'update user_profiles set streak_freezes = ? where user_id = ?', params: [change.streaks.freezes, userId] });
    }
    if (change.count) writes.push(countStatement(userId, change.count.count, change.count.delta));
    if (change.achievements?.length) {
      writes.push({
        sql: `insert into user_achievements (user_id, achievement_id, unlocked_at, progress_data)
          select ?, x."achievementId", x."unlockedAt", x.progress from jsonb_to_recordset(?::jsonb) as x("achievementId" uuid, "unlockedAt" timestamptz, progress jsonb)
          on conflict (user_id, achievement_id) do update set progress_data = excluded.progress_data,
            unlocked_at = coalesce(user_achievements.unlocked_at, excluded.unlocked_at)`,
        params: [userId, JSON.stringify(change.achievements)],
      });
    }
    if (change.dropLatestAnalytics) {
      writes.push({
        sql: 'delete from quest_analytics where id = (select id from quest_analytics where quest_id = ? and user_id = ? order by created_at desc limit 1)',
        params: [questId, userId],
      });
    }
    const { sql, params } = alongside(writes, {
      sql: 'update users set experience_points = experience_points + ?, level = ? where id = ? returning experience_points as xp, level',
      params: [delta, change.level, userId],
    });
    const [row] = await this.em.execute<{ xp: number; level: number }[]>(sql, params);
    return row!;
  }

  /**
   * Reopens a quest completed since `since` with the given status, clearing its
   * completion; false when it is no longer such a completion (a racing undo).
   */
  async reopen(questId: string, since: Date, status: QuestStatus): Promise<boolean> {
    const changed = await this.em.nativeUpdate(
      Quest,
      { id: questId, status: 'COMPLETED', completedAt: { $gte: since } },
      { status, completedAt: null, actualDuration: null },
    );
    return changed > 0;
  }

  /** The quest's completion and undo rows of the ledger, newest first. */
  async completionLedger(userId: string, questId: string): Promise<LedgerEvent[]> {
    const rows = await this.em.find(
      ExperienceEvent,
      { userId, questId, reason: { $in: ['quest', 'undo'] } },
      { orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], fields: ['id', 'amount', 'reason', 'details', 'createdAt'], disableIdentityMap: true },
    );
    return rows.map((r) => ({ id: r.id, amount: r.amount, reason: r.reason, details: r.details ?? {} }));
  }

  /** The user's counters (all zero before the first completion or step). */
  async counters(userId: string): Promise<UserCounters> {
    // raw: resolves the counters' category ids (jsonb keys) to names
    const [row] = await this.em.execute<UserCounters[]>(SELECT_COUNTERS, [userId]);
    return normalise(row);
  }

  /** Counts steps ticked off (`delta` 1) or unticked (-1) towards the `steps_done` achievements; call inside the step's transaction. */
  async countStepsDone(userId: string, delta: number): Promise<void> {
    await this.em
      .createQueryBuilder(UserStats)
      .insert({ userId, stepsDone: Math.max(0, delta) })
      .onConflict(['userId'])
      .merge({ stepsDone: raw('greatest(0, user_stats.steps_done + ?::int)', [Math.trunc(delta)]) })
      .execute();
  }

  async xpAndLevel(userId: string): Promise<{ xp: number; level: number } | null> {
    const user = await this.em.findOne(User, userId, { fields: ['experiencePoints', 'level'], disableIdentityMap: true });
    return user ? { xp: user.experiencePoints, level: user.level } : null;
  }
}

/** The upsert that adds `delta` (+1 for a completion, -1 for its undo) to the user's completion counters. */
function countStatement(userId: string, count: CompletionCount, delta: 1 | -1): Statement {
  const minute = String(count.minute);
  return {
    sql: `insert into user_stats as u (user_id, completions, completions_by_difficulty, completions_by_category, completions_by_minute)
      values (?, greatest(0, ?::int), jsonb_add_count('{}', ?, ?), jsonb_add_count('{}', ?, ?), jsonb_add_count('{}', ?, ?))
      on conflict (user_id) do update set
        completions = greatest(0, u.completions + ?::int),
        completions_by_difficulty = jsonb_add_count(u.completions_by_difficulty, ?, ?),
        completions_by_category = jsonb_add_count(u.completions_by_category, ?, ?),
        completions_by_minute = jsonb_add_count(u.completions_by_minute, ?, ?)`,
    params: [
      userId,
      delta,
      count.difficulty,
      delta,
      count.categoryId,
      delta,
      minute,
      delta,
      delta,
      count.difficulty,
      delta,
      count.categoryId,
      delta,
      minute,
      delta,
    ],
  };
}
