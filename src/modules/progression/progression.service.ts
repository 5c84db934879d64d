import type { EntityManager } from '@mikro-orm/postgresql';
import { ConflictError } from '../../core/errors.js';
import { achievementStats, decideAchievements, loadCatalog } from '../achievement/achievement.service.js';
import { AchievementRepository } from '../achievement/achievement.repository.js';
import { minuteOfDay } from '../achievement/achievement.rules.js';
import type { Difficulty, QuestStatus, StreakType } from '../columns.js';
import type { LeaderboardService, UserScores } from '../leaderboard/leaderboard.service.js';
import type { CompletedQuest, CompletionHook, CompletionRewards } from '../quest/completion.js';
import { QuestService } from '../quest/quest.service.js';
import { statusLabel } from '../quest/quest.rules.js';
import { makeWayForReopen, type ReopenEffect } from '../quest/recurrence.service.js';
import { dailyStreakAtDayStart, recordStreaks, streakOverview, undoStreaks, type StreakMarks, type StreakOverview } from '../streak/streak.service.js';
import { userDay } from '../streak/streak.rules.js';
import { vacationWindow } from '../vacation/vacation.rules.js';
import { afterCommit } from './after-commit.js';
import { progressionMessages } from './progression.messages.js';
import { ProgressionRepository, type LedgerEntry } from './progression.repository.js';
import { completionXp, levelForXp, statusAfterUndo, streakBonusPercent, undoableCompletion, UNDO_WINDOW_MS } from './progression.rules.js';
import { achievementNotice, completionLines, levelUpNotice } from './progression.presenter.js';
import { countedCompletion } from './user-stats.js';

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

export interface UndoResult {
  quest: { number: number; title: string; status: QuestStatus };
  xpRemoved: number;
  xp: number;
  level: number;
  levelBefore: number;
  steppedBack: StreakType[];
  /** A recurring quest: what happened to the next occurrence its completion created. */
  recurrence: ReopenEffect;
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
    const repository = new ProgressionRepository(tx);
    // The counters are read with the game state and predicted here; their update
    // rides along with the XP statement (the user's lock keeps completions in line).
    const state = await repository.lockGameState(userId, now, { categoryId: quest.categoryId });
    const where = { timezone: state.timezone, dayStartHour: state.dayStartHour, vacation: vacationWindow(state.vacationSince, state.vacationUntil) };
    const day = userDay(now, where.timezone, where.dayStartHour);
    const streakDays = dailyStreakAtDayStart(state.streaks, state.freezes, now, where);
    const xp = completionXp({ difficulty: quest.difficulty, estimatedMinutes: quest.estimatedDuration, dailyStreakAtDayStart: streakDays });

    const streaks = await recordStreaks(tx, userId, state.streaks, state.freezes, now, where, { bestLengths: state.bestLengths });
    const minute = minuteOfDay(now, where.timezone);
    const count = { difficulty: quest.difficulty, categoryId: quest.categoryId, minute };
    const counters = countedCompletion(state.counters, state.category, count);
    const achievements = decideAchievements({
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
    const user = await repository.commit({
      userId,
      questId: quest.id,
      now,
      level: levelAfter,
      ledger: [
        { amount: xp, reason: 'quest', details: { ...details } },
        ...achievements.unlocked
          .filter((a) => a.xpReward > 0)
          .map((a): LedgerEntry => ({ amount: a.xpReward, reason: 'achievement', details: { code: a.code } })),
      ],
      notices: [
        ...(leveledUp
          ? [
              {
                type: 'level_up',
                title: `Level ${levelAfter}!`,
                message: `You reached level ${levelAfter}.`,
                data: { level: levelAfter, previousLevel: state.level, xp: achievements.xp },
              },
            ]
          : []),
        ...achievements.unlocked.map((a) => ({
          type: 'achievement_unlocked',
          title: `Achievement unlocked: ${a.name}`,
          message: a.description,
          data: { code: a.code, rarity: a.rarity, xpReward: a.xpReward },
        })),
      ],
      log: {
        action: 'rewards_granted',
        data: {
          questId: quest.id,
          xp,
          bonusPercent: details.bonusPercent,
          achievementXp,
          level: levelAfter,
          previousLevel: state.level,
          achievements: achievements.unlocked.map((a) => a.code),
          streaks: Object.fromEntries(streaks.steps.map((s) => [s.type, { event: s.event, count: s.count }])),
          freezes: streaks.freezes,
        },
      },
      streaks: streaks.deferred,
      count: { count, delta: 1 },
      achievements: achievements.writes,
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
    if (found.status !== 'COMPLETED') {
      throw new ConflictError(progressionMessages.undo_not_completed({ number: found.number, status: statusLabel(found.status) }));
    }
    const since = new Date(now.getTime() - UNDO_WINDOW_MS);
    if (found.completedAt && new Date(found.completedAt) < since) {
      const completedAt = new Date(found.completedAt).toISOString().slice(0, 16).replace('T', ' ');
      throw new ConflictError(progressionMessages.undo_too_late({ number: found.number, completedAt }));
    }
    // A completed quest cannot be started again, so its start time read above still holds.
    const status = statusAfterUndo(found);
    return this.em.transactional(async (tx) => {
      const repository = new ProgressionRepository(tx);
      const state = await repository.lockGameState(userId, now);
      // A series keeps one open occurrence: the next one goes (or this one leaves the series) before it reopens.
      const recurrence = found.seriesId && found.status === 'COMPLETED' ? await makeWayForReopen(tx, userId, found.id, found.seriesId) : null;
      if (!(await repository.reopen(found.id, since, status))) throw new ConflictError(progressionMessages.undo_no_longer_completed({ number: found.number }));
      const event = undoableCompletion(await repository.completionLedger(userId, found.id));
      const amount = event?.amount ?? 0;
      const recorded = (event?.details ?? {}) as Partial<CompletionDetails>;
      const steppedBack = event ? (await undoStreaks(tx, userId, recorded.streaks ?? {}, state.freezes)).steppedBack : [];
      // The counters' update rides along with the XP statement, like the completion's.
      const { difficulty, categoryId, minute } = recorded;
      const user = await repository.commit({
        userId,
        questId: found.id,
        now,
        level: levelForXp(state.xp - amount),
        ledger: event ? [{ amount: -amount, reason: 'undo', details: { undoes: event.id } }] : [],
        notices: [],
        log: { action: 'quest_completion_undone', data: { questId: found.id, number: found.number, xpRemoved: amount, streaks: steppedBack } },
        ...(difficulty && minute !== undefined ? { count: { count: { difficulty, categoryId: categoryId ?? null, minute }, delta: -1 as const } } : {}),
        dropLatestAnalytics: true,
      });
      this.publishAfterCommit(tx, {
        userId,
        optedIn: state.optedIn,
        spaces: state.spaces,
        scores: { all: user.xp, week: state.week - amount, month: state.month - amount },
        now,
      });
      return {
        quest: { number: found.number, title: found.title, status },
        xpRemoved: amount,
        xp: user.xp,
        level: user.level,
        levelBefore: state.level,
        steppedBack,
        recurrence,
      };
    });
  }

  async profile(userId: string, displayName: string, now: Date): Promise<ProfileView> {
    const repository = new ProgressionRepository(this.em);
    const achievements = new AchievementRepository(this.em);
    const [user, unlocked, counters, streaks, catalog, latest] = await Promise.all([
      repository.xpAndLevel(userId),
      achievements.unlockedCount(userId),
      repository.counters(userId),
      streakOverview(this.em, userId, now),
      loadCatalog(this.em),
      achievements.latestUnlocked(userId, 3),
    ]);
    return {
      displayName,
      xp: user?.xp ?? 0,
      level: user?.level ?? 1,
      completions: counters.completions,
      streaks,
      achievementsUnlocked: unlocked,
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
