import { describe, expect, it } from 'vitest';
import { orderAsGiven, uniqueNames } from './tag.rules.js';

describe('uniqueNames', () => {
  it.each([
    [['work', 'Work', ' urgent '], ['work', 'urgent']],
    [['', '  ', 'a'], ['a']],
    [[], []],
  ])('%j -> %j', (names, expected) => expect(uniqueNames(names)).toEqual(expected));
});

describe('orderAsGiven', () => {
  it('sorts by the position of each name in the given list, ignoring case', () => {
    expect(orderAsGiven([{ name: 'Finance' }, { name: 'urgent' }, { name: 'Work' }], ['work', ' URGENT', 'finance']).map((t) => t.name)).toEqual(['Work', 'urgent', 'Finance']);
  });
});
