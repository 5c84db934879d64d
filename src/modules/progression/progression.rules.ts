import type { Difficulty } from '../columns.js';

/** Base XP per difficulty (DESIGN §5). */
export const BASE_XP: Readonly<Record<Difficulty, number>> = {
  EASY: 10,
  MEDIUM: 25,
  HARD: 50,
  EPIC: 100,
};

/** Streak bonus ceiling, in percent. */
export const MAX_STREAK_BONUS_PERCENT = 25;

// Kept in tenths so the arithmetic stays in integers: +10% per step, 10 steps = +100%.
const MAX_DURATION_STEPS = 10;

function durationSteps(estimatedMinutes: number): number {
  if (!Number.isFinite(estimatedMinutes) || estimatedMinutes < 0) {
    throw new RangeError(`estimatedMinutes must be a non-negative number, got ${estimatedMinutes}`);
  }
  const beyondFirstHalfHour = Math.max(0, estimatedMinutes - 30);
  return Math.min(MAX_DURATION_STEPS, Math.floor(beyondFirstHalfHour / 30));
}

/**
 * Quest XP before rounding: base by difficulty, +10% for every full 30 minutes of
 * estimate beyond the first 30, at most +100%. Use this (not {@link questXp}) when
 * more multipliers follow, so rounding happens once at the end.
 */
export function questXpExact(difficulty: Difficulty, estimatedMinutes: number): number {
  return (BASE_XP[difficulty] * (10 + durationSteps(estimatedMinutes))) / 10;
}

/**
 * XP a quest is worth (`quests.experience_points`): {@link questXpExact}, rounded.
 * @example questXp('HARD', 120) // 65
 */
export function questXp(difficulty: Difficulty, estimatedMinutes: number): number {
  return Math.round(questXpExact(difficulty, estimatedMinutes));
}

/**
 * Streak bonus in whole percent: +1 per day of the daily streak as it stood at the start
 * of the user's day (see `streakAtDayStart`), at most {@link MAX_STREAK_BONUS_PERCENT}.
 */
export function streakBonusPercent(dailyStreakAtDayStart: number): number {
  if (!Number.isFinite(dailyStreakAtDayStart) || dailyStreakAtDayStart <= 0) return 0;
  return Math.min(MAX_STREAK_BONUS_PERCENT, Math.floor(dailyStreakAtDayStart));
}

export interface CompletionXpInput {
  difficulty: Difficulty;
  estimatedMinutes: number;
  /** Daily streak count at the start of the user's current day (0 for none). */
  dailyStreakAtDayStart: number;
}

/**
 * XP awarded for completing a quest: exact quest XP x (1 + streak bonus), rounded once.
 * This is the amount to write to the ledger (undo reverses exactly it).
 * @example completionXp({ difficulty: 'HARD', estimatedMinutes: 120, dailyStreakAtDayStart: 10 }) // 72
 */
export function completionXp(input: CompletionXpInput): number {
  const { difficulty, estimatedMinutes, dailyStreakAtDayStart } = input;
  // base x (10 + steps)/10 x (100 + bonus)/100 as one integer numerator over 1000, so a
  // true .5 (50 x 1.3 x 1.1 = 71.5) is exact and rounds up instead of drifting to 71.4999.
  const numerator = BASE_XP[difficulty] * (10 + durationSteps(estimatedMinutes)) * (100 + streakBonusPercent(dailyStreakAtDayStart));
  return Math.round(numerator / 1000);
}

/** Total XP needed to reach level `level`: `50 * L * (L - 1)` (L1 0, L2 100, L10 4500). */
export function xpForLevel(level: number): number {
  if (!Number.isInteger(level) || level < 1) {
    throw new RangeError(`level must be an integer >= 1, got ${level}`);
  }
  return 50 * level * (level - 1);
}

/** Level for a total XP: `floor((1 + sqrt(1 + xp / 12.5)) / 2)`, at least 1. */
export function levelForXp(xp: number): number {
  if (!Number.isFinite(xp) || xp < 100) return 1;
  let level = Math.max(1, Math.floor((1 + Math.sqrt(1 + xp / 12.5)) / 2));
  // The sqrt can land a hair under an exact threshold (or over it); settle on integers.
  while (xpForLevel(level + 1) <= xp) level += 1;
  while (level > 1 && xpForLevel(level) > xp) level -= 1;
  return level;
}

export interface LevelProgress {
  level: number;
  /** Total XP. */
  current: number;
  /** Total XP at which the next level is reached. */
  needed: number;
  /** XP earned since reaching `level`: the progress bar's value. */
  intoLevel: number;
  /** XP still missing to the next level. */
  toNext: number;
  /** XP between this level and the next: the progress bar's max (`intoLevel + toNext`). */
  span: number;
}

/** Where a total XP stands within its level, for a progress bar. */
export function levelProgress(xp: number): LevelProgress {
  const current = Number.isFinite(xp) ? Math.max(0, xp) : 0;
  const level = levelForXp(current);
  const floor = xpForLevel(level);
  const needed = xpForLevel(level + 1);
  return {
    level,
    current,
    needed,
    intoLevel: current - floor,
    toNext: needed - current,
    span: needed - floor,
  };
}

/** Completions can be undone for this long. */
export const UNDO_WINDOW_MS = 24 * 60 * 60_000;

/** An undone quest goes back to where it was before completion: in progress when it had been started, else active. */
export function statusAfterUndo(quest: { startedAt: Date | string | null }): 'IN_PROGRESS' | 'ACTIVE' {
  return quest.startedAt ? 'IN_PROGRESS' : 'ACTIVE';
}

/** A ledger row of a quest's completion (`quest`) or of its undo (`undo`, naming the row it undoes in `details.undoes`). */
export interface LedgerEvent {
  id: string;
  amount: number;
  reason: string;
  details: Record<string, unknown>;
}

/**
 * The completion row an undo takes back: the newest `quest` row of the quest
 * that no `undo` row names yet (`events` newest first); undefined when none.
 */
export function undoableCompletion(events: readonly LedgerEvent[]): LedgerEvent | undefined {
  const undone = new Set(events.filter((e) => e.reason === 'undo').map((e) => String(e.details.undoes)));
  return events.find((e) => e.reason === 'quest' && !undone.has(e.id));
}
