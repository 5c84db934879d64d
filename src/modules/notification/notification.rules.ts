import { DateTime } from 'luxon';

/** Every kind of notification a user can turn on or off, per channel. */
export const NOTIFICATION_TYPES = ['reminder', 'streak_risk', 'streak_lost', 'unlocked', 'level_up', 'achievement', 'due_soon'] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** `in_app` is the chat DM (or the console); push does not apply to a chat bot. */
export const CHANNELS = ['in_app', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** The preference type a stored notification type answers to (`achievement_unlocked` rows obey `achievement`). */
export function preferenceType(type: string): string {
  return type === 'achievement_unlocked' ? 'achievement' : type;
}

/** Delivery attempts before a transient failure becomes permanent. */
export const MAX_ATTEMPTS = 8;
const BASE_RETRY_MS = 30_000;
const MAX_RETRY_MS = 60 * 60_000;

/**
 * Exponential backoff with jitter before attempt `attempt + 1` (attempt counts from 1):
 * 30 s, 1 min, 2 min ... capped at 1 h, each drawn from [50%, 100%] of that, so a
 * burst of failures (a 429 storm, an outage) does not come back in step.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling * (0.5 + 0.5 * random()));
}

function clock(hhmm: string): { hour: number; minute: number } {
  const [hour, minute] = hhmm.split(':').map(Number) as [number, number];
  return { hour, minute };
}

/**
 * The instant the wall clock in `zone` shows `hour:minute` on local date `date`
 * (`YYYY-MM-DD`). A wall time skipped by a DST change gives the first valid minute
 * after the gap (02:30 on a spring-forward night -> 03:00); a repeated one gives its
 * first occurrence.
 */
export function wallTimeOn(date: string, zone: string, hour: number, minute: number): DateTime {
  // Pure and hot (a busy minute asks the same few zones and times thousands of times): memoised.
  const key = `${date}|${zone}|${hour}|${minute}`;
  const cached = wallTimes.get(key);
  if (cached) return cached;
  const found = computeWallTime(date, zone, hour, minute);
  if (wallTimes.size >= 10_000) wallTimes.clear();
  wallTimes.set(key, found);
  return found;
}

const wallTimes = new Map<string, DateTime>();

function computeWallTime(date: string, zone: string, hour: number, minute: number): DateTime {
  const naive = DateTime.fromISO(date, { zone: 'utc' }).set({ hour, minute });
  // Gaps are at most a few hours: step minute by minute until the zone shows that wall time.
  for (let step = 0; step <= 24 * 60; step++) {
    const wall = naive.plus({ minutes: step });
    const local = DateTime.fromObject({ year: wall.year, month: wall.month, day: wall.day, hour: wall.hour, minute: wall.minute }, { zone });
    if (local.hour === wall.hour && local.minute === wall.minute && local.day === wall.day) {
      // Luxon resolves an ambiguous wall time to one of its offsets; take the earlier instant.
      const earlier = local.minus({ hours: 1 });
      return earlier.hour === local.hour && earlier.minute === local.minute ? earlier : local;
    }
  }
  throw new RangeError(`no valid wall time near ${date} ${hour}:${minute} in ${zone}`);
}

/**
 * The first instant strictly after `after` at which the wall clock in `zone` shows
 * `hhmm`, counting only local dates after `notOnOrBefore` when given (so a reminder
 * already sent for a date is never due again that date, even in a repeated hour).
 */
export function nextLocalTime(after: Date, zone: string, hhmm: string, notOnOrBefore?: string): Date {
  const { hour, minute } = clock(hhmm);
  let date = DateTime.fromJSDate(after, { zone }).toISODate()!;
  for (let i = 0; i < 4; i++) {
    if (!notOnOrBefore || date > notOnOrBefore) {
      const at = wallTimeOn(date, zone, hour, minute);
      if (at.toMillis() > after.getTime()) return at.toJSDate();
    }
    date = DateTime.fromISO(date, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
  }
  throw new RangeError(`no next ${hhmm} in ${zone} after ${after.toISOString()}`);
}

/** The local date (`YYYY-MM-DD`) of an instant in `zone`. */
export function localDate(instant: Date, zone: string): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

/**
 * When quiet hours hold `at`, the instant they end (so a notification moves there);
 * null otherwise. `start`/`end` are local `HH:MM`; the window wraps midnight when
 * `end` is earlier (22:00-07:00).
 */
export function quietHoursEnd(at: Date, zone: string, start: string | null, end: string | null): Date | null {
  if (!start || !end) return null;
  const local = DateTime.fromJSDate(at, { zone });
  const minutes = local.hour * 60 + local.minute;
  const s = clock(start);
  const e = clock(end);
  const from = s.hour * 60 + s.minute;
  const to = e.hour * 60 + e.minute;
  const inside = from < to ? minutes >= from && minutes < to : minutes >= from || minutes < to;
  if (!inside) return null;
  return nextLocalTime(at, zone, end);
}

/** Whether a notification of `type` goes to `channel`, given the user's stored preferences (default: on). */
export function wants(preferences: ReadonlyArray<{ type: string; inApp: boolean; email: boolean }>, type: string, channel: Channel): boolean {
  const row = preferences.find((p) => p.type === preferenceType(type));
  if (!row) return true;
  return channel === 'in_app' ? row.inApp : row.email;
}

/**
 * Sends per second that keep a platform below its limit: 90% of the configured rate,
 * so a worker never earns a 429 by itself (Discord ~50/s per bot, DM channel creation
 * included; Slack chat.postMessage ~1/s per channel, tier limits per method).
 */
export function pacedRate(limitPerSecond: number): number {
  return Math.max(1, Math.floor(limitPerSecond * 0.9));
}
