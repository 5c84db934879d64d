import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError, plain } from '../../core/errors.js';
import { behaviorLogInsert, executeBatchAll } from '../analytics/behavior-log.service.js';
import {
  achievementStats,
  decideAchievements,
  loadCatalog,
  USER_ACHIEVEMENTS_JSON,
  type UserAchievementState,
} from '../achievement/achievement.service.js';
import { minuteOfDay } from '../achievement/achievement.rules.js';
import type { Difficulty, QuestStatus, StreakType } from '../columns.js';
import type { LeaderboardService, UserScores } from '../leaderboard/leaderboard.service.js';
import type { CompletedQuest, CompletionHook, CompletionRewards } from '../quest/completion.js';
import { QuestService } from '../quest/quest.service.js';
import { statusLabel } from '../quest/quest.rules.js';
import {
  ACTIVE_STREAKS_JSON,
  dailyStreakAtDayStart,
  recordStreaks,
  streakOverview,
  undoStreaks,
  type StreakMarks,
  type StreakOverview,
  type StreakRow,
} from '../streak/streak.service.js';
import { userDay } from '../streak/streak.rules.js';
import { afterCommit } from './after-commit.js';
import { completionXp, levelForXp, streakBonusPercent } from './progression.rules.js';
import { achievementNotice, completionLines, levelUpNotice } from './progression.presenter.js';
import { alongside, ledgerSums, type SqlStatement } from './sql.js';
import { completionCountStatement, countedCompletion, countersBeforeStatements, loadCounters, type UserCounters } from './user-stats.js';

/** Completions can be undone for this long. */
const UNDO_WINDOW_MS = 24 * 60 * 60_000;

/** What a completion's ledger row keeps, so undo can reverse it exactly. */
export interface CompletionDetails {
  difficulty: Difficulty;
  categoryId: string | null;
  minute: number;
  day: string;
  timezone: string;
  bonusPercent: number;
  streaks: StreakMarks;
}

/** The user's row, profile, active streaks, achievement rows and leaderboard standing, read under the user's lock. */
interface GameState {
  xp: number;
  level: number;
  timezone: string;
  dayStartHour: number;
  freezes: number;
  streaks: StreakRow[];
  achievements: UserAchievementState[];
  optedIn: boolean;
  spaces: string[];
  /** Ledger sums of the current UTC week and month, before this change. */
  week: number;
  month: number;
}

/**
 * Locks the user's row for the rest of the transaction, so one user's completions
 * and undos take turns (streaks and counters are read-modify-write), then reads
 * everything the rewards start from. The read is its own statement: a statement
 * that waited for the lock still sees the snapshot it started with, which would
 * miss the streaks the previous holder just committed. `no key update` leaves
 * inserts that reference the user (quests, ledger rows) unblocked.
 */
async function lockGameState(em: EntityManager, userId: string, now: Date, extra: SqlStatement[] = []): Promise<GameState & { extra: Array<Record<string, unknown>[]> }> {
  const sums = ledgerSums('u.id', now);
  // One round trip: the lock, then the read as a later statement, whose snapshot
  // is taken after the lock is granted (a locking read would keep the old one).
  const [, rows, ...extraRows] = await executeBatchAll(em, [
    { sql: 'select 1 from users where id = ? for no key update', params: [userId] },
    {
      sql: `select u.experience_points as xp, u.level, p.timezone, p.day_start_hour as "dayStartHour", p.streak_freezes as freezes,
       ${ACTIVE_STREAKS_JSON('u.id')} as streaks, ${USER_ACHIEVEMENTS_JSON('u.id')} as achievements,
       p.leaderboard_opt_in as "optedIn", (select coalesce(json_agg(m.space_id), '[]') from space_members m where m.user_id = u.id) as spaces,
       ${sums.columns}
     from users u join user_profiles p on p.user_id = u.id ${sums.join}
     where u.id = ?`,
      params: [...sums.params, userId],
    },
    ...extra,
  ]);
  const row = rows?.[0] as unknown as GameState | undefined;
  if (!row) throw new Error(`user ${userId} has no profile`);
  return { ...row, extra: extraRows };
}

interface LedgerEntry {
  amount: number;
  reason: 'quest' | 'achievement' | 'undo';
  details: Record<string, unknown>;
}

interface Notice {
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/**
 * The end of every XP change in one statement: ledger rows, notifications, the
 * behavior log and any `also` writes ride along with the update of the user's
 * XP and level (the row is locked; the new level is computed from the total).
 */
async function commitXp(
  em: EntityManager,
  change: { userId: string; questId: string; now: Date; xpBefore: number; ledger: LedgerEntry[]; notices?: Notice[]; log: SqlStatement; also?: SqlStatement[] },
): Promise<{ xp: number; level: number }> {
  const { userId, questId, now } = change;
  const delta = change.ledger.reduce((sum, e) => sum + e.amount, 0);
  const writes: SqlStatement[] = [
    {
      sql: `insert into experience_events (user_id, quest_id, amount, reason, created_at, details)
        select ?, ?, x.amount, x.reason, ?::timestamptz, x.details from jsonb_to_recordset(?::jsonb) as x(amount int, reason text, details jsonb)`,
      params: [userId, questId, now.toISOString(), JSON.stringify(change.ledger)],
    },
    change.log,
    ...(change.also ?? []),
  ];
  if (change.notices?.length) {
    writes.push({
      sql: `insert into notifications (user_id, type, title, message, data)
        select ?, x.type, x.title, x.message, x.data from jsonb_to_recordset(?::jsonb) as x(type text, title text, message text, data jsonb)`,
      params: [userId, JSON.stringify(change.notices)],
    });
  }
  const { sql, params } = alongside(writes, {
    sql: 'update users set experience_points = experience_points + ?, level = ? where id = ? returning experience_points as xp, level',
    params: [delta, levelForXp(change.xpBefore + delta), userId],
  });
  const [row] = await em.execute<{ xp: number; level: number }[]>(sql, params);
  return row!;
}

export interface UndoResult {
  quest: { number: number; title: string; status: QuestStatus };
  xpRemoved: number;
  xp: number;
  level: number;
  levelBefore: number;
  steppedBack: StreakType[];
}

export interface ProfileView {
  displayName: string;
  xp: number;
  level: number;
  completions: number;
  streaks: StreakOverview;
  achievementsUnlocked: number;
  achievementsTotal: number;
  latestAchievements: Array<{ name: string; icon: string | null; rarity: string; unlockedAt: Date }>;
}

/**
 * XP, levels, streaks and achievements. As the completion hook it runs inside the
 * completion's transaction, only after the conditional status update changed a
 * row, so everything here happens exactly once per completion.
 */
export class ProgressionService implements CompletionHook {
  constructor(
    private readonly em: EntityManager,
    private readonly leaderboard: LeaderboardService,
  ) {}

  async onQuestCompleted(tx: EntityManager, quest: CompletedQuest, now: Date): Promise<CompletionRewards> {
    const { userId } = quest;
    // The counters are read with the game state and predicted here; their update
    // rides along with the XP statement (the user's lock keeps completions in line).
    const state = await lockGameState(tx, userId, now, countersBeforeStatements(userId, quest.categoryId));
    const [[countersBefore], [category]] = state.extra as [[UserCounters?], [{ name: string; prior: number }?]];
    const where = { timezone: state.timezone, dayStartHour: state.dayStartHour };
    const day = userDay(now, where.timezone, where.dayStartHour);
    const streakDays = dailyStreakAtDayStart(state.streaks, state.freezes, now, where);
    const xp = completionXp({ difficulty: quest.difficulty, estimatedMinutes: quest.estimatedDuration, dailyStreakAtDayStart: streakDays });

    const streaks = await recordStreaks(tx, userId, state.streaks, state.freezes, now, where);
    const minute = minuteOfDay(now, where.timezone);
    const count = { difficulty: quest.difficulty, categoryId: quest.categoryId, minute };
    const counters = countedCompletion(countersBefore, category, count);
    const achievements = decideAchievements(userId, {
      catalog: await loadCatalog(tx),
      states: state.achievements,
      stats: achievementStats(counters, streaks.longest, levelForXp(state.xp + xp)),
      xp: state.xp + xp,
      day,
      now,
    });
    const achievementXp = achievements.xp - state.xp - xp;
    const levelAfter = levelForXp(achievements.xp);
    const leveledUp = levelAfter > state.level;

    const details: CompletionDetails = {
      difficulty: quest.difficulty,
      categoryId: quest.categoryId,
      minute,
      day,
      timezone: where.timezone,
      bonusPercent: streakBonusPercent(streakDays),
      streaks: streaks.marks,
    };
    const user = await commitXp(tx, {
      userId,
      questId: quest.id,
      now,
      xpBefore: state.xp,
      ledger: [
        { amount: xp, reason: 'quest', details: { ...details } },
        ...achievements.unlocked.filter((a) => a.xpReward > 0).map((a): LedgerEntry => ({ amount: a.xpReward, reason: 'achievement', details: { code: a.code } })),
      ],
      notices: [
        ...(leveledUp ? [{ type: 'level_up', title: `Level ${levelAfter}!`, message: `You reached level ${levelAfter}.`, data: { level: levelAfter, previousLevel: state.level, xp: achievements.xp } }] : []),
        ...achievements.unlocked.map((a) => ({
          type: 'achievement_unlocked',
          title: `Achievement unlocked: ${a.name}`,
          message: a.description,
          data: { code: a.code, rarity: a.rarity, xpReward: a.xpReward },
        })),
      ],
      log: behaviorLogInsert(userId, 'rewards_granted', {
        questId: quest.id,
        xp,
        bonusPercent: details.bonusPercent,
        achievementXp,
        level: levelAfter,
        previousLevel: state.level,
        achievements: achievements.unlocked.map((a) => a.code),
        streaks: Object.fromEntries(streaks.steps.map((s) => [s.type, { event: s.event, count: s.count }])),
        freezes: streaks.freezes,
      }),
      also: [...streaks.deferred, completionCountStatement(userId, count, 1), ...(achievements.write ? [achievements.write] : [])],
    });
    this.publishAfterCommit(tx, {
      userId,
      optedIn: state.optedIn,
      spaces: state.spaces,
      scores: { all: user.xp, week: state.week + xp + achievementXp, month: state.month + xp + achievementXp },
      now,
    });

    return {
      xpAwarded: xp,
      lines: completionLines({ xp, bonusPercent: details.bonusPercent, streakDays, streaks, unlocked: achievements.unlocked, total: user.xp }),
      notices: [...(leveledUp ? [levelUpNotice(state.level, user.level, user.xp)] : []), ...achievements.unlocked.map(achievementNotice)],
    };
  }

  /**
   * Reopens a quest completed within the last 24 hours and takes back exactly
   * the XP its completion's ledger row awarded, with its streak step and
   * counters. Achievements (and their XP) stay.
   */
  async undoCompletion(userId: string, ref: string, now: Date): Promise<UndoResult> {
    const found = await new QuestService(this.em, this).resolveQuest(userId, ref);
    const label = `#${found.number}`;
    if (found.status !== 'COMPLETED') {
      throw new ConflictError(plain(`Quest ${label} is ${statusLabel(found.status)}, not completed, so there is nothing to undo.`));
    }
    const since = new Date(now.getTime() - UNDO_WINDOW_MS);
    if (found.completedAt && new Date(found.completedAt) < since) {
      throw new ConflictError(plain(
        `Quest ${label} was completed on ${new Date(found.completedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC, more than 24 hours ago; only completions from the last 24 hours can be undone.`),
      );
    }
    return this.em.transactional(async (tx) => {
      const state = await lockGameState(tx, userId, now);
      const [quest] = await tx.execute<{ number: number; title: string; status: QuestStatus }[]>(
        `update quests set status = case when started_at is not null then 'IN_PROGRESS' else 'ACTIVE' end, completed_at = null, actual_duration = null
         where id = ? and user_id = ? and status = 'COMPLETED' and completed_at >= ?::timestamptz
         returning number, title, status`,
        [found.id, userId, since.toISOString()],
      );
      if (!quest) throw new ConflictError(plain(`Quest ${label} is no longer completed, so there is nothing to undo.`));
      const [event] = await tx.execute<{ id: string; amount: number; details: Partial<CompletionDetails> }[]>(
        `select e.id, e.amount, e.details from experience_events e
         where e.user_id = ? and e.quest_id = ? and e.reason = 'quest'
           and not exists (select 1 from experience_events u where u.quest_id = e.quest_id and u.reason = 'undo' and u.details ->> 'undoes' = e.id::text)
         order by e.created_at desc limit 1`,
        [userId, found.id],
      );
      const amount = event?.amount ?? 0;
      const steppedBack = event ? (await undoStreaks(tx, userId, event.details.streaks ?? {}, state.freezes)).steppedBack : [];
      // The counters' upsert rides along with the XP statement, like the completion's.
      const { difficulty, categoryId, minute } = event?.details ?? {};
      const uncount = difficulty && minute !== undefined ? [completionCountStatement(userId, { difficulty, categoryId: categoryId ?? null, minute }, -1)] : [];
      const user = await commitXp(tx, {
        userId,
        questId: found.id,
        now,
        xpBefore: state.xp,
        ledger: event ? [{ amount: -amount, reason: 'undo', details: { undoes: event.id } }] : [],
        log: behaviorLogInsert(userId, 'quest_completion_undone', { questId: found.id, number: quest.number, xpRemoved: amount, streaks: steppedBack }),
        also: [
          {
            sql: 'delete from quest_analytics where id = (select id from quest_analytics where quest_id = ? and user_id = ? order by created_at desc limit 1)',
            params: [found.id, userId],
          },
          ...uncount,
        ],
      });
      this.publishAfterCommit(tx, {
        userId,
        optedIn: state.optedIn,
        spaces: state.spaces,
        scores: { all: user.xp, week: state.week - amount, month: state.month - amount },
        now,
      });
      return { quest, xpRemoved: amount, xp: user.xp, level: user.level, levelBefore: state.level, steppedBack };
    });
  }

  async profile(userId: string, displayName: string, now: Date): Promise<ProfileView> {
    const [[user], counters, streaks, catalog, latest] = await Promise.all([
      this.em.execute<{ xp: number; level: number; unlocked: number }[]>(
        `select experience_points as xp, level,
           (select count(*)::int from user_achievements where user_id = u.id and unlocked_at is not null) as unlocked
         from users u where id = ?`,
        [userId],
      ),
      loadCounters(this.em, userId),
      streakOverview(this.em, userId, now),
      loadCatalog(this.em),
      this.em.execute<ProfileView['latestAchievements']>(
        `select a.name, a.icon, a.rarity, ua.unlocked_at as "unlockedAt" from user_achievements ua join achievements a on a.id = ua.achievement_id
         where ua.user_id = ? and ua.unlocked_at is not null order by ua.unlocked_at desc, a.xp_reward desc limit 3`,
        [userId],
      ),
    ]);
    return {
      displayName,
      xp: user?.xp ?? 0,
      level: user?.level ?? 1,
      completions: counters.completions,
      streaks,
      achievementsUnlocked: user?.unlocked ?? 0,
      // The cached catalog, as `/achievements` counts it.
      achievementsTotal: catalog.length,
      latestAchievements: latest,
    };
  }

  async streaks(userId: string, now: Date): Promise<StreakOverview> {
    return streakOverview(this.em, userId, now);
  }

  /** The cache is written once the transaction commits (never when it rolls back). */
  private publishAfterCommit(tx: EntityManager, scores: UserScores): void {
    afterCommit(tx, () => void this.leaderboard.publish(scores));
  }
}
