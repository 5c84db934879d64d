import { nextLocalTime } from '../notification/notification.rules.js';

/** Bounds of the due-soon lead time (the column's check constraint says the same). */
export const DUE_SOON_MIN_MINUTES = 5;
export const DUE_SOON_MAX_MINUTES = 1440;

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `9:05` / `09:05` -> `09:05`; null for anything that is not a time of day. */
export function parseClock(value: string): string | null {
  const match = CLOCK.exec(value.trim());
  return match ? `${match[1]!.padStart(2, '0')}:${match[2]}` : null;
}

/**
 * The next instant strictly after `now` when the wall clock in `timezone` shows
 * `hhmm`. A time skipped by a DST change fires at the first valid minute after the
 * gap; a repeated one at its first occurrence (the reminder job's own rule).
 */
export function nextReminderAt(now: Date, timezone: string, hhmm: string): Date {
  return nextLocalTime(now, timezone, hhmm);
}
