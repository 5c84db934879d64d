import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../core/reply.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let app: TestApp;
let now = new Date('2026-12-02T10:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const ok = (line: string, user: string): Promise<Reply> => app.ok(line, user);
const userId = (name: string) => app.userId(name);
const notices = async (user: string, type = 'due_soon') =>
  app.sql<{ title: string; dedupe_key: string; expires_at: Date | null; data: { reply?: Reply; number?: number } }>(
    'select title, dedupe_key, expires_at, data from notifications where user_id = ? and type = ? order by created_at',
    [await userId(user), type],
  );
async function dueSoonAt(instant: string) {
  now = new Date(instant);
  return app.jobs.runNow('due-soon');
}

describe('due-soon job', () => {
  it('announces an open quest once when it comes within the lead time (default 1h), and again after its due time moves', async () => {
    now = new Date('2026-12-02T10:00:00Z');
    await ok('/settings timezone Europe/Berlin', 'dan');
    await ok('/quest create "Pay rent" due:"2026-12-02 18:00"', 'dan'); // 17:00Z
    await ok('/quest create "Done early" due:"2026-12-02 18:00"', 'dan');
    await ok('/quest complete #2', 'dan');
    await ok('/quest create "Later" due:"2026-12-03 18:00"', 'dan');

    await dueSoonAt('2026-12-02T15:59:00Z');
    expect(await notices('dan')).toEqual([]);
    const run = await dueSoonAt('2026-12-02T16:00:30Z');
    expect(run).toMatchObject({ claimed: 1, enqueued: 1 });
    const [notice] = await notices('dan');
    expect(notice!.title).toBe('⏰ #1 is due in 59m');
    expect(notice!.data.reply!.text).toContain('Pay rent: due');
    expect(notice!.data.reply!.text).toContain('Wed 2 Dec 18:00');
    expect(notice!.data.reply!.buttons!.map((b) => b.action)).toEqual(['quest complete #1']);
    expect(new Date(notice!.expires_at!).toISOString()).toBe('2026-12-02T17:00:00.000Z');
    const questId = (await app.sql<{ id: string }>('select id from quests where user_id = ? and number = 1', [await userId('dan')]))[0]!.id;
    expect(notice!.dedupe_key).toBe(`due_soon:${questId}:${Date.parse('2026-12-02T17:00:00Z')}`);

    // Later ticks write nothing more for the same due time.
    await dueSoonAt('2026-12-02T16:01:30Z');
    await dueSoonAt('2026-12-02T16:30:30Z');
    expect(await notices('dan')).toHaveLength(1);

    // Moved to 19:00 local: announced again an hour before the new time.
    await ok('/quest edit #1 due:"2026-12-02 19:00"', 'dan');
    await dueSoonAt('2026-12-02T16:45:00Z');
    expect(await notices('dan')).toHaveLength(1);
    await dueSoonAt('2026-12-02T17:00:30Z');
    expect((await notices('dan')).map((n) => n.title)).toEqual(['⏰ #1 is due in 59m', '⏰ #1 is due in 59m']);
  });

  it('follows the lead-time preference, and off stops the notices', async () => {
    now = new Date('2026-12-05T08:00:00Z');
    const set = await ok('/settings due-soon 2h30m', 'lea');
    expect(set.text).toBe('Due-soon notices now come 2h30m before a quest is due.');
    expect(set.fields!.find((f) => f.name === 'Due-soon notice')!.value).toBe('2h30m before');
    await ok('/quest create "Call mum" due:"2026-12-05 12:00"', 'lea'); // UTC
    await dueSoonAt('2026-12-05T09:29:00Z');
    expect(await notices('lea')).toEqual([]);
    await dueSoonAt('2026-12-05T09:30:30Z');
    expect((await notices('lea')).map((n) => n.title)).toEqual(['⏰ #1 is due in 2h']);

    expect((await ok('/settings due-soon off', 'lea')).text).toBe('Due-soon notices turned off.');
    await ok('/quest create "Water plants" due:"2026-12-05 14:00"', 'lea');
    await dueSoonAt('2026-12-05T13:30:00Z');
    expect(await notices('lea')).toHaveLength(1);
    await ok('/settings due-soon 90', 'lea');
    await dueSoonAt('2026-12-05T13:31:00Z');
    expect((await notices('lea')).map((n) => n.title)).toEqual(['⏰ #1 is due in 2h', '⏰ #2 is due in 29m']);
  });

  it.each([
    ['/settings due-soon 3', /`lead` must be a duration between 5m and 24h .*\(got "3"\)/],
    ['/settings due-soon 25h', /`lead` must be a duration between 5m and 24h/],
    ['/settings due-soon soon', /`lead` must be a duration between 5m and 24h .*or off \(got "soon"\)/],
  ])('%s is refused naming the option and the range', async (line, message) => {
    const reply = await app.run(line, 'rex');
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(message);
    const [row] = await app.sql<{ due_soon_minutes: number }>('select due_soon_minutes from user_profiles where user_id = ?', [await userId('rex')]);
    expect(row!.due_soon_minutes).toBe(60);
  });

  it('skips users on vacation, and the notification preference switches it off like any other', async () => {
    now = new Date('2026-12-08T08:00:00Z');
    await ok('/quest create "Renew passport" due:"2026-12-08 12:00"', 'val');
    await ok('/settings vacation on until:2026-12-09', 'val');
    await dueSoonAt('2026-12-08T11:30:00Z');
    expect(await notices('val')).toEqual([]);

    const pref = await ok('/settings notifications due_soon in_app off', 'val');
    expect(pref.tone).not.toBe('error');
    const [row] = await app.sql<{ in_app_enabled: boolean }>(
      "select in_app_enabled from notification_preferences where user_id = ? and notification_type = 'due_soon'",
      [await userId('val')],
    );
    expect(row!.in_app_enabled).toBe(false);
  });
});

describe('overdue quests in the morning reminder', () => {
  it('lists the longest-overdue open quests with how late they are, at most three and "and N more"', async () => {
    now = new Date('2026-12-01T06:00:00Z');
    await ok('/quest create "Pay rent" due:"2026-12-01 09:00"', 'ora'); // #1
    await ok('/quest create "File taxes" due:"2026-12-01 10:00"', 'ora'); // #2
    await ok('/quest create "Call the bank" due:"2026-12-02 18:00"', 'ora'); // #3
    await ok('/quest create "Return books" due:"2026-12-03 07:00"', 'ora'); // #4
    await ok('/quest create "Done already" due:"2026-12-01 08:30"', 'ora'); // #5
    await ok('/quest complete #5', 'ora');
    await ok('/quest create "Next week" due:"2026-12-10 09:00"', 'ora'); // #6
    now = new Date('2026-12-03T06:00:00Z');
    await ok('/settings reminder 08:00', 'ora');

    now = new Date('2026-12-03T08:00:30Z');
    await app.jobs.runNow('daily-reminder');
    const [reminder] = await notices('ora', 'reminder');
    const field = reminder!.data.reply!.fields!.find((f) => f.name.startsWith('⚠️'))!;
    expect(field.name).toBe('⚠️ 4 overdue');
    expect(field.value.split('\n')).toEqual([
      '**#1** Pay rent (47h overdue)',
      '**#2** File taxes (46h overdue)',
      '**#3** Call the bank (14h overdue)',
      '…and 1 more: `/quest list due:overdue`',
    ]);
  });

  it('has no overdue line when nothing is overdue', async () => {
    now = new Date('2026-12-01T06:00:00Z');
    await ok('/settings reminder 08:00', 'pat');
    await ok('/quest create "Someday" due:"2026-12-20 09:00"', 'pat');
    now = new Date('2026-12-01T08:00:30Z');
    await app.jobs.runNow('daily-reminder');
    const [reminder] = await notices('pat', 'reminder');
    expect(reminder!.data.reply!.fields!.map((f) => f.name)).toEqual(['Streak']);
  });
});
