import { DateTime } from 'luxon';
import type { StreakType } from '../columns.js';
import { isValidTimezone } from '../shared/time.js';

/** A freeze is earned each time the daily count reaches a multiple of this. */
export const FREEZE_EVERY_DAYS = 7;
/** Most freezes a user can bank. */
export const MAX_FREEZES = 2;

/**
 * One `streaks` row as the rules see it. Dates are user-days (`YYYY-MM-DD`, see
 * {@link userDay}). `freezes` is the user's bank (`user_profiles.streak_freezes`); only
 * the daily type reads or changes it, the others carry it through untouched.
 */
export interface StreakState {
  currentCount: number;
  longestCount: number;
  startDate: string;
  lastActivityDate: string;
  isActive: boolean;
  freezes: number;
}

export type StreakEvent = 'started' | 'continued' | 'same_period' | 'bridged_with_freeze' | 'broken_and_restarted';

/**
 * Result of {@link applyCompletion}. `state` is the row to keep active. When the old
 * streak was broken, `ended` is the old row to save with `isActive: false` (history) and
 * `state` is a new row. `freezeEarned` says the bank grew by one (worth a notification).
 */
export type StreakTransition =
  | {
      event: 'started' | 'continued' | 'same_period' | 'bridged_with_freeze';
      state: StreakState;
      freezeEarned: boolean;
    }
  | {
      event: 'broken_and_restarted';
      state: StreakState;
      ended: StreakState;
      freezeEarned: false;
    };

/**
 * Where the user was when the streak's last activity was counted, and where they are now.
 * With it, the gap since the last activity is counted in both zones and the smaller one
 * wins (DESIGN §5: a time-zone change never breaks a streak by itself). Passing it when
 * nothing changed is harmless, so a service may always pass it when it knows
 * `lastActivityAt`.
 */
export interface ZoneChange {
  /** Instant of the completion that set `lastActivityDate`. */
  lastActivityAt: Date;
  /** Zone and day start `lastActivityDate` was computed in. */
  previousTimezone: string;
  previousDayStartHour: number;
  /** The instant being evaluated: the completion time (or "now" for display). */
  now: Date;
  /** The user's zone and day start now; `day`/`today` must be `userDay(now, timezone, dayStartHour)`. */
  timezone: string;
  dayStartHour: number;
}

export interface StreakOptions {
  zoneChange?: ZoneChange;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(day: string): DateTime {
  const parsed = ISO_DAY.test(day) ? DateTime.fromISO(day, { zone: 'utc' }) : null;
  if (!parsed?.isValid) throw new RangeError(`expected an ISO date YYYY-MM-DD, got "${day}"`);
  return parsed;
}

function assertZone(timezone: string): void {
  if (!isValidTimezone(timezone)) throw new RangeError(`unknown time zone "${timezone}"`);
}

function assertDayStartHour(hour: number): void {
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new RangeError(`dayStartHour must be an integer 0-23, got ${hour}`);
  }
}

/**
 * The user's day (`YYYY-MM-DD`) for an instant: the local date in `timezone`, minus one
 * day while the local wall-clock hour is before `dayStartHour` (with 3, 01:30 counts as
 * the previous day). Works on wall-clock time, so DST days stay right.
 */
export function userDay(instant: Date, timezone: string, dayStartHour = 0): string {
  assertZone(timezone);
  assertDayStartHour(dayStartHour);
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid instant');
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  // Subtracting hours from the instant would land on the wrong wall-clock hour on a
  // 23- or 25-hour day, so compare the local hour and step back on the date alone.
  const date = DateTime.utc(local.year, local.month, local.day);
  return (local.hour < dayStartHour ? date.minus({ days: 1 }) : date).toISODate()!;
}

/** ISO week key of a user-day, e.g. `2026-W48`; `2027-01-01` is `2026-W53`. */
export function isoWeekKey(day: string): string {
  const date = parseDay(day);
  return `${date.weekYear}-W${String(date.weekNumber).padStart(2, '0')}`;
}

/** Month key of a user-day, e.g. `2026-11`. */
export function monthKey(day: string): string {
  parseDay(day);
  return day.slice(0, 7);
}

/** Whole days from `from` to `to` (ISO dates): positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return Math.round(parseDay(to).diff(parseDay(from), 'days').days);
}

/**
 * Periods of `type` from `from`'s period to `to`'s: 0 = same day/ISO week/month,
 * 1 = the next one, 2 = one period missed in between.
 */
export function periodsBetween(type: StreakType, from: string, to: string): number {
  switch (type) {
    case 'daily':
      return daysBetween(from, to);
    case 'weekly': {
      const a = parseDay(from).startOf('week');
      const b = parseDay(to).startOf('week');
      return Math.round(b.diff(a, 'days').days / 7);
    }
    case 'monthly': {
      const a = parseDay(from);
      const b = parseDay(to);
      return (b.year - a.year) * 12 + (b.month - a.month);
    }
  }
}

function gapSinceLastActivity(state: StreakState, type: StreakType, day: string, zoneChange: ZoneChange | undefined): number {
  const stored = periodsBetween(type, state.lastActivityDate, day);
  if (!zoneChange) return stored;
  const { lastActivityAt, now } = zoneChange;
  const inOldZone = periodsBetween(
    type,
    userDay(lastActivityAt, zoneChange.previousTimezone, zoneChange.previousDayStartHour),
    userDay(now, zoneChange.previousTimezone, zoneChange.previousDayStartHour),
  );
  const inNewZone = periodsBetween(
    type,
    userDay(lastActivityAt, zoneChange.timezone, zoneChange.dayStartHour),
    userDay(now, zoneChange.timezone, zoneChange.dayStartHour),
  );
  // The stored-date gap also takes part: after flying east over the date line the new
  // zone can show a date already credited, and crediting it again would double count.
  return Math.min(stored, inOldZone, inNewZone);
}

function maxDay(a: string, b: string): string {
  return a >= b ? a : b;
}

function startState(day: string, previous: StreakState | null): StreakState {
  return {
    currentCount: 1,
    longestCount: Math.max(previous?.longestCount ?? 0, 1),
    startDate: day,
    lastActivityDate: day,
    isActive: true,
    freezes: previous?.freezes ?? 0,
  };
}

function advance(state: StreakState, type: StreakType, day: string, freezes: number): { state: StreakState; freezeEarned: boolean } {
  const currentCount = state.currentCount + 1;
  const freezeEarned = type === 'daily' && currentCount % FREEZE_EVERY_DAYS === 0 && freezes < MAX_FREEZES;
  return {
    state: {
      ...state,
      currentCount,
      longestCount: Math.max(state.longestCount, currentCount),
      lastActivityDate: day,
      freezes: freezeEarned ? freezes + 1 : freezes,
    },
    freezeEarned,
  };
}

/**
 * Records a completion on user-day `day` against a streak of `type`.
 *
 * - no row or an ended row: `started` (count 1; `longestCount` and freezes carry over);
 * - same day / ISO week / month as the last activity: `same_period`, nothing counts twice;
 * - the next period: `continued`, count + 1;
 * - daily only, exactly one missed day and a banked freeze: `bridged_with_freeze`, the
 *   freeze is spent and the count goes on (+1 for today);
 * - anything longer: `broken_and_restarted`, returning the `ended` row and a new one.
 *
 * Daily counts reaching a multiple of {@link FREEZE_EVERY_DAYS} earn a freeze, at most
 * {@link MAX_FREEZES} banked. Pass `opts.zoneChange` to apply the time-zone rule.
 */
export function applyCompletion(state: StreakState | null, type: StreakType, day: string, opts: StreakOptions = {}): StreakTransition {
  parseDay(day);
  if (!state || !state.isActive) {
    return { event: 'started', state: startState(day, state), freezeEarned: false };
  }

  const gap = gapSinceLastActivity(state, type, day, opts.zoneChange);
  if (gap <= 0) {
    // A zone change can move today's date past the stored one while counting as the same
    // day; remember the later date so tomorrow is measured from it.
    return {
      event: 'same_period',
      state: { ...state, lastActivityDate: maxDay(state.lastActivityDate, day) },
      freezeEarned: false,
    };
  }
  if (gap === 1) {
    return { event: 'continued', ...advance(state, type, day, state.freezes) };
  }
  if (type === 'daily' && gap === 2 && state.freezes > 0) {
    return { event: 'bridged_with_freeze', ...advance(state, type, day, state.freezes - 1) };
  }
  return {
    event: 'broken_and_restarted',
    state: startState(day, state),
    ended: { ...state, isActive: false },
    freezeEarned: false,
  };
}

/**
 * Whether a streak still stands on user-day `today`: active, and a completion today would
 * continue it (last activity this or the previous period, or, daily only, one missed day a
 * banked freeze can bridge). A row not yet marked ended may already be dead; use this for
 * display and for jobs that close rows.
 */
export function isStreakAlive(state: StreakState | null, type: StreakType, today: string, opts: StreakOptions = {}): boolean {
  if (!state || !state.isActive) return false;
  const gap = gapSinceLastActivity(state, type, today, opts.zoneChange);
  return gap <= 1 || (type === 'daily' && gap === 2 && state.freezes > 0);
}

/**
 * The daily streak count as it stood at the start of user-day `today`, for the XP streak
 * bonus: today's completion does not count (a streak started today is 0), and a streak
 * already broken as of today is 0. `state` is the daily row.
 */
export function streakAtDayStart(state: StreakState | null, today: string, opts: StreakOptions = {}): number {
  if (!state || !isStreakAlive(state, 'daily', today, opts)) return 0;
  const gap = gapSinceLastActivity(state, 'daily', today, opts.zoneChange);
  return gap <= 0 ? Math.max(0, state.currentCount - 1) : state.currentCount;
}

/** Where the user was when a streak's last activity was counted (the time-zone rule needs it). */
export interface ZoneAnchor {
  timezone: string;
  dayStartHour: number;
  /** ISO instant of that completion. */
  at: string;
}

/** The streak as it stood before a step, so the step can be undone. */
export interface Snapshot {
  currentCount: number;
  longestCount: number;
  startDate: string;
  lastActivityDate: string;
  zone: ZoneAnchor | null;
}

/**
 * Enough to undo the last step of a streak row: how many completions count on
 * each day of its current period (`days`), and the row before the step
 * (`previous`, null when the step created the row; `endedRowId` is then the row
 * it replaced).
 */
export interface UndoRecord {
  count: number;
  days: Record<string, number>;
  previous: Snapshot | null;
  endedRowId: string | null;
  freezeDelta: number;
}

export interface StreakMetadata {
  zone?: ZoneAnchor;
  undo?: UndoRecord;
}
