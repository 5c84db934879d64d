import { describe, expect, it } from 'vitest';
import { COLOR_NAMES, parseColor } from './color.rules.js';

describe('parseColor', () => {
  it.each([
    ['#22c55e', '#22C55E'],
    ['22C55E', '#22C55E'],
    [' #ff8800 ', '#FF8800'],
    ['red', '#FF0000'],
    ['Red', '#FF0000'],
    ['RED', '#FF0000'],
    ['teal', '#008080'],
    ['orange', '#FFA500'],
    ['purple', '#800080'],
    ['pink', '#FFC0CB'],
    ['gray', '#808080'],
    ['grey', '#808080'],
    ['  Navy ', '#000080'],
    ['Fuchsia', '#FF00FF'],
  ])('%j -> %s', (input, expected) => {
    expect(parseColor(input)).toBe(expected);
  });

  it.each(['', 'reddish', 'blurple', '#12345', '#1234567', '#GGGGGG', 'rgb(1,2,3)', 'constructor', '__proto__', 'toString'])('%j is not a colour', (input) => {
    expect(parseColor(input)).toBeNull();
  });

  it('maps every name to upper-case #RRGGBB', () => {
    expect(Object.keys(COLOR_NAMES).length).toBeGreaterThanOrEqual(20);
    for (const [name, hex] of Object.entries(COLOR_NAMES)) {
      expect(hex, name).toMatch(/^#[0-9A-F]{6}$/);
      expect(name, name).toMatch(/^[a-z]+$/);
    }
  });
});
