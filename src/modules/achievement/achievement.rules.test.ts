import { describe, expect, it } from 'vitest';
import {
  completionsInWindow,
  criteriaSchema,
  evaluateCriteria,
  isInTimeWindow,
  isSeasonActive,
  minuteOfDay,
  type AchievementStats,
  type Criteria,
  type CriteriaResult,
  type TimeWindow,
} from './achievement.rules.js';

const hhmm = (h: number, m = 0) => h * 60 + m;

const stats: AchievementStats = {
  completions: 7,
  byDifficulty: { EASY: 3, MEDIUM: 2, HARD: 1, EPIC: 1 },
  byCategory: { Fitness: 4, work: 2, 'Deep Work': 1 },
  categoriesUsed: 3,
  stepsDone: 20,
  streaks: { daily: 12, weekly: 3, monthly: 1 },
  level: 4,
  completionsByMinute: { [hhmm(1)]: 1, [hhmm(5, 30)]: 2, [hhmm(12)]: 3, [hhmm(23, 15)]: 1 },
};

describe('criteriaSchema', () => {
  it.each<[string, unknown]>([
    ['a completion count', { type: 'completions', count: 10 }],
    ['completions by difficulty', { type: 'completions_by_difficulty', difficulty: 'EPIC', count: 1 }],
    ['completions by category', { type: 'completions_by_category', category: 'Fitness', count: 5 }],
    ['distinct categories', { type: 'categories_used', count: 5 }],
    ['steps done', { type: 'steps_done', count: 50 }],
    ['a streak length', { type: 'streak', streakType: 'weekly', count: 4 }],
    ['a level', { type: 'level', level: 10 }],
    ['an early-bird window', { type: 'time_of_day', before: '07:00', count: 5 }],
    ['a night-owl window wrapping midnight', { type: 'time_of_day', after: '22:00', before: '04:00', count: 5 }],
    [
      'nested all/any',
      {
        type: 'all',
        rules: [
          { type: 'level', level: 5 },
          {
            type: 'any',
            rules: [
              { type: 'streak', streakType: 'daily', count: 7 },
              { type: 'all', rules: [{ type: 'completions', count: 1 }] },
            ],
          },
        ],
      },
    ],
  ])('GIVEN %s WHEN the catalog criteria are parsed THEN they are accepted as written', (_b, json) => {
    expect(criteriaSchema.parse(json)).toEqual(json);
  });

  it.each<[string, unknown]>([
    ['an unknown rule type', { type: 'xp', count: 10 }],
    ['a zero count', { type: 'completions', count: 0 }],
    ['a fractional count', { type: 'completions', count: 1.5 }],
    ['a missing count', { type: 'steps_done' }],
    ['a misspelt key', { type: 'completions', count: 3, cout: 3 }],
    ['an unknown difficulty', { type: 'completions_by_difficulty', difficulty: 'LEGENDARY', count: 1 }],
    ['an empty category name', { type: 'completions_by_category', category: ' ', count: 1 }],
    ['an unknown streak type', { type: 'streak', streakType: 'yearly', count: 1 }],
    ['a time window with no bounds', { type: 'time_of_day', count: 1 }],
    ['a time window with equal bounds', { type: 'time_of_day', after: '05:00', before: '05:00', count: 1 }],
    ['a time of 24:00', { type: 'time_of_day', before: '24:00', count: 1 }],
    ['a time without a leading zero', { type: 'time_of_day', before: '7:00', count: 1 }],
    ['an empty all', { type: 'all', rules: [] }],
    ['an invalid rule nested in any', { type: 'any', rules: [{ type: 'all', rules: [{ type: 'level', level: 0 }] }] }],
  ])('GIVEN %s WHEN the catalog criteria are parsed THEN they are refused', (_b, json) => {
    expect(criteriaSchema.safeParse(json).success).toBe(false);
  });
});

describe('evaluateCriteria', () => {
  it.each<[string, Criteria, CriteriaResult]>([
    ['7 of 10 completions', { type: 'completions', count: 10 }, { met: false, progress: 7, target: 10 }],
    ['more completions than needed', { type: 'completions', count: 5 }, { met: true, progress: 5, target: 5 }],
    ['enough EASY quests', { type: 'completions_by_difficulty', difficulty: 'EASY', count: 3 }, { met: true, progress: 3, target: 3 }],
    ['too few EPIC quests', { type: 'completions_by_difficulty', difficulty: 'EPIC', count: 2 }, { met: false, progress: 1, target: 2 }],
    ['a category named in another case', { type: 'completions_by_category', category: 'fitness', count: 4 }, { met: true, progress: 4, target: 4 }],
    ['a two-word category', { type: 'completions_by_category', category: 'Deep work', count: 2 }, { met: false, progress: 1, target: 2 }],
    ['a category never used', { type: 'completions_by_category', category: 'Garden', count: 1 }, { met: false, progress: 0, target: 1 }],
    ['too few distinct categories', { type: 'categories_used', count: 5 }, { met: false, progress: 3, target: 5 }],
    ['enough steps', { type: 'steps_done', count: 20 }, { met: true, progress: 20, target: 20 }],
    ['a daily streak reached', { type: 'streak', streakType: 'daily', count: 7 }, { met: true, progress: 7, target: 7 }],
    ['a weekly streak not yet reached', { type: 'streak', streakType: 'weekly', count: 4 }, { met: false, progress: 3, target: 4 }],
    ['a level not yet reached', { type: 'level', level: 5 }, { met: false, progress: 4, target: 5 }],
    ['the level reached', { type: 'level', level: 4 }, { met: true, progress: 4, target: 4 }],
    ['completions before 07:00', { type: 'time_of_day', before: '07:00', count: 3 }, { met: true, progress: 3, target: 3 }],
    ['completions from 22:00 to 04:00 (wraps)', { type: 'time_of_day', after: '22:00', before: '04:00', count: 5 }, { met: false, progress: 2, target: 5 }],
    ['completions from 12:00 on (after is inclusive)', { type: 'time_of_day', after: '12:00', count: 4 }, { met: true, progress: 4, target: 4 }],
    [
      'completions from 11:00 to 12:00 (before is exclusive)',
      { type: 'time_of_day', after: '11:00', before: '12:00', count: 1 },
      { met: false, progress: 0, target: 1 },
    ],
    [
      'all: neither rule met',
      {
        type: 'all',
        rules: [
          { type: 'completions', count: 10 },
          { type: 'level', level: 5 },
        ],
      },
      { met: false, progress: 11, target: 15 },
    ],
    [
      'all: every rule met',
      {
        type: 'all',
        rules: [
          { type: 'completions', count: 5 },
          { type: 'level', level: 4 },
        ],
      },
      { met: true, progress: 9, target: 9 },
    ],
    [
      'all: an overshoot does not hide a missing rule',
      {
        type: 'all',
        rules: [
          { type: 'steps_done', count: 5 },
          { type: 'completions', count: 10 },
        ],
      },
      { met: false, progress: 12, target: 15 },
    ],
    [
      'any: none met shows the closest',
      {
        type: 'any',
        rules: [
          { type: 'completions', count: 100 },
          { type: 'level', level: 5 },
        ],
      },
      { met: false, progress: 4, target: 5 },
    ],
    [
      'any: one met',
      {
        type: 'any',
        rules: [
          { type: 'completions', count: 100 },
          { type: 'streak', streakType: 'daily', count: 7 },
        ],
      },
      { met: true, progress: 7, target: 7 },
    ],
    [
      'all containing any',
      {
        type: 'all',
        rules: [
          {
            type: 'any',
            rules: [
              { type: 'completions', count: 100 },
              { type: 'level', level: 5 },
            ],
          },
          { type: 'categories_used', count: 3 },
        ],
      },
      { met: false, progress: 7, target: 8 },
    ],
  ])('GIVEN %s WHEN criteria are evaluated THEN the result is %o', (_b, criteria, expected) => {
    expect(evaluateCriteria(criteria, stats)).toEqual(expected);
  });

  it('GIVEN stats with no counters yet WHEN criteria are evaluated THEN progress starts at 0', () => {
    const empty: AchievementStats = {
      completions: 0,
      byDifficulty: { EASY: 0, MEDIUM: 0, HARD: 0, EPIC: 0 },
      byCategory: {},
      categoriesUsed: 0,
      stepsDone: 0,
      streaks: { daily: 0, weekly: 0, monthly: 0 },
      level: 1,
      completionsByMinute: {},
    };
    expect(evaluateCriteria({ type: 'time_of_day', before: '07:00', count: 1 }, empty)).toEqual({ met: false, progress: 0, target: 1 });
    expect(evaluateCriteria({ type: 'level', level: 1 }, empty)).toEqual({ met: true, progress: 1, target: 1 });
  });
});

describe('time of day', () => {
  it.each<[string, number, TimeWindow, boolean]>([
    ['00:00 before 07:00', hhmm(0), { before: '07:00' }, true],
    ['06:59 before 07:00', hhmm(6, 59), { before: '07:00' }, true],
    ['07:00 before 07:00', hhmm(7), { before: '07:00' }, false],
    ['22:00 after 22:00', hhmm(22), { after: '22:00' }, true],
    ['23:59 after 22:00', hhmm(23, 59), { after: '22:00' }, true],
    ['21:59 after 22:00', hhmm(21, 59), { after: '22:00' }, false],
    ['23:00 in 22:00-04:00', hhmm(23), { after: '22:00', before: '04:00' }, true],
    ['03:59 in 22:00-04:00', hhmm(3, 59), { after: '22:00', before: '04:00' }, true],
    ['04:00 in 22:00-04:00', hhmm(4), { after: '22:00', before: '04:00' }, false],
    ['12:00 in 22:00-04:00', hhmm(12), { after: '22:00', before: '04:00' }, false],
    ['09:30 in 09:00-17:00', hhmm(9, 30), { after: '09:00', before: '17:00' }, true],
    ['17:00 in 09:00-17:00', hhmm(17), { after: '09:00', before: '17:00' }, false],
  ])('GIVEN %s WHEN the window is checked THEN it is %s', (_b, minute, window, inside) => {
    expect(isInTimeWindow(minute, window)).toBe(inside);
  });

  it('GIVEN per-minute counters WHEN a wrapping window is summed THEN only minutes inside count', () => {
    expect(completionsInWindow(stats.completionsByMinute, { after: '23:00', before: '06:00' })).toBe(4);
  });

  it.each([
    ['New York just after spring-forward', '2026-03-08T07:30:00Z', 'America/New_York', hhmm(3, 30)],
    ['New York in the repeated hour', '2026-11-01T06:30:00Z', 'America/New_York', hhmm(1, 30)],
    ['Berlin after fall-back', '2026-10-25T01:30:00Z', 'Europe/Berlin', hhmm(2, 30)],
    ['Kiritimati late evening', '2026-11-11T09:00:00Z', 'Pacific/Kiritimati', hhmm(23)],
  ])('GIVEN %s WHEN the local minute of %s is taken THEN it is the wall clock', (_b, instant, zone, minute) => {
    expect(minuteOfDay(new Date(instant), zone)).toBe(minute);
  });

  it('GIVEN an unknown zone WHEN the local minute is taken THEN it is refused', () => {
    expect(() => minuteOfDay(new Date(), 'Nowhere/Atlantis')).toThrow(RangeError);
  });
});

describe('isSeasonActive', () => {
  it.each<[string, string | null, string | null, string, boolean]>([
    ['the first day of a fixed season', '2026-10-25', '2026-11-02', '2026-10-25', true],
    ['the last day of a fixed season', '2026-10-25', '2026-11-02', '2026-11-02', true],
    ['the day after a fixed season', '2026-10-25', '2026-11-02', '2026-11-03', false],
    ['the same dates a year later', '2026-10-25', '2026-11-02', '2027-10-30', false],
    ['new year inside a fixed season over the year end', '2026-12-20', '2027-01-05', '2027-01-01', true],
    ['a fixed season ending before it starts', '2027-01-05', '2026-12-20', '2026-12-25', false],
    ['a season with no start', null, '2026-01-31', '2025-06-01', true],
    ['a season with no dates', null, null, '2030-01-01', true],
  ])('GIVEN %s WHEN checked on a fixed calendar THEN active is %s', (_b, start, end, day, active) => {
    expect(isSeasonActive(start, end, day)).toBe(active);
  });

  it.each<[string, string | null, string | null, string, boolean]>([
    ['the same dates a later year', '2024-10-25', '2024-11-02', '2027-10-30', true],
    ['after the season a later year', '2024-10-25', '2024-11-02', '2027-11-03', false],
    ['31 Dec in a season wrapping the year end', '2024-12-20', '2025-01-05', '2027-12-31', true],
    ['its last day in January', '2024-12-20', '2025-01-05', '2028-01-05', true],
    ['the day after it', '2024-12-20', '2025-01-05', '2028-01-06', false],
    ['the day before it', '2024-12-20', '2025-01-05', '2027-12-19', false],
    ['1 March after a season starting on a leap day', '2024-02-29', '2024-03-01', '2027-03-01', true],
    ['a leap day inside it', '2024-02-29', '2024-03-01', '2028-02-29', true],
    ['an open end runs to 31 Dec', '2024-12-01', null, '2027-12-31', true],
    ['an open end does not start early', '2024-12-01', null, '2027-11-30', false],
  ])('GIVEN %s WHEN checked as a recurring season THEN active is %s', (_b, start, end, day, active) => {
    expect(isSeasonActive(start, end, day, { recurring: true })).toBe(active);
  });

  it.each([
    ['2026-13-01', null, '2026-01-01'],
    [null, '2026-02-30', '2026-01-01'],
    [null, null, '01-01'],
  ])('GIVEN the malformed dates %s..%s / %s WHEN checked THEN it is refused', (start, end, day) => {
    expect(() => isSeasonActive(start, end, day)).toThrow(RangeError);
  });
});
