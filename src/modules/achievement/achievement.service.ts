import type { EntityManager } from '@mikro-orm/postgresql';
import type { Rarity, StreakType } from '../columns.js';
import { levelForXp } from '../progression/progression.rules.js';
import type { SqlStatement } from '../progression/sql.js';
import { loadCounters, type UserCounters } from '../progression/user-stats.js';
import { userDay } from '../streak/streak.rules.js';
import { criteriaSchema, evaluateCriteria, isSeasonActive, type AchievementStats, type Criteria } from './achievement.rules.js';

/** One catalog row with its criteria parsed. */
export interface CatalogAchievement {
  id: string;
  code: string;
  name: string;
  description: string;
  category: string;
  rarity: Rarity;
  icon: string | null;
  xpReward: number;
  criteria: Criteria;
  isHidden: boolean;
  isSeasonal: boolean;
  seasonStart: string | null;
  seasonEnd: string | null;
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
  const rows = await em.execute<Array<Omit<CatalogAchievement, 'criteria' | 'recurring'> & { criteria: unknown; metadata: Record<string, unknown> }>>(
    `select id, code, name, description, category, rarity, icon, xp_reward as "xpReward", unlock_criteria as criteria,
       is_hidden as "isHidden", is_seasonal as "isSeasonal", to_char(seasonal_start_date, 'YYYY-MM-DD') as "seasonStart",
       to_char(seasonal_end_date, 'YYYY-MM-DD') as "seasonEnd", metadata
     from achievements order by created_at, code`,
  );
  const catalog: CatalogAchievement[] = [];
  for (const { criteria, metadata, ...row } of rows) {
    const parsed = criteriaSchema.safeParse(criteria);
    if (parsed.success) catalog.push({ ...row, criteria: parsed.data, recurring: metadata?.recurring === true });
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

/** A user's row for one achievement: unlocked or in progress. */
export interface UserAchievementState {
  achievementId: string;
  unlockedAt: string | null;
  progress: number | null;
}

/** JSON of the user's achievement rows, for embedding in a larger select. */
export const USER_ACHIEVEMENTS_JSON = (userIdColumn: string) => `(select coalesce(json_agg(json_build_object(
    'achievementId', ua.achievement_id, 'unlockedAt', ua.unlocked_at, 'progress', ua.progress_data -> 'progress')), '[]')
  from user_achievements ua where ua.user_id = ${userIdColumn})`;

export interface AchievementOutcome {
  unlocked: CatalogAchievement[];
  level: number;
  xp: number;
  /** The unlocks and changed progress to write, or null when nothing changed. */
  write: SqlStatement | null;
}

/**
 * Decides what the stats now unlock (in season), adding each reward to `xp`; a
 * reward that lifts the level is evaluated again, so level achievements follow.
 * Returns the unlocks and changed progress as one statement to run.
 */
export function decideAchievements(
  userId: string,
  input: { catalog: CatalogAchievement[]; states: UserAchievementState[]; stats: AchievementStats; xp: number; day: string; now: Date },
): AchievementOutcome {
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

  const writes: Array<{ id: string; unlocked_at: string | null; progress: { progress: number; target: number } }> = [];
  for (const achievement of catalog) {
    const isNew = unlocked.includes(achievement);
    if (done.has(achievement.id) && !isNew) continue;
    const result = evaluateCriteria(achievement.criteria, stats);
    if (!isNew && byId.get(achievement.id)?.progress === result.progress) continue;
    if (!isNew && result.progress === 0 && !byId.has(achievement.id)) continue;
    writes.push({ id: achievement.id, unlocked_at: isNew ? now.toISOString() : null, progress: { progress: isNew ? result.target : result.progress, target: result.target } });
  }
  const write = writes.length
    ? {
        sql: `insert into user_achievements (user_id, achievement_id, unlocked_at, progress_data)
          select ?, x.id, x.unlocked_at, x.progress from jsonb_to_recordset(?::jsonb) as x(id uuid, unlocked_at timestamptz, progress jsonb)
          on conflict (user_id, achievement_id) do update set progress_data = excluded.progress_data,
            unlocked_at = coalesce(user_achievements.unlocked_at, excluded.unlocked_at)`,
        params: [userId, JSON.stringify(writes)],
      }
    : null;
  return { unlocked, level: stats.level, xp, write };
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
  const catalog = await loadCatalog(em);
  const rows = await em.execute<{ achievementId: string; unlockedAt: Date }[]>(
    'select achievement_id as "achievementId", unlocked_at as "unlockedAt" from user_achievements where user_id = ? and unlocked_at is not null',
    [userId],
  );
  const unlockedAt = new Map(rows.map((r) => [r.achievementId, new Date(r.unlockedAt)]));
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
    const [counters, [user]] = await Promise.all([
      loadCounters(this.em, userId),
      this.em.execute<{ level: number; timezone: string; dayStartHour: number; best: Partial<Record<StreakType, number>> }[]>(
        `select u.level, p.timezone, p.day_start_hour as "dayStartHour",
           (select coalesce(json_object_agg(t, b), '{}') from (select streak_type t, max(longest_count) b from streaks where user_id = u.id group by streak_type) x) as best
         from users u join user_profiles p on p.user_id = u.id where u.id = ?`,
        [userId],
      ),
    ]);
    const stats = achievementStats(counters, user?.best ?? {}, user?.level ?? 1);
    return listAchievements(this.em, userId, stats, userDay(now, user?.timezone ?? 'UTC', user?.dayStartHour ?? 0));
  }
}
