import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Reply } from '../../core/reply.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';

let app: TestApp;
let now = new Date('2026-11-10T12:00:00Z');
const at = (iso: string) => {
  now = new Date(iso);
};

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

async function create(user: string, options = 'difficulty:hard estimate:2h'): Promise<number> {
  const reply = await app.run(`/quest create "Quest" ${options}`, user);
  const number = /^#(\d+)/.exec(reply.title ?? '')?.[1];
  if (!number) throw new Error(`quest not created: ${reply.text}`);
  return Number(number);
}

async function completeNew(user: string, options?: string): Promise<Reply> {
  const n = await create(user, options);
  const reply = await app.run(`/quest complete #${n}`, user);
  if (reply.tone === 'error') throw new Error(reply.text);
  return reply;
}

const xpOf = (reply: Reply) => Number(/\+(\d+) XP\*\*/.exec(reply.text ?? '')?.[1]);

async function userRow(user: string) {
  const [row] = await app.sql<{ id: string; xp: number; level: number; freezes: number }>(
    `select u.id, u.experience_points as xp, u.level, p.streak_freezes as freezes from users u
     join user_identities i on i.user_id = u.id join user_profiles p on p.user_id = u.id where i.platform_user_id = ?`,
    [user],
  );
  return row!;
}

async function ledger(user: string) {
  const { id } = await userRow(user);
  return app.sql<{ amount: number; reason: string; details: Record<string, unknown> }>(
    'select amount, reason, details from experience_events where user_id = ? order by created_at, reason desc',
    [id],
  );
}

async function streaks(user: string) {
  const { id } = await userRow(user);
  return app.sql<{ type: string; count: number; longest: number; active: boolean; last: string }>(
    `select streak_type as type, current_count as count, longest_count as longest, is_active as active, to_char(last_activity_date, 'YYYY-MM-DD') as last
     from streaks where user_id = ? order by streak_type, created_at`,
    [id],
  );
}

async function counters(user: string) {
  const { id } = await userRow(user);
  const [row] = await app.sql<{ completions: number; by_difficulty: Record<string, number>; by_minute: Record<string, number> }>(
    'select completions, completions_by_difficulty as by_difficulty, completions_by_minute as by_minute from user_stats where user_id = ?',
    [id],
  );
  return row;
}

describe('rewards at completion', () => {
  it('awards a HARD 2h quest 65 XP with no streak, in the ledger and on the user', async () => {
    at('2026-11-10T12:00:00Z');
    const reply = await completeNew('hana');
    expect(xpOf(reply)).toBe(65);
    const rows = await ledger('hana');
    expect(rows.filter((r) => r.reason === 'quest').map((r) => r.amount)).toEqual([65]);
    // First Steps unlocks on the first completion and grants its own 10 XP.
    expect(rows.filter((r) => r.reason === 'achievement').map((r) => [r.amount, r.details.code])).toEqual([[10, 'first_quest']]);
    expect(await userRow('hana')).toMatchObject({ xp: 75, level: 1 });
    expect(reply.text).toContain('First Steps');
    expect(reply.followUps?.map((f) => f.title)).toEqual(['🏅 Achievement unlocked: 🎯 First Steps']);
  });

  it('adds 10% for a 10-day streak: 50 x 1.3 x 1.10 = 71.5 -> 72 XP', async () => {
    for (let day = 1; day <= 10; day++) {
      at(`2026-10-${String(day).padStart(2, '0')}T09:00:00Z`);
      await completeNew('tess', 'difficulty:easy estimate:30m');
    }
    at('2026-10-11T09:00:00Z');
    const reply = await completeNew('tess');
    expect(xpOf(reply)).toBe(72);
    expect(reply.text).toContain('Streak bonus: +10% for your 10-day streak');
    const quest = (await ledger('tess')).filter((r) => r.reason === 'quest').at(-1)!;
    expect(quest).toMatchObject({ amount: 72, details: expect.objectContaining({ bonusPercent: 10 }) });
  });

  it("does not count today's earlier completions towards today's bonus", async () => {
    at('2026-10-01T09:00:00Z');
    await completeNew('ivo', 'difficulty:easy estimate:30m');
    at('2026-10-02T09:00:00Z');
    expect(xpOf(await completeNew('ivo'))).toBe(66); // 1-day streak at day start: 65 x 1.01 = 65.65
    at('2026-10-02T18:00:00Z');
    expect(xpOf(await completeNew('ivo'))).toBe(66); // still the 1-day streak as it stood this morning
  });

  it('levels up with a notice, a notification row and the behavior log', async () => {
    at('2026-11-10T12:00:00Z');
    // EPIC 24h = 200 XP; with First Steps (10) and Epic Undertaking (50): 260 XP = level 2.
    const reply = await completeNew('lena', 'difficulty:epic estimate:24h');
    expect(xpOf(reply)).toBe(200);
    expect(await userRow('lena')).toMatchObject({ xp: 260, level: 2 });
    const levelUp = reply.followUps?.find((f) => f.title?.includes('Level up'));
    expect(levelUp).toMatchObject({ title: '⬆️ Level up! You reached level 2', tone: 'success', progress: { value: 160, max: 200 } });
    const { id } = await userRow('lena');
    const notifications = await app.sql<{ type: string; title: string; is_sent: boolean; delivered_via: string }>(
      'select type, title, is_sent, delivered_via from notifications where user_id = ? order by type, title',
      [id],
    );
    expect(notifications).toEqual([
      // Shown in the reply above, so recorded as delivered there and never sent again as a DM.
      { type: 'achievement_unlocked', title: 'Achievement unlocked: Epic Undertaking', is_sent: true, delivered_via: 'reply' },
      { type: 'achievement_unlocked', title: 'Achievement unlocked: First Steps', is_sent: true, delivered_via: 'reply' },
      { type: 'level_up', title: 'Level 2!', is_sent: true, delivered_via: 'reply' },
    ]);
    const [log] = await app.sql<{ action_data: Record<string, unknown> }>(
      "select action_data from user_behavior_logs where user_id = ? and action_type = 'rewards_granted'",
      [id],
    );
    expect(log!.action_data).toMatchObject({ xp: 200, level: 2, previousLevel: 1 });
    expect((log!.action_data.achievements as string[]).sort()).toEqual(['epic_1', 'first_quest']);
  });

  it('keeps indexed counters instead of scanning history', async () => {
    at('2026-11-10T22:30:00Z');
    await completeNew('cora', 'difficulty:easy');
    await completeNew('cora', 'difficulty:easy');
    await completeNew('cora', 'difficulty:hard');
    expect(await counters('cora')).toEqual({ completions: 3, by_difficulty: { EASY: 2, HARD: 1 }, by_minute: { '1350': 3 } });
  });

  it('grants nothing when the completion is refused', async () => {
    at('2026-11-10T12:00:00Z');
    const n = await create('rhea');
    await app.run(`/quest complete #${n}`, 'rhea');
    const before = await ledger('rhea');
    const again = await app.run(`/quest complete #${n}`, 'rhea');
    expect(again.tone).toBe('error');
    expect(await ledger('rhea')).toEqual(before);
  });
});

describe('/quest undo', () => {
  it('reverses exactly the awarded amount, the streak step and the counters; achievements stay', async () => {
    at('2026-09-01T09:00:00Z');
    await completeNew('umar', 'difficulty:easy estimate:30m');
    at('2026-09-02T09:00:00Z');
    await completeNew('umar', 'difficulty:easy estimate:30m');
    at('2026-09-03T09:00:00Z');
    const before = { user: await userRow('umar'), streaks: await streaks('umar'), counters: await counters('umar') };
    const n = await create('umar');
    const completed = await app.run(`/quest complete #${n}`, 'umar');
    expect(xpOf(completed)).toBe(66);
    expect((await streaks('umar')).find((s) => s.type === 'daily')).toMatchObject({ count: 3, last: '2026-09-03' });

    at('2026-09-03T20:00:00Z');
    const undone = await app.run(`/quest undo #${n}`, 'umar');
    expect(undone.title).toBe(`↩️ Reopened #${n} Quest`);
    expect(undone.text).toContain('-66 XP');
    // On a Roll (3-day streak, +15 XP) unlocked with it and stays.
    expect(await userRow('umar')).toEqual({ ...before.user, xp: before.user.xp + 15 });
    expect(await streaks('umar')).toEqual(before.streaks);
    expect(await counters('umar')).toEqual(before.counters);
    expect((await ledger('umar')).slice(-3).map((r) => [r.reason, r.amount])).toEqual([
      ['quest', 66],
      ['achievement', 15],
      ['undo', -66],
    ]);
    const [quest] = await app.sql<{ status: string; completed_at: Date | null }>(
      'select q.status, q.completed_at from quests q join users u on u.id = q.user_id where u.id = ? and q.number = ?',
      [before.user.id, n],
    );
    expect(quest).toEqual({ status: 'ACTIVE', completed_at: null });

    // Completing it again awards the same amount: the streak stands as before.
    const again = await app.run(`/quest complete #${n}`, 'umar');
    expect(xpOf(again)).toBe(66);
  });

  it('reopens a started quest as in progress and takes back a level', async () => {
    at('2026-09-10T09:00:00Z');
    const n = await create('lev', 'difficulty:epic estimate:24h');
    await app.run(`/quest start #${n}`, 'lev');
    await app.run(`/quest complete #${n}`, 'lev');
    expect(await userRow('lev')).toMatchObject({ xp: 260, level: 2 });
    const undone = await app.run(`/quest undo #${n}`, 'lev');
    expect(undone.text).toContain('You are back at level 1.');
    // Achievements (and their 60 XP) stay.
    expect(await userRow('lev')).toMatchObject({ xp: 60, level: 1 });
    const [row] = await app.sql<{ status: string }>(
      'select status from quests q join user_identities i on i.user_id = q.user_id where i.platform_user_id = ? and q.number = ?',
      ['lev', n],
    );
    expect(row!.status).toBe('IN_PROGRESS');
  });

  it('undoes a completion that restarted a broken streak: the new row goes, the ended one is active again', async () => {
    at('2026-10-05T09:00:00Z');
    await completeNew('rosa', 'difficulty:easy');
    at('2026-10-06T09:00:00Z');
    await completeNew('rosa', 'difficulty:easy');
    const before = await streaks('rosa');
    // Three days missed, no freeze: the daily streak breaks and restarts.
    at('2026-10-10T09:00:00Z');
    const n = await create('rosa', 'difficulty:easy');
    await app.run(`/quest complete #${n}`, 'rosa');
    const daily = (await streaks('rosa')).filter((s) => s.type === 'daily');
    expect(daily.map((s) => [s.count, s.active])).toEqual([
      [2, false],
      [1, true],
    ]);
    await app.run(`/quest undo #${n}`, 'rosa');
    expect(await streaks('rosa')).toEqual(before);
  });

  it('keeps the streak when another completion still counts for that day', async () => {
    at('2026-09-20T09:00:00Z');
    await completeNew('dina', 'difficulty:easy');
    const n = await create('dina', 'difficulty:easy');
    await app.run(`/quest complete #${n}`, 'dina');
    await app.run(`/quest undo #${n}`, 'dina');
    expect((await streaks('dina')).filter((s) => s.active).map((s) => [s.type, s.count])).toEqual([
      ['daily', 1],
      ['monthly', 1],
      ['weekly', 1],
    ]);
  });

  it.each([
    ['a quest that is not completed', async (n: number) => n, /Quest #\d+ is active, not completed, so there is nothing to undo\./],
    [
      'a completion more than 24 hours old',
      async (n: number) => {
        await app.run(`/quest complete #${n}`, 'olga');
        at('2026-08-02T12:00:01Z');
        return n;
      },
      /completed on 2026-08-01 12:00 UTC, more than 24 hours ago; only completions from the last 24 hours can be undone\./,
    ],
  ])('refuses to undo %s precisely and changes nothing', async (_name, prepare, message) => {
    at('2026-08-01T12:00:00Z');
    const n = await prepare(await create('olga'));
    const before = { user: await userRow('olga'), ledger: await ledger('olga'), streaks: await streaks('olga') };
    const reply = await app.run(`/quest undo #${n}`, 'olga');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(message);
    expect({ user: await userRow('olga'), ledger: await ledger('olga'), streaks: await streaks('olga') }).toEqual(before);
  });

  it("cannot undo someone else's quest", async () => {
    at('2026-08-05T12:00:00Z');
    const reply = await completeNew('pia');
    expect(reply.tone).toBe('success');
    const foreign = await app.run('/quest undo #1', 'quinn');
    expect(foreign).toMatchObject({ tone: 'error' });
    expect(foreign.text).toMatch(/not found/);
  });
});

describe('the leaderboard cache is best effort', () => {
  it('completes the quest and answers from the database while the kv store is down', async () => {
    at('2026-11-11T12:00:00Z');
    const space = { platform: 'console' as const, externalId: 'kv-down' };
    const failures = (['exists', 'zadd', 'zrem', 'setIfAbsent', 'zrevrange'] as const).map((method) =>
      vi.spyOn(app.kv, method).mockRejectedValue(new Error('connect ECONNREFUSED')),
    );
    try {
      const n = await create('kurt');
      const done = await app.run(`/quest complete #${n}`, 'kurt', space);
      expect(done.tone).toBe('success');
      expect(await userRow('kurt')).toMatchObject({ xp: 75 });
      const board = await app.run('/leaderboard', 'kurt', space);
      expect(board.text).toContain('🥇 **kurt** (you): 75 XP');
    } finally {
      failures.forEach((f) => f.mockRestore());
    }
  });
});

if (!process.env.DATABASE_URL) console.warn('Concurrent-completion test skipped: DATABASE_URL is not set (it needs a real PostgreSQL server)');
describe.skipIf(!process.env.DATABASE_URL)('concurrency on PostgreSQL', () => {
  let pg: TestApp;
  beforeAll(async () => {
    pg = await startTestApp({ poolMax: 12, clock: () => new Date('2026-11-12T12:00:00Z') });
  });
  afterAll(async () => pg?.close());

  it('ten concurrent completions of one quest award XP once', async () => {
    await pg.run('/quest create "Race" difficulty:hard estimate:2h', 'zed');
    const replies = await Promise.all(Array.from({ length: 10 }, () => pg.run('/quest complete #1', 'zed')));
    expect(replies.filter((r) => r.tone === 'success')).toHaveLength(1);
    const [user] = await pg.sql<{ xp: number; quests: number; completions: number }>(
      `select u.experience_points as xp,
         (select count(*)::int from experience_events e where e.user_id = u.id and e.reason = 'quest') as quests,
         (select completions from user_stats s where s.user_id = u.id) as completions
       from users u join user_identities i on i.user_id = u.id where i.platform_user_id = 'zed'`,
    );
    expect(user).toEqual({ xp: 75, quests: 1, completions: 1 });
  });

  it('ten concurrent completions of different quests all count, once each', async () => {
    for (let i = 0; i < 10; i++) await pg.run('/quest create "Batch" difficulty:easy estimate:30m', 'yan');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => pg.run(`/quest complete #${i + 1}`, 'yan')));
    expect(replies.filter((r) => r.tone !== 'success').map((r) => r.text)).toEqual([]);
    const [user] = await pg.sql<{ xp: number; completions: number; daily: number }>(
      `select u.experience_points as xp, (select completions from user_stats s where s.user_id = u.id) as completions,
         (select current_count from streaks s where s.user_id = u.id and s.streak_type = 'daily' and s.is_active) as daily
       from users u join user_identities i on i.user_id = u.id where i.platform_user_id = 'yan'`,
    );
    // 10 x 10 XP, First Steps (10), Getting Things Done (25) and, at 12:00, Lunch Break Hero (20): each once.
    expect(user).toEqual({ xp: 155, completions: 10, daily: 1 });
  });
});

if (!process.env.DATABASE_URL) {
  console.info('progression.service.test: concurrency tests skipped (they need real PostgreSQL: set DATABASE_URL)');
}

describe('/profile', () => {
  it('shows level, XP, completions and the unlocked share of the catalog', async () => {
    at('2026-11-10T12:00:00Z');
    await completeNew('pro');
    const reply = await app.run('/profile', 'pro');
    const [{ total }] = (await app.sql<{ total: number }>('select count(*)::int as total from achievements')) as [{ total: number }];
    expect(reply.fields?.find((f) => f.name === 'Total XP')?.value).toBe('75');
    expect(reply.fields?.find((f) => f.name === 'Quests done')?.value).toBe('1');
    expect(reply.fields?.find((f) => f.name.startsWith('Achievements'))).toMatchObject({ name: `Achievements (1/${total})` });
    expect(reply.fields?.find((f) => f.name.startsWith('Achievements'))?.value).toContain('First Steps');
  });
});
