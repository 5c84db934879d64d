import { describe, expect, it } from 'vitest';
import { streakWatch } from '../reminder/reminder.rules.js';
import { applyCompletion, isStreakAlive, userDay, type StreakState } from '../streak/streak.rules.js';
import { vacationUntilLabel } from './vacation.presenter.js';
import { hasEnded, heldBetween, heldDays, holdStreak, isAway, streakShift, vacationEnd, type VacationClock, type VacationWindow } from './vacation.rules.js';

const at = (iso: string) => new Date(iso);
const UTC: VacationClock = { timezone: 'UTC', dayStartHour: 0 };
/** Day start 03:00 in a zone that springs forward on 29 March 2026 and falls back on 25 October 2026. */
const BERLIN_3: VacationClock = { timezone: 'Europe/Berlin', dayStartHour: 3 };
const NEW_YORK_3: VacationClock = { timezone: 'America/New_York', dayStartHour: 3 };
const window = (since: string, until: string | null): VacationWindow => ({ since: at(since), until: until ? at(until) : null });

describe('isAway: since <= at < until', () => {
  it.each([
    ['no vacation', null, '2026-12-10T12:00:00Z', false],
    ['open-ended, after it began', window('2026-12-10T09:00:00Z', null), '2027-01-10T12:00:00Z', true],
    ['at the instant it began', window('2026-12-10T09:00:00Z', null), '2026-12-10T09:00:00Z', true],
    ['before it began', window('2026-12-10T09:00:00Z', null), '2026-12-10T08:59:59Z', false],
    ['a minute before its end', window('2026-12-10T09:00:00Z', '2026-12-15T00:00:00Z'), '2026-12-14T23:59:00Z', true],
    ['at its end', window('2026-12-10T09:00:00Z', '2026-12-15T00:00:00Z'), '2026-12-15T00:00:00Z', false],
  ])('%s', (_name, w, instant, expected) => {
    expect(isAway(w, at(instant))).toBe(expected);
    expect(hasEnded(w, at(instant))).toBe(w !== null && w.until !== null && !expected && at(instant) >= w.until);
  });
});

describe('heldDays: from the day it began to the day it ends on (that one is ordinary again)', () => {
  it.each([
    ['UTC, whole days', UTC, window('2026-12-10T09:00:00Z', '2026-12-15T00:00:00Z'), { from: '2026-12-10', to: '2026-12-15' }],
    ['UTC, open-ended', UTC, window('2026-12-10T22:00:00Z', null), { from: '2026-12-10', to: null }],
    // 01:30 local (00:30Z) is still the 27th's day with a 03:00 day start.
    ['Berlin 03:00, begun at 01:30 local', BERLIN_3, window('2026-03-28T00:30:00Z', '2026-03-31T01:00:00Z'), { from: '2026-03-27', to: '2026-03-31' }],
    // The vacation ends at 02:30 CEST on the 31st: before the day start, so the 30th's day.
    ['Berlin 03:00, ending before the day start', BERLIN_3, window('2026-03-27T12:00:00Z', '2026-03-31T00:30:00Z'), { from: '2026-03-27', to: '2026-03-30' }],
  ])('%s', (_name, clock, w, expected) => {
    expect(heldDays(w, clock)).toEqual(expected);
  });
});

describe('heldBetween: held days strictly between the last activity and today', () => {
  const dec = window('2026-12-10T09:00:00Z', '2026-12-15T08:00:00Z'); // holds 10..14 Dec
  it.each([
    ['last activity the day before, back on the 15th', dec, '2026-12-09', '2026-12-15', 5],
    ['still away on the 12th', dec, '2026-12-09', '2026-12-12', 2],
    ['completed on the 11th while away', dec, '2026-12-11', '2026-12-15', 3],
    ['completed on the first day back', dec, '2026-12-15', '2026-12-16', 0],
    ['a day missed before leaving', dec, '2026-12-08', '2026-12-15', 5],
    ['long after the vacation', dec, '2026-12-09', '2026-12-30', 5],
    ['open-ended, on the 20th', window('2026-12-10T09:00:00Z', null), '2026-12-09', '2026-12-20', 10],
    ['a vacation before the last activity', window('2026-12-01T09:00:00Z', '2026-12-03T09:00:00Z'), '2026-12-05', '2026-12-08', 0],
    ['on and off within one day', window('2026-12-10T08:00:00Z', '2026-12-10T20:00:00Z'), '2026-12-09', '2026-12-11', 0],
    ['no vacation', null, '2026-12-09', '2026-12-15', 0],
  ])('%s', (_name, w, last, today, expected) => {
    expect(heldBetween(w, UTC, last, today)).toBe(expected);
  });
});

describe('holdStreak: the daily streak as if the held days had not existed', () => {
  const state = (lastActivityDate: string, freezes = 0): StreakState => ({
    currentCount: 12,
    longestCount: 12,
    startDate: '2026-11-28',
    lastActivityDate,
    isActive: true,
    freezes,
  });
  const hold = (s: StreakState, w: VacationWindow | null, clock: VacationClock, now: Date): StreakState => ({
    ...s,
    lastActivityDate: holdStreak({ lastActivityDate: s.lastActivityDate, metadata: {} }, w, clock, now).lastActivityDate,
  });
  const dec = window('2026-12-10T09:00:00Z', '2026-12-15T00:00:00Z');

  it.each([
    // [name, last activity, freezes, now, event of a completion then, alive then]
    ['first day back: a completion continues the streak', '2026-12-09', 0, '2026-12-15T10:00:00Z', 'continued', true],
    ['while away: a completion still counts', '2026-12-09', 0, '2026-12-12T10:00:00Z', 'continued', true],
    ['first day back with nothing done: still standing until the day ends', '2026-12-09', 0, '2026-12-15T23:00:00Z', 'continued', true],
    ['the day after coming back with nothing done: broken', '2026-12-09', 0, '2026-12-16T10:00:00Z', 'broken_and_restarted', false],
    ['a day missed before leaving: a freeze bridges it after', '2026-12-08', 1, '2026-12-15T10:00:00Z', 'bridged_with_freeze', true],
    ['a day missed before leaving, no freeze: broken', '2026-12-08', 0, '2026-12-15T10:00:00Z', 'broken_and_restarted', false],
  ] as const)('%s', (_name, last, freezes, now, event, alive) => {
    const held = hold(state(last, freezes), dec, UTC, at(now));
    const today = userDay(at(now), 'UTC', 0);
    expect(applyCompletion(held, 'daily', today).event).toBe(event);
    expect(isStreakAlive(held, 'daily', today)).toBe(alive);
    // Without the hold, every one of these would be broken.
    expect(applyCompletion(state(last, freezes), 'daily', today).event).toBe('broken_and_restarted');
  });

  it('the streak watch sees no loss at the day boundaries while away and on the first day back (nudges while away are the watch\u2019s to skip)', () => {
    const where = { ...UTC, nudgeHour: 20 };
    for (const now of ['2026-12-11T00:00:30Z', '2026-12-12T00:00:30Z', '2026-12-15T00:00:30Z', '2026-12-15T19:00:00Z']) {
      const held = hold(state('2026-12-09', 1), dec, UTC, at(now));
      expect(streakWatch(held, at(now), where).action, now).toBe('none');
    }
    // The first evening back, the usual nudge comes; the day after, the usual loss.
    expect(streakWatch(hold(state('2026-12-09', 0), dec, UTC, at('2026-12-15T20:00:30Z')), at('2026-12-15T20:00:30Z'), where).action).toBe('nudge');
    expect(streakWatch(hold(state('2026-12-09', 0), dec, UTC, at('2026-12-16T00:00:30Z')), at('2026-12-16T00:00:30Z'), where).action).toBe('lost');
  });

  it('across spring-forward with a 03:00 day start in Berlin: away from 01:30 on the 28th, back on the 31st', () => {
    // Began at 01:30 local on 28 March (the 27th's day), until "mon" read as the end of 30 March's day.
    const until = vacationEnd(at('2026-03-30T21:59:00Z'), BERLIN_3); // 23:59 CEST on Monday 30 March
    expect(until.toISOString()).toBe('2026-03-31T01:00:00.000Z'); // 03:00 CEST on the 31st
    const w = { since: at('2026-03-28T00:30:00Z'), until };
    const s = state('2026-03-26');
    // 02:30 CEST on the 31st is still the 30th's day, and still away.
    expect(isAway(w, at('2026-03-31T00:30:00Z'))).toBe(true);
    expect(hold(s, w, BERLIN_3, at('2026-03-31T00:30:00Z')).lastActivityDate).toBe('2026-03-29');
    // 03:30 CEST: the 31st's day, back; the 27th to 30th are held.
    const back = hold(s, w, BERLIN_3, at('2026-03-31T01:30:00Z'));
    expect(back.lastActivityDate).toBe('2026-03-30');
    expect(applyCompletion(back, 'daily', userDay(at('2026-03-31T01:30:00Z'), 'Europe/Berlin', 3))).toMatchObject({
      event: 'continued',
      state: { currentCount: 13, freezes: 0 },
    });
  });

  it('across fall-back with a 03:00 day start in New York: "until sun" keeps the user away through Sunday 1 November', () => {
    const until = vacationEnd(at('2026-11-02T04:59:00Z'), NEW_YORK_3); // 23:59 EST on Sunday
    expect(until.toISOString()).toBe('2026-11-02T08:00:00.000Z'); // 03:00 EST on Monday
    const w = { since: at('2026-10-30T16:00:00Z'), until };
    expect(heldDays(w, NEW_YORK_3)).toEqual({ from: '2026-10-30', to: '2026-11-02' });
    expect(vacationUntilLabel(until, NEW_YORK_3)).toBe('Sun 1 Nov');
    // 02:30 EST on Monday is still Sunday's day: away.
    expect(isAway(w, at('2026-11-02T07:30:00Z'))).toBe(true);
    const back = hold(state('2026-10-29'), w, NEW_YORK_3, at('2026-11-02T14:00:00Z'));
    expect(back.lastActivityDate).toBe('2026-11-01');
  });

  it('moves the time-zone anchor by the same days at the same wall-clock time (across a DST change)', () => {
    const row = { lastActivityDate: '2026-03-26', metadata: { zone: { timezone: 'Europe/Berlin', dayStartHour: 3, at: '2026-03-26T20:00:00.000Z' } } };
    const w = { since: at('2026-03-27T10:00:00Z'), until: at('2026-03-31T01:00:00Z') };
    const held = holdStreak(row, w, BERLIN_3, at('2026-03-31T08:00:00Z'));
    expect(held.lastActivityDate).toBe('2026-03-30');
    // 21:00 CET on the 26th -> 21:00 CEST on the 30th.
    expect(held.metadata.zone).toEqual({ timezone: 'Europe/Berlin', dayStartHour: 3, at: '2026-03-30T19:00:00.000Z' });
    expect(streakShift({ id: 's1', ...row }, w, BERLIN_3, at('2026-03-31T08:00:00Z'))).toEqual({
      id: 's1',
      from: '2026-03-26',
      to: '2026-03-30',
      metadata: held.metadata,
    });
    expect(streakShift({ id: 's1', ...row, lastActivityDate: '2026-03-31' }, w, BERLIN_3, at('2026-03-31T08:00:00Z'))).toBeNull();
  });
});

describe('vacationEnd and its label', () => {
  it.each([
    ['a date alone (23:59) lasts through that day', '2026-12-19T23:59:00Z', UTC, '2026-12-20T00:00:00.000Z', 'Sat 19 Dec'],
    ['a time of day ends then', '2026-12-19T18:00:00Z', UTC, '2026-12-19T18:00:00.000Z', 'Sat 19 Dec 18:00'],
    ['a date alone with a 03:00 day start ends at 03:00 the next morning', '2026-12-19T22:59:00Z', BERLIN_3, '2026-12-20T02:00:00.000Z', 'Sat 19 Dec'],
  ])('%s', (_name, until, clock, end, label) => {
    const ends = vacationEnd(at(until), clock);
    expect(ends.toISOString()).toBe(end);
    expect(vacationUntilLabel(ends, clock)).toBe(label);
  });
});
