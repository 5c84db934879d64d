import { describe, expect, it } from 'vitest';
import { OptionValueError, splitQuestRefs } from './options.js';

describe('splitQuestRefs: the bulk grammar', () => {
  it.each([
    ['2', ['#2']],
    ['#12', ['#12']],
    ['2 3 4', ['#2', '#3', '#4']],
    ['#2,#3', ['#2', '#3']],
    ['#2, 3 ,#4', ['#2', '#3', '#4']],
    ['2 2 3', ['#2', '#3']],
    ['2 3', ['#2', '#3']], // the old trap: never #2 with 3 minutes
    ['Write the report', ['Write the report']],
    ['3 little pigs', ['3 little pigs']],
    ['report 2', ['report 2']],
  ])('%s -> %j', (input, refs) => expect(splitQuestRefs(input)).toEqual(refs));

  it.each([
    ['12 45m', '"45m"'],
    ['12 1h30m', '"1h30m"'],
    ['#2 3 90min', '"90min"'],
  ])('%s is refused, naming %s', (input, named) => {
    expect(() => splitQuestRefs(input)).toThrow(OptionValueError);
    expect(() => splitQuestRefs(input)).toThrow(named);
  });

  it('refuses more than 25 quests at once', () => {
    expect(() => splitQuestRefs(Array.from({ length: 26 }, (_, i) => i + 1).join(' '))).toThrow('at most 25');
  });
});
