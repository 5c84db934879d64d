import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, loadConfig } from './config.js';

const example = readFileSync(resolve(import.meta.dirname, '../.env.example'), 'utf8');
const lines = example.split('\n');

describe('.env.example', () => {
  it('lists exactly the variables of the configuration contract', () => {
    const listed = lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => l.split('=')[0]);
    expect([...listed].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });

  it('comments every variable (the line above it, or the block it belongs to)', () => {
    lines.forEach((line, i) => {
      if (!/^[A-Z_]+=/.test(line)) return;
      let j = i - 1;
      while (j >= 0 && /^[A-Z_]+=/.test(lines[j]!)) j--;
      expect(lines[j], `${line.split('=')[0]} has no comment`).toMatch(/^# /);
    });
  });

  it('is a valid configuration as written (its defaults start local mode)', () => {
    const env = Object.fromEntries(lines.filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.split('=')[0]!, l.slice(l.indexOf('=') + 1)]));
    const config = loadConfig(env);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.console).toBe(true);
  });
});
