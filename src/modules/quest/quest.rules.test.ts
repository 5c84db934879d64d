import { describe, expect, it } from 'vitest';
import type { QuestStatus } from '../columns.js';
import {
  actualDuration,
  canMove,
  FINISHED_STATUSES,
  isOpen,
  isUnfinishedPrerequisite,
  movableFrom,
  OPEN_STATUSES,
  PRIORITY_ORDER,
  priorityRank,
  refusalReason,
  unarchivedStatus,
} from './quest.rules.js';

describe('quest status moves', () => {
  it.each<[QuestStatus, QuestStatus, boolean]>([
    ['DRAFT', 'ACTIVE', true],
    ['ACTIVE', 'IN_PROGRESS', true],
    ['IN_PROGRESS', 'COMPLETED', true],
    ['ACTIVE', 'COMPLETED', true],
    ['DRAFT', 'COMPLETED', false],
    ['IN_PROGRESS', 'ACTIVE', false],
    ['COMPLETED', 'ACTIVE', false],
    ['COMPLETED', 'ARCHIVED', true],
    ['ARCHIVED', 'ACTIVE', true],
    ['ARCHIVED', 'IN_PROGRESS', false],
  ])('GIVEN %s WHEN moved to %s THEN allowed is %s', (from, to, allowed) => {
    expect(canMove(from, to)).toBe(allowed);
  });

  it('lists where each move may start from', () => {
    expect(movableFrom('COMPLETED')).toEqual(['ACTIVE', 'IN_PROGRESS']);
    expect(movableFrom('IN_PROGRESS')).toEqual(['DRAFT', 'ACTIVE']);
    expect(movableFrom('ARCHIVED')).toEqual(['DRAFT', 'ACTIVE', 'IN_PROGRESS', 'COMPLETED']);
  });

  it('brings a quest archived after completion back completed, any other back active', () => {
    expect(unarchivedStatus(new Date('2026-01-01T00:00:00Z'))).toBe('COMPLETED');
    expect(unarchivedStatus(null)).toBe('ACTIVE');
  });

  it.each<[QuestStatus, QuestStatus, string]>([
    ['COMPLETED', 'COMPLETED', 'it is already completed'],
    ['ARCHIVED', 'COMPLETED', 'it is archived (unarchive it first)'],
    ['DRAFT', 'COMPLETED', 'it is still a draft (start it first)'],
    ['IN_PROGRESS', 'ACTIVE', 'it is in progress'],
  ])('explains why %s cannot move to %s', (from, to, reason) => {
    expect(refusalReason(from, to)).toBe(reason);
  });
});

describe('isUnfinishedPrerequisite', () => {
  const done = new Date('2026-11-20T10:00:00Z');
  it.each<[QuestStatus, Date | null, boolean]>([
    ['DRAFT', null, true],
    ['ACTIVE', null, true],
    ['IN_PROGRESS', null, true],
    ['COMPLETED', done, false],
    ['ARCHIVED', done, false],
    ['ARCHIVED', null, true],
  ])('a %s prerequisite (completed at %s) holds back: %s', (status, completedAt, expected) => {
    expect(isUnfinishedPrerequisite({ status, completedAt })).toBe(expected);
  });
});

describe('priority order', () => {
  it('ranks URGENT > HIGH > MEDIUM > LOW', () => {
    expect(PRIORITY_ORDER.map(priorityRank)).toEqual([4, 3, 2, 1]);
    expect([...PRIORITY_ORDER].sort((a, b) => priorityRank(a) - priorityRank(b))).toEqual(['LOW', 'MEDIUM', 'HIGH', 'URGENT']);
  });
});

describe('actualDuration', () => {
  const now = new Date('2026-11-24T12:00:00Z');
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  it.each<[string, QuestStatus, Date | null, number | undefined, number | null]>([
    ['minutes given win', 'IN_PROGRESS', ago(90), 15, 15],
    ['zero minutes given are kept', 'ACTIVE', null, 0, 0],
    ['in progress: time since start', 'IN_PROGRESS', ago(90), undefined, 90],
    ['rounded to the nearest minute', 'IN_PROGRESS', new Date(now.getTime() - 150_000), undefined, 3],
    ['at least one minute', 'IN_PROGRESS', ago(0), undefined, 1],
    ['never started: unknown', 'ACTIVE', null, undefined, null],
    ['in progress without a start time: unknown', 'IN_PROGRESS', null, undefined, null],
  ])('%s', (_name, status, startedAt, minutes, expected) => {
    expect(actualDuration({ status, startedAt }, now, minutes)).toBe(expected);
  });
});

describe('open and finished statuses', () => {
  it('split every status except none twice', () => {
    expect([...OPEN_STATUSES, ...FINISHED_STATUSES].sort()).toEqual(['ACTIVE', 'ARCHIVED', 'COMPLETED', 'DRAFT', 'IN_PROGRESS']);
    expect(OPEN_STATUSES.filter(isOpen)).toEqual(OPEN_STATUSES);
  });
});
