import { describe, expect, it } from 'vitest';
import {
  completionXp,
  levelForXp,
  levelProgress,
  questXp,
  questXpExact,
  statusAfterUndo,
  streakBonusPercent,
  undoableCompletion,
  UNDO_WINDOW_MS,
  xpForLevel,
  type LedgerEvent,
} from './progression.rules.js';
import type { Difficulty } from '../columns.js';

describe('questXp', () => {
  it.each<[Difficulty, number, number]>([
    ['EASY', 15, 10],
    ['MEDIUM', 30, 25],
    ['HARD', 30, 50],
    ['EPIC', 1, 100],
    ['HARD', 59, 50],
    ['HARD', 60, 55],
    ['HARD', 89, 55],
    ['HARD', 90, 60],
    ['HARD', 120, 65],
    ['MEDIUM', 60, 28],
    ['EASY', 75, 11],
    ['EPIC', 330, 200],
    ['EPIC', 1440, 200],
    ['EASY', 0, 10],
  ])('GIVEN a %s quest estimated at %i min WHEN its XP is computed THEN it is worth %i', (d, minutes, xp) => {
    expect(questXp(d, minutes)).toBe(xp);
  });

  it('GIVEN a MEDIUM 1h quest WHEN the exact XP is asked THEN it is not rounded', () => {
    expect(questXpExact('MEDIUM', 60)).toBe(27.5);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('GIVEN an estimate of %s WHEN XP is computed THEN it is refused', (minutes) => {
    expect(() => questXp('EASY', minutes)).toThrow(RangeError);
  });
});

describe('streakBonusPercent', () => {
  it.each([
    [0, 0],
    [1, 1],
    [10, 10],
    [25, 25],
    [26, 25],
    [400, 25],
    [-3, 0],
  ])('GIVEN a %i-day streak at day start WHEN the bonus is computed THEN it is %i%%', (days, pct) => {
    expect(streakBonusPercent(days)).toBe(pct);
  });
});

describe('completionXp', () => {
  it.each<[string, Difficulty, number, number, number]>([
    ['DESIGN example without streak', 'HARD', 120, 0, 65],
    ['DESIGN example with a 10-day streak (71.5 rounds up)', 'HARD', 120, 10, 72],
    ['a first completion gets no bonus', 'EASY', 30, 0, 10],
    ['rounding happens once at the end', 'MEDIUM', 60, 2, 28], // 27.5 x 1.02 = 28.05, not 28 x 1.02 -> 29
    ['rounding once, not twice', 'MEDIUM', 120, 3, 33], // 32.5 x 1.03 = 33.475, not 33 x 1.03 -> 34
    ['the bonus is capped at 25%', 'EPIC', 1440, 100, 250],
    ['a 25-day streak gives +25%', 'EASY', 30, 25, 13], // 12.5 -> 13
  ])('GIVEN %s WHEN completing THEN it awards the expected XP', (_name, difficulty, estimatedMinutes, streak, xp) => {
    expect(completionXp({ difficulty, estimatedMinutes, dailyStreakAtDayStart: streak })).toBe(xp);
  });
});

describe('levels', () => {
  it.each([
    [1, 0],
    [2, 100],
    [3, 300],
    [5, 1000],
    [10, 4500],
  ])('GIVEN level %i WHEN its threshold is asked THEN it needs %i XP', (level, xp) => {
    expect(xpForLevel(level)).toBe(xp);
  });

  it.each([
    [0, 1],
    [-50, 1],
    [99, 1],
    [99.99, 1],
    [100, 2],
    [299, 2],
    [300, 3],
    [999, 4],
    [1000, 5],
    [4499, 9],
    [4500, 10],
    [4501, 10],
    [5_000_000, 316], // 50 x 316 x 315 = 4,977,000; 317 needs 5,008,600
  ])('GIVEN %s total XP WHEN the level is computed THEN it is level %i', (xp, level) => {
    expect(levelForXp(xp)).toBe(level);
  });

  it('GIVEN every exact threshold up to level 2000 WHEN the level is computed THEN it is reached exactly there', () => {
    for (let level = 2; level <= 2000; level += 1) {
      const threshold = xpForLevel(level);
      expect(levelForXp(threshold)).toBe(level);
      expect(levelForXp(threshold - 1)).toBe(level - 1);
    }
  });

  it.each([
    [0, { level: 1, current: 0, needed: 100, intoLevel: 0, toNext: 100, span: 100 }],
    [100, { level: 2, current: 100, needed: 300, intoLevel: 0, toNext: 200, span: 200 }],
    [250, { level: 2, current: 250, needed: 300, intoLevel: 150, toNext: 50, span: 200 }],
    [4500, { level: 10, current: 4500, needed: 5500, intoLevel: 0, toNext: 1000, span: 1000 }],
  ])('GIVEN %i XP WHEN progress is shown THEN the bar reads %o', (xp, expected) => {
    expect(levelProgress(xp)).toEqual(expected);
  });

  it.each([0, 1.5, -1])('GIVEN level %s WHEN its threshold is asked THEN it is refused', (level) => {
    expect(() => xpForLevel(level)).toThrow(RangeError);
  });
});

describe('undo rules', () => {
  it.each([
    ['a started quest', new Date('2026-11-01T10:00:00Z'), 'IN_PROGRESS'],
    ['a quest never started', null, 'ACTIVE'],
  ] as const)('GIVEN %s WHEN its completion is undone THEN it returns to %s', (_name, startedAt, status) => {
    expect(statusAfterUndo({ startedAt })).toBe(status);
  });

  it('keeps completions undoable for 24 hours', () => {
    expect(UNDO_WINDOW_MS).toBe(86_400_000);
  });

  const quest = (id: string): LedgerEvent => ({ id, amount: 10, reason: 'quest', details: {} });
  const undo = (of: string): LedgerEvent => ({ id: `u-${of}`, amount: -10, reason: 'undo', details: { undoes: of } });
  it.each<[string, LedgerEvent[], string | undefined]>([
    ['no ledger rows', [], undefined],
    ['one completion', [quest('a')], 'a'],
    ['a completion already undone', [undo('a'), quest('a')], undefined],
    ['a completion again after an undo (newest first)', [quest('b'), undo('a'), quest('a')], 'b'],
    ['the newest completion undone, an older one not', [undo('b'), quest('b'), quest('a')], 'a'],
  ])('GIVEN %s THEN the undoable completion is %s', (_name, events, id) => {
    expect(undoableCompletion(events)?.id).toBe(id);
  });
});
