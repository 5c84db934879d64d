import { DateTime } from 'luxon';
import { RRuleTemporal } from 'rrule-temporal';
import type { UserClock } from './due.rules.js';

/**
 * Recurring quests (issue 11): a `repeat:` phrase becomes an RFC 5545 RRULE, kept with
 * the user's IANA zone and a DTSTART (the first occurrence's local date and time of day).
 * All recurrence arithmetic is rrule-temporal's: it generates wall-clock times in the
 * zone, so an occurrence at 07:00 stays at 07:00 across a DST change. Months without the
 * asked day are skipped (RFC 5545 3.3.10: invalid dates are ignored, not clamped);
 * "monthly last" is BYMONTHDAY=-1.
 */

export const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** What a phrase asks for, before it is anchored to a first occurrence. */
export type RepeatSpec =
  | { kind: 'daily' }
  | { kind: 'weekdays' }
  /** No days: the weekday of the first occurrence. */
  | { kind: 'weekly'; days: Weekday[] }
  /** No day: the day of month of the first occurrence; -1 is the last day. */
  | { kind: 'monthly'; day: number | null }
  | { kind: 'every'; days: number };

export type RepeatParse = { kind: 'clear' } | { kind: 'rule'; spec: RepeatSpec } | { kind: 'invalid'; problem: string };

/** A stored series: the RRULE parts (`FREQ=...`), the zone, and DTSTART as an instant. */
export interface SeriesRule {
  rrule: string;
  timezone: string;
  dtstart: Date;
}

export const REPEAT_FORMS = 'daily, weekdays, weekly mon,thu, monthly 15, monthly last, every 3 days or none';
export const MAX_EVERY_DAYS = 365;

const CLEAR = /^(none|no|off|never|stop)$/i;
const DAY_NAMES: Record<string, Weekday> = {
  mo: 'MO', mon: 'MO', monday: 'MO',
  tu: 'TU', tue: 'TU', tues: 'TU', tuesday: 'TU',
  we: 'WE', wed: 'WE', wednesday: 'WE',
  th: 'TH', thu: 'TH', thur: 'TH', thurs: 'TH', thursday: 'TH',
  fr: 'FR', fri: 'FR', friday: 'FR',
  sa: 'SA', sat: 'SA', saturday: 'SA',
  su: 'SU', sun: 'SU', sunday: 'SU',
}; // prettier-ignore
const SHORT: Record<Weekday, string> = { MO: 'Mon', TU: 'Tue', WE: 'Wed', TH: 'Thu', FR: 'Fri', SA: 'Sat', SU: 'Sun' };

/** Reads a `repeat:` phrase; `problem` says what is wrong and lists the accepted forms. */
export function parseRepeat(text: string): RepeatParse {
  const input = text.trim().toLowerCase().replace(/\s+/g, ' ');
  if (CLEAR.test(input)) return { kind: 'clear' };
  if (input === 'daily' || input === 'every day') return { kind: 'rule', spec: { kind: 'daily' } };
  if (input === 'weekdays' || input === 'every weekday') return { kind: 'rule', spec: { kind: 'weekdays' } };
  const weekly = /^(?:weekly|every week)(?: on)?(?: (.+))?$/.exec(input);
  if (weekly) {
    const names = (weekly[1] ?? '').split(/\s*(?:,|\band\b|\s)\s*/).filter(Boolean);
    const unknown = names.filter((n) => !DAY_NAMES[n]);
    if (unknown.length) return invalid(`can't read "${unknown[0]}" as a day; name days like weekly mon,thu`);
    const days = WEEKDAYS.filter((d) => names.some((n) => DAY_NAMES[n] === d));
    return { kind: 'rule', spec: { kind: 'weekly', days } };
  }
  const monthly = /^(?:monthly|every month)(?: on)?(?: (?:the )?(.+?))?(?: day)?$/.exec(input);
  if (monthly) {
    const day = monthly[1];
    if (day === undefined) return { kind: 'rule', spec: { kind: 'monthly', day: null } };
    if (day === 'last') return { kind: 'rule', spec: { kind: 'monthly', day: -1 } };
    const n = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(day);
    if (!n || Number(n[1]) < 1 || Number(n[1]) > 31) return invalid(`needs a day of the month from 1 to 31 or "last" (monthly 15, monthly last), not "${day}"`);
    return { kind: 'rule', spec: { kind: 'monthly', day: Number(n[1]) } };
  }
  const every = /^every (\d+) days?$/.exec(input);
  if (every) {
    const days = Number(every[1]);
    if (days < 1 || days > MAX_EVERY_DAYS) return invalid(`every N days takes N from 1 to ${MAX_EVERY_DAYS}, not ${days}`);
    return { kind: 'rule', spec: days === 1 ? { kind: 'daily' } : { kind: 'every', days } };
  }
  return invalid(`can't read "${text.trim()}"`);
}

function invalid(problem: string): RepeatParse {
  return { kind: 'invalid', problem: `${problem}; use ${REPEAT_FORMS}` };
}

/** The RRULE parts of `spec`, with days left open taken from the first occurrence's local date. */
export function toRrule(spec: RepeatSpec, anchor: DateTime): string {
  switch (spec.kind) {
    case 'daily':
      return 'FREQ=DAILY';
    case 'weekdays':
      return 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR';
    case 'weekly':
      return `FREQ=WEEKLY;BYDAY=${(spec.days.length ? spec.days : [WEEKDAYS[anchor.weekday - 1]!]).join(',')}`;
    case 'monthly':
      return `FREQ=MONTHLY;BYMONTHDAY=${spec.day ?? anchor.day}`;
    case 'every':
      return `FREQ=DAILY;INTERVAL=${spec.days}`;
  }
}

/**
 * A new series and its first occurrence. The time of day is the due time's when the
 * quest has one (which is then the first occurrence), else the user's day start, and
 * the first occurrence is the next one the rule yields after `now`.
 */
export function planSeries(spec: RepeatSpec, clock: UserClock, dueAt: Date | null, now: Date): { rule: SeriesRule; first: Date } {
  const zone = clock.timezone;
  if (dueAt) {
    const anchor = DateTime.fromJSDate(dueAt, { zone });
    return { rule: { rrule: toRrule(spec, anchor), timezone: zone, dtstart: dueAt }, first: dueAt };
  }
  const wall = DateTime.fromJSDate(now, { zone });
  const day = (wall.hour < clock.dayStartHour ? wall.minus({ days: 1 }) : wall).startOf('day');
  const anchor = day.set({ hour: clock.dayStartHour });
  const rule = { rrule: toRrule(spec, anchor), timezone: zone, dtstart: anchor.toJSDate() };
  return { rule, first: nextOccurrence(rule, now)! };
}

/** The RFC 5545 text of a series: `DTSTART;TZID=...` and `RRULE:...`. */
export function rfcText(rule: SeriesRule): string {
  const start = DateTime.fromJSDate(rule.dtstart, { zone: rule.timezone }).toFormat("yyyyLLdd'T'HHmmss");
  return `DTSTART;TZID=${rule.timezone}:${start}\nRRULE:${rule.rrule}`;
}

function engine(rule: SeriesRule): RRuleTemporal {
  return new RRuleTemporal({ rruleString: rfcText(rule) });
}

/** The first occurrence strictly after `after`, or null when the rule has ended. */
export function nextOccurrence(rule: SeriesRule, after: Date): Date | null {
  const next = engine(rule).next(after, false);
  return next ? new Date(next.epochMilliseconds) : null;
}

/**
 * Where an open occurrence due at `dueAt` rolls to at `now`: the latest occurrence
 * in `(dueAt, now]`, so however long it waited it moves once, to the current date.
 * Null when no later occurrence has come yet (nothing to roll).
 */
export function rollTarget(rule: SeriesRule, dueAt: Date, now: Date): Date | null {
  const latest = engine(rule).previous(now, true);
  if (!latest || latest.epochMilliseconds <= dueAt.getTime()) return null;
  return new Date(latest.epochMilliseconds);
}

/** When completing an occurrence due at `dueAt` at `now` makes the next one due. */
export function nextAfterCompletion(rule: SeriesRule, dueAt: Date | null, now: Date): Date | null {
  return nextOccurrence(rule, dueAt && dueAt > now ? dueAt : now);
}

/** "every weekday at 07:00", "every week on Mon and Thu at 18:30", "every month on the last day at 00:00". */
export function describeRule(rule: SeriesRule): string {
  const parts = new Map(rule.rrule.split(';').map((part) => part.split('=') as [string, string]));
  const at = DateTime.fromJSDate(rule.dtstart, { zone: rule.timezone }).toFormat('HH:mm');
  const interval = Number(parts.get('INTERVAL') ?? 1);
  const days = (parts.get('BYDAY') ?? '').split(',').filter(Boolean) as Weekday[];
  let words: string;
  switch (parts.get('FREQ')) {
    case 'DAILY':
      words = interval === 1 ? 'every day' : `every ${interval} days`;
      break;
    case 'WEEKLY':
      words = days.join(',') === 'MO,TU,WE,TH,FR' ? 'every weekday' : `every week on ${list(days.map((d) => SHORT[d]))}`;
      break;
    case 'MONTHLY': {
      const day = Number(parts.get('BYMONTHDAY'));
      words = day === -1 ? 'every month on the last day' : `every month on the ${ordinal(day)}${day > 28 ? ' (months without one are skipped)' : ''}`;
      break;
    }
    default:
      words = rule.rrule;
  }
  return `${words} at ${at}`;
}

/** `Fri 4 Dec` (with the year when it is not the current one), in `timezone`. */
export function formatDay(at: Date, timezone: string, now?: Date): string {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const year = now && DateTime.fromJSDate(now, { zone: timezone }).year !== local.year ? ' yyyy' : '';
  return local.toFormat(`ccc d LLL${year}`, { locale: 'en-GB' });
}

function list(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function ordinal(n: number): string {
  const suffix = n % 10 === 1 && n !== 11 ? 'st' : n % 10 === 2 && n !== 12 ? 'nd' : n % 10 === 3 && n !== 13 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
