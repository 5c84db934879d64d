import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { renderConsole } from '../src/platforms/console/console.render.js';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
let now = new Date('2026-12-02T15:00:00Z'); // Wed 2 Dec, 10:00 in New York
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
  await app.run('/settings timezone America/New_York', 'dora');
});
afterAll(async () => app?.close());

const text = (reply: Reply) => renderConsole(reply, false);

async function create(title: string, options = '', user = 'dora'): Promise<number> {
  const reply = await app.run(`/quest create "${title}" ${options}`, user);
  const number = /^#(\d+) /.exec(reply.title ?? '')?.[1];
  if (!number) throw new Error(`create failed: ${reply.text}`);
  return Number(number);
}

async function dueAt(number: number, user = 'dora'): Promise<Date | null> {
  const [row] = await app.sql<{ due_at: Date | null }>(
    `select q.due_at from quests q join user_identities i on i.user_id = q.user_id where i.platform_user_id = ? and q.number = ?`,
    [user, number],
  );
  return row!.due_at && new Date(row!.due_at);
}

describe('due dates', () => {
  it('reads plain words in the user zone, stores due_at and echoes the local time', async () => {
    const reply = await app.run('/quest create "Send the invoice" due:"tomorrow 5pm"', 'dora');
    expect(reply.text).toContain('📅 Due **Thu 3 Dec 17:00** (due in 31h).');
    const number = Number(/^#(\d+)/.exec(reply.title!)![1]);
    expect(await dueAt(number)).toEqual(new Date('2026-12-03T22:00:00Z'));
    expect(text(reply)).toContain('Due: Thu 3 Dec 17:00 · due in 31h');
  });

  it('refuses a date it cannot read, naming the option, and stores nothing', async () => {
    const before = await app.sql('select count(*)::int as n from quests');
    const reply = await app.run('/quest create "Mystery" due:"someday soon"', 'dora');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(/`due` can't read "someday soon"/);
    expect(await app.sql('select count(*)::int as n from quests')).toEqual(before);
  });

  it('edit sets and clears the due date', async () => {
    const n = await create('Pay rent');
    const set = await app.run(`/quest edit #${n} due:fri`, 'dora');
    expect(set.text).toContain('Updated due.');
    expect(set.text).toContain('Due **Fri 4 Dec 23:59**');
    expect(await dueAt(n)).toEqual(new Date('2026-12-05T04:59:00Z'));
    const cleared = await app.run(`/quest edit #${n} due:none`, 'dora');
    expect(cleared.text).toContain('No due date.');
    expect(await dueAt(n)).toBeNull();
  });

  it('lists overdue first with labels, and filters by today, week, overdue and none', async () => {
    const user = 'lister';
    await app.run('/settings timezone Europe/Berlin', user);
    const soon = await create('Due soon', 'due:"in 3 hours" priority:low', user);
    const later = await create('Due next week', 'due:"in 8 days" priority:urgent', user);
    const never = await create('No date', 'priority:urgent', user);
    const late = await create('Will be late', 'due:"in 1 hour" priority:low', user);
    now = new Date(now.getTime() + 2 * 3_600_000); // two hours on: "late" is an hour overdue
    try {
      const all = await app.run('/quest list', user);
      const lines = all.text!.split('\n');
      expect(lines[0]).toContain(`#${late}`);
      expect(lines[0]).toContain('⏰ 1h overdue');
      expect(all.text).toContain('due in 1h');
      const numbers = (reply: Reply) => [...(reply.text ?? '').matchAll(/\*\*#(\d+)\*\*/g)].map((m) => Number(m[1]));
      expect(numbers(await app.run('/quest list due:overdue', user))).toEqual([late]);
      expect(numbers(await app.run('/quest list due:today', user))).toEqual([late, soon]);
      expect(numbers(await app.run('/quest list due:week', user)).sort()).toEqual([late, soon].sort());
      expect(numbers(await app.run('/quest list due:none', user))).toEqual([never]);
      const view = await app.run(`/quest view #${late}`, user);
      expect(view.fields?.find((f) => f.name === '⏰ Overdue')?.value).toMatch(/1h overdue$/);
      expect(later).toBeGreaterThan(0);
      const empty = await app.run('/quest list due:none tag:nothing', user);
      expect(empty.text).toContain('No quests match these filters');
    } finally {
      now = new Date('2026-12-02T15:00:00Z');
    }
  });
});
