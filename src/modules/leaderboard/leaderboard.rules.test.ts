import { describe, expect, it } from 'vitest';
import { isRanked, periodWindow, scoringSpans } from './leaderboard.rules.js';

describe('leaderboard rules', () => {
  it.each([
    [true, 10, true],
    [true, 0, false],
    [true, -5, false],
    [false, 10, false],
  ])('GIVEN opted in %s and score %i THEN ranked is %s', (optedIn, score, ranked) => {
    expect(isRanked(optedIn, score)).toBe(ranked);
  });

  it.each([
    ['2026-11-11T12:00:00Z', 'week', '2026-W46', '2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z'],
    ['2026-11-11T12:00:00Z', 'month', '2026-11', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2027-01-01T05:00:00Z', 'week', '2026-W53', '2026-12-28T00:00:00.000Z', '2027-01-04T00:00:00.000Z'],
  ] as const)('GIVEN %s WHEN the %s window is taken THEN it is %s in UTC', (now, period, label, from, to) => {
    const window = periodWindow(period, new Date(now));
    expect([window.label, window.from!.toISOString(), window.to!.toISOString()]).toEqual([label, from, to]);
  });

  it('scores the current UTC week and month', () => {
    const { week, month } = scoringSpans(new Date('2026-11-11T12:00:00Z'));
    expect(week.from.toISOString()).toBe('2026-11-09T00:00:00.000Z');
    expect(month.to.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });
});
