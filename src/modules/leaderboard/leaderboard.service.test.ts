import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpaceRef } from '../../core/invocation.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { leaderboardWritesSettled, periodWindow } from './leaderboard.service.js';

let app: TestApp;
let now = new Date('2026-11-11T12:00:00Z'); // a Wednesday in ISO week 2026-W46

beforeAll(async () => {
  app = await startTestApp({ clock: () => now, redis: true });
});
afterAll(async () => app?.close());

const guild: SpaceRef = { platform: 'discord', externalId: 'guild-1', name: 'Guild' };
const other: SpaceRef = { platform: 'discord', externalId: 'guild-2', name: 'Other' };

async function complete(user: string, options: string, space: SpaceRef = guild): Promise<void> {
  const created = await app.run(`/quest create "Thing" ${options}`, user, space);
  const done = await app.run(`/quest complete ${created.title!.split(' ')[0]}`, user, space);
  if (done.tone !== 'success') throw new Error(done.text);
  await leaderboardWritesSettled(app.kv);
}

async function spaceId(space: SpaceRef): Promise<string> {
  const [row] = await app.sql<{ id: string }>('select id from spaces where platform = ? and external_id = ?', [space.platform, space.externalId]);
  return row!.id;
}

const board = async (user: string, period = '', space: SpaceRef = guild) => (await app.run(`/leaderboard ${period}`, user, space)).text;

describe('/leaderboard', () => {
  beforeAll(async () => {
    now = new Date('2026-11-03T12:00:00Z'); // the week before
    await complete('ann', 'difficulty:epic estimate:24h'); // 200 + 10 + 50
    now = new Date('2026-11-11T12:00:00Z');
    await complete('ben', 'difficulty:hard estimate:2h'); // 65 + 10
    await complete('cat', 'difficulty:medium'); // 25 + 10
    await complete('ann', 'difficulty:easy'); // 10
    await complete('dex', 'difficulty:epic estimate:24h', other); // another guild
  });

  it('ranks this week from the ledger and builds the cached set', async () => {
    expect(await board('cat')).toBe('🥇 ben: 75 XP\n🥈 **cat** (you): 35 XP\n🥉 ann: 10 XP');
    const id = await spaceId(guild);
    const { label } = periodWindow('week', now);
    expect(label).toBe('2026-W46');
    expect(await app.kv.zrevrange(`lb:${id}:${label}`, 0, -1)).toHaveLength(3);
  });

  it('ranks all time by total XP and this month, each for the current space only', async () => {
    expect(await board('ann', 'all')).toBe('🥇 **ann** (you): 270 XP\n🥈 ben: 75 XP\n🥉 cat: 35 XP');
    expect(await board('ann', 'month')).toBe('🥇 **ann** (you): 270 XP\n🥈 ben: 75 XP\n🥉 cat: 35 XP');
    expect(await board('dex', 'all', other)).toBe('🥇 **dex** (you): 260 XP');
  });

  it('keeps the cached set up to date after a completion commits', async () => {
    await board('cat'); // cache built
    await complete('cat', 'difficulty:epic estimate:24h');
    const id = await spaceId(guild);
    expect(
      await app.kv.zscore(
        `lb:${id}:${periodWindow('week', now).label}`,
        (await app.sql<{ id: string }>("select user_id as id from user_identities where platform_user_id = 'cat'"))[0]!.id,
      ),
    ).toBe(285);
    expect((await board('cat'))!.split('\n')[0]).toBe('🥇 **cat** (you): 285 XP');
  });

  it('rebuilds a missing set from the ledger', async () => {
    const id = await spaceId(guild);
    const key = `lb:${id}:all`;
    await board('ben', 'all');
    await app.kv.del(key, `${key}:built`);
    expect(await app.kv.exists(key)).toBe(false);
    expect(await board('ben', 'all')).toBe('🥇 cat: 285 XP\n🥈 ann: 270 XP\n🥉 **ben** (you): 75 XP');
    expect(await app.kv.zcard(key)).toBe(3);
  });

  it('leaves out members who opted out, and brings them back when they opt in', async () => {
    await board('ben');
    const off = await app.run('/settings leaderboard off', 'ben', guild);
    expect(off.text).toBe('You are now hidden from every leaderboard.');
    await leaderboardWritesSettled(app.kv);
    const hidden = await board('ben');
    expect(hidden).not.toContain('75 XP');
    expect(hidden).toContain('You are hidden from leaderboards.');
    await app.kv.del(`lb:${await spaceId(guild)}:${periodWindow('week', now).label}:built`);
    expect(await board('cat')).not.toContain('ben');
    await app.run('/settings leaderboard on', 'ben', guild);
    await leaderboardWritesSettled(app.kv);
    expect(await board('ben')).toContain('🥈 **ben** (you): 75 XP');
  });

  it('hides an opted-out member from every cached board and period before the reply says so', async () => {
    for (const period of ['', 'month', 'all']) await board('cat', period); // every board cached
    const off = await app.run('/settings leaderboard off', 'ann', guild);
    expect(off.text).toBe('You are now hidden from every leaderboard.');
    // No waiting for background writes: the boards must already leave ann out.
    const id = await spaceId(guild);
    const annId = (await app.sql<{ id: string }>("select user_id as id from user_identities where platform_user_id = 'ann'"))[0]!.id;
    for (const period of ['week', 'month', 'all'] as const) {
      expect(await app.kv.zscore(`lb:${id}:${periodWindow(period, now).label}`, annId)).toBeNull();
      expect(await board('cat', period)).not.toContain('ann');
    }
    await app.run('/settings leaderboard on', 'ann', guild);
    expect(await board('cat', 'all')).toContain('ann: 270 XP');
  });

  it('re-checks opt-in on reads, so a stale cached place never shows', async () => {
    await board('cat', 'all');
    await app.run('/settings leaderboard off', 'ann', guild);
    const id = await spaceId(guild);
    const annId = (await app.sql<{ id: string }>("select user_id as id from user_identities where platform_user_id = 'ann'"))[0]!.id;
    // A write that raced the opt-out (or a store that was down) leaves ann cached.
    await app.kv.zadd(`lb:${id}:all`, [{ member: annId, score: 270 }]);
    expect(await board('cat', 'all')).not.toContain('ann');
    expect(await app.kv.zscore(`lb:${id}:all`, annId)).toBeNull();
    const own = await app.run('/leaderboard all', 'ann', guild);
    expect(own.text).toContain('You are hidden from leaderboards.');
    expect(own.text).not.toContain('**ann** (you)');
    await app.run('/settings leaderboard on', 'ann', guild);
  });

  it('shows your own place below the top ten', async () => {
    now = new Date('2026-11-12T12:00:00Z');
    const crowd: SpaceRef = { platform: 'slack', externalId: 'T-crowd' };
    for (let i = 0; i < 11; i++) await complete(`u${String(i).padStart(2, '0')}`, 'difficulty:hard estimate:2h', crowd);
    await complete('last', 'difficulty:easy', crowd);
    const text = (await board('last', '', crowd))!;
    expect(text.split('\n')).toHaveLength(12);
    expect(text.split('\n').slice(-2)).toEqual(['…', '**12.** **last** (you): 20 XP']);
  });

  it('explains that leaderboards need a server or workspace', async () => {
    const reply = await app.run('/leaderboard', 'ann');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(/Leaderboards belong to a server or workspace/);
  });
});
