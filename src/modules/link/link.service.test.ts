import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity, SpaceRef } from '../../core/invocation.js';
import { linkCodeIn, startTestApp, type TestApp } from '../../testing/test-app.js';
import { leaderboardWritesSettled, periodWindow } from '../leaderboard/leaderboard.service.js';

let app: TestApp;
const now = new Date('2026-11-24T10:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const discord = (id: string): Identity => ({ platform: 'discord', scope: '', platformUserId: id, displayName: `d-${id}` });
const slack = (id: string): Identity => ({ platform: 'slack', scope: 'TLINK', platformUserId: id, displayName: `s-${id}` });
const guild: SpaceRef = { platform: 'discord', externalId: 'guild-link', name: 'Guild' };
const workspace: SpaceRef = { platform: 'slack', externalId: 'TLINK', name: 'Workspace' };

describe('/questlog link', () => {
  it('joins an empty account to one with data without asking, once per code', async () => {
    const d = discord('l-1');
    const s = slack('UL1');
    await app.ok('/quest create "From Discord"', d);
    await app.ok('/quest complete #1', d);
    const issued = await app.ok('/questlog link', d);
    expect(issued).toMatchObject({ ephemeral: true });
    const code = linkCodeIn(issued);
    await app.ok('/questlog help', s); // the Slack side exists, empty
    const slackUser = await app.findUserId(s);

    const linked = await app.ok(`/questlog link code:${code.toLowerCase()}`, s);
    expect(linked.text).toContain('one Questlog profile with 1 quest');
    const discordUser = await app.findUserId(d);
    expect(await app.findUserId(s)).toBe(discordUser);
    expect(await app.sql('select id from users where id = ?', [slackUser])).toEqual([]);
    expect(JSON.stringify(await app.ok('/quest view #1', s))).toContain('From Discord');

    const again = await app.run(`/questlog link code:${code}`, slack('UL1b'));
    expect(again).toMatchObject({ tone: 'error', text: expect.stringContaining('unknown, used or expired') });
  });

  it('refuses malformed, unknown and own codes, changing nothing', async () => {
    const d = discord('l-2');
    expect(await app.run('/questlog link code:abc', d)).toMatchObject({ tone: 'error', text: expect.stringContaining('`code` must be the 8 letters') });
    expect(await app.run('/questlog link code:ZZZZ-ZZZZ', d)).toMatchObject({ tone: 'error', text: expect.stringContaining('unknown, used or expired') });
    const code = linkCodeIn(await app.ok('/questlog link', d));
    expect(await app.run(`/questlog link code:${code}`, d)).toMatchObject({ tone: 'error', text: expect.stringContaining('same Questlog profile') });
    // A new code replaces the previous one.
    const next = linkCodeIn(await app.ok('/questlog link', d));
    expect(await app.run(`/questlog link code:${code}`, slack('UL2'))).toMatchObject({ tone: 'error' });
    expect(next).not.toBe(code);
  });

  it('merges two accounts with data after confirmation: every quest kept and renumbered, ledgers summed, names merged, longer streak kept', async () => {
    const d = discord('l-3');
    const s = slack('UL3');
    // Discord: 2 quests, one done, category Work, tag urgent.
    await app.ok('/category create Work', d, guild);
    await app.ok('/quest create "D one" category:Work difficulty:hard', d, guild);
    await app.ok('/quest create "D two"', d, guild);
    await app.ok('/tag add #1 urgent', d, guild);
    await app.ok('/quest complete #1', d, guild);
    // Slack: 3 quests (it survives), two done, category WORK, tag Urgent, project Home.
    await app.ok('/category create WORK', s, workspace);
    await app.ok('/project create Home', s, workspace);
    await app.ok('/quest create "S one" category:WORK', s, workspace);
    await app.ok('/quest create "S two"', s, workspace);
    await app.ok('/quest create "S three" project:Home', s, workspace);
    await app.ok('/tag add #2 Urgent', s, workspace);
    await app.ok('/step add #3 "a step"', s, workspace);
    await app.ok('/step done #3 1', s, workspace);
    await app.ok('/quest complete #1', s, workspace);
    await app.ok('/quest complete #2', s, workspace);
    const discordUser = (await app.findUserId(d))!;
    const slackUser = (await app.findUserId(s))!;
    const xp = async (id: string) =>
      (await app.sql<{ experience_points: number }>('select experience_points from users where id = ?', [id]))[0]!.experience_points;
    const [dXp, sXp] = [await xp(discordUser), await xp(slackUser)];
    await app.ok('/leaderboard', d, guild);
    await leaderboardWritesSettled(app.kv);
    // A table the merge knows nothing about (added by a later feature): its rows move instead of cascading away.
    await app.sql('create table link_test_later_feature (id serial primary key, user_id uuid not null references users (id) on delete cascade, note text)');
    await app.sql(`insert into link_test_later_feature (user_id, note) values (?, 'discord side')`, [discordUser]);

    const code = linkCodeIn(await app.ok('/questlog link', d));
    const prompt = await app.ok(`/questlog link code:${code}`, s, workspace);
    expect(prompt.title).toBe('Merge the two accounts?');
    expect(prompt.text).toContain('this account has 3 quests');
    expect(prompt.text).toContain('the Discord account get numbers after');
    expect(prompt.buttons).toEqual([expect.objectContaining({ action: `questlog link code:${code} confirm:yes`, style: 'danger' })]);
    expect(await app.findUserId(d)).toBe(discordUser); // nothing merged yet

    const merged = await app.ok(prompt.buttons![0]!.action, s, workspace);
    expect(merged.text).toContain('5 quests');
    expect(merged.text).toContain('#1…#2 become #4…#5');
    expect(await app.findUserId(d)).toBe(slackUser);
    expect(await app.sql('select id from users where id = ?', [discordUser])).toEqual([]);

    const quests = await app.sql<{ number: number; title: string; category: string | null }>(
      `select q.number, q.title, c.name as category from quests q left join quest_categories c on c.id = q.category_id where q.user_id = ? order by q.number`,
      [slackUser],
    );
    expect(quests.map((q) => [q.number, q.title, q.category])).toEqual([
      [1, 'S one', 'WORK'],
      [2, 'S two', null],
      [3, 'S three', null],
      [4, 'D one', 'WORK'],
      [5, 'D two', null],
    ]);
    const [user] = await app.sql<{ experience_points: number; quest_counter: number; level: number }>(
      'select experience_points, quest_counter, level from users where id = ?',
      [slackUser],
    );
    expect(user).toMatchObject({ experience_points: dXp + sXp, quest_counter: 5 });
    const [ledger] = await app.sql<{ total: number }>('select sum(amount)::int as total from experience_events where user_id = ?', [slackUser]);
    expect(ledger!.total).toBe(dXp + sXp);
    expect((await app.sql<{ name: string }>('select name from quest_categories where user_id = ?', [slackUser])).map((c) => c.name)).toEqual(['WORK']);
    const tags = await app.sql<{ name: string; quests: number }>(
      'select t.name, count(qt.quest_id)::int as quests from tags t left join quest_tags qt on qt.tag_id = t.id where t.user_id = ? group by t.name',
      [slackUser],
    );
    expect(tags).toEqual([{ name: 'Urgent', quests: 2 }]);
    const [stats] = await app.sql<{ completions: number; steps_done: number; completions_by_category: Record<string, number> }>(
      'select completions, steps_done, completions_by_category from user_stats where user_id = ?',
      [slackUser],
    );
    const [work] = await app.sql<{ id: string }>('select id from quest_categories where user_id = ?', [slackUser]);
    expect(stats).toMatchObject({ completions: 3, steps_done: 1, completions_by_category: { [work!.id]: 2 } });
    const streaks = await app.sql<{ streak_type: string; is_active: boolean }>('select streak_type, is_active from streaks where user_id = ? and is_active', [
      slackUser,
    ]);
    expect(streaks.filter((r) => r.streak_type === 'daily')).toHaveLength(1);
    const achievements = await app.sql<{ code: string }>(
      'select a.code from user_achievements ua join achievements a on a.id = ua.achievement_id where ua.user_id = ?',
      [slackUser],
    );
    expect(new Set(achievements.map((a) => a.code)).size).toBe(achievements.length);
    const spaces = await app.sql<{ external_id: string }>(
      'select s.external_id from space_members m join spaces s on s.id = m.space_id where m.user_id = ? order by 1',
      [slackUser],
    );
    expect(spaces.map((r) => r.external_id)).toEqual(['TLINK', 'guild-link']);

    // One quest list from both platforms; the old leaderboard place is gone, the merged total is there.
    expect(JSON.stringify(await app.ok('/quest view #4', d, guild))).toContain('D one');
    await leaderboardWritesSettled(app.kv);
    const [space] = await app.sql<{ id: string }>('select id from spaces where external_id = ?', [guild.externalId]);
    const board = `lb:${space!.id}:${periodWindow('week', now).label}`;
    expect(await app.kv.zscore(board, discordUser)).toBeNull();
    expect(await app.kv.zscore(board, slackUser)).toBe(dXp + sXp);
    // Completing a renumbered quest works on the merged profile.
    await app.ok('/quest complete #5', d, guild);
    const [audit] = await app.sql<{ counts: Record<string, number> }>(`select counts from privacy_audit where action = 'link' order by at desc limit 1`);
    // Other rows: the later feature's row and the two moved quests' search documents.
    expect(audit!.counts).toMatchObject({ quests_moved: 2, categories_merged: 1, tags_merged: 1, other_rows: 3 });
    expect(await app.sql('select note from link_test_later_feature where user_id = ?', [slackUser])).toEqual([{ note: 'discord side' }]);
    expect(JSON.stringify(audit)).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-|l-3|UL3/);
  });
});
