import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Migration20261124000042_achievement_catalog } from '../../../migrations/Migration20261124000042_achievement_catalog.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ProgressionRepository } from '../progression/progression.repository.js';
import { criteriaSchema } from './achievement.rules.js';
import { loadCatalog } from './achievement.service.js';

let app: TestApp;
let now = new Date('2026-11-10T12:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

interface CatalogRow {
  code: string;
  rarity: string;
  is_hidden: boolean;
  is_seasonal: boolean;
  seasonal_start_date: string | null;
  seasonal_end_date: string | null;
  unlock_criteria: unknown;
  xp_reward: number;
}

const catalog = () =>
  app.sql<CatalogRow>(
    `select code, rarity, is_hidden, is_seasonal, to_char(seasonal_start_date, 'YYYY-MM-DD') as seasonal_start_date,
       to_char(seasonal_end_date, 'YYYY-MM-DD') as seasonal_end_date, unlock_criteria, xp_reward from achievements order by code`,
  );

async function completeAt(user: string, iso: string, options = 'difficulty:easy'): Promise<void> {
  now = new Date(iso);
  const created = await app.run(`/quest create "Thing" ${options}`, user);
  const done = await app.run(`/quest complete ${created.title!.split(' ')[0]}`, user);
  if (done.tone !== 'success') throw new Error(done.text);
}

async function bumpStepsDone(em: EntityManager, userId: string, delta: number): Promise<void> {
  await new ProgressionRepository(em).countStepsDone(userId, delta);
}

const unlocked = (user: string) =>
  app
    .sql<{ code: string }>(
      `select a.code from user_achievements ua join achievements a on a.id = ua.achievement_id
       join user_identities i on i.user_id = ua.user_id where i.platform_user_id = ? and ua.unlocked_at is not null order by a.code`,
      [user],
    )
    .then((rows) => rows.map((r) => r.code));

describe('the achievement catalog', () => {
  it('has at least 24 entries, every rarity, 3 hidden and 2 seasonal with dates', async () => {
    const rows = await catalog();
    expect(rows.length).toBeGreaterThanOrEqual(24);
    expect(new Set(rows.map((r) => r.rarity))).toEqual(new Set(['common', 'rare', 'epic', 'legendary']));
    expect(rows.filter((r) => r.is_hidden).length).toBeGreaterThanOrEqual(3);
    const seasonal = rows.filter((r) => r.is_seasonal);
    expect(seasonal.length).toBeGreaterThanOrEqual(2);
    for (const row of seasonal) expect([row.seasonal_start_date, row.seasonal_end_date]).not.toContain(null);
  });

  it('is read once per process and shared by every fork', async () => {
    const first = loadCatalog(app.db.orm.em.fork());
    expect(loadCatalog(app.db.orm.em.fork())).toBe(first);
    expect((await first).length).toBe((await catalog()).length);
  });

  it('stores unlock criteria every row of which the rule language accepts', async () => {
    for (const row of await catalog()) {
      const parsed = criteriaSchema.safeParse(row.unlock_criteria);
      expect(parsed.success, `${row.code}: ${parsed.error?.message}`).toBe(true);
    }
  });

  it('upserts by code: running the migration again changes nothing and keeps unlocks', async () => {
    await completeAt('mig', '2026-11-10T12:00:00Z');
    const before = { catalog: await catalog(), unlocked: await unlocked('mig') };
    const migration = new Migration20261124000042_achievement_catalog(app.db.orm.em.getDriver(), app.db.orm.config);
    await migration.up();
    for (const query of migration.getQueries()) await app.sql(String(query));
    expect({ catalog: await catalog(), unlocked: await unlocked('mig') }).toEqual(before);
  });
});

describe('/achievements', () => {
  it('shows progress such as 7/10 and unlocks at the count', async () => {
    for (let i = 0; i < 7; i++) await completeAt('pam', '2026-11-10T15:00:00Z');
    const reply = await app.run('/achievements', 'pam');
    expect(reply.title).toBe('🏅 Achievements · 1/31 unlocked');
    expect(reply.text).toContain('**Getting Things Done**: Complete 10 quests. · **7/10**');
    // The whole catalog fits one Discord embed description.
    expect(reply.text!.length).toBeLessThan(4096);
    for (let i = 0; i < 3; i++) await completeAt('pam', '2026-11-10T15:00:00Z');
    expect(await unlocked('pam')).toEqual(['first_quest', 'quests_10']);
    const [progress] = await app.sql<{ progress_data: unknown }>(
      `select ua.progress_data from user_achievements ua join achievements a on a.id = ua.achievement_id
       join user_identities i on i.user_id = ua.user_id where i.platform_user_id = 'pam' and a.code = 'quests_50'`,
    );
    expect(progress!.progress_data).toEqual({ progress: 10, target: 50 });
  });

  it('hides hidden achievements as ??? until they unlock', async () => {
    const before = await app.run('/achievements', 'owl');
    expect(before.text).not.toContain('Night Owl');
    expect(before.text).toContain('❔ **???**: a hidden achievement');
    for (let i = 0; i < 5; i++) await completeAt('owl', '2026-11-10T23:15:00Z');
    const after = await app.run('/achievements unlocked', 'owl');
    expect(after.text).toContain('🦉 **Night Owl**: Complete 5 quests between 22:00 and 04:00.');
  });

  it('unlocks a seasonal achievement only between its dates', async () => {
    await completeAt('noel', '2026-12-20T12:00:00Z');
    expect(await unlocked('noel')).not.toContain('winter_solstice');
    await completeAt('noel', '2026-12-21T12:00:00Z');
    expect(await unlocked('noel')).toContain('winter_solstice');
  });

  it('counts steps from the step counter towards step achievements', async () => {
    await completeAt('stu', '2026-11-10T12:00:00Z');
    const [user] = await app.sql<{ id: string }>("select user_id as id from user_identities where platform_user_id = 'stu'");
    await app.db.orm.em.fork().transactional(async (tx) => {
      await bumpStepsDone(tx, user!.id, 9);
      await bumpStepsDone(tx, user!.id, -1);
    });
    const reply = await app.run('/achievements', 'stu');
    expect(reply.text).toContain('**Step by Step**: Tick off 10 quest steps. · **8/10**');
    await bumpStepsDone(app.db.orm.em.fork(), user!.id, 2);
    await completeAt('stu', '2026-11-10T12:00:00Z');
    expect(await unlocked('stu')).toContain('steps_10');
  });
});
