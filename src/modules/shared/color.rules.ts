/**
 * Colour names people type instead of hex codes (`color:teal`), with their CSS
 * values. A fixed, small table: anything else is given as `#RRGGBB`.
 */
export const COLOR_NAMES: Readonly<Record<string, string>> = {
  red: '#FF0000',
  orange: '#FFA500',
  yellow: '#FFFF00',
  gold: '#FFD700',
  lime: '#00FF00',
  green: '#008000',
  olive: '#808000',
  teal: '#008080',
  cyan: '#00FFFF',
  aqua: '#00FFFF',
  blue: '#0000FF',
  navy: '#000080',
  indigo: '#4B0082',
  purple: '#800080',
  violet: '#EE82EE',
  magenta: '#FF00FF',
  fuchsia: '#FF00FF',
  pink: '#FFC0CB',
  coral: '#FF7F50',
  salmon: '#FA8072',
  brown: '#A52A2A',
  maroon: '#800000',
  black: '#000000',
  white: '#FFFFFF',
  gray: '#808080',
  grey: '#808080',
  silver: '#C0C0C0',
};

/** The longest name in the table (the option's length limit). */
export const LONGEST_COLOR_NAME = Math.max(...Object.keys(COLOR_NAMES).map((name) => name.length));

/**
 * `#22c55e`, `22C55E` or a name from the table (any case, spaces around it
 * ignored) -> `#22C55E`; null for anything else.
 */
export function parseColor(value: string): string | null {
  const text = value.trim();
  const hex = /^#?([0-9a-f]{6})$/i.exec(text);
  if (hex) return `#${hex[1]!.toUpperCase()}`;
  const name = text.toLowerCase().replace(/[\s_-]+/g, '');
  return Object.hasOwn(COLOR_NAMES, name) ? COLOR_NAMES[name]! : null;
}
