import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { ConsoleAdapter } from './console.adapter.js';

describe('console: reply files', () => {
  let app: TestApp;
  let dir = '';
  beforeAll(async () => {
    app = await startTestApp();
    dir = await mkdtemp(join(tmpdir(), 'questlog-files-'));
  });
  afterAll(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the export under the data directory, readable only by its owner, and prints its path', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => (printed += chunk));
    const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, input: new PassThrough(), output, user: 'erin', filesDir: join(dir, 'exports') });
    await adapter.handleLine('/quest create "Local quest"');
    await adapter.handleLine('/questlog export');
    const match = /📎 Saved (questlog-export-[\d-]+\.json) \([\d.]+ KB\) to (\S+)/.exec(printed);
    expect(match, printed).not.toBeNull();
    expect(match![2]).toBe(join(dir, 'exports', match![1]!));
    const doc = JSON.parse(await readFile(match![2]!, 'utf8'));
    expect(doc.quests.map((q: { title: string }) => q.title)).toEqual(['Local quest']);
    expect((await stat(match![2]!)).mode & 0o777).toBe(0o600);
  });
});
