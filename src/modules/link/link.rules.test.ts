import { describe, expect, it } from 'vitest';
import { chooseSurvivor, holdsData, matchByName, mergeAchievements, mergeCounters, mergeStreaks, numberOffset, type LinkSide } from './link.rules.js';

const side = (userId: string, quests: number, extra: Partial<LinkSide> = {}): LinkSide => ({
  userId,
  quests,
  questCounter: quests,
  experiencePoints: 0,
  otherRows: 0,
  ...extra,
});

describe('link rules', () => {
  it.each([
    [side('a', 0), false],
    [side('a', 1), true],
    [side('a', 0, { experiencePoints: 10 }), true],
    [side('a', 0, { otherRows: 1 }), true],
  ])('GIVEN %o THEN holds data is %s', (s, expected) => {
    expect(holdsData(s)).toBe(expected);
  });

  it.each([
    ['the side with more quests survives', side('issuer', 2), side('redeemer', 3), 'redeemer'],
    ['the issuer survives a tie', side('issuer', 2), side('redeemer', 2), 'issuer'],
    ['the issuer survives with more quests', side('issuer', 5), side('redeemer', 0), 'issuer'],
  ])('%s', (_, issuer, redeemer, expected) => {
    const { survivor, absorbed } = chooseSurvivor(issuer, redeemer);
    expect(survivor.userId).toBe(expected);
    expect(absorbed.userId).not.toBe(expected);
  });

  it('shifts absorbed numbers past every number the survivor handed out', () => {
    expect(numberOffset(12, 10)).toBe(12);
    expect(numberOffset(3, 7)).toBe(7);
    expect(numberOffset(0, 0)).toBe(0);
  });

  it('keeps the longer active streak per type with the best longest, and ends the other', () => {
    const s = (id: string, type: 'daily' | 'weekly', currentCount: number, longestCount: number, lastActivityDate = '2026-11-20') => ({
      id,
      type,
      currentCount,
      longestCount,
      lastActivityDate,
    });
    expect(mergeStreaks([s('t-day', 'daily', 5, 9), s('t-week', 'weekly', 2, 2)], [s('a-day', 'daily', 7, 7), s('a-week', 'weekly', 1, 4)])).toEqual({
      end: ['t-day', 'a-week'],
      longest: [
        { id: 'a-day', longestCount: 9 },
        { id: 't-week', longestCount: 4 },
      ],
    });
    // A tie goes to the more recent one, then to the survivor.
    expect(mergeStreaks([s('t', 'daily', 3, 3, '2026-11-19')], [s('a', 'daily', 3, 3, '2026-11-20')]).end).toEqual(['t']);
    expect(mergeStreaks([s('t', 'daily', 3, 3)], [s('a', 'daily', 3, 3)]).end).toEqual(['a']);
    expect(mergeStreaks([], [s('a', 'daily', 3, 3)])).toEqual({ end: [], longest: [] });
  });

  it('sums counters, moving absorbed category keys onto the merged categories', () => {
    const merged = mergeCounters(
      { completions: 2, completionsByDifficulty: { EASY: 2 }, completionsByCategory: { c1: 2 }, completionsByMinute: { '600': 1, '601': 1 }, stepsDone: 3 },
      {
        completions: 3,
        completionsByDifficulty: { EASY: 1, HARD: 2 },
        completionsByCategory: { c9: 2, c8: 1 },
        completionsByMinute: { '600': 3 },
        stepsDone: 1,
      },
      new Map([['c9', 'c1']]),
    );
    expect(merged).toEqual({
      completions: 5,
      completionsByDifficulty: { EASY: 3, HARD: 2 },
      completionsByCategory: { c1: 4, c8: 1 },
      completionsByMinute: { '600': 4, '601': 1 },
      stepsDone: 4,
    });
    expect(mergeCounters(null, null, new Map())).toBeNull();
  });

  it('matches names ignoring case', () => {
    const { merge, move } = matchByName(
      [
        { id: 's1', name: 'Work' },
        { id: 's2', name: 'Home' },
      ],
      [
        { id: 'a1', name: 'WORK' },
        { id: 'a2', name: 'Garden' },
      ],
    );
    expect([...merge]).toEqual([['a1', 's1']]);
    expect(move).toEqual(['a2']);
  });

  it('unions achievements keeping the earlier unlock', () => {
    const early = new Date('2026-01-01T00:00:00Z');
    const late = new Date('2026-06-01T00:00:00Z');
    expect(
      mergeAchievements(
        [
          { id: 's1', achievementId: 'first', unlockedAt: late },
          { id: 's2', achievementId: 'ten', unlockedAt: null },
        ],
        [
          { id: 'a1', achievementId: 'first', unlockedAt: early },
          { id: 'a2', achievementId: 'ten', unlockedAt: null },
          { id: 'a3', achievementId: 'epic', unlockedAt: late },
        ],
      ),
    ).toEqual({ move: ['a3'], unlockedAt: [{ id: 's1', unlockedAt: early }] });
  });
});
