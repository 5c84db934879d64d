import { describe, expect, it } from 'vitest';
import type { QuestStatus } from '../columns.js';
import { canMove, movableFrom, refusalReason, unarchivedStatus } from './quest.rules.js';

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
