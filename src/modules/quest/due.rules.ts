import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';

/** Where and when a user's day happens: their IANA zone and the hour their day starts. */
export interface UserClock {
  timezone: string;
  dayStartHour: number;
}

/** A due date given without a time of day means the end of that local day. */
export const END_OF_DAY = { hour: 23, minute: 59 } as const;

export type DueParse = { kind: 'clear' } | { kind: 'at'; at: Date } | { kind: 'invalid'; problem: string };

const CLEAR = /^(none|no|off|clear|never)$/i;

/**
 * Reads a due date in plain words ("tomorrow 5pm", "fri", "in 3 days", "end of month",
 * "2026-12-24 18:00", "none") in the user's zone and day: before the day start hour,
 * "today" and "tomorrow" count from the previous calendar date, as the user's day does.
 * Relative times ("in 3 hours") count from the real now. Parsing is chrono-node's; this
 * only hands it the user's wall clock and turns its components back into an instant.
 */
export function parseDue(text: string, clock: UserClock, now: Date): DueParse {
  const input = text.trim();
  if (CLEAR.test(input)) return { kind: 'clear' };
  const wall = DateTime.fromJSDate(now, { zone: clock.timezone });
  const dayWall = wall.hour < clock.dayStartHour ? wall.minus({ days: 1 }) : wall;
  let result = parseAt(input, dayWall);
  if (result && (result.tags().has('result/relativeDateAndTime') || result.tags().has('casualReference/now'))) result = parseAt(input, wall);
  if (!result) return { kind: 'invalid', problem: `can't read "${input}" as a date; try tomorrow 5pm, fri, in 3 days, end of month, 2026-12-24 18:00 or none` };
  const rest = (input.slice(0, result.index) + input.slice(result.index + result.text.length)).trim();
  if (rest) return { kind: 'invalid', problem: `understood "${result.text}" but not "${rest}"` };
  const c = result.start;
  const timeGiven = c.isCertain('hour');
  const local = DateTime.fromObject(
    {
      year: c.get('year')!,
      month: c.get('month')!,
      day: c.get('day')!,
      hour: timeGiven ? c.get('hour')! : END_OF_DAY.hour,
      minute: timeGiven ? (c.get('minute') ?? 0) : END_OF_DAY.minute,
    },
    { zone: clock.timezone },
  );
  if (!local.isValid) return { kind: 'invalid', problem: `"${input}" is not a valid date` };
  const at = local.toJSDate();
  if (at.getTime() <= now.getTime()) {
    return { kind: 'invalid', problem: `must be in the future ("${input}" is ${formatLocal(at, clock.timezone)}, already past)` };
  }
  return { kind: 'at', at };
}

/** chrono reads relative to a Date's local fields: hand it the user's wall clock as such. */
function parseAt(input: string, wall: DateTime): chrono.ParsedResult | undefined {
  const reference = new Date(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return chrono.en.casual.parse(input, reference, { forwardDate: true })[0];
}

/** `Thu 3 Dec 17:00` (the year only when it is not the current one), in `timezone`. */
export function formatLocal(at: Date, timezone: string, now?: Date): string {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const year = now && DateTime.fromJSDate(now, { zone: timezone }).year !== local.year ? ' yyyy' : '';
  return local.toFormat(`ccc d LLL${year} HH:mm`, { locale: 'en-GB' });
}

/** "due in 3h", "due in 2 days", "due now", "2 days overdue", "40m overdue". */
export function dueLabel(dueAt: Date, now: Date): string {
  const diff = dueAt.getTime() - now.getTime();
  const span = humanSpan(Math.abs(diff));
  if (diff >= 0) return span === null ? 'due now' : `due in ${span}`;
  return span === null ? 'due now' : `${span} overdue`;
}

function humanSpan(ms: number): string | null {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return null;
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  return `${days} day${days === 1 ? '' : 's'}`;
}

export function isOverdue(dueAt: Date | null, now: Date): boolean {
  return dueAt !== null && dueAt.getTime() < now.getTime();
}

export type DueFilter = 'today' | 'week' | 'overdue' | 'none';
export const DUE_FILTERS: readonly DueFilter[] = ['today', 'week', 'overdue', 'none'];

/** What a `due:` list filter selects: quests without a due date, or due in `[from, to)`. */
export type DueWindow = { none: true } | { none?: false; from?: Date; to: Date };

/**
 * `today`: due before the end of the user's current day (overdue included);
 * `week`: before the end of the user's ISO week; `overdue`: before now.
 */
export function dueWindow(filter: DueFilter, clock: UserClock, now: Date): DueWindow {
  if (filter === 'none') return { none: true };
  if (filter === 'overdue') return { to: now };
  const wall = DateTime.fromJSDate(now, { zone: clock.timezone });
  const day = (wall.hour < clock.dayStartHour ? wall.minus({ days: 1 }) : wall).startOf('day');
  const end = filter === 'today' ? day.plus({ days: 1 }) : day.startOf('week').plus({ weeks: 1 });
  return { to: end.set({ hour: clock.dayStartHour }).toJSDate() };
}
