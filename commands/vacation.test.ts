import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
let now = new Date('2026-12-01T12:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const ok = (line: string, user: string): Promise<Reply> => app.ok(line, user);
const userId = (name: string) => app.userId(name);
async function completeOn(instant: string, user: string): Promise<Reply> {
  now = new Date(instant);
  const created = await ok(`/quest create "Work of ${instant}"`, user);
  const number = /^#(\d+) /.exec(created.title ?? '')![1];
  return ok(`/quest complete #${number}`, user);
}
async function daily(user: string) {
  const [row] = await app.sql<{ current_count: number; last_activity_date: string; streak_freezes: number }>(
    `select s.current_count, to_char(s.last_activity_date, 'YYYY-MM-DD') as last_activity_date, p.streak_freezes
     from streaks s join user_profiles p on p.user_id = s.user_id where s.user_id = ? and s.streak_type = 'daily' and s.is_active`,
    [await userId(user)],
  );
  return row;
}
async function vacation(user: string) {
  const [row] = await app.sql<{ vacation_since: Date | null; vacation_until: Date | null }>(
    'select vacation_since, vacation_until from user_profiles where user_id = ?',
    [await userId(user)],
  );
  return {
    since: row!.vacation_since && new Date(row!.vacation_since).toISOString(),
    until: row!.vacation_until && new Date(row!.vacation_until).toISOString(),
  };
}
const notifications = async (user: string, type: string) =>
  app.sql<{ dedupe_key: string }>('select dedupe_key from notifications where user_id = ? and type = ? order by created_at', [await userId(user), type]);

async function runJobsAt(instant: string) {
  now = new Date(instant);
  await app.jobs.runNow('daily-reminder');
  await app.jobs.runNow('streak-watch');
}

describe('/settings vacation', () => {
  it('holds a 12-day streak through the jobs: no nudge, no loss, no freeze, no reminder while away, and it ends by itself', async () => {
    await ok('/settings reminder 08:00', 'vic');
    for (let day = 1; day <= 12; day++) await completeOn(`2026-12-${String(day).padStart(2, '0')}T12:00:00Z`, 'vic');
    expect(await daily('vic')).toEqual({ current_count: 12, last_activity_date: '2026-12-12', streak_freezes: 1 });

    now = new Date('2026-12-13T09:00:00Z');
    const on = await ok('/settings vacation on until:2026-12-16', 'vic');
    expect(on.text).toBe('🏖️ Vacation on until Wed 16 Dec. Your daily streak is held and reminders pause meanwhile.');
    expect(on.fields!.find((f) => f.name === 'Vacation')!.value).toBe('on until Wed 16 Dec');
    // "until a date" keeps the user away through that day.
    expect(await vacation('vic')).toEqual({ since: '2026-12-13T09:00:00.000Z', until: '2026-12-17T00:00:00.000Z' });

    const streak = await ok('/streak', 'vic');
    expect(streak.text).toContain('🏖️ On vacation until Wed 16 Dec — your 12-day streak is held');
    expect((await ok('/profile', 'vic')).text).toBe('🏖️ On vacation until Wed 16 Dec — your 12-day streak is held');

    // Every day boundary and evening of the vacation, through the jobs.
    for (const instant of [
      '2026-12-13T20:00:30Z',
      '2026-12-14T00:00:30Z',
      '2026-12-14T08:00:30Z',
      '2026-12-14T20:00:30Z',
      '2026-12-15T00:00:30Z',
      '2026-12-15T08:00:30Z',
      '2026-12-15T20:00:30Z',
      '2026-12-16T00:00:30Z',
      '2026-12-16T08:00:30Z',
      '2026-12-16T20:00:30Z',
    ]) {
      await runJobsAt(instant);
    }
    expect(await notifications('vic', 'streak_risk')).toEqual([]);
    expect(await notifications('vic', 'streak_lost')).toEqual([]);
    expect((await notifications('vic', 'reminder')).map((n) => n.dedupe_key)).not.toContain('reminder:2026-12-14');
    expect(await daily('vic')).toMatchObject({ current_count: 12, streak_freezes: 1 });

    // The vacation ended at the start of the 17th; the watch folds the held days into the streak.
    await runJobsAt('2026-12-17T00:00:30Z');
    expect(await vacation('vic')).toEqual({ since: null, until: null });
    expect(await daily('vic')).toEqual({ current_count: 12, last_activity_date: '2026-12-16', streak_freezes: 1 });
    expect(await notifications('vic', 'streak_lost')).toEqual([]);
    await runJobsAt('2026-12-17T08:00:30Z');
    expect((await notifications('vic', 'reminder')).map((n) => n.dedupe_key)).toContain('reminder:2026-12-17');
    expect((await ok('/streak', 'vic')).text).not.toContain('vacation');

    // The first day back continues the streak; no freeze was spent.
    await completeOn('2026-12-17T12:00:00Z', 'vic');
    expect(await daily('vic')).toEqual({ current_count: 13, last_activity_date: '2026-12-17', streak_freezes: 1 });
  });

  it('off brings the user back at once; the streak continues as if the days away did not exist', async () => {
    for (const day of ['01', '02', '03']) await completeOn(`2026-12-${day}T12:00:00Z`, 'oli');
    now = new Date('2026-12-04T10:00:00Z');
    const on = await ok('/settings vacation on', 'oli');
    expect(on.text).toMatch(/^🏖️ Vacation on, until you turn it off/);
    expect((await ok('/settings show', 'oli')).fields!.find((f) => f.name === 'Vacation')!.value).toBe('on (no end date)');
    // Completing during the vacation still counts.
    await completeOn('2026-12-05T12:00:00Z', 'oli');
    expect(await daily('oli')).toMatchObject({ current_count: 4, last_activity_date: '2026-12-05' });
    now = new Date('2026-12-08T10:00:00Z');
    expect((await ok('/streak', 'oli')).text).toContain('🏖️ On vacation — your 4-day streak is held');
    const off = await ok('/settings vacation off', 'oli');
    expect(off.text).toBe('👋 Welcome back! Your 4-day streak carries on: complete a quest today to keep it going.');
    // 6 and 7 Dec were held; the 8th is an ordinary day again.
    expect(await daily('oli')).toMatchObject({ current_count: 4, last_activity_date: '2026-12-07' });
    expect(await vacation('oli')).toEqual({ since: null, until: null });
    await completeOn('2026-12-08T18:00:00Z', 'oli');
    expect(await daily('oli')).toMatchObject({ current_count: 5, last_activity_date: '2026-12-08' });
    expect((await ok('/settings vacation off', 'oli')).text).toMatch(/^You are not on vacation/);
  });

  it('on again while away moves only the end', async () => {
    now = new Date('2026-12-01T10:00:00Z');
    await ok('/settings vacation on until:"2026-12-05 18:00"', 'ena');
    now = new Date('2026-12-02T10:00:00Z');
    const again = await ok('/settings vacation on until:2026-12-09', 'ena');
    expect(again.text).toBe('🏖️ Still on vacation, now until Wed 9 Dec.');
    expect(await vacation('ena')).toEqual({ since: '2026-12-01T10:00:00.000Z', until: '2026-12-10T00:00:00.000Z' });
  });

  it.each([
    ['/settings vacation on until:2026-11-20', /`until` must be in the future/],
    ['/settings vacation on until:"the twelfth of never"', /`until` can't read "the twelfth of never" as a date/],
    ['/settings vacation maybe', /`state`/],
  ])('%s is refused, naming the option, and stores nothing', async (line, message) => {
    now = new Date('2026-12-01T10:00:00Z');
    const reply = await app.run(line, 'eve');
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(message);
    expect(await vacation('eve')).toEqual({ since: null, until: null });
  });

  it('awayAmong tells which users are away at an instant', async () => {
    now = new Date('2026-12-20T10:00:00Z');
    await ok('/settings vacation on until:2026-12-22', 'amy');
    await ok('/settings show', 'ben');
    const ids = [await userId('amy'), await userId('ben')];
    const services = app.services();
    expect(await services.vacation.awayAmong(ids, new Date('2026-12-21T10:00:00Z'))).toEqual(new Set([ids[0]]));
    expect(await services.vacation.awayAmong(ids, new Date('2026-12-23T00:00:00Z'))).toEqual(new Set());
    expect(await services.vacation.awayAmong(ids, new Date('2026-12-20T09:00:00Z'))).toEqual(new Set());
  });

  it("recurring quests of a user on vacation don't roll while away; they roll again once back", async () => {
    now = new Date('2027-01-04T10:00:00Z');
    const created = await ok('/quest create "Morning run" due:"tomorrow 7am" repeat:daily', 'rita');
    const number = /^#(\d+) /.exec(created.title ?? '')![1];
    await ok('/quest create "Evening walk" due:"tomorrow 7pm" repeat:daily', 'sam');
    await ok('/settings vacation on until:2027-01-10', 'rita');
    const dueAt = async (user: string, title: string) => {
      const [row] = await app.sql<{ due_at: Date }>('select due_at from quests where user_id = ? and title = ?', [await userId(user), title]);
      return new Date(row!.due_at).toISOString();
    };
    const before = await dueAt('rita', 'Morning run');
    now = new Date('2027-01-08T12:00:00Z');
    await app.jobs.runNow('recurring-roll');
    expect(await dueAt('rita', 'Morning run')).toBe(before);
    expect(await dueAt('sam', 'Evening walk')).not.toBe(new Date('2027-01-05T19:00:00Z').toISOString());
    expect(new Date(await dueAt('sam', 'Evening walk')).getTime()).toBeLessThanOrEqual(now.getTime());
    await ok('/settings vacation off', 'rita');
    await app.jobs.runNow('recurring-roll');
    expect(new Date(await dueAt('rita', 'Morning run')).getTime()).toBeGreaterThan(new Date(before).getTime());
    expect(await app.run(`/quest view #${number}`, 'rita')).toBeDefined();
  });
});
