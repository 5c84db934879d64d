import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../platforms/console/console.adapter.js';
import { ConsoleNotifier } from '../platforms/console/console.notifier.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let app: TestApp;
let now = new Date('2026-12-02T06:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

describe('local mode', () => {
  it('a due reminder prints at the console, with its buttons as commands to type', async () => {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk: Buffer) => (printed += chunk.toString()));
    const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, input: new PassThrough(), output, user: 'lou' });
    app.notifier.register(new ConsoleNotifier('lou', (reply) => adapter.notify(reply)));

    await adapter.handleLine('/settings reminder 08:00');
    await adapter.handleLine('/quest create "Stretch" priority:high');
    printed = '';
    now = new Date('2026-12-02T08:00:10Z');
    expect(await app.jobs.runNow('daily-reminder')).toMatchObject({ claimed: 1, enqueued: 1 });
    expect(await app.jobs.runNow('notification-delivery')).toMatchObject({ sent: 1 });
    expect(printed).toContain('🔔 ☀️ Good morning! Your Wednesday quests');
    expect(printed).toContain('#1 Stretch');
    expect(printed).toContain('[Start #1: /quest start #1]');
    // Delivered once: the next run has nothing to print.
    printed = '';
    await app.jobs.runNow('daily-reminder');
    await app.jobs.runNow('notification-delivery');
    expect(printed).toBe('');
  });
});
