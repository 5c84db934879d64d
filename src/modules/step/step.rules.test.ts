import { describe, expect, it } from 'vitest';
import { checkPosition, isDense, moveInOrder, resolveStep, stepPosition, type StepRow } from './step.rules.js';

const steps: StepRow[] = [
  { id: 'a', title: 'Draft outline', completed: true, orderIndex: 1 },
  { id: 'b', title: 'Draft summary', completed: false, orderIndex: 2 },
  { id: 'c', title: 'Send', completed: false, orderIndex: 3 },
  { id: 'd', title: 'Send it twice', completed: false, orderIndex: 4 },
];

describe('resolveStep', () => {
  it.each([
    ['2', undefined, 'b', 2],
    [' 4 ', undefined, 'd', 4],
    ['outline', undefined, 'a', 1],
    ['SUMMARY', undefined, 'b', 2],
    ['send', undefined, 'c', 3],
    ['draft', (s: StepRow) => !s.completed, 'b', 2],
    ['draft', (s: StepRow) => s.completed, 'a', 1],
  ])('finds %j', (ref, prefer, id, position) => {
    expect(resolveStep(steps, ref, 12, prefer)).toMatchObject({ id, position });
  });

  it.each([
    ['0', /`step` must be between 1 and 4 for quest #12 \(got 0\)/],
    ['5', /`step` must be between 1 and 4 for quest #12 \(got 5\)/],
    ['nothing', /Quest #12 has no step matching "nothing"/],
    ['draft', /"draft" matches several steps of #12: 1\. Draft outline; 2\. Draft summary\. Name one by its position/],
  ])('refuses %j', (ref, message) => {
    expect(() => resolveStep(steps, ref, 12)).toThrow(message);
  });

  it('explains that a quest without steps has none to name', () => {
    expect(() => resolveStep([], '1', 3)).toThrow(/Quest #3 has no steps yet/);
  });
});

describe('stepPosition', () => {
  it.each([
    ['2', 2],
    [' 4 ', 4],
    ['02', 2],
    ['0', 0],
    ['9007199254740991', 9007199254740991],
    ['9007199254740992', null],
    ['-1', null],
    ['1.5', null],
    ['2nd', null],
    ['draft', null],
    ['', null],
  ])('reads %j as %j', (ref, position) => {
    expect(stepPosition(ref)).toBe(position);
  });
});

describe('checkPosition', () => {
  it.each([
    [1, 1, null],
    [3, 3, null],
    [2, 1, /`position` must be 1 for quest #7 \(got 2\)/],
    [0, 3, /`position` must be between 1 and 3 for quest #7 \(got 0\)/],
    [4, 3, /`position` must be between 1 and 3 for quest #7 \(got 4\)/],
  ])('position %i of %i', (position, max, error) => {
    const check = () => checkPosition('position', position, max, 7);
    if (error) expect(check).toThrow(error);
    else expect(check).not.toThrow();
  });
});

describe('moveInOrder', () => {
  it.each([
    [4, 1, ['d', 'a', 'b', 'c']],
    [1, 4, ['b', 'c', 'd', 'a']],
    [2, 3, ['a', 'c', 'b', 'd']],
    [3, 3, ['a', 'b', 'c', 'd']],
  ])('moves %i to %i', (from, to, expected) => {
    expect(moveInOrder(['a', 'b', 'c', 'd'], from, to)).toEqual(expected);
  });
});

describe('isDense', () => {
  it.each([
    [[1, 2, 3], true],
    [[], true],
    [[2, 1], false],
    [[1, 3], false],
    [[1, 1], false],
  ])('%j is dense: %s', (indexes, dense) => {
    expect(isDense(indexes.map((orderIndex) => ({ orderIndex })))).toBe(dense);
  });
});
