import { describe, expect, it } from 'vitest';
import { nextStreakCheck, nudgeAt, streakWatch, topQuests, type OpenQuest } from './reminder.rules.js';
import type { StreakState } from '../streak/streak.rules.js';

const quest = (number: number, over: Partial<OpenQuest> = {}): OpenQuest => ({
  id: String(number),
  number,
  title: `q${number}`,
  status: 'ACTIVE',
  priority: 'MEDIUM',
  startedAt: null,
  createdAt: new Date(Date.UTC(2026, 0, number)),
  blocked: false,
  ...over,
});

const streak = (count: number, last: string, freezes = 0): StreakState => ({
  currentCount: count,
  longestCount: count,
  startDate: '2026-12-01',
  lastActivityDate: last,
  isActive: true,
  freezes,
});
const utc = { timezone: 'UTC', dayStartHour: 0, nudgeHour: 20 };

describe('top quests', () => {
  it('ready before blocked, then priority, then under way, then oldest', () => {
    const ranked = topQuests(
      [
        quest(1, { priority: 'LOW' }),
        quest(2, { priority: 'URGENT', blocked: true }),
        quest(3, { priority: 'HIGH' }),
        quest(4, { priority: 'HIGH', status: 'IN_PROGRESS' }),
        quest(5, { priority: 'MEDIUM' }),
      ],
      5,
    );
    expect(ranked.map((q) => q.number)).toEqual([4, 3, 5, 1, 2]);
  });
});

describe('streak watch', () => {
  it.each([
    ['GIVEN 3 days and nothing today WHEN the evening comes THEN nudge', streak(3, '2026-12-12'), '2026-12-13T20:00:00Z', { action: 'nudge', count: 3 }],
    ['GIVEN 3 days and nothing today WHEN it is still afternoon THEN nothing', streak(3, '2026-12-12'), '2026-12-13T19:59:00Z', { action: 'none' }],
    ['GIVEN 2 days WHEN the evening comes THEN nothing (below 3)', streak(2, '2026-12-12'), '2026-12-13T21:00:00Z', { action: 'none' }],
    ['GIVEN done today WHEN the evening comes THEN nothing', streak(5, '2026-12-13'), '2026-12-13T21:00:00Z', { action: 'none' }],
    [
      'GIVEN a missed day and no freeze THEN lost, a freeze would have saved it',
      streak(12, '2026-12-12'),
      '2026-12-14T00:00:30Z',
      { action: 'lost', count: 12, freezeWouldHaveSaved: true, streakStart: '2026-12-01' },
    ],
    ['GIVEN a missed day and a banked freeze THEN it still stands', streak(12, '2026-12-12', 1), '2026-12-14T00:00:30Z', { action: 'none' }],
    [
      'GIVEN two missed days with a freeze THEN lost; a freeze covers one day only',
      streak(12, '2026-12-12', 1),
      '2026-12-15T00:00:30Z',
      { action: 'lost', count: 12, freezeWouldHaveSaved: false, streakStart: '2026-12-01' },
    ],
  ])('%s', (_name, state, at, expected) => {
    expect(streakWatch(state, new Date(at), utc)).toEqual(expected);
  });

  it('looks again at the nudge hour, then at the end of the day', () => {
    expect(nextStreakCheck(new Date('2026-12-13T10:00:00Z'), utc).toISOString()).toBe('2026-12-13T20:00:00.000Z');
    expect(nextStreakCheck(new Date('2026-12-13T20:00:00Z'), utc).toISOString()).toBe('2026-12-14T00:00:00.000Z');
    const owl = { timezone: 'Europe/Berlin', dayStartHour: 3, nudgeHour: 1 };
    // A 01:00 nudge for a day that starts at 03:00 falls at the end of that day, on the next date.
    expect(nudgeAt('2026-12-13', owl.timezone, owl.dayStartHour, owl.nudgeHour).toISOString()).toBe('2026-12-14T00:00:00.000Z');
  });
});
