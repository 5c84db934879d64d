import { DateTime } from 'luxon';
import { z } from 'zod';
import { DIFFICULTIES, STREAK_TYPES, type Difficulty, type StreakType } from '../columns.js';
import { isValidTimezone } from '../shared/time.js';

const count = z.number().int().min(1);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a time HH:MM between 00:00 and 23:59');

const completionsRule = z.strictObject({ type: z.literal('completions'), count });
const byDifficultyRule = z.strictObject({
  type: z.literal('completions_by_difficulty'),
  difficulty: z.enum(DIFFICULTIES),
  count,
});
const byCategoryRule = z.strictObject({
  type: z.literal('completions_by_category'),
  category: z.string().trim().min(1).max(50),
  count,
});
const categoriesUsedRule = z.strictObject({ type: z.literal('categories_used'), count });
const stepsDoneRule = z.strictObject({ type: z.literal('steps_done'), count });
const streakRule = z.strictObject({ type: z.literal('streak'), streakType: z.enum(STREAK_TYPES), count });
const levelRule = z.strictObject({ type: z.literal('level'), level: z.number().int().min(1) });
const timeOfDayRule = z
  .strictObject({
    type: z.literal('time_of_day'),
    after: clock.optional(),
    before: clock.optional(),
    count,
  })
  .refine((rule) => rule.after !== undefined || rule.before !== undefined, {
    message: 'time_of_day needs "after", "before" or both',
  })
  .refine((rule) => rule.after === undefined || rule.after !== rule.before, {
    message: 'time_of_day "after" and "before" must differ',
  });
const allRule = z.strictObject({
  type: z.literal('all'),
  get rules() {
    return z.array(criteriaSchema).min(1);
  },
});
const anyRule = z.strictObject({
  type: z.literal('any'),
  get rules() {
    return z.array(criteriaSchema).min(1);
  },
});

/**
 * The `achievements.unlock_criteria` rule language. Examples:
 * `{"type":"completions","count":10}`,
 * `{"type":"time_of_day","after":"22:00","before":"04:00","count":5}` (wraps midnight),
 * `{"type":"all","rules":[{"type":"level","level":5},{"type":"streak","streakType":"daily","count":7}]}`.
 * Unknown keys are refused so a typo in the catalog fails its migration instead of never unlocking.
 */
export const criteriaSchema = z.discriminatedUnion('type', [
  completionsRule,
  byDifficultyRule,
  byCategoryRule,
  categoriesUsedRule,
  stepsDoneRule,
  streakRule,
  levelRule,
  timeOfDayRule,
  allRule,
  anyRule,
]);

export type Criteria = z.infer<typeof criteriaSchema>;
export type TimeOfDayCriteria = z.infer<typeof timeOfDayRule>;

/** A local time-of-day window: `after` inclusive, `before` exclusive; wraps midnight when `after > before`. */
export type TimeWindow = Pick<TimeOfDayCriteria, 'after' | 'before'>;

/**
 * What a user has done, as counters a service keeps up to date on each completion
 * (no history scan needed).
 */
export interface AchievementStats {
  completions: number;
  byDifficulty: Readonly<Record<Difficulty, number>>;
  /** Completions per category name; names match case-insensitively. */
  byCategory: Readonly<Record<string, number>>;
  /** Distinct categories with at least one completion. */
  categoriesUsed: number;
  stepsDone: number;
  /**
   * Best streak length reached per type: the `longestCount` (which already includes the
   * running streak), so an achievement added later still honours an earlier streak.
   */
  streaks: Readonly<Record<StreakType, number>>;
  level: number;
  /**
   * Completions per local minute of day (0-1439, the wall clock in the user's zone when
   * completing, see {@link minuteOfDay}); missing minutes are 0. Any window a catalog
   * rule names can be answered from it, so adding a rule needs no new counter.
   */
  completionsByMinute: Readonly<Record<number, number>>;
}

/** Minute of the local day (0-1439) of an instant in `timezone`. */
export function minuteOfDay(instant: Date, timezone: string): number {
  if (!isValidTimezone(timezone)) throw new RangeError(`unknown time zone "${timezone}"`);
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  if (!local.isValid) throw new RangeError('invalid instant');
  return local.hour * 60 + local.minute;
}

function clockMinutes(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Whether a local minute of day falls in a window (see {@link TimeWindow}). */
export function isInTimeWindow(minute: number, window: TimeWindow): boolean {
  const from = window.after === undefined ? 0 : clockMinutes(window.after);
  const to = window.before === undefined ? 24 * 60 : clockMinutes(window.before);
  return from < to ? minute >= from && minute < to : minute >= from || minute < to;
}

/** Completions whose local time falls in a window, from the per-minute counters. */
export function completionsInWindow(byMinute: AchievementStats['completionsByMinute'], window: TimeWindow): number {
  let total = 0;
  for (const [minute, n] of Object.entries(byMinute)) {
    if (isInTimeWindow(Number(minute), window)) total += n;
  }
  return total;
}

function categoryCount(byCategory: AchievementStats['byCategory'], name: string): number {
  const wanted = name.trim().toLowerCase();
  let total = 0;
  for (const [key, n] of Object.entries(byCategory)) {
    if (key.trim().toLowerCase() === wanted) total += n;
  }
  return total;
}

export interface CriteriaResult {
  met: boolean;
  /** Progress towards `target`, capped at it per leaf: shows as `progress/target`. */
  progress: number;
  target: number;
}

function leaf(value: number, target: number): CriteriaResult {
  return { met: value >= target, progress: Math.max(0, Math.min(value, target)), target };
}

function ratio(result: CriteriaResult): number {
  return result.target === 0 ? 1 : result.progress / result.target;
}

/**
 * Evaluates unlock criteria against a user's stats. Leaves report their counter against
 * their target. `all` is met when every rule is, with progress summed over its rules
 * (each capped at its own target, so overshooting one hides nothing of another); `any` is
 * met when one rule is, and reports its closest rule.
 */
export function evaluateCriteria(criteria: Criteria, stats: AchievementStats): CriteriaResult {
  switch (criteria.type) {
    case 'completions':
      return leaf(stats.completions, criteria.count);
    case 'completions_by_difficulty':
      return leaf(stats.byDifficulty[criteria.difficulty] ?? 0, criteria.count);
    case 'completions_by_category':
      return leaf(categoryCount(stats.byCategory, criteria.category), criteria.count);
    case 'categories_used':
      return leaf(stats.categoriesUsed, criteria.count);
    case 'steps_done':
      return leaf(stats.stepsDone, criteria.count);
    case 'streak':
      return leaf(stats.streaks[criteria.streakType] ?? 0, criteria.count);
    case 'level':
      return leaf(stats.level, criteria.level);
    case 'time_of_day':
      return leaf(completionsInWindow(stats.completionsByMinute, criteria), criteria.count);
    case 'all': {
      const results = criteria.rules.map((rule) => evaluateCriteria(rule, stats));
      return {
        met: results.every((r) => r.met),
        progress: results.reduce((sum, r) => sum + r.progress, 0),
        target: results.reduce((sum, r) => sum + r.target, 0),
      };
    }
    case 'any': {
      const results = criteria.rules.map((rule) => evaluateCriteria(rule, stats));
      const best = results.reduce((a, b) => ((b.met && !a.met) || (b.met === a.met && ratio(b) > ratio(a)) ? b : a));
      return { ...best, met: results.some((r) => r.met) };
    }
  }
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function assertDay(day: string, name: string): void {
  if (!ISO_DAY.test(day) || !DateTime.fromISO(day, { zone: 'utc' }).isValid) {
    throw new RangeError(`${name} must be an ISO date YYYY-MM-DD, got "${day}"`);
  }
}

export interface SeasonOptions {
  /**
   * Compare month and day only, so the season comes back every year and may wrap the
   * year end (`2024-12-20`..`2025-01-05` is active every 20 Dec - 5 Jan; the years are
   * ignored). Default false: the dates are one fixed period.
   */
  recurring?: boolean;
}

/**
 * Whether a seasonal achievement can unlock on user-day `day` (`YYYY-MM-DD`), both ends
 * inclusive. `startDate`/`endDate` are the `seasonal_*_date` DATE columns as ISO strings;
 * a missing end leaves it open on that side. A fixed period whose end precedes its start
 * is never active; a recurring one wraps the year end.
 */
export function isSeasonActive(startDate: string | null, endDate: string | null, day: string, options: SeasonOptions = {}): boolean {
  assertDay(day, 'day');
  if (startDate !== null) assertDay(startDate, 'startDate');
  if (endDate !== null) assertDay(endDate, 'endDate');

  if (!options.recurring) {
    // ISO dates compare correctly as strings.
    return (startDate === null || day >= startDate) && (endDate === null || day <= endDate);
  }
  const monthDay = (d: string) => d.slice(5);
  const from = startDate === null ? '01-01' : monthDay(startDate);
  const to = endDate === null ? '12-31' : monthDay(endDate);
  const today = monthDay(day);
  return from <= to ? today >= from && today <= to : today >= from || today <= to;
}
