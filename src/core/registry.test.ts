import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { tokenize } from './grammar.js';
import { parseDuration } from './options.js';
import { CommandRegistry } from './registry.js';
import { defineCommand, sub } from './spec.js';
import { opt } from './options.js';

const registry = new CommandRegistry(commands);

const step = defineCommand({
  name: 'step',
  description: 'Steps',
  subcommands: {
    add: sub({
      description: 'Add a step',
      options: {
        quest: opt.quest({ description: 'Quest', required: true }),
        title: opt.text({ description: 'Step', required: true, max: 255 }),
        position: opt.integer({ description: 'Where', min: 1 }),
      },
      handler: async () => ({}),
    }),
  },
});
const testRegistry = new CommandRegistry([step]);

describe('text grammar', () => {
  it('splits quotes, named options and positional words', () => {
    expect(tokenize(`create "Write report" difficulty:hard estimate:'1h 30m' “smart quotes”`)).toEqual([
      { value: 'create', quoted: false },
      { value: 'Write report', quoted: true },
      { value: 'hard', name: 'difficulty', prefix: 'difficulty:', quoted: false },
      { value: '1h 30m', name: 'estimate', prefix: 'estimate:', quoted: true },
      { value: 'smart quotes', quoted: true },
    ]);
  });

  it('lets the last required text option take the rest of the line', () => {
    const { raw } = testRegistry.parseText('step', 'add 12 Buy oat milk position:2');
    expect(raw).toEqual({ quest: '12', title: 'Buy oat milk', position: '2' });
  });

  it('keeps `word:` followed by a space as plain text and URLs intact', () => {
    const { raw } = registry.parseText('quest', 'create Meeting: notes description:https://example.com/x');
    expect(raw).toEqual({ title: 'Meeting: notes', description: 'https://example.com/x' });
  });

  it('fills options in declared order and validates them', () => {
    const { resolved, raw } = registry.parseText('quest', 'create "Plan trip" "Book flights" hard');
    expect(registry.parseArgs(resolved, raw)).toMatchObject({ title: 'Plan trip', description: 'Book flights', difficulty: 'hard', estimate: 30 });
  });

  it('refuses an option given twice', () => {
    expect(() => registry.parseText('quest', 'create x difficulty:hard difficulty:easy')).toThrow(/given twice/);
  });

  it.each([
    ['45m', 45],
    ['1h30m', 90],
    ['1h 30m', 90],
    ['90', 90],
    ['2h', 120],
    ['1.5h', 90],
    ['soon', null],
  ])('reads the duration %s as %s minutes', (text, minutes) => {
    expect(parseDuration(text)).toBe(minutes);
  });

  it('answers an unknown subcommand with the usage of the closest match', () => {
    expect(() => registry.resolve('quest', 'lst')).toThrow(/Did you mean `\/quest list`/);
    try {
      registry.resolve('quest', 'lst');
    } catch (error) {
      expect((error as { details: { usage: string } }).details.usage).toMatch(/^\/quest list /);
    }
  });

  it('accepts typed values from structured platforms', () => {
    const resolved = testRegistry.resolve('step', 'add');
    expect(testRegistry.parseArgs(resolved, { quest: '#3', title: 'x', position: 2 })).toEqual({ quest: '#3', title: 'x', position: 2 });
    expect(() => testRegistry.parseArgs(resolved, { quest: '#3', title: 'x', position: 0 })).toThrow(/`position` must be of at least 1 \(got 0\)/);
  });
});
