import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Identity, SpaceRef } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { LinkCodes } from '../link/link.codes.js';
import { leaderboardWritesSettled, periodWindow } from '../leaderboard/leaderboard.service.js';

let app: TestApp;
const now = new Date('2026-11-24T10:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const guild: SpaceRef = { platform: 'discord', externalId: 'guild-privacy', name: 'Guild' };
const discord = (id: string, name = id): Identity => ({ platform: 'discord', scope: '', platformUserId: id, displayName: name });

/** A user with a row in every table that can hold their data. */
async function busyUser(who: Identity, space?: SpaceRef): Promise<string> {
  await app.ok('/category create Work', who, space);
  await app.ok('/project create Launch', who, space);
  await app.ok('/quest create "Write the report" difficulty:hard estimate:2h category:Work project:Launch', who, space);
  await app.ok('/quest create "Send it" difficulty:easy', who, space);
  await app.ok('/step add #1 "Outline"', who, space);
  await app.ok('/step add #1 "Draft"', who, space);
  await app.ok('/step done #1 1', who, space);
  await app.ok('/tag add #1 urgent', who, space);
  await app.ok('/quest depend #2 on:#1', who, space);
  // One step is still open: completing asks first, force:yes completes anyway.
  await app.ok('/quest complete #1 force:yes', who, space);
  await app.ok('/settings reminder 08:30', who, space);
  await app.ok('/quest edit #2 repeat:daily', who, space);
  const userId = (await app.findUserId(who))!;
  const [quest] = await app.sql<{ id: string }>('select id from quests where user_id = ? and number = 1', [userId]);
  // Tables no command writes yet.
  await app.sql(`insert into notification_preferences (user_id, notification_type) values (?, 'reminder')`, [userId]);
  await app.sql(`insert into ai_suggestions (user_id, quest_id, suggestion_type, suggestion_data) values (?, ?, 'breakdown', '{"steps":["a"]}')`, [
    userId,
    quest!.id,
  ]);
  await app.sql(`insert into notifications (user_id, type, title) values (?, 'test', 'Hello')`, [userId]);
  await app.sql(`insert into user_behavior_logs (user_id, action_type, "timestamp") values (?, 'old_action', '2020-01-05T00:00:00Z')`, [userId]);
  const [analytics] = await app.sql<{ n: number }>('select count(*)::int as n from quest_analytics where user_id = ?', [userId]);
  if (!analytics!.n) await app.sql('insert into quest_analytics (quest_id, user_id, time_spent_minutes) values (?, ?, 30)', [quest!.id, userId]);
  return userId;
}

/** Tables that hold nothing about a particular user. */
const NOT_PERSONAL = new Set(['achievements', 'spaces', 'slack_installations', 'privacy_audit', 'mikro_orm_migrations']);

async function userTables(): Promise<string[]> {
  const rows = await app.sql<{ table_name: string }>(
    `select c.relname as table_name from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition order by 1`,
  );
  return rows.map((r) => r.table_name).filter((t) => !NOT_PERSONAL.has(t));
}

/** Rows about `userId` in every personal table (quest children through the user's quest ids). */
async function rowsAbout(userId: string, questIds: string[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await userTables()) {
    const columns = (await app.sql<{ column_name: string }>(`select column_name from information_schema.columns where table_name = ?`, [table])).map(
      (c) => c.column_name,
    );
    const conditions: string[] = [];
    const params: unknown[] = [];
    const where = (condition: string, param: unknown) => {
      conditions.push(condition);
      params.push(param);
    };
    if (table === 'users') where('id = ?', userId);
    if (columns.includes('user_id')) where('user_id = ?', userId);
    for (const column of ['quest_id', 'dependent_quest_id', 'prerequisite_quest_id']) {
      if (columns.includes(column)) where(`${column}::text in (select jsonb_array_elements_text(?::jsonb))`, JSON.stringify(questIds));
    }
    expect(conditions.length, `${table} has no way to find a user's rows`).toBeGreaterThan(0);
    const [row] = await app.sql<{ n: number }>(`select count(*)::int as n from "${table}" where ${conditions.join(' or ')}`, params);
    counts[table] = row!.n;
  }
  return counts;
}

function exportOf(reply: Reply): Record<string, any> {
  const file = reply.files![0]!;
  const data = file.name.endsWith('.gz') ? gunzipSync(file.data) : file.data;
  return JSON.parse(data.toString('utf8'));
}

describe('/questlog export', () => {
  it('attaches every row stored about the user, table by table, and nothing of anyone else', async () => {
    const me = discord('exp-1', 'Exporter');
    const userId = await busyUser(me, guild);
    await busyUser(discord('exp-other', 'Someone Else'), guild);
    const reply = await app.ok('/questlog export', me, guild);
    expect(reply).toMatchObject({ ephemeral: true, tone: 'info' });
    expect(reply.files).toHaveLength(1);
    expect(reply.files![0]).toMatchObject({ name: 'questlog-export-2026-11-24.json', contentType: 'application/json' });
    const doc = exportOf(reply);
    expect(doc).toMatchObject({ format: 'questlog-export', version: 1, exportedAt: now.toISOString() });
    expect(doc.user).toMatchObject({ id: userId, displayName: 'Exporter' });
    expect(doc.profile).toMatchObject({ user: userId, reminderTime: '08:30' });
    expect(doc.identities).toEqual([expect.objectContaining({ platform: 'discord', platformUserId: 'exp-1' })]);
    expect(doc.spaceMemberships).toEqual([expect.objectContaining({ space: expect.objectContaining({ externalId: 'guild-privacy' }) })]);
    const [first, second] = doc.quests;
    expect(first).toMatchObject({ number: 1, title: 'Write the report', status: 'COMPLETED' });
    expect(first.steps.map((s: { title: string; completed: boolean }) => [s.title, s.completed])).toEqual([
      ['Outline', true],
      ['Draft', false],
    ]);
    expect(first.tags).toHaveLength(1);
    expect(first.analytics.length).toBeGreaterThan(0);
    expect(second.dependencies).toEqual([expect.objectContaining({ prerequisite: first.id, dependencyType: 'sequential' })]);
    expect(doc.tags.map((t: { name: string }) => t.name)).toEqual(['urgent']);
    expect(doc.categories.map((c: { name: string }) => c.name)).toEqual(['Work']);
    expect(doc.projects.map((p: { name: string }) => p.name)).toEqual(['Launch']);
    expect(doc.streaks.length).toBeGreaterThan(0);
    expect(doc.achievements.length).toBeGreaterThan(0);
    expect(doc.achievements[0].achievement).toMatchObject({ code: expect.any(String), name: expect.any(String) });
    expect(doc.experienceLedger.reduce((n: number, e: { amount: number }) => n + e.amount, 0)).toBe(doc.user.experiencePoints);
    expect(doc.stats).toMatchObject({ completions: 1, stepsDone: 1 });
    expect(doc.behaviorLogs.map((l: { actionType: string }) => l.actionType)).toContain('old_action');
    expect(doc.notifications).toContainEqual(expect.objectContaining({ title: 'Hello', type: 'test' }));
    expect(doc.notificationPreferences).toEqual([expect.objectContaining({ notificationType: 'reminder' })]);
    expect(doc.aiSuggestions).toEqual([expect.objectContaining({ suggestionType: 'breakdown', suggestionData: { steps: ['a'] } })]);
    expect(JSON.stringify(doc)).not.toContain('exp-other');
    expect(JSON.stringify(doc)).not.toContain('Someone Else');

    // Nothing condensed: every personal table's row count for this user is in the file.
    const questIds = doc.quests.map((q: { id: string }) => q.id);
    const stored = await rowsAbout(userId, questIds);
    const inFile: Record<string, number> = {
      users: 1,
      user_profiles: 1,
      user_identities: doc.identities.length,
      space_members: doc.spaceMemberships.length,
      quests: doc.quests.length,
      quest_steps: doc.quests.reduce((n: number, q: { steps: unknown[] }) => n + q.steps.length, 0),
      quest_tags: doc.quests.reduce((n: number, q: { tags: unknown[] }) => n + q.tags.length, 0),
      quest_dependencies: doc.quests.reduce((n: number, q: { dependencies: unknown[] }) => n + q.dependencies.length, 0),
      quest_analytics: doc.quests.reduce((n: number, q: { analytics: unknown[] }) => n + q.analytics.length, 0),
      quest_search_documents: doc.quests.reduce((n: number, q: { searchDocument: unknown[] }) => n + q.searchDocument.length, 0),
      tags: doc.tags.length,
      quest_categories: doc.categories.length,
      projects: doc.projects.length,
      streaks: doc.streaks.length,
      user_achievements: doc.achievements.length,
      experience_events: doc.experienceLedger.length,
      user_stats: 1,
      user_behavior_logs: doc.behaviorLogs.length,
      notifications: doc.notifications.length,
      notification_preferences: doc.notificationPreferences.length,
      ai_suggestions: doc.aiSuggestions.length,
      quest_series: doc.questSeries.length,
    };
    expect(inFile).toEqual(stored);
  });

  it('records the export in the audit as counts only', async () => {
    const [row] = await app.sql<{ counts: Record<string, number> }>(`select counts from privacy_audit where action = 'export' order by at desc limit 1`);
    expect(row!.counts).toMatchObject({ users: 1, quests: 2, quest_steps: 2 });
    expect(JSON.stringify(row)).not.toMatch(/exp-1|Exporter|[0-9a-f]{8}-[0-9a-f]{4}-/);
  });
});

describe('/questlog forget-me', () => {
  it('asks first and deletes nothing without confirmation', async () => {
    const me = discord('forget-ask');
    await app.ok('/quest create "Keep me"', me);
    const prompt = await app.ok('/questlog forget-me', me);
    expect(prompt).toMatchObject({ ephemeral: true, title: 'Delete everything Questlog knows about you?' });
    expect(prompt.text).toContain('your 1 quest with');
    expect(prompt.text).toContain('your Discord account');
    expect(prompt.buttons?.[0]).toMatchObject({ action: 'questlog forget-me confirm:yes', style: 'danger' });
    expect(await app.findUserId(me)).toBeDefined();
  });

  it('deletes the user and every row about them, their kv entries and leaderboard places, and keeps an anonymous audit row', async () => {
    const me = discord('forget-1', 'Forgetful');
    const userId = await busyUser(me, guild);
    const otherId = await busyUser(discord('forget-keep', 'Stays'), guild);
    await app.ok('/leaderboard', me, guild); // builds the cached boards
    await app.ok('/leaderboard all', me, guild);
    await leaderboardWritesSettled(app.kv);
    const [space] = await app.sql<{ id: string }>('select id from spaces where external_id = ?', [guild.externalId]);
    const weekBoard = `lb:${space!.id}:${periodWindow('week', now).label}`;
    expect(await app.kv.zscore(weekBoard, userId)).not.toBeNull();
    await app.kv.set('discord:dm-channel:forget-1', 'dm-123', 60_000);
    await new LinkCodes(app.kv).issue(userId); // a pending link code
    expect(await app.kv.get(`link:user:${userId}`)).not.toBeNull();
    const questIds = (await app.sql<{ id: string }>('select id from quests where user_id = ?', [userId])).map((q) => q.id);
    const before = await rowsAbout(userId, questIds);
    const otherBefore = await rowsAbout(
      otherId,
      (await app.sql<{ id: string }>('select id from quests where user_id = ?', [otherId])).map((q) => q.id),
    );

    const reply = await app.ok('/questlog forget-me confirm:yes', me, guild);
    expect(reply).toMatchObject({ ephemeral: true, tone: 'success' });
    await leaderboardWritesSettled(app.kv);

    expect(Object.values(await rowsAbout(userId, questIds)).every((n) => n === 0)).toBe(true);
    expect(
      await rowsAbout(
        otherId,
        (await app.sql<{ id: string }>('select id from quests where user_id = ?', [otherId])).map((q) => q.id),
      ),
    ).toEqual(otherBefore);
    expect(await app.kv.get('discord:dm-channel:forget-1')).toBeNull();
    expect(await app.kv.get(`link:user:${userId}`)).toBeNull();
    expect(await app.kv.zscore(weekBoard, userId)).toBeNull();
    expect(await app.kv.zscore(weekBoard, otherId)).not.toBeNull();
    const [audit] = await app.sql<{ action: string; counts: Record<string, number> }>(
      `select action, counts from privacy_audit where action = 'forget' order by at desc limit 1`,
    );
    const expected = Object.fromEntries(Object.entries(before).filter(([, n]) => n > 0));
    expect(Object.fromEntries(Object.entries(audit!.counts).filter(([, n]) => n > 0))).toEqual(expected);
    expect(JSON.stringify(audit)).not.toMatch(/forget-1|Forgetful|[0-9a-f]{8}-[0-9a-f]{4}-/);

    // The identity starts over.
    const fresh = await app.ok('/profile', me, guild);
    expect(await app.findUserId(me)).not.toBe(userId);
    expect(fresh.tone).not.toBe('error');
  });
});
