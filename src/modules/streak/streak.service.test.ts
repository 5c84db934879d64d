import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../../core/reply.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';

let app: TestApp;
let now = new Date('2026-11-10T12:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

/** Completes a fresh EASY quest at `iso` as `user`. */
async function completeAt(user: string, iso: string): Promise<Reply> {
  now = new Date(iso);
  const created = await app.run('/quest create "Daily thing" difficulty:easy', user);
  const reply = await app.run(`/quest complete ${created.title!.split(' ')[0]}`, user);
  if (reply.tone !== 'success') throw new Error(reply.text);
  return reply;
}

async function settings(user: string, ...lines: string[]): Promise<void> {
  for (const line of lines) {
    const reply = await app.run(line, user);
    if (reply.tone === 'error') throw new Error(reply.text);
  }
}

async function daily(user: string) {
  return app.sql<{ count: number; longest: number; active: boolean; start: string; last: string }>(
    `select s.current_count as count, s.longest_count as longest, s.is_active as active,
       to_char(s.start_date, 'YYYY-MM-DD') as start, to_char(s.last_activity_date, 'YYYY-MM-DD') as last
     from streaks s join user_identities i on i.user_id = s.user_id
     where i.platform_user_id = ? and s.streak_type = 'daily' order by s.created_at`,
    [user],
  );
}

async function freezes(user: string): Promise<number> {
  const [row] = await app.sql<{ n: number }>(
    'select p.streak_freezes as n from user_profiles p join user_identities i on i.user_id = p.user_id where i.platform_user_id = ?',
    [user],
  );
  return row!.n;
}

async function setFreezes(user: string, n: number): Promise<void> {
  await app.sql('update user_profiles set streak_freezes = ? where user_id = (select user_id from user_identities where platform_user_id = ?)', [n, user]);
}

describe('daily streaks across days', () => {
  it('continues on consecutive days and counts a day once', async () => {
    await completeAt('sam', '2026-11-01T09:00:00Z');
    await completeAt('sam', '2026-11-01T18:00:00Z');
    const second = await completeAt('sam', '2026-11-02T09:00:00Z');
    expect(second.text).toContain('🔥 Daily streak: 2 days (your best yet).');
    expect(await daily('sam')).toEqual([{ count: 2, longest: 2, active: true, start: '2026-11-01', last: '2026-11-02' }]);
  });

  it('ends the row after a missed day, keeps it as history and starts again', async () => {
    await completeAt('bea', '2026-11-01T09:00:00Z');
    await completeAt('bea', '2026-11-02T09:00:00Z');
    const reply = await completeAt('bea', '2026-11-04T09:00:00Z');
    expect(reply.text).toContain('💔 Your 2-day daily streak ended; a new one starts now.');
    expect(await daily('bea')).toEqual([
      { count: 2, longest: 2, active: false, start: '2026-11-01', last: '2026-11-02' },
      { count: 1, longest: 2, active: true, start: '2026-11-04', last: '2026-11-04' },
    ]);
    const streak = await app.run('/streak', 'bea');
    expect(streak.fields?.find((f) => f.name === 'Earlier daily streaks')?.value).toBe('2 days (2026-11-01 → 2026-11-02)');
  });

  it('earns a freeze every 7 days', async () => {
    let reply: Reply | undefined;
    for (let day = 1; day <= 7; day++) reply = await completeAt('fay', `2026-10-0${day}T09:00:00Z`);
    expect(reply!.text).toContain('🧊 Streak freeze earned (1/2 banked)');
    expect(await freezes('fay')).toBe(1);
  });

  it('bridges one missed day with a banked freeze', async () => {
    await completeAt('finn', '2026-11-01T09:00:00Z');
    await completeAt('finn', '2026-11-02T09:00:00Z');
    await setFreezes('finn', 1);
    const reply = await completeAt('finn', '2026-11-04T09:00:00Z');
    expect(reply.text).toContain('🧊 A streak freeze covered the day you missed: daily streak 3 days.');
    expect(await daily('finn')).toEqual([{ count: 3, longest: 3, active: true, start: '2026-11-01', last: '2026-11-04' }]);
    expect(await freezes('finn')).toBe(0);
  });

  it('does not bridge two missed days, and keeps the freeze', async () => {
    await completeAt('gus', '2026-11-01T09:00:00Z');
    await completeAt('gus', '2026-11-02T09:00:00Z');
    await setFreezes('gus', 1);
    await completeAt('gus', '2026-11-05T09:00:00Z');
    expect((await daily('gus')).map((r) => [r.count, r.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    expect(await freezes('gus')).toBe(1);
  });

  it('shows a lapsed streak as 0 before the row is closed', async () => {
    await completeAt('lou', '2026-11-01T09:00:00Z');
    now = new Date('2026-11-05T09:00:00Z');
    const reply = await app.run('/streak', 'lou');
    expect(reply.fields?.find((f) => f.name === 'Daily streak')?.value).toBe('—\nbest 1 day');
  });
});

describe("the user's day", () => {
  it('counts 01:30 as yesterday with a 03:00 day start', async () => {
    await settings('nia', '/settings day-start 3');
    await completeAt('nia', '2026-05-10T20:00:00Z');
    await completeAt('nia', '2026-05-11T01:30:00Z');
    expect((await daily('nia')).map((r) => [r.count, r.last])).toEqual([[1, '2026-05-10']]);
    await completeAt('nia', '2026-05-11T03:30:00Z');
    expect((await daily('nia')).map((r) => [r.count, r.last])).toEqual([[2, '2026-05-11']]);
  });

  it('follows the wall clock across spring-forward in America/New_York', async () => {
    await settings('ned', '/settings timezone America/New_York');
    await completeAt('ned', '2026-03-08T04:30:00Z'); // 23:30 EST on 7 March
    await completeAt('ned', '2026-03-09T03:30:00Z'); // 23:30 EDT on 8 March, a 23-hour day
    await completeAt('ned', '2026-03-09T04:30:00Z'); // 00:30 EDT on 9 March: one UTC day with the previous one
    expect(await daily('ned')).toEqual([{ count: 3, longest: 3, active: true, start: '2026-03-07', last: '2026-03-09' }]);
  });

  it('follows the wall clock across fall-back in Europe/Berlin with a 03:00 day start', async () => {
    await settings('bert', '/settings timezone Europe/Berlin', '/settings day-start 3');
    await completeAt('bert', '2026-10-24T10:00:00Z'); // 12:00 CEST on 24 October
    await completeAt('bert', '2026-10-25T01:30:00Z'); // 02:30 CET after the clocks went back: still 24 October
    expect((await daily('bert')).map((r) => [r.count, r.last])).toEqual([[1, '2026-10-24']]);
    await completeAt('bert', '2026-10-25T02:00:00Z'); // 03:00 CET: 25 October, a 25-hour day
    expect((await daily('bert')).map((r) => [r.count, r.last])).toEqual([[2, '2026-10-25']]);
  });

  it('keeps a streak across the date line: Honolulu to Kiritimati skips a calendar date', async () => {
    await settings('dora', '/settings timezone Pacific/Honolulu');
    await completeAt('dora', '2026-11-10T06:00:00Z'); // 20:00 on 9 November in Honolulu
    await completeAt('dora', '2026-11-11T06:00:00Z'); // 20:00 on 10 November
    await settings('dora', '/settings timezone Pacific/Kiritimati');
    // 22:00 on 12 November in Kiritimati: two dates later there, one day later in Honolulu.
    const reply = await completeAt('dora', '2026-11-12T08:00:00Z');
    expect(reply.text).toContain('Streak bonus: +2% for your 2-day streak');
    expect(await daily('dora')).toEqual([{ count: 3, longest: 3, active: true, start: '2026-11-09', last: '2026-11-12' }]);
  });
});
