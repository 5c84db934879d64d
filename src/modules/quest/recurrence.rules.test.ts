import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import type { UserClock } from './due.rules.js';
import { describeRule, nextAfterCompletion, nextOccurrence, parseRepeat, planSeries, rollTarget, type SeriesRule } from './recurrence.rules.js';

const local = (at: Date | null, zone: string) => (at ? DateTime.fromJSDate(at, { zone }).toFormat('ccc yyyy-LL-dd HH:mm') : null);

/** Successive occurrences after `from`. */
function occurrences(rule: SeriesRule, from: Date, n: number): string[] {
  const out: string[] = [];
  let at = from;
  for (let i = 0; i < n; i++) {
    const next = nextOccurrence(rule, at);
    if (!next) break;
    out.push(local(next, rule.timezone)!);
    at = next;
  }
  return out;
}

describe('parseRepeat', () => {
  it.each([
    ['daily', 'FREQ=DAILY'],
    ['every day', 'FREQ=DAILY'],
    ['Weekdays', 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR'],
    ['weekly mon,thu', 'FREQ=WEEKLY;BYDAY=MO,TH'],
    ['weekly on thursday and monday', 'FREQ=WEEKLY;BYDAY=MO,TH'],
    ['weekly', 'FREQ=WEEKLY;BYDAY=WE'],
    ['monthly 15', 'FREQ=MONTHLY;BYMONTHDAY=15'],
    ['monthly the 31st', 'FREQ=MONTHLY;BYMONTHDAY=31'],
    ['monthly last', 'FREQ=MONTHLY;BYMONTHDAY=-1'],
    ['monthly', 'FREQ=MONTHLY;BYMONTHDAY=2'],
    ['every 3 days', 'FREQ=DAILY;INTERVAL=3'],
    ['every 1 day', 'FREQ=DAILY'],
  ])('%s -> %s', (phrase, rrule) => {
    const parsed = parseRepeat(phrase);
    if (parsed.kind !== 'rule') throw new Error(JSON.stringify(parsed));
    // Anchored on Wed 2 Dec 2026 (open days and month days come from it).
    const clock = { timezone: 'Europe/Berlin', dayStartHour: 0 };
    expect(planSeries(parsed.spec, clock, new Date('2026-12-02T06:00:00Z'), new Date('2026-12-01T00:00:00Z')).rule.rrule).toBe(rrule);
  });

  it.each(['none', 'None', 'off'])('%s clears', (phrase) => expect(parseRepeat(phrase)).toEqual({ kind: 'clear' }));

  it.each([
    ['hourly', `can't read "hourly"`],
    ['weekly mon,funday', `can't read "funday" as a day`],
    ['monthly 32', 'day of the month from 1 to 31'],
    ['monthly soon', 'day of the month from 1 to 31'],
    ['every 0 days', 'N from 1 to 365'],
    ['every 400 days', 'N from 1 to 365'],
  ])('%s is refused, listing the accepted forms', (phrase, fragment) => {
    const parsed = parseRepeat(phrase);
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind !== 'invalid') return;
    expect(parsed.problem).toContain(fragment);
    expect(parsed.problem).toContain('daily, weekdays, weekly mon,thu, monthly 15, monthly last, every 3 days or none');
  });
});

describe('planSeries and the occurrences it yields', () => {
  const spec = (phrase: string) => {
    const parsed = parseRepeat(phrase);
    if (parsed.kind !== 'rule') throw new Error(phrase);
    return parsed.spec;
  };

  it('takes the time of day from the due time, which is the first occurrence', () => {
    const clock = { timezone: 'America/New_York', dayStartHour: 0 };
    const due = new Date('2026-12-04T12:00:00Z'); // Fri 07:00 in New York
    const { rule, first } = planSeries(spec('weekly mon,thu'), clock, due, new Date('2026-12-02T15:00:00Z'));
    expect(first).toEqual(due);
    expect(occurrences(rule, first, 3)).toEqual(['Mon 2026-12-07 07:00', 'Thu 2026-12-10 07:00', 'Mon 2026-12-14 07:00']);
    expect(describeRule(rule)).toBe('every week on Mon and Thu at 07:00');
  });

  it('without a due date: the day start, first occurrence the next the rule yields', () => {
    const clock = { timezone: 'Europe/Berlin', dayStartHour: 0 };
    const now = new Date('2026-12-02T10:00:00Z'); // Wed 11:00 in Berlin
    const daily = planSeries(spec('daily'), clock, null, now);
    expect(local(daily.first, clock.timezone)).toBe('Thu 2026-12-03 00:00');
    expect(describeRule(daily.rule)).toBe('every day at 00:00');
    const weekdays = planSeries(spec('weekdays'), clock, null, new Date('2026-12-04T10:00:00Z')); // Fri
    expect(local(weekdays.first, clock.timezone)).toBe('Mon 2026-12-07 00:00');
    expect(describeRule(weekdays.rule)).toBe('every weekday at 00:00');
    const every = planSeries(spec('every 3 days'), clock, null, now);
    expect(occurrences(every.rule, now, 3)).toEqual(['Sat 2026-12-05 00:00', 'Tue 2026-12-08 00:00', 'Fri 2026-12-11 00:00']);
    expect(describeRule(every.rule)).toBe('every 3 days at 00:00');
  });

  it('a user in Asia/Tokyo whose day starts at 03:00: occurrences at 03:00, counted from their day', () => {
    const clock = { timezone: 'Asia/Tokyo', dayStartHour: 3 };
    // 01:30 on Thu 3 Dec in Tokyo is still Wednesday for this user: the next 03:00 is the end of that day.
    const now = new Date('2026-12-02T16:30:00Z');
    const daily = planSeries(spec('daily'), clock, null, now);
    expect(local(daily.first, clock.timezone)).toBe('Thu 2026-12-03 03:00');
    expect(daily.first).toEqual(new Date('2026-12-02T18:00:00Z'));
    expect(describeRule(daily.rule)).toBe('every day at 03:00');
    const weekly = planSeries(spec('weekly'), clock, null, now);
    expect(describeRule(weekly.rule)).toBe('every week on Wed at 03:00');
    expect(local(weekly.first, clock.timezone)).toBe('Wed 2026-12-09 03:00');
  });

  const dst: Array<[string, string, string, string[]]> = [
    // Berlin: summer time ends Sun 25 Oct 2026 and begins Sun 28 Mar 2027.
    ['Europe/Berlin', '2026-10-23T05:00:00Z', 'daily', ['Sat 2026-10-24 07:00', 'Sun 2026-10-25 07:00', 'Mon 2026-10-26 07:00']],
    ['Europe/Berlin', '2027-03-26T06:00:00Z', 'daily', ['Sat 2027-03-27 07:00', 'Sun 2027-03-28 07:00', 'Mon 2027-03-29 07:00']],
    // New York: standard time from Sun 1 Nov 2026, daylight time from Sun 14 Mar 2027.
    ['America/New_York', '2026-10-29T11:00:00Z', 'weekdays', ['Fri 2026-10-30 07:00', 'Mon 2026-11-02 07:00', 'Tue 2026-11-03 07:00']],
    ['America/New_York', '2027-03-12T12:00:00Z', 'weekly fri,mon', ['Mon 2027-03-15 07:00', 'Fri 2027-03-19 07:00', 'Mon 2027-03-22 07:00']],
  ];
  it.each(dst)('%s from %s (%s): 07:00 stays 07:00 local across the change', (zone, due, phrase, expected) => {
    const clock = { timezone: zone, dayStartHour: 0 };
    const dueAt = new Date(due);
    expect(local(dueAt, zone)).toMatch(/07:00$/);
    const { rule } = planSeries(spec(phrase), clock, dueAt, new Date(dueAt.getTime() - 3_600_000));
    expect(occurrences(rule, dueAt, 3)).toEqual(expected);
    // ...which are different UTC hours before and after the change.
    const utcHours = new Set<number>([dueAt.getUTCHours()]);
    let at = dueAt;
    for (let i = 0; i < 3; i++) utcHours.add((at = nextOccurrence(rule, at)!).getUTCHours());
    expect(utcHours.size).toBe(2);
  });

  const clock: UserClock = { timezone: 'Europe/Berlin', dayStartHour: 0 };
  const jan = new Date('2027-01-15T08:00:00Z'); // Fri 15 Jan 09:00 in Berlin
  it.each([
    // RFC 5545: a month without the day is skipped, never clamped to its last day.
    ['monthly 31', ['Sun 2027-01-31 09:00', 'Wed 2027-03-31 09:00', 'Mon 2027-05-31 09:00', 'Sat 2027-07-31 09:00']],
    ['monthly 30', ['Sat 2027-01-30 09:00', 'Tue 2027-03-30 09:00', 'Fri 2027-04-30 09:00', 'Sun 2027-05-30 09:00']],
    ['monthly last', ['Sun 2027-01-31 09:00', 'Sun 2027-02-28 09:00', 'Wed 2027-03-31 09:00', 'Fri 2027-04-30 09:00']],
    ['monthly 15', ['Mon 2027-02-15 09:00', 'Mon 2027-03-15 09:00', 'Thu 2027-04-15 09:00', 'Sat 2027-05-15 09:00']],
  ])('%s at month ends and in February', (phrase, expected) => {
    const { rule } = planSeries(spec(phrase), clock, jan, new Date('2027-01-01T00:00:00Z'));
    expect(occurrences(rule, jan, 4)).toEqual(expected);
  });

  it('monthly last finds 29 February in a leap year; monthly 29 skips February otherwise', () => {
    const due = new Date('2028-01-31T08:00:00Z');
    const last = planSeries(spec('monthly last'), clock, due, new Date('2028-01-01T00:00:00Z')).rule;
    expect(occurrences(last, due, 2)).toEqual(['Tue 2028-02-29 09:00', 'Fri 2028-03-31 09:00']);
    const on29 = planSeries(spec('monthly 29'), clock, new Date('2027-01-29T08:00:00Z'), new Date('2027-01-01T00:00:00Z')).rule;
    expect(occurrences(on29, new Date('2027-01-29T08:00:00Z'), 2)).toEqual(['Mon 2027-03-29 09:00', 'Thu 2027-04-29 09:00']);
    expect(describeRule(on29)).toBe('every month on the 29th (months without one are skipped) at 09:00');
    expect(describeRule(last)).toBe('every month on the last day at 09:00');
  });
});

describe('rolling and completing', () => {
  const rule: SeriesRule = { rrule: 'FREQ=DAILY', timezone: 'Europe/Berlin', dtstart: new Date('2026-12-01T06:00:00Z') }; // 07:00 daily
  const due = new Date('2026-12-03T06:00:00Z');

  it('rolls once, to the latest occurrence that has come, however long it waited', () => {
    expect(rollTarget(rule, due, new Date('2026-12-03T20:00:00Z'))).toBeNull();
    expect(rollTarget(rule, due, new Date('2026-12-04T06:00:00Z'))).toEqual(new Date('2026-12-04T06:00:00Z'));
    expect(rollTarget(rule, due, new Date('2026-12-09T12:00:00Z'))).toEqual(new Date('2026-12-09T06:00:00Z'));
    // Rolling again from where it landed changes nothing.
    expect(rollTarget(rule, new Date('2026-12-09T06:00:00Z'), new Date('2026-12-09T12:00:00Z'))).toBeNull();
  });

  it('the next occurrence after a completion follows the later of the due time and now', () => {
    // Done early: the next is the one after this occurrence's date.
    expect(nextAfterCompletion(rule, due, new Date('2026-12-02T12:00:00Z'))).toEqual(new Date('2026-12-04T06:00:00Z'));
    // Done late: the next still to come.
    expect(nextAfterCompletion(rule, due, new Date('2026-12-05T12:00:00Z'))).toEqual(new Date('2026-12-06T06:00:00Z'));
    expect(nextAfterCompletion(rule, null, new Date('2026-12-05T05:00:00Z'))).toEqual(new Date('2026-12-05T06:00:00Z'));
  });
});
