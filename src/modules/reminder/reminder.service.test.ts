import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../core/reply.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { ReminderService } from './reminder.service.js';

let app: TestApp;
let now = new Date('2026-12-01T10:00:00Z');

const service = () => new ReminderService(app.db.orm.em.fork());
async function ok(line: string, user: string) {
  const reply = await app.run(line, user);
  if (reply.tone === 'error') throw new Error(`${line}: ${reply.text}`);
  return reply;
}
const userId = async (name: string) => {
  const [row] = await app.sql<{ user_id: string }>('select user_id from user_identities where platform_user_id = ?', [name]);
  return row!.user_id;
};
const notifications = async (name: string, type?: string) =>
  app.sql<{ type: string; title: string; dedupe_key: string; data: { reply?: Reply } }>(
    `select type, title, dedupe_key, data from notifications where user_id = ? ${type ? 'and type = ?' : ''} order by created_at`,
    type ? [await userId(name), type] : [await userId(name)],
  );
const nextReminder = async (name: string) => {
  const [row] = await app.sql<{ next_reminder_at: Date }>('select next_reminder_at from user_profiles where user_id = ?', [await userId(name)]);
  return new Date(row!.next_reminder_at).toISOString();
};

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

describe('daily reminder', () => {
  it('writes one reminder at the local time with top quests, the streak and yesterday\u2019s open quests, then moves to tomorrow', async () => {
    now = new Date('2026-12-01T10:00:00Z');
    await ok('/settings timezone Europe/Berlin', 'rita');
    await ok('/settings reminder 08:30', 'rita');
    await ok('/quest create "Water plants" priority:low', 'rita'); // #1
    await ok('/quest start #1', 'rita'); // started "yesterday" relative to Dec 2
    await ok('/quest create "File taxes" priority:urgent', 'rita'); // #2
    await ok('/quest create "Call the bank" priority:high', 'rita'); // #3
    await ok('/quest create "Send the forms" priority:urgent', 'rita'); // #4
    await ok('/quest depend #4 on:#3', 'rita'); // #4 waits on #3: blocked
    await ok('/quest create "Tidy desk" priority:medium', 'rita'); // #5
    expect(await nextReminder('rita')).toBe('2026-12-02T07:30:00.000Z');

    now = new Date('2026-12-02T07:29:00Z');
    expect((await service().sendDueReminders(now, 100)).claimed).toBe(0);

    now = new Date('2026-12-02T07:30:05Z');
    const result = await service().sendDueReminders(now, 100);
    expect(result).toMatchObject({ enqueued: 1 });
    const [row] = await notifications('rita', 'reminder');
    expect(row!.dedupe_key).toBe('reminder:2026-12-02');
    const reply = row!.data.reply!;
    expect(reply.title).toBe('☀️ Good morning! Your Wednesday quests');
    // Ready before blocked, then priority: #2 urgent, #3 high, #5 medium; #4 (urgent but blocked) waits.
    expect(reply.text!.split('\n')).toEqual(['🔥 **#2** File taxes', '⬆️ **#3** Call the bank', '**#5** Tidy desk']);
    expect(reply.fields).toEqual([
      { name: 'Streak', value: 'No streak running: complete a quest today to start one.' },
      { name: 'Did you finish these?', value: '⬇️ **#1** Water plants' },
    ]);
    expect(reply.buttons!.map((b) => b.action)).toEqual([
      'quest start #2',
      'quest complete #2',
      'quest start #3',
      'quest complete #3',
      'quest start #5',
      'quest complete #5',
      'quest complete #1',
    ]);
    expect(reply.buttons!.at(-1)!.label).toBe('Done #1');
    expect(await nextReminder('rita')).toBe('2026-12-03T07:30:00.000Z');
  });

  it('a Done button completes the quest through the normal dispatch path, for the clicking user only', async () => {
    const [row] = await notifications('rita', 'reminder');
    const done = row!.data.reply!.buttons!.at(-1)!;
    await ok('/settings show', 'mallory');
    const other = await app.run(done.action, 'mallory');
    expect(other.tone).toBe('error'); // mallory has no #1
    const reply = await app.run(done.action, 'rita');
    expect(reply.tone).not.toBe('error');
    const [quest] = await app.sql<{ status: string }>('select status from quests where user_id = ? and number = 1', [await userId('rita')]);
    expect(quest!.status).toBe('COMPLETED');
  });

  it('a re-run or a second replica writes nothing twice for the same local date', async () => {
    const id = await userId('rita');
    await app.sql("update user_profiles set next_reminder_at = '2026-12-02T07:30:00Z' where user_id = ?", [id]);
    const again = await service().sendDueReminders(new Date('2026-12-02T07:31:00Z'), 100);
    expect(again).toMatchObject({ claimed: 1, enqueued: 0 });
    expect(await notifications('rita', 'reminder')).toHaveLength(1);
    expect(await nextReminder('rita')).toBe('2026-12-03T07:30:00.000Z');
  });

  it('skips a user whose identities are all unreachable, still moving the reminder on', async () => {
    now = new Date('2026-12-02T06:00:00Z');
    await ok('/settings reminder 08:00', 'una');
    await app.sql('update user_identities set unreachable_at = now() where user_id = ?', [await userId('una')]);
    now = new Date('2026-12-02T08:00:30Z');
    expect(await service().sendDueReminders(now, 100)).toMatchObject({ claimed: 1, enqueued: 0, skipped: 1 });
    expect(await notifications('una')).toHaveLength(0);
    expect(await nextReminder('una')).toBe('2026-12-03T08:00:00.000Z');
  });

  it('a repeated hour sends once: 01:30 on the fall-back night in New York', async () => {
    now = new Date('2026-10-31T12:00:00Z');
    await ok('/settings timezone America/New_York', 'ned');
    await ok('/settings reminder 01:30', 'ned');
    expect(await nextReminder('ned')).toBe('2026-11-01T05:30:00.000Z'); // the first 01:30 (EDT)
    now = new Date('2026-11-01T05:30:10Z');
    expect((await service().sendDueReminders(now, 100)).enqueued).toBe(1);
    expect(await nextReminder('ned')).toBe('2026-11-02T06:30:00.000Z'); // not the second 01:30 (EST) that night
    now = new Date('2026-11-01T06:30:10Z');
    expect((await service().sendDueReminders(now, 100)).claimed).toBe(0);
    expect(await notifications('ned', 'reminder')).toHaveLength(1);
  });

  it('a skipped time goes at the first valid minute, and 08:30 stays 08:30 across spring-forward', async () => {
    now = new Date('2026-03-07T15:00:00Z');
    await ok('/settings timezone America/New_York', 'sky');
    await ok('/settings reminder 02:30', 'sky');
    expect(await nextReminder('sky')).toBe('2026-03-08T07:00:00.000Z'); // 03:00 EDT
    now = new Date('2026-03-07T05:00:00Z'); // 00:00 EST
    await ok('/settings reminder 08:30', 'sky');
    expect(await nextReminder('sky')).toBe('2026-03-07T13:30:00.000Z'); // 08:30 EST
    now = new Date('2026-03-07T13:30:05Z');
    await service().sendDueReminders(now, 100);
    expect(await nextReminder('sky')).toBe('2026-03-08T12:30:00.000Z'); // 08:30 EDT
    now = new Date('2026-03-08T12:30:05Z');
    await service().sendDueReminders(now, 100);
    expect(await nextReminder('sky')).toBe('2026-03-09T12:30:00.000Z');
    expect((await notifications('sky', 'reminder')).map((n) => n.dedupe_key)).toEqual(['reminder:2026-03-07', 'reminder:2026-03-08']);
  });
});

describe('streak watch', () => {
  async function completeOn(day: string, user: string) {
    now = new Date(`${day}T12:00:00Z`);
    await ok(`/quest create "Work of ${day}"`, user);
    const list = await app.sql<{ number: number }>('select max(number) as number from quests where user_id = ?', [await userId(user)]);
    await ok(`/quest complete #${list[0]!.number}`, user);
  }

  it('nudges in the evening when a 3-day streak has nothing today, once', async () => {
    for (const day of ['2026-12-10', '2026-12-11', '2026-12-12']) await completeOn(day, 'sam');
    await ok('/quest create "Nothing yet"', 'sam');
    now = new Date('2026-12-13T19:59:00Z');
    await service().watchStreaks(now, 1000);
    expect(await notifications('sam', 'streak_risk')).toHaveLength(0);
    now = new Date('2026-12-13T20:00:30Z');
    const result = await service().watchStreaks(now, 1000);
    expect(result.nudged).toBeGreaterThanOrEqual(1);
    now = new Date('2026-12-13T20:05:00Z');
    await service().watchStreaks(now, 1000);
    const nudges = await notifications('sam', 'streak_risk');
    expect(nudges).toHaveLength(1);
    expect(nudges[0]!.title).toBe('🔥 Your 3-day streak is at risk');
  });

  it('after the day ends without a completion, the streak is lost once, saying a freeze would have saved it', async () => {
    now = new Date('2026-12-14T00:00:30Z');
    const result = await service().watchStreaks(now, 1000);
    expect(result.lost).toBeGreaterThanOrEqual(1);
    now = new Date('2026-12-14T00:05:00Z');
    await service().watchStreaks(now, 1000);
    now = new Date('2026-12-15T00:00:30Z');
    await service().watchStreaks(now, 1000);
    const lost = await notifications('sam', 'streak_lost');
    expect(lost).toHaveLength(1);
    expect(lost[0]!.title).toBe('💔 Your 3-day streak ended');
    expect(lost[0]!.data.reply!.text).toMatch(/A streak freeze would have saved it/);
    const [row] = await app.sql<{ active: number }>("select count(*)::int as active from streaks where user_id = ? and streak_type = 'daily' and is_active", [
      await userId('sam'),
    ]);
    expect(row!.active).toBe(0);
    // The next completion starts a new streak.
    await completeOn('2026-12-15', 'sam');
    const [after] = await app.sql<{ current_count: number }>("select current_count from streaks where user_id = ? and streak_type = 'daily' and is_active", [
      await userId('sam'),
    ]);
    expect(after!.current_count).toBe(1);
  });
});

describe('dependency unlocks', () => {
  it('completing a prerequisite tells the owner each quest it unblocks is ready, once', async () => {
    now = new Date('2026-12-20T10:00:00Z');
    await ok('/quest create "Buy paint"', 'pia'); // #1
    await ok('/quest create "Paint the walls"', 'pia'); // #2
    await ok('/quest create "Hang pictures"', 'pia'); // #3
    await ok('/quest create "Order frames"', 'pia'); // #4
    await ok('/quest depend #2 on:#1', 'pia');
    await ok('/quest depend #3 on:#1', 'pia');
    await ok('/quest depend #3 on:#4', 'pia'); // #3 still waits on #4
    await ok('/quest complete #1', 'pia');
    const unlocked = await notifications('pia', 'unlocked');
    expect(unlocked.map((n) => n.title)).toEqual(['🔓 #2 is ready to start']);
    expect(unlocked[0]!.data.reply!.buttons!.map((b) => b.action)).toEqual(['quest start #2', 'quest complete #2']);
    await ok('/quest complete #4', 'pia');
    expect((await notifications('pia', 'unlocked')).map((n) => n.title)).toEqual(['🔓 #2 is ready to start', '🔓 #3 is ready to start']);
  });
});
