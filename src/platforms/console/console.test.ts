import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { ConsoleAdapter } from './console.adapter.js';
import { renderConsole } from './console.render.js';

describe('console adapter', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('reads one command per line from piped input and prints every reply', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => (printed += chunk));
    const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, input, output, user: 'dana' });
    const done = adapter.run();
    input.end('/quest create "Water the plants" difficulty:easy\n\n/quest list\n/quest nope\n');
    await done;
    expect(printed).toContain('#1 Water the plants');
    expect(printed).toContain('🟢 #1 Water the plants · active · 30m · 10 XP');
    expect(printed).toMatch(/Unknown subcommand \/quest nope/);
    expect(printed).not.toMatch(/\u001b\[/);
  });

  it('prints the help for /questlog alone and for /help, one subcommand per line', async () => {
    for (const line of ['/questlog', '/help', 'questlog']) {
      const input = new PassThrough();
      const output = new PassThrough();
      let printed = '';
      output.on('data', (chunk) => (printed += chunk));
      const done = new ConsoleAdapter({ dispatcher: app.dispatcher, input, output, user: 'hal' }).run();
      input.end(`${line}\n`);
      await done;
      expect(printed, line).toContain('Questlog commands');
      expect(printed.split('\n'), line).toContain('  complete Finish one or several quests and collect their XP');
    }
  });

  it('renders markdown-escaped user text back to what the user typed, and titles as plain text', () => {
    const text = renderConsole({ title: '#1 a_b **x**', text: '**bold** \\*literal\\*', footer: 'f' }, false);
    expect(text).toBe('#1 a_b **x**\nbold *literal*\nf');
  });
});

describe('npm start in local mode', () => {
  it('prints the quest created from piped input and exits 0 at end of input', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'questlog-start-'));
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', QUESTLOG_DATA_DIR: dir, PORT: '0', USER: 'smoke' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (c) => (out += c));
      child.stdin.end('/quest create "CI smoke"\n/quest list\n');
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
      expect(code).toBe(0);
      expect(out).toContain('#1 CI smoke');
      expect(out).toContain('page 1 of 1 · 1 quest');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000); // a fresh embedded database: initdb + migrations in a child process

  it('stops with one line naming a bad variable and a non-zero exit', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], { env: { ...process.env, PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c) => (err += c));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).not.toBe(0);
    expect(err.trim()).toBe('Invalid configuration: PORT must be a port number between 0 and 65535 (got "abc")');
  }, 30_000);
});
