import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { commands } from '../commands/index.js';
import { usageLine } from '../src/core/registry.js';
import type { CommandSpec } from '../src/core/spec.js';

const START = '<!-- commands:start (npm run readme:commands) -->';
const END = '<!-- commands:end -->';

/** The README's command table, generated from the specs like the help text and the Discord registration. */
export function commandTable(specs: CommandSpec[] = commands): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = specs.flatMap((command) =>
    command.root
      ? [`| \`${cell(usageLine(command))}\` | ${cell(command.root.description)} |`]
      : Object.entries(command.subcommands!).map(([name, sub]) => `| \`${cell(usageLine(command, name))}\` | ${cell(sub.description)} |`),
  );
  return ['| command | what it does |', '| --- | --- |', ...rows].join('\n');
}

/** The README with its generated block replaced by `table`. */
export function withCommandTable(readme: string, table: string): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`README.md needs the markers ${START} and ${END}`);
  return `${readme.slice(0, start + START.length)}\n${table}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = resolve(import.meta.dirname, '../README.md');
  writeFileSync(path, withCommandTable(readFileSync(path, 'utf8'), commandTable()));
  console.log('README.md: command table regenerated from the specs');
}
