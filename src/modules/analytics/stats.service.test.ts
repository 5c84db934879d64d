import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';

let app: TestApp;
let now = new Date('2026-11-20T12:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

async function completeAt(iso: string, options: string): Promise<void> {
  now = new Date(iso);
  const created = await app.run(`/quest create "Thing" ${options}`, 'vic');
  await app.run(`/quest complete ${created.title!.split(' ')[0]}`, 'vic');
}

describe('/stats', () => {
  it('is declared slow, so platforms acknowledge before drawing', () => {
    expect(app.dispatcher.describe({ identity: { platform: 'discord', scope: '', platformUserId: '1' }, command: 'stats', source: 'command' }).slow).toBe(true);
  });

  it('sums XP per user-day over 30 days and completions by category, with a PNG chart', async () => {
    await app.run('/category create Work', 'vic');
    await completeAt('2026-10-01T12:00:00Z', 'difficulty:epic'); // outside the 30 days
    await completeAt('2026-11-18T12:00:00Z', 'difficulty:easy category:Work');
    await completeAt('2026-11-20T09:00:00Z', 'difficulty:medium category:Work');
    await completeAt('2026-11-20T10:00:00Z', 'difficulty:hard');
    now = new Date('2026-11-20T12:00:00Z');
    const reply = await app.run('/stats', 'vic');
    expect(reply.title).toBe('📊 Your last 30 days');
    expect(reply.fields?.map((f) => [f.name, f.value])).toEqual([
      ['XP earned', '85'],
      ['Quests done', '3'],
      ['Active days', '2/30'],
      ['Best day', '2026-11-20: 75 XP'],
      ['Top categories', 'Work (2), No category (1)'],
    ]);
    const image = reply.images?.[0];
    expect(image?.name).toBe('stats.png');
    expect(image!.data.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(image!.data.length).toBeGreaterThan(10_000);
  });
});
