import { describe, expect, it } from 'vitest';
import {
  applyCompletion,
  daysBetween,
  isoWeekKey,
  isStreakAlive,
  monthKey,
  periodsBetween,
  streakAtDayStart,
  userDay,
  type StreakEvent,
  type StreakState,
  type ZoneChange,
} from './streak.rules.js';
import type { StreakType } from '../columns.js';

const at = (iso: string) => new Date(iso);

function streak(overrides: Partial<StreakState> = {}): StreakState {
  return {
    currentCount: 5,
    longestCount: 5,
    startDate: '2026-05-01',
    lastActivityDate: '2026-05-05',
    isActive: true,
    freezes: 0,
    ...overrides,
  };
}

/** Feeds completions in order, as the service would, and records what happened. */
function replay(type: StreakType, days: string[], initial: StreakState | null = null) {
  let state = initial;
  const events: StreakEvent[] = [];
  for (const day of days) {
    const result = applyCompletion(state, type, day);
    events.push(result.event);
    state = result.state;
  }
  return { state: state!, events };
}

describe('userDay', () => {
  it.each([
    // [behaviour, instant, zone, day start, expected day]
    ['UTC midnight starts the day', '2026-05-10T00:00:00Z', 'UTC', 0, '2026-05-10'],
    ['an evening in New York is still the local date', '2026-05-10T02:00:00Z', 'America/New_York', 0, '2026-05-09'],
    ['a 03:00 day start counts 01:30 as yesterday', '2026-05-10T01:30:00Z', 'UTC', 3, '2026-05-09'],
    ['a 03:00 day start counts 02:59 as yesterday', '2026-05-10T02:59:59Z', 'UTC', 3, '2026-05-09'],
    ['a 03:00 day start counts 03:00 as today', '2026-05-10T03:00:00Z', 'UTC', 3, '2026-05-10'],
    ['a 23:00 day start counts 22:59 as yesterday', '2026-05-10T22:59:00Z', 'UTC', 23, '2026-05-09'],
    // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT
    ['NY 01:59 EST before spring-forward is yesterday', '2026-03-08T06:59:00Z', 'America/New_York', 3, '2026-03-07'],
    ['NY 03:00 EDT right after spring-forward is today', '2026-03-08T07:00:00Z', 'America/New_York', 3, '2026-03-08'],
    ['NY 03:30 EDT is today (a UTC shift would say yesterday)', '2026-03-08T07:30:00Z', 'America/New_York', 3, '2026-03-08'],
    // America/New_York, fall back 2026-11-01 02:00 EDT -> 01:00 EST
    ['NY first 01:30 (EDT) on fall-back is yesterday', '2026-11-01T05:30:00Z', 'America/New_York', 3, '2026-10-31'],
    ['NY second 01:30 (EST) on fall-back is yesterday', '2026-11-01T06:30:00Z', 'America/New_York', 3, '2026-10-31'],
    ['NY 02:30 EST is yesterday (a UTC shift would say today)', '2026-11-01T07:30:00Z', 'America/New_York', 3, '2026-10-31'],
    ['NY 03:00 EST on fall-back is today', '2026-11-01T08:00:00Z', 'America/New_York', 3, '2026-11-01'],
    // Europe/Berlin, spring forward 2026-03-29 02:00 CET -> 03:00 CEST
    ['Berlin 01:59 CET before spring-forward is yesterday', '2026-03-29T00:59:00Z', 'Europe/Berlin', 3, '2026-03-28'],
    ['Berlin 03:00 CEST right after spring-forward is today', '2026-03-29T01:00:00Z', 'Europe/Berlin', 3, '2026-03-29'],
    ['Berlin 03:30 CEST is today (a UTC shift would say yesterday)', '2026-03-29T01:30:00Z', 'Europe/Berlin', 3, '2026-03-29'],
    // Europe/Berlin, fall back 2026-10-25 03:00 CEST -> 02:00 CET
    ['Berlin 02:30 CEST on fall-back is yesterday', '2026-10-25T00:30:00Z', 'Europe/Berlin', 3, '2026-10-24'],
    ['Berlin 02:30 CET is yesterday (a UTC shift would say today)', '2026-10-25T01:30:00Z', 'Europe/Berlin', 3, '2026-10-24'],
    ['Berlin 03:00 CET on fall-back is today', '2026-10-25T02:00:00Z', 'Europe/Berlin', 3, '2026-10-25'],
    ['Berlin local midnight on fall-back day is that day', '2026-10-24T22:00:00Z', 'Europe/Berlin', 0, '2026-10-25'],
    // One instant on both sides of the date line
    ['Honolulu 20:00 is one date', '2026-11-11T06:00:00Z', 'Pacific/Honolulu', 0, '2026-11-10'],
    ['Kiritimati at that instant is the next date', '2026-11-11T06:00:00Z', 'Pacific/Kiritimati', 0, '2026-11-11'],
  ])('GIVEN %s WHEN the user-day of %s in %s (start %i:00) is computed THEN it is %s', (_b, instant, zone, start, day) => {
    expect(userDay(at(instant), zone, start)).toBe(day);
  });

  it.each([
    ['an unknown zone', at('2026-05-10T00:00:00Z'), 'Mars/Olympus', 0],
    ['a day start of 24', at('2026-05-10T00:00:00Z'), 'UTC', 24],
    ['a fractional day start', at('2026-05-10T00:00:00Z'), 'UTC', 1.5],
    ['an invalid instant', new Date('nope'), 'UTC', 0],
  ])('GIVEN %s WHEN the user-day is computed THEN it is refused', (_b, instant, zone, start) => {
    expect(() => userDay(instant, zone, start)).toThrow(RangeError);
  });
});

describe('calendar keys', () => {
  it.each([
    ['2026-11-23', '2026-W48'],
    ['2026-12-31', '2026-W53'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-03', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
  ])('GIVEN %s WHEN its ISO week is asked THEN it is %s', (day, key) => {
    expect(isoWeekKey(day)).toBe(key);
  });

  it.each([
    ['2026-11-05', '2026-11'],
    ['2027-01-01', '2027-01'],
  ])('GIVEN %s WHEN its month is asked THEN it is %s', (day, key) => {
    expect(monthKey(day)).toBe(key);
  });

  it.each([
    ['2026-03-07', '2026-03-09', 2],
    ['2026-10-24', '2026-10-26', 2],
    ['2026-12-31', '2027-01-01', 1],
    ['2028-02-28', '2028-03-01', 2],
    ['2026-05-10', '2026-05-09', -1],
    ['2026-05-10', '2026-05-10', 0],
  ])('GIVEN %s and %s WHEN days between are counted THEN it is %i', (a, b, n) => {
    expect(daysBetween(a, b)).toBe(n);
  });

  it.each<[StreakType, string, string, number]>([
    ['weekly', '2026-12-30', '2027-01-04', 1],
    ['weekly', '2026-12-28', '2027-01-03', 0],
    ['weekly', '2026-12-23', '2027-01-05', 2],
    ['monthly', '2026-12-31', '2027-01-01', 1],
    ['monthly', '2026-11-30', '2027-01-01', 2],
  ])('GIVEN a %s streak WHEN periods from %s to %s are counted THEN it is %i', (type, a, b, n) => {
    expect(periodsBetween(type, a, b)).toBe(n);
  });

  it.each(['2026-02-30', '2026-1-05', '2026-W48', '', '2026-11'])('GIVEN the malformed day "%s" WHEN it is used THEN it is refused', (day) => {
    expect(() => daysBetween(day, '2026-01-01')).toThrow(RangeError);
  });
});

describe('applyCompletion: sequences', () => {
  it.each<[string, StreakType, string[], StreakEvent[], number]>([
    ['a first completion', 'daily', ['2026-05-01'], ['started'], 1],
    ['consecutive days', 'daily', ['2026-05-01', '2026-05-02', '2026-05-03'], ['started', 'continued', 'continued'], 3],
    ['two completions on one day', 'daily', ['2026-05-01', '2026-05-01'], ['started', 'same_period'], 1],
    ['a missed day without a freeze', 'daily', ['2026-05-01', '2026-05-03'], ['started', 'broken_and_restarted'], 1],
    ['consecutive days over a leap day', 'daily', ['2028-02-28', '2028-02-29', '2028-03-01'], ['started', 'continued', 'continued'], 3],
    ['a late completion for an earlier day', 'daily', ['2026-05-02', '2026-05-01'], ['started', 'same_period'], 1],
    ['weekly through ISO week 53 into week 1', 'weekly', ['2026-12-23', '2026-12-30', '2027-01-05'], ['started', 'continued', 'continued'], 3],
    ['weekly twice within week 53 across new year', 'weekly', ['2026-12-28', '2027-01-03'], ['started', 'same_period'], 1],
    ['weekly skipping week 53', 'weekly', ['2026-12-23', '2027-01-05'], ['started', 'broken_and_restarted'], 1],
    ['weekly from 2020-W53 to 2021-W01', 'weekly', ['2020-12-31', '2021-01-04'], ['started', 'continued'], 2],
    ['monthly December into January', 'monthly', ['2026-12-31', '2027-01-01'], ['started', 'continued'], 2],
    ['monthly twice in December', 'monthly', ['2026-12-01', '2026-12-31'], ['started', 'same_period'], 1],
    ['monthly skipping December', 'monthly', ['2026-11-30', '2027-01-01'], ['started', 'broken_and_restarted'], 1],
  ])('GIVEN %s (%s) WHEN completions are recorded THEN the events and count follow', (_b, type, days, events, count) => {
    const result = replay(type, days);
    expect(result.events).toEqual(events);
    expect(result.state.currentCount).toBe(count);
  });

  it.each<[string, string, number, string[]]>([
    // [behaviour, zone, day start, completion instants]
    [
      'New York late nights over spring-forward with a 03:00 day start',
      'America/New_York',
      3,
      [
        '2026-03-07T03:00:00Z', // 03-06 22:00 EST -> 03-06
        '2026-03-08T06:30:00Z', // 03-08 01:30 EST -> 03-07
        '2026-03-09T02:00:00Z', // 03-08 22:00 EDT -> 03-08
        '2026-03-09T06:30:00Z', // 03-09 02:30 EDT -> 03-08 again
        '2026-03-10T03:30:00Z', // 03-09 23:30 EDT -> 03-09
      ],
    ],
    [
      'New York late nights over fall-back with a 03:00 day start',
      'America/New_York',
      3,
      [
        '2026-10-30T02:00:00Z', // 10-29 22:00 EDT -> 10-29
        '2026-10-31T02:00:00Z', // 10-30 22:00 EDT -> 10-30
        '2026-11-01T05:30:00Z', // 11-01 01:30 EDT -> 10-31
        '2026-11-01T07:30:00Z', // 11-01 02:30 EST (after the repeated hour) -> 10-31 again
        '2026-11-01T08:30:00Z', // 11-01 03:30 EST -> 11-01
      ],
    ],
    [
      'Berlin around midnight over spring-forward',
      'Europe/Berlin',
      0,
      [
        '2026-03-27T22:30:00Z', // 03-27 23:30 CET
        '2026-03-28T22:30:00Z', // 03-28 23:30 CET
        '2026-03-28T23:30:00Z', // 03-29 00:30 CET
        '2026-03-29T21:30:00Z', // 03-29 23:30 CEST -> 03-29 again
        '2026-03-30T21:30:00Z', // 03-30 23:30 CEST
      ],
    ],
    [
      'Berlin around midnight over fall-back',
      'Europe/Berlin',
      0,
      [
        '2026-10-23T21:30:00Z', // 10-23 23:30 CEST
        '2026-10-24T21:30:00Z', // 10-24 23:30 CEST
        '2026-10-24T22:30:00Z', // 10-25 00:30 CEST
        '2026-10-25T22:30:00Z', // 10-25 23:30 CET -> 10-25 again
        '2026-10-25T23:15:00Z', // 10-26 00:15 CET
      ],
    ],
  ])('GIVEN %s WHEN completing every user-day THEN the streak runs 4 days unbroken', (_b, zone, start, instants) => {
    const result = replay(
      'daily',
      instants.map((i) => userDay(at(i), zone, start)),
    );
    expect(result.events).toEqual(['started', 'continued', 'continued', 'same_period', 'continued']);
    expect(result.state.currentCount).toBe(4);
  });
});

describe('applyCompletion: freezes and history', () => {
  it.each<[string, Partial<StreakState>, string, StreakEvent, number, number]>([
    // [behaviour, state, day, event, count after, freezes after]
    ['one missed day with a banked freeze is bridged', { freezes: 1 }, '2026-05-07', 'bridged_with_freeze', 6, 0],
    ['one missed day spends only one of two freezes', { freezes: 2 }, '2026-05-07', 'bridged_with_freeze', 6, 1],
    ['two missed days break it even with two freezes', { freezes: 2 }, '2026-05-08', 'broken_and_restarted', 1, 2],
    ['one missed day with no freeze breaks it', { freezes: 0 }, '2026-05-07', 'broken_and_restarted', 1, 0],
    ['a consecutive day keeps the freeze banked', { freezes: 1 }, '2026-05-06', 'continued', 6, 1],
    ['day 7 earns a freeze', { currentCount: 6, freezes: 0 }, '2026-05-06', 'continued', 7, 1],
    ['day 14 earns a second freeze', { currentCount: 13, longestCount: 13, freezes: 1 }, '2026-05-06', 'continued', 14, 2],
    ['day 21 earns nothing past the cap of 2', { currentCount: 20, longestCount: 20, freezes: 2 }, '2026-05-06', 'continued', 21, 2],
    ['day 8 earns nothing', { currentCount: 7, longestCount: 7, freezes: 1 }, '2026-05-06', 'continued', 8, 1],
    ['a bridged day 7 spends a freeze and earns one back', { currentCount: 6, freezes: 1 }, '2026-05-07', 'bridged_with_freeze', 7, 1],
  ])('GIVEN %s WHEN completing a daily streak THEN the event, count and bank follow', (_b, overrides, day, event, count, freezes) => {
    const result = applyCompletion(streak(overrides), 'daily', day);
    expect(result.event).toBe(event);
    expect(result.state.currentCount).toBe(count);
    expect(result.state.freezes).toBe(freezes);
  });

  it.each([
    [6, 0, true],
    [13, 1, true],
    [20, 2, false],
    [3, 0, false],
  ])('GIVEN a count of %i and %i freezes WHEN the next day completes THEN freezeEarned is %s', (count, freezes, earned) => {
    const result = applyCompletion(streak({ currentCount: count, longestCount: count, freezes }), 'daily', '2026-05-06');
    expect(result.freezeEarned).toBe(earned);
  });

  it('GIVEN 21 straight days from nothing WHEN replayed THEN the bank stops at 2 freezes', () => {
    const days = Array.from({ length: 21 }, (_, i) => `2026-05-${String(i + 1).padStart(2, '0')}`);
    const { state } = replay('daily', days);
    expect(state).toMatchObject({ currentCount: 21, longestCount: 21, freezes: 2 });
  });

  it.each<[StreakType, string]>([
    ['weekly', '2026-05-20'],
    ['monthly', '2026-07-01'],
  ])('GIVEN a %s streak and banked freezes WHEN a period is missed THEN no freeze bridges it', (type, day) => {
    const result = applyCompletion(streak({ freezes: 2 }), type, day);
    expect(result.event).toBe('broken_and_restarted');
    expect(result.state.freezes).toBe(2);
  });

  it('GIVEN a broken streak WHEN the next completion arrives THEN the old row ends and a new row starts, keeping the longest', () => {
    const old = streak({ currentCount: 3, longestCount: 10, startDate: '2026-05-03', lastActivityDate: '2026-05-05' });
    const result = applyCompletion(old, 'daily', '2026-05-09');
    expect(result.event).toBe('broken_and_restarted');
    if (result.event !== 'broken_and_restarted') return;
    expect(result.ended).toEqual({ ...old, isActive: false });
    expect(result.state).toEqual({
      currentCount: 1,
      longestCount: 10,
      startDate: '2026-05-09',
      lastActivityDate: '2026-05-09',
      isActive: true,
      freezes: 0,
    });
  });

  it('GIVEN a streak at its longest WHEN it continues THEN the longest grows with it', () => {
    const result = applyCompletion(streak({ currentCount: 10, longestCount: 10 }), 'daily', '2026-05-06');
    expect(result.state).toMatchObject({ currentCount: 11, longestCount: 11 });
  });

  it('GIVEN an ended row WHEN a completion arrives THEN a new streak starts with the longest and freezes carried', () => {
    const result = applyCompletion(streak({ isActive: false, longestCount: 12, freezes: 1 }), 'daily', '2026-06-01');
    expect(result.event).toBe('started');
    expect(result.state).toMatchObject({ currentCount: 1, longestCount: 12, freezes: 1, startDate: '2026-06-01' });
  });
});

describe('applyCompletion: time-zone changes and the date line', () => {
  function change(lastActivityAt: string, from: string, now: string, to: string, dayStart = 0): ZoneChange {
    return {
      lastActivityAt: at(lastActivityAt),
      previousTimezone: from,
      previousDayStartHour: dayStart,
      now: at(now),
      timezone: to,
      dayStartHour: dayStart,
    };
  }

  it.each<[string, string, string, string, string, number, StreakEvent, number, string]>([
    // [behaviour, last completion, old zone, this completion, new zone, freezes, event, count, stored date]
    // Honolulu (UTC-10) -> Kiritimati (UTC+14): the date jumps a day ahead.
    [
      'Honolulu -> Kiritimati, next evening there (date 11-11 skipped)',
      '2026-11-11T06:00:00Z',
      'Pacific/Honolulu',
      '2026-11-12T08:00:00Z',
      'Pacific/Kiritimati',
      0,
      'continued',
      6,
      '2026-11-12',
    ],
    [
      'Honolulu -> Kiritimati, same evening on arrival',
      '2026-11-11T06:00:00Z',
      'Pacific/Honolulu',
      '2026-11-11T09:00:00Z',
      'Pacific/Kiritimati',
      0,
      'same_period',
      5,
      '2026-11-11',
    ],
    // Tokyo (UTC+9) -> Los Angeles (UTC-8): flying east, 11-10 happens twice.
    [
      'Tokyo -> Los Angeles, 11-10 again in the evening',
      '2026-11-10T11:00:00Z',
      'Asia/Tokyo',
      '2026-11-11T04:00:00Z',
      'America/Los_Angeles',
      0,
      'same_period',
      5,
      '2026-11-10',
    ],
    [
      'Tokyo morning -> Los Angeles, 11-10 again after 29 hours',
      '2026-11-09T23:00:00Z',
      'Asia/Tokyo',
      '2026-11-11T04:00:00Z',
      'America/Los_Angeles',
      0,
      'same_period',
      5,
      '2026-11-10',
    ],
    // Los Angeles -> Tokyo: flying west, 11-11 never happens for the traveller.
    [
      'Los Angeles -> Tokyo, 11-11 skipped, keeps a banked freeze',
      '2026-11-11T04:00:00Z',
      'America/Los_Angeles',
      '2026-11-12T01:00:00Z',
      'Asia/Tokyo',
      1,
      'continued',
      6,
      '2026-11-12',
    ],
    [
      'Los Angeles -> Tokyo, a real miss still breaks',
      '2026-11-11T04:00:00Z',
      'America/Los_Angeles',
      '2026-11-14T01:00:00Z',
      'Asia/Tokyo',
      0,
      'broken_and_restarted',
      1,
      '2026-11-14',
    ],
    [
      'Berlin -> New York, an ordinary next day',
      '2026-03-29T20:00:00Z',
      'Europe/Berlin',
      '2026-03-31T01:00:00Z',
      'America/New_York',
      0,
      'continued',
      6,
      '2026-03-30',
    ],
  ])(
    'GIVEN %s WHEN completing with the zone change THEN it neither breaks nor double counts',
    (_b, last, oldZone, now, newZone, freezes, event, count, stored) => {
      const state = streak({ lastActivityDate: userDay(at(last), oldZone), freezes });
      const day = userDay(at(now), newZone);
      const result = applyCompletion(state, 'daily', day, { zoneChange: change(last, oldZone, now, newZone) });
      expect(result.event).toBe(event);
      expect(result.state.currentCount).toBe(count);
      expect(result.state.lastActivityDate).toBe(stored);
      expect(result.state.freezes).toBe(freezes);
    },
  );

  it('GIVEN a skipped date from flying west WHEN the zone change is not passed THEN the naive gap would break it', () => {
    const state = streak({ lastActivityDate: '2026-11-10' });
    expect(applyCompletion(state, 'daily', '2026-11-12').event).toBe('broken_and_restarted');
  });

  it('GIVEN Tokyo -> Los Angeles WHEN completing on 11-10 twice and then 11-11 THEN 11-10 counts once', () => {
    const last = '2026-11-10T11:00:00Z';
    const state = streak({ lastActivityDate: userDay(at(last), 'Asia/Tokyo') });
    const again = applyCompletion(state, 'daily', '2026-11-10', {
      zoneChange: change(last, 'Asia/Tokyo', '2026-11-11T04:00:00Z', 'America/Los_Angeles'),
    });
    const next = applyCompletion(again.state, 'daily', userDay(at('2026-11-12T04:00:00Z'), 'America/Los_Angeles'));
    expect([again.event, next.event]).toEqual(['same_period', 'continued']);
    expect(next.state.currentCount).toBe(6);
  });

  it('GIVEN Honolulu -> Kiritimati WHEN completing on arrival and the next day THEN the streak goes on', () => {
    const last = '2026-11-11T06:00:00Z';
    const state = streak({ lastActivityDate: userDay(at(last), 'Pacific/Honolulu') });
    const arrival = applyCompletion(state, 'daily', '2026-11-11', {
      zoneChange: change(last, 'Pacific/Honolulu', '2026-11-11T09:00:00Z', 'Pacific/Kiritimati'),
    });
    const next = applyCompletion(arrival.state, 'daily', userDay(at('2026-11-12T08:00:00Z'), 'Pacific/Kiritimati'));
    expect([arrival.event, next.event]).toEqual(['same_period', 'continued']);
    expect(next.state.currentCount).toBe(6);
  });

  it('GIVEN a weekly streak and a flight west over the date line WHEN the week key jumps by two THEN it continues', () => {
    const last = '2026-11-16T04:00:00Z'; // LA Sunday 11-15 20:00, 2026-W46
    const now = '2026-11-23T04:00:00Z'; // LA Sunday 11-22 20:00 (W47) = Tokyo Monday 11-23 13:00 (W48)
    const state = streak({ lastActivityDate: userDay(at(last), 'America/Los_Angeles') });
    const day = userDay(at(now), 'Asia/Tokyo');
    expect(applyCompletion(state, 'weekly', day).event).toBe('broken_and_restarted');
    const result = applyCompletion(state, 'weekly', day, {
      zoneChange: change(last, 'America/Los_Angeles', now, 'Asia/Tokyo'),
    });
    expect(result.event).toBe('continued');
    expect(result.state.lastActivityDate).toBe('2026-11-23');
  });

  it('GIVEN the same zone before and after WHEN the zone change is passed anyway THEN nothing differs', () => {
    const last = '2026-05-05T20:00:00Z';
    const state = streak({ lastActivityDate: userDay(at(last), 'Europe/Berlin'), freezes: 1 });
    for (const [now, event] of [
      ['2026-05-05T21:00:00Z', 'same_period'],
      ['2026-05-06T20:00:00Z', 'continued'],
      ['2026-05-07T20:00:00Z', 'bridged_with_freeze'],
      ['2026-05-08T20:00:00Z', 'broken_and_restarted'],
    ] as const) {
      const day = userDay(at(now), 'Europe/Berlin');
      const withZone = applyCompletion(state, 'daily', day, { zoneChange: change(last, 'Europe/Berlin', now, 'Europe/Berlin') });
      expect(withZone).toEqual(applyCompletion(state, 'daily', day));
      expect(withZone.event).toBe(event);
    }
  });
});

describe('streakAtDayStart and isStreakAlive', () => {
  it.each<[string, StreakState | null, number]>([
    ['no streak at all', null, 0],
    ['an ended row', streak({ isActive: false, lastActivityDate: '2026-05-09' }), 0],
    ['a streak last active yesterday', streak({ currentCount: 4, lastActivityDate: '2026-05-09' }), 4],
    ['a streak already extended today', streak({ currentCount: 5, lastActivityDate: '2026-05-10' }), 4],
    ['a streak started today', streak({ currentCount: 1, startDate: '2026-05-10', lastActivityDate: '2026-05-10' }), 0],
    ['one missed day and a freeze to bridge it', streak({ currentCount: 4, lastActivityDate: '2026-05-08', freezes: 1 }), 4],
    ['one missed day and no freeze', streak({ currentCount: 4, lastActivityDate: '2026-05-08' }), 0],
    ['two missed days and two freezes', streak({ currentCount: 4, lastActivityDate: '2026-05-07', freezes: 2 }), 0],
  ])('GIVEN %s WHEN the count at the start of 2026-05-10 is asked THEN it is %i', (_b, state, count) => {
    expect(streakAtDayStart(state, '2026-05-10')).toBe(count);
  });

  it('GIVEN a flight west over the date line WHEN the count at day start is asked with the zone change THEN the streak still counts', () => {
    const last = '2026-11-11T04:00:00Z'; // LA 11-10 20:00
    const now = '2026-11-12T01:00:00Z'; // Tokyo 11-12 10:00
    const state = streak({ lastActivityDate: '2026-11-10' });
    const zoneChange: ZoneChange = {
      lastActivityAt: at(last),
      previousTimezone: 'America/Los_Angeles',
      previousDayStartHour: 0,
      now: at(now),
      timezone: 'Asia/Tokyo',
      dayStartHour: 0,
    };
    expect(streakAtDayStart(state, '2026-11-12')).toBe(0);
    expect(streakAtDayStart(state, '2026-11-12', { zoneChange })).toBe(5);
  });

  it.each<[StreakType, Partial<StreakState>, string, boolean]>([
    ['daily', { lastActivityDate: '2026-05-10' }, '2026-05-10', true],
    ['daily', { lastActivityDate: '2026-05-09' }, '2026-05-10', true],
    ['daily', { lastActivityDate: '2026-05-08' }, '2026-05-10', false],
    ['daily', { lastActivityDate: '2026-05-08', freezes: 1 }, '2026-05-10', true],
    ['daily', { lastActivityDate: '2026-05-07', freezes: 2 }, '2026-05-10', false],
    ['daily', { lastActivityDate: '2026-05-09', isActive: false }, '2026-05-10', false],
    ['weekly', { lastActivityDate: '2026-12-30' }, '2027-01-10', true],
    ['weekly', { lastActivityDate: '2026-12-30' }, '2027-01-11', false],
    ['weekly', { lastActivityDate: '2026-12-30', freezes: 2 }, '2027-01-11', false],
    ['monthly', { lastActivityDate: '2026-12-31' }, '2027-01-31', true],
    ['monthly', { lastActivityDate: '2026-12-31' }, '2027-02-01', false],
  ])('GIVEN a %s streak %o WHEN shown on %s THEN alive is %s', (type, overrides, today, alive) => {
    expect(isStreakAlive(streak(overrides), type, today)).toBe(alive);
  });

  it('GIVEN no streak WHEN shown THEN it is not alive', () => {
    expect(isStreakAlive(null, 'daily', '2026-05-10')).toBe(false);
  });
});
