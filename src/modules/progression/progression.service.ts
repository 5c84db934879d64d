import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../core/errors.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import {
  achievementStats,
  evaluateAchievements,
  loadCatalog,
  USER_ACHIEVEMENTS_JSON,
  type CatalogAchievement,
  type UserAchievementState,
} from '../achievement/achievement.service.js';
import { minuteOfDay } from '../achievement/achievement.rules.js';
import type { Difficulty, QuestStatus, StreakType } from '../columns.js';
import type { LeaderboardService } from '../leaderboard/leaderboard.service.js';
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
import { countCompletion, loadCounters } from './user-stats.js';

/** Completions can be undone for this long. */
export const UNDO_WINDOW_MS = 24 * 60 * 60_000;

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

/** The user's row, profile, active streaks and achievement rows, read under the user's lock. */
interface GameState {
  xp: number;
  level: number;
  timezone: string;
  dayStartHour: number;
  freezes: number;
  streaks: StreakRow[];
  achievements: UserAchievementState[];
}

/**
 * Locks the user's row for the rest of the transaction, so one user's completions
 * and undos take turns (streaks and counters are read-modify-write), then reads
 * everything the rewards start from. The read is its own statement: a statement
 * that waited for the lock still sees the snapshot it started with, which would
 * miss the streaks the previous holder just committed. `no key update` leaves
 * inserts that reference the user (quests, ledger rows) unblocked.
 */
async function lockGameState(em: EntityManager, userId: string): Promise<GameState> {
  await em.execute('select 1 from users where id = ? for no key update', [userId]);
  const [row] = await em.execute<GameState[]>(
    `select u.experience_points as xp, u.level, p.timezone, p.day_start_hour as "dayStartHour", p.streak_freezes as freezes,
       ${ACTIVE_STREAKS_JSON('u.id')} as streaks, ${USER_ACHIEVEMENTS_JSON('u.id')} as achievements
     from users u join user_profiles p on p.user_id = u.id
     where u.id = ?`,
    [userId],
  );
  if (!row) throw new Error(`user ${userId} has no profile`);
  return row;
}

interface LedgerEntry {
  amount: number;
  reason: 'quest' | 'achievement' | 'undo';
  details: Record<string, unknown>;
}

async function writeLedger(em: EntityManager, userId: string, questId: string, now: Date, entries: LedgerEntry[]): Promise<void> {
  await em.execute(
    `insert into experience_events (user_id, quest_id, amount, reason, created_at, details)
     select ?, ?, x.amount, x.reason, ?::timestamptz, x.details
     from jsonb_to_recordset(?::jsonb) as x(amount int, reason text, details jsonb)`,
    [userId, questId, now.toISOString(), JSON.stringify(entries)],
  );
}

/** Adds `delta` XP and sets the level that total reaches; the row is already locked. */
async function addXp(em: EntityManager, userId: string, xpBefore: number, delta: number): Promise<{ xp: number; level: number }> {
  const [row] = await em.execute<{ xp: number; level: number }[]>(
    'update users set experience_points = experience_points + ?, level = ? where id = ? returning experience_points as xp, level',
    [delta, levelForXp(xpBefore + delta), userId],
  );
  return row!;
}

async function notify(em: EntityManager, userId: string, rows: Array<{ type: string; title: string; message: string; data: Record<string, unknown> }>): Promise<void> {
  if (!rows.length) return;
  await em.execute(
    `insert into notifications (user_id, type, title, message, data)
     select ?, x.type, x.title, x.message, x.data from jsonb_to_recordset(?::jsonb) as x(type text, title text, message text, data jsonb)`,
    [userId, JSON.stringify(rows)],
  );
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
    const state = await lockGameState(tx, userId);
    const where = { timezone: state.timezone, dayStartHour: state.dayStartHour };
    const day = userDay(now, where.timezone, where.dayStartHour);
    const streakDays = dailyStreakAtDayStart(state.streaks, state.freezes, now, where);
    const xp = completionXp({ difficulty: quest.difficulty, estimatedMinutes: quest.estimatedDuration, dailyStreakAtDayStart: streakDays });

    const streaks = await recordStreaks(tx, userId, state.streaks, state.freezes, now, where);
    const minute = minuteOfDay(now, where.timezone);
    const counters = await countCompletion(tx, userId, { difficulty: quest.difficulty, categoryId: quest.categoryId, minute }, 1);
    const catalog = await loadCatalog(tx);
    const achievements = await evaluateAchievements(tx, userId, {
      catalog,
      states: state.achievements,
      stats: achievementStats(counters, streaks.longest, levelForXp(state.xp + xp)),
      xp: state.xp + xp,
      day,
      now,
    });

    const details: CompletionDetails = {
      difficulty: quest.difficulty,
      categoryId: quest.categoryId,
      minute,
      day,
      timezone: where.timezone,
      bonusPercent: streakBonusPercent(streakDays),
      streaks: streaks.marks,
    };
    await writeLedger(tx, userId, quest.id, now, [
      { amount: xp, reason: 'quest', details: { ...details } },
      ...achievements.unlocked.filter((a) => a.xpReward > 0).map((a): LedgerEntry => ({ amount: a.xpReward, reason: 'achievement', details: { code: a.code } })),
    ]);
    const user = await addXp(tx, userId, state.xp, achievements.xp - state.xp);

    const leveledUp = user.level > state.level;
    await notify(tx, userId, [
      ...(leveledUp ? [{ type: 'level_up', title: `Level ${user.level}!`, message: `You reached level ${user.level}.`, data: { level: user.level, previousLevel: state.level, xp: user.xp } }] : []),
      ...achievements.unlocked.map((a) => ({
        type: 'achievement_unlocked',
        title: `Achievement unlocked: ${a.name}`,
        message: a.description,
        data: { code: a.code, rarity: a.rarity, xpReward: a.xpReward },
      })),
    ]);
    await logBehavior(tx, userId, 'rewards_granted', {
      questId: quest.id,
      xp,
      bonusPercent: details.bonusPercent,
      achievementXp: achievements.xp - state.xp - xp,
      level: user.level,
      previousLevel: state.level,
      achievements: achievements.unlocked.map((a) => a.code),
      streaks: Object.fromEntries(streaks.steps.map((s) => [s.type, { event: s.event, count: s.count }])),
      freezes: streaks.freezes,
    });
    await this.publishAfterCommit(tx, userId, now);

    return {
      xpAwarded: xp,
      lines: completionLines({ xp, bonusPercent: details.bonusPercent, streakDays, streaks, unlocked: achievements.unlocked, total: user.xp }),
      notices: [
        ...(leveledUp ? [levelUpNotice(state.level, user.level, user.xp)] : []),
        ...achievements.unlocked.map((a: CatalogAchievement) => achievementNotice(a)),
      ],
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
      throw new ConflictError(`Quest ${label} is ${statusLabel(found.status)}, not completed, so there is nothing to undo.`);
    }
    const since = new Date(now.getTime() - UNDO_WINDOW_MS);
    if (found.completedAt && new Date(found.completedAt) < since) {
      throw new ConflictError(
        `Quest ${label} was completed on ${new Date(found.completedAt).toISOString().slice(0, 16).replace('T', ' ')} UTC, more than 24 hours ago; only completions from the last 24 hours can be undone.`,
      );
    }
    return this.em.transactional(async (tx) => {
      const state = await lockGameState(tx, userId);
      const [quest] = await tx.execute<{ number: number; title: string; status: QuestStatus }[]>(
        `update quests set status = case when started_at is not null then 'IN_PROGRESS' else 'ACTIVE' end, completed_at = null, actual_duration = null
         where id = ? and user_id = ? and status = 'COMPLETED' and completed_at >= ?::timestamptz
         returning number, title, status`,
        [found.id, userId, since.toISOString()],
      );
      if (!quest) throw new ConflictError(`Quest ${label} is no longer completed, so there is nothing to undo.`);
      const [event] = await tx.execute<{ id: string; amount: number; details: Partial<CompletionDetails> }[]>(
        `select e.id, e.amount, e.details from experience_events e
         where e.user_id = ? and e.quest_id = ? and e.reason = 'quest'
           and not exists (select 1 from experience_events u where u.quest_id = e.quest_id and u.reason = 'undo' and u.details ->> 'undoes' = e.id::text)
         order by e.created_at desc limit 1`,
        [userId, found.id],
      );
      const amount = event?.amount ?? 0;
      let steppedBack: StreakType[] = [];
      if (event) {
        await writeLedger(tx, userId, found.id, now, [{ amount: -amount, reason: 'undo', details: { undoes: event.id } }]);
        steppedBack = (await undoStreaks(tx, userId, event.details.streaks ?? {}, state.freezes)).steppedBack;
        const { difficulty, categoryId, minute } = event.details;
        if (difficulty && minute !== undefined) await countCompletion(tx, userId, { difficulty, categoryId: categoryId ?? null, minute }, -1);
      }
      const user = await addXp(tx, userId, state.xp, -amount);
      await tx.execute(
        'delete from quest_analytics where id = (select id from quest_analytics where quest_id = ? and user_id = ? order by created_at desc limit 1)',
        [found.id, userId],
      );
      await logBehavior(tx, userId, 'quest_completion_undone', { questId: found.id, number: quest.number, xpRemoved: amount, level: user.level, streaks: steppedBack });
      await this.publishAfterCommit(tx, userId, now);
      return { quest, xpRemoved: amount, xp: user.xp, level: user.level, levelBefore: state.level, steppedBack };
    });
  }

  async profile(userId: string, displayName: string, now: Date): Promise<ProfileView> {
    const [[user], counters, streaks, [achievements], latest] = await Promise.all([
      this.em.execute<{ xp: number; level: number }[]>('select experience_points as xp, level from users where id = ?', [userId]),
      loadCounters(this.em, userId),
      streakOverview(this.em, userId, now),
      this.em.execute<{ unlocked: number; total: number }[]>(
        `select (select count(*)::int from user_achievements where user_id = ? and unlocked_at is not null) as unlocked,
           (select count(*)::int from achievements) as total`,
        [userId],
      ),
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
      achievementsUnlocked: achievements?.unlocked ?? 0,
      achievementsTotal: achievements?.total ?? 0,
      latestAchievements: latest,
    };
  }

  async streaks(userId: string, now: Date): Promise<StreakOverview> {
    return streakOverview(this.em, userId, now);
  }

  /** Reads the user's new scores in the transaction; the cache is written once it commits. */
  private async publishAfterCommit(tx: EntityManager, userId: string, now: Date): Promise<void> {
    const scores = await this.leaderboard.scoresFor(tx, userId, now);
    afterCommit(tx, () => void this.leaderboard.publish(scores));
  }
}
