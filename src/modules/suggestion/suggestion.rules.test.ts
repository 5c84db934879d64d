import { describe, expect, it } from 'vitest';
import { parseSentence, pickNext } from '../../ai/offline-suggester.js';
import type { Calibration, NextCandidate } from '../../ai/suggester.js';
import {
  acceptableDue,
  acceptableEstimate,
  acceptableSteps,
  calibrate,
  calibrationNote,
  isExpired,
  expiresAt,
  type CalibrationRow,
} from './suggestion.rules.js';

const row = (
  estimated: number,
  actual: number,
  difficulty: CalibrationRow['difficulty'],
  category: string | null,
  at = '2026-12-01T08:30:00Z',
): CalibrationRow => ({
  estimated,
  actual,
  difficulty,
  category,
  completedAt: new Date(at),
});
const none: Calibration = { samples: 0, overall: 1, byDifficulty: [], byCategory: [], usualHours: [] };

describe('calibration', () => {
  it('GIVEN completed quests WHEN calibrating THEN ratios are actual/estimated sums per difficulty and category, hours in the user zone', () => {
    const c = calibrate(
      [row(60, 84, 'MEDIUM', 'Writing'), row(60, 84, 'MEDIUM', 'Writing', '2026-12-01T08:10:00Z'), row(30, 30, 'EASY', null, '2026-12-01T17:00:00Z')],
      'Europe/Berlin',
    );
    expect(c).toEqual({
      samples: 3,
      overall: 1.32,
      byDifficulty: [
        { difficulty: 'MEDIUM', ratio: 1.4, samples: 2 },
        { difficulty: 'EASY', ratio: 1, samples: 1 },
      ],
      byCategory: [{ category: 'Writing', ratio: 1.4, samples: 2 }],
      usualHours: [9, 18],
    });
  });

  it.each([
    [{ difficulty: 'MEDIUM', category: 'Writing' }, 'You usually take 1.4x your estimates on Writing (2 completed).'],
    [{ difficulty: 'MEDIUM', category: null }, 'You usually take 1.4x your estimates on medium quests (2 completed).'],
    [{ difficulty: 'EPIC', category: null }, 'You usually take 1.3x your estimates on your quests (3 completed).'],
  ] as const)('the note for %o reads %s', (quest, note) => {
    const c = calibrate([row(60, 84, 'MEDIUM', 'Writing'), row(60, 84, 'MEDIUM', 'Writing'), row(30, 30, 'EASY', null)], 'UTC');
    expect(calibrationNote(c, quest)).toBe(note);
  });

  it('says nothing without enough history', () => {
    expect(calibrationNote(none, { difficulty: 'EASY', category: 'Writing' })).toBeNull();
  });
});

describe('validation of suggested output like typed input', () => {
  it.each([
    [['Draft', 'draft!', 'Review', 'Send'], [], ['Draft', 'Review', 'Send']],
    [['Collect the figures', 'Write', 'Edit', 'Send'], ['collect the FIGURES'], ['Write', 'Edit', 'Send']],
    [['x'.repeat(256), 'A', 'B'], [], ['A', 'B', 'Top up 1']],
    [Array.from({ length: 15 }, (_, i) => `Step ${i}`), [], Array.from({ length: 12 }, (_, i) => `Step ${i}`)],
  ])('steps %j with existing %j become %j', (proposed, existing, expected) => {
    expect(acceptableSteps(proposed, existing, ['Top up 1', 'Top up 2'])).toEqual(expected);
  });

  it.each([
    [0, undefined],
    [1441, undefined],
    [44.6, 45],
    [null, undefined],
  ])('estimate %s -> %s', (minutes, expected) => {
    expect(acceptableEstimate(minutes)).toBe(expected);
  });

  it('due dates must parse and be within 10 years; suggestions expire after 7 days', () => {
    const now = new Date('2026-12-02T10:00:00Z');
    expect(acceptableDue('2026-12-03T09:00:00+01:00', now)?.toISOString()).toBe('2026-12-03T08:00:00.000Z');
    expect(acceptableDue('not a date', now)).toBeNull();
    expect(acceptableDue('2099-01-01T00:00:00Z', now)).toBeNull();
    expect(isExpired(expiresAt(now), new Date('2026-12-09T09:59:59Z'))).toBe(false);
    expect(isExpired(expiresAt(now), new Date('2026-12-09T10:00:00Z'))).toBe(true);
  });
});

describe('the offline suggester', () => {
  it.each([
    [
      'call the dentist tomorrow morning, high priority, 15m',
      { title: 'Call the dentist', dueAt: '2026-12-03T09:00:00+01:00', priority: 'HIGH', difficulty: 'EASY', estimateMinutes: 15 },
    ],
    [
      'Write the report by friday 5pm, urgent, 2h',
      { title: 'Write the report', dueAt: '2026-12-04T17:00:00+01:00', priority: 'URGENT', difficulty: 'HARD', estimateMinutes: 120 },
    ],
    ['buy milk', { title: 'Buy milk', dueAt: null, priority: 'MEDIUM', difficulty: 'MEDIUM', estimateMinutes: null }],
  ])('parses %s', (text, expected) => {
    expect(parseSentence({ text, now: '2026-12-02T10:00:00Z', timezone: 'Europe/Berlin' })).toEqual(expected);
  });

  const candidate = (number: number, over: Partial<NextCandidate> = {}): NextCandidate => ({
    number,
    title: `Quest ${number}`,
    description: null,
    difficulty: 'MEDIUM',
    priority: 'MEDIUM',
    estimatedMinutes: 60,
    category: null,
    status: 'ACTIVE',
    dueAt: null,
    blockedBy: [],
    stepsDone: 0,
    stepsTotal: 0,
    ...over,
  });
  const next = (candidates: NextCandidate[], over: Partial<Parameters<typeof pickNext>[0]> = {}) =>
    pickNext({
      candidates,
      availableMinutes: null,
      now: '2026-12-02T10:00:00Z',
      localHour: 10,
      streak: { days: 0, completedToday: false },
      calibration: none,
      ...over,
    });

  it.each([
    ['priority wins', [candidate(1), candidate(2, { priority: 'URGENT' })], {}, 2],
    ['blocked quests are never picked', [candidate(1), candidate(2, { priority: 'URGENT', blockedBy: [1] })], {}, 1],
    ['overdue beats high priority', [candidate(1, { priority: 'HIGH' }), candidate(2, { dueAt: '2026-12-01T10:00:00Z' })], {}, 2],
    [
      'what fits the time available',
      [candidate(1, { priority: 'HIGH', estimatedMinutes: 120 }), candidate(2, { estimatedMinutes: 20 })],
      { availableMinutes: 30 },
      2,
    ],
    [
      'a quick win when the streak is at risk',
      [candidate(1, { estimatedMinutes: 90 }), candidate(2, { estimatedMinutes: 15 })],
      { streak: { days: 6, completedToday: false } },
      2,
    ],
    ['ties go to the lower number', [candidate(2), candidate(1)], {}, 1],
  ] as const)('%s', (_name, candidates, over, expected) => {
    expect(next([...candidates], over).questNumber).toBe(expected);
  });
});
