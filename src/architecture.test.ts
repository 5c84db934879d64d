import { execFile } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = resolve(import.meta.dirname, '..');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
}

/** Runs dependency-cruiser with the project's rule file over `paths` in `cwd`. */
async function cruise(cwd: string, paths: string[]): Promise<Violation[]> {
  const { stdout } = await run(process.execPath, [depcruise, '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json', ...paths], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return (JSON.parse(stdout) as { summary: { violations: Violation[] } }).summary.violations;
}

describe('architecture (.dependency-cruiser.cjs)', () => {
  it('keeps every import direction of the layout', async () => {
    const errors = (await cruise(root, ['src', 'commands'])).filter((v) => v.rule.severity === 'error');
    expect(errors.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([]);
  }, 120_000);

  let scratch: string | undefined;
  afterAll(async () => scratch && rm(scratch, { recursive: true, force: true }));

  it('refuses every forbidden direction (a scratch tree with one import of each kind)', async () => {
    const forbidden: Array<[from: string, to: string, rule: string]> = [
      ['src/core/a1.ts', 'src/modules/b1.ts', 'core-is-framework-only'],
      ['src/core/a2.ts', 'src/platforms/b2.ts', 'core-is-framework-only'],
      ['src/modules/a3.ts', 'src/platforms/b3.ts', 'modules-know-no-platform-or-command'],
      ['src/modules/a4.ts', 'commands/b4.ts', 'modules-know-no-platform-or-command'],
      ['src/infra/a5.ts', 'src/modules/b5.ts', 'infra-knows-no-feature'],
      ['src/platforms/a6.ts', 'src/modules/b6.ts', 'platforms-know-no-feature'],
      ['commands/a7.ts', 'src/infra/b7.ts', 'commands-know-no-infra'],
    ];
    scratch = await mkdtemp(join(tmpdir(), 'questlog-arch-'));
    await copyFile(join(root, 'tsconfig.json'), join(scratch, 'tsconfig.json'));
    for (const [from, to] of forbidden) {
      await mkdir(join(scratch, dirname(from)), { recursive: true });
      await mkdir(join(scratch, dirname(to)), { recursive: true });
      let specifier = relative(dirname(from), to).replace(/\.ts$/, '.js');
      if (!specifier.startsWith('.')) specifier = `./${specifier}`;
      await writeFile(join(scratch, from), `import { b } from '${specifier}';\nexport const a = b;\n`);
      await writeFile(join(scratch, to), 'export const b = 1;\n');
    }
    const found = (await cruise(scratch, ['src', 'commands'])).map((v) => `${v.from} -> ${v.to}: ${v.rule.name}`);
    expect(found.sort()).toEqual(forbidden.map(([from, to, rule]) => `${from} -> ${to}: ${rule}`).sort());
  }, 120_000);
});
