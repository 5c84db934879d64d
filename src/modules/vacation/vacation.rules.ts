import { DateTime } from 'luxon';
import { END_OF_DAY } from '../quest/due.rules.js';
import { dayEnd } from '../reminder/reminder.rules.js';
import { daysBetween, userDay, type StreakMetadata, type ZoneAnchor } from '../streak/streak.rules.js';

/**
 * A vacation as stored on the profile: from `since`, until `until` (null = until
 * turned off). A window whose `until` has passed still matters until it has been
 * folded into the streak ({@link holdStreak}); after that the profile forgets it.
 */
export interface VacationWindow {
  since: Date;
  until: Date | null;
}

/** Where and when the user's day happens. */
export interface VacationClock {
  timezone: string;
  dayStartHour: number;
}

/** The window from two nullable profile columns; null when no vacation is recorded. */
export function vacationWindow(since: Date | string | null | undefined, until: Date | string | null | undefined): VacationWindow | null {
  if (!since) return null;
  return { since: new Date(since), until: until ? new Date(until) : null };
}

/** Whether the user is away at `at`: `since <= at < until` (no `until`: from `since` on). */
export function isAway(window: VacationWindow | null, at: Date): boolean {
  if (!window) return false;
  return window.since.getTime() <= at.getTime() && (window.until === null || at.getTime() < window.until.getTime());
}

/** A recorded window that has ended by `at` (its streak hold is due to be folded in). */
export function hasEnded(window: VacationWindow | null, at: Date): boolean {
  return window !== null && window.until !== null && window.until.getTime() <= at.getTime();
}

/**
 * The user-days a vacation holds, `[from, to)` (`to` null = open-ended): the day it
 * began, whatever the hour, up to the day it ends on, which is an ordinary day again
 * (the user is back for part of it). A vacation turned on and off within one day holds
 * nothing, though it silenced that day's reminders meanwhile.
 */
export function heldDays(window: VacationWindow, clock: VacationClock): { from: string; to: string | null } {
  return {
    from: userDay(window.since, clock.timezone, clock.dayStartHour),
    to: window.until ? userDay(window.until, clock.timezone, clock.dayStartHour) : null,
  };
}

/** How many held user-days lie strictly between `lastActivityDate` and `today`. */
export function heldBetween(window: VacationWindow | null, clock: VacationClock, lastActivityDate: string, today: string): number {
  if (!window) return 0;
  const held = heldDays(window, clock);
  // First and last held day after the last activity and before today.
  const first = held.from > lastActivityDate ? held.from : plusDays(lastActivityDate, 1);
  const last = held.to === null || held.to > today ? plusDays(today, -1) : plusDays(held.to, -1);
  return Math.max(0, daysBetween(first, last) + 1);
}

function plusDays(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** The part of a daily streak row the hold moves. */
export interface HeldStreak {
  lastActivityDate: string;
  metadata: { zone?: ZoneAnchor };
}

/**
 * The daily streak as if the held days had not existed: its last activity (and the
 * instant the time-zone rule measures from, same wall-clock time) moves forward by
 * the held days since. Then a day missed before the vacation is still missed (a
 * freeze may bridge it), and the first day back must be completed as usual. The
 * moved date is always before `today`, so a completion today still counts.
 */
export function holdStreak<T extends HeldStreak>(row: T, window: VacationWindow | null, clock: VacationClock, now: Date): T {
  const today = userDay(now, clock.timezone, clock.dayStartHour);
  const shift = heldBetween(window, clock, row.lastActivityDate, today);
  if (!shift) return row;
  const zone = row.metadata.zone;
  return {
    ...row,
    lastActivityDate: plusDays(row.lastActivityDate, shift),
    metadata: {
      ...row.metadata,
      ...(zone ? { zone: { ...zone, at: DateTime.fromISO(zone.at, { zone: zone.timezone }).plus({ days: shift }).toUTC().toISO()! } } : {}),
    },
  };
}

/**
 * `until` as the user meant it: a date without a time of day ("fri", "2026-12-19",
 * which the due-date reader resolves to {@link END_OF_DAY}) keeps them away through
 * that day, so the vacation ends when their next day starts; a time of day
 * ("fri 18:00") ends it then.
 */
export function vacationEnd(until: Date, clock: VacationClock): Date {
  const local = DateTime.fromJSDate(until, { zone: clock.timezone });
  if (local.hour !== END_OF_DAY.hour || local.minute !== END_OF_DAY.minute) return until;
  return dayEnd(userDay(until, clock.timezone, clock.dayStartHour), clock.timezone, clock.dayStartHour);
}

/** The active daily streak row, as the hold moves it. */
export interface HeldDailyRow {
  id: string;
  lastActivityDate: string;
  metadata: StreakMetadata;
}

/** A daily streak to move forward when a vacation is folded in: `from` is the stored date, `to` the held one. */
export interface StreakShift {
  id: string;
  from: string;
  to: string;
  metadata: StreakMetadata;
}

/**
 * How an ended vacation moves the daily streak, or null when it does not: the held
 * date (see `holdStreak`) becomes the stored one.
 */
export function streakShift(row: HeldDailyRow | null, window: VacationWindow, clock: VacationClock, now: Date): StreakShift | null {
  if (!row) return null;
  const held = holdStreak(row, window, clock, now);
  if (held.lastActivityDate === row.lastActivityDate) return null;
  return { id: row.id, from: row.lastActivityDate, to: held.lastActivityDate, metadata: held.metadata };
}
