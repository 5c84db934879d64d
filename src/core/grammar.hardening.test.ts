import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commands } from '../../commands/index.js';
import { AppError, ValidationError } from './errors.js';
import { charLength, formatDuration } from './options.js';
import { CommandRegistry } from './registry.js';

const registry = new CommandRegistry(commands);

/** Parses like dispatch does and returns the error's message (or the args). */
function parse(command: string, text: string): { error?: string; field?: string; usage?: string; args?: Record<string, unknown> } {
  try {
    const { resolved, raw } = registry.parseText(command, text);
    return { args: registry.parseArgs(resolved, raw) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { error: error.message, field: error.details.field, usage: error.details.usage };
  }
}

describe('grammar under hostile input', () => {
  it('an unterminated quote is an error naming the quote, not a silent mis-parse', () => {
    const result = parse('quest', 'create "open ended difficulty:hard');
    expect(result.error).toMatch(/quote " before `"open ended difficulty:hard` .*never closed/);
    expect(result.usage).toMatch(/^\/quest create <title>/);
    expect(parse('quest', "create title:'half").error).toMatch(/option `title`/);
  });

  it('an empty named option is an error naming the option, not the default', () => {
    const result = parse('quest', 'create "x" difficulty:');
    expect(result.error).toBe('`difficulty:` has no value: give one (easy | medium | hard | epic) or leave the option out.');
    expect(result.field).toBe('difficulty');
  });

  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])('/quest %s is an unknown subcommand, not a crash', (name) => {
    expect(() => registry.parseText('quest', name)).toThrow(AppError);
    // `__proto__:1` is not option syntax (names start with a letter): it is plain text, and must not crash either.
    const result = parse('quest', `create "x" ${name}:1`);
    if (/^[a-z]/i.test(name)) expect(result.error).toMatch(/has no option/);
    else expect(result.args?.title).toBe('x');
  });

  it('counts characters as PostgreSQL does (code points, not UTF-16 units)', () => {
    const emoji = '😀'.repeat(255);
    expect(emoji.length).toBe(510);
    expect(charLength(emoji)).toBe(255);
    expect(parse('quest', `create "${emoji}"`).args?.title).toBe(emoji);
    expect(parse('quest', `create "${emoji}😀"`).error).toMatch(/at most 255 characters \(got 256\)/);
  });

  it.each([
    ['NUL', 'create "a\u0000b"', /`title` must not contain control characters \(found U\+0000\)/],
    ['escape', 'create "a\u001b[31mred"', /found U\+001B/],
    ['C1', 'create "a\u0085b"', /found U\+0085/],
    ['bidi override', 'create "abc\u202Eexe.txt"', /`title` must not contain text-direction override characters \(found U\+202E\)/],
    ['isolate', 'create "a\u2066b"', /found U\+2066/],
    ['only invisible', 'create "\u200B\u200D\u2060\uFEFF"', /`title` must contain visible characters/],
    ['filler', 'create "\u3164\u3164"', /must contain visible characters/],
    ['NUL in a quest name', 'view "a\u0000"', /`quest` must not contain control characters/],
    ['NUL in a choice', 'create "x" difficulty:ha\u0000rd', /`difficulty` must not contain control characters/],
  ])('refuses %s with the option named', (_label, text, message) => {
    expect(parse('quest', text).error).toMatch(message);
  });

  it('keeps emoji sequences, accents and ordinary punctuation', () => {
    expect(parse('quest', 'create "👩‍💻 Café – naïve ‘plan’"').args?.title).toBe('👩‍💻 Café – naïve ‘plan’');
  });

  it.each([
    ['create "x" estimate:99999999999999999999h', '`estimate` must be between 1m and 24h (got more than 24h).'],
    ['create "x" estimate:100000000000000000000000', '`estimate` must be between 1m and 24h (got more than 24h).'],
    ['list page:99999999999999999999999', '`page` must be between 1 and 10000.'],
  ])('huge numbers are bounded and never printed in exponent form: %s', (text, message) => {
    const result = parse('quest', text);
    expect(result.error).toBe(message);
    expect(result.error).not.toMatch(/e\+/);
  });

  it('formats durations safely', () => {
    expect(formatDuration(90)).toBe('1h30m');
    expect(formatDuration(1e23)).toBe('a very long time');
    expect(formatDuration(Number.NaN)).toBe('a very long time');
  });

  it('errors are ValidationErrors (ephemeral, nothing stored)', () => {
    expect(() => {
      const { resolved, raw } = registry.parseText('quest', 'create "a\u0000"');
      registry.parseArgs(resolved, raw);
    }).toThrow(ValidationError);
  });
});

describe('grammar fuzz', () => {
  const words = fc.constantFrom(
    'create',
    'list',
    'view',
    'complete',
    'edit',
    'delete',
    'difficulty:',
    'estimate:',
    'title:',
    '"',
    "'",
    '“',
    '#1',
    'constructor',
    '__proto__',
    '\u0000',
    '\u202E',
    '😀',
    ' ',
  );
  const line = fc.oneof(
    fc.string({ maxLength: 80, unit: 'binary' }),
    fc.array(fc.oneof(words, fc.string({ maxLength: 8 })), { maxLength: 12 }).map((parts) => parts.join(' ')),
  );

  it('every input either parses or throws an AppError with a message (never a crash)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...commands.map((c) => c.name)), line, (command, text) => {
        try {
          const { resolved, raw } = registry.parseText(command, text);
          registry.parseArgs(resolved, raw);
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          expect((error as AppError).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
