import type { EntityManager } from '@mikro-orm/postgresql';
import type { StreakType } from '../columns.js';
import { ProgressionRepository } from '../progression/progression.repository.js';
import { levelForXp } from '../progression/progression.rules.js';
import type { UserCounters } from '../progression/user-stats.js';
import { StreakRepository } from '../streak/streak.repository.js';
import { userDay } from '../streak/streak.rules.js';
import { AchievementRepository, type AchievementWrite, type StoredAchievement, type UserAchievementState } from './achievement.repository.js';

export type { AchievementWrite, UserAchievementState } from './achievement.repository.js';
import { criteriaSchema, evaluateCriteria, isSeasonActive, type AchievementStats, type Criteria } from './achievement.rules.js';

/** One catalog row with its criteria parsed. */
export interface CatalogAchievement extends Omit<StoredAchievement, 'criteria' | 'metadata'> {
  criteria: Criteria;
  recurring: boolean;
}

/** Per database (the driver is shared by every fork of one ORM), loaded once per process. */
const catalogs = new WeakMap<object, Promise<CatalogAchievement[]>>();

/**
 * The achievement catalog, read from the database once per process and kept: it
 * only changes with a migration, which comes with a restart. Rows whose criteria
 * no longer parse are left out rather than failing every completion.
 */
export function loadCatalog(em: EntityManager): Promise<CatalogAchievement[]> {
  const key = em.getDriver();
  let catalog = catalogs.get(key);
  if (!catalog) {
    catalog = readCatalog(em);
    catalogs.set(key, catalog);
    catalog.catch(() => catalogs.delete(key));
  }
  return catalog;
}

async function readCatalog(em: EntityManager): Promise<CatalogAchievement[]> {
  const catalog: CatalogAchievement[] = [];
  for (const { criteria, metadata, ...row } of await new AchievementRepository(em).catalog()) {
    const parsed = criteriaSchema.safeParse(criteria);
    if (parsed.success) catalog.push({ ...row, criteria: parsed.data, recurring: metadata.recurring === true });
  }
  return catalog;
}

/** Builds the rule language's view of a user from counters, best streaks and level. */
export function achievementStats(counters: UserCounters, longest: Partial<Record<StreakType, number>>, level: number): AchievementStats {
  return {
    completions: counters.completions,
    byDifficulty: { EASY: 0, MEDIUM: 0, HARD: 0, EPIC: 0, ...counters.byDifficulty },
    byCategory: counters.byCategory,
    categoriesUsed: counters.categoriesUsed,
    stepsDone: counters.stepsDone,
    streaks: { daily: longest.daily ?? 0, weekly: longest.weekly ?? 0, monthly: longest.monthly ?? 0 },
    level,
    completionsByMinute: counters.byMinute,
  };
}

/** Whether an achievement may unlock on user-day `day` (seasonal ones only between their dates). */
export function inSeason(achievement: CatalogAchievement, day: string): boolean {
  return !achievement.isSeasonal || isSeasonActive(achievement.seasonStart, achievement.seasonEnd, day, { recurring: achievement.recurring });
}

export interface AchievementOutcome {
  unlocked: CatalogAchievement[];
  level: number;
  xp: number;
  /** The unlocks and changed progress to write (none when nothing changed). */
  writes: AchievementWrite[];
}

/**
 * Decides what the stats now unlock (in season), adding each reward to `xp`; a
 * reward that lifts the level is evaluated again, so level achievements follow.
 * Returns the unlocks and the changed progress to store.
 */
export function decideAchievements(input: {
  catalog: CatalogAchievement[];
  states: UserAchievementState[];
  stats: AchievementStats;
  xp: number;
  day: string;
  now: Date;
}): AchievementOutcome {
  const { catalog, day, now } = input;
  const stats = { ...input.stats };
  const byId = new Map(input.states.map((s) => [s.achievementId, s]));
  const done = new Set(input.states.filter((s) => s.unlockedAt).map((s) => s.achievementId));
  const unlocked: CatalogAchievement[] = [];
  let xp = input.xp;
  for (;;) {
    const found = catalog.filter((a) => !done.has(a.id) && inSeason(a, day) && evaluateCriteria(a.criteria, stats).met);
    if (!found.length) break;
    for (const achievement of found) {
      done.add(achievement.id);
      unlocked.push(achievement);
      xp += achievement.xpReward;
    }
    const level = levelForXp(xp);
    if (level === stats.level) break;
    stats.level = level;
  }

  const writes: AchievementWrite[] = [];
  for (const achievement of catalog) {
    const isNew = unlocked.includes(achievement);
    if (done.has(achievement.id) && !isNew) continue;
    const result = evaluateCriteria(achievement.criteria, stats);
    if (!isNew && byId.get(achievement.id)?.progress === result.progress) continue;
    if (!isNew && result.progress === 0 && !byId.has(achievement.id)) continue;
    writes.push({
      achievementId: achievement.id,
      unlockedAt: isNew ? now : null,
      progress: { progress: isNew ? result.target : result.progress, target: result.target },
    });
  }
  return { unlocked, level: stats.level, xp, writes };
}

export interface AchievementListing {
  achievement: CatalogAchievement;
  unlockedAt: Date | null;
  progress: number;
  target: number;
  /** Seasonal and unlockable today. */
  inSeason: boolean;
}

/** Every catalog entry with the user's unlock or live progress, unlocked first (newest first). */
async function listAchievements(em: EntityManager, userId: string, stats: AchievementStats, day: string): Promise<AchievementListing[]> {
  const [catalog, unlockedAt] = await Promise.all([loadCatalog(em), new AchievementRepository(em).unlockTimes(userId)]);
  const listing = catalog.map((achievement): AchievementListing => {
    const at = unlockedAt.get(achievement.id) ?? null;
    const result = evaluateCriteria(achievement.criteria, stats);
    return { achievement, unlockedAt: at, progress: at ? result.target : result.progress, target: result.target, inSeason: inSeason(achievement, day) };
  });
  return listing.sort((a, b) => {
    if (a.unlockedAt && b.unlockedAt) return b.unlockedAt.getTime() - a.unlockedAt.getTime();
    if (a.unlockedAt || b.unlockedAt) return a.unlockedAt ? -1 : 1;
    return b.progress / b.target - a.progress / a.target || a.achievement.xpReward - b.achievement.xpReward;
  });
}

/** `/achievements`: the catalog with the user's unlocks and live progress. */
export class AchievementService {
  constructor(private readonly em: EntityManager) {}

  async listForUser(userId: string, now: Date): Promise<AchievementListing[]> {
    const [counters, user, best] = await Promise.all([
      new ProgressionRepository(this.em).counters(userId),
      new AchievementRepository(this.em).subject(userId),
      new StreakRepository(this.em).bestLengths(userId),
    ]);
    const stats = achievementStats(counters, best, user?.level ?? 1);
    return listAchievements(this.em, userId, stats, userDay(now, user?.timezone ?? 'UTC', user?.dayStartHour ?? 0));
  }
}
