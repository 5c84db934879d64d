import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IsolationLevel, type EntityManager } from '@mikro-orm/postgresql';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { asJobs, asUser } from './acting.js';
import { QUEST_CHILD_TABLES, USER_TABLES } from '../../../migrations/Migration20261202100400_row_level_security.js';
import { sendStatements } from '../../modules/shared/send-together.js';

/** Row-level security (issue 13): the policies themselves, then the dialect that puts every statement under the acting user. */
describe('row-level security', () => {
  let app: TestApp;
  let alice: string;
  let bob: string;
  const em = (): EntityManager => app.db.orm.em.fork();
  const userOf = async (name: string) =>
    (await app.sql<{ user_id: string }>(`select user_id from user_identities where platform_user_id = ?`, [name]))[0]!.user_id;

  beforeAll(async () => {
    app = await startTestApp();
    for (const name of ['rls_alice', 'rls_bob']) {
      await app.run('/quest create "Water the plants" difficulty:easy', name);
      for (const line of ['/step add 1 "Fill the can"', '/tag add 1 home']) {
        const reply = await app.run(line, name);
        expect(reply.tone).not.toBe('error');
      }
    }
    alice = await userOf('rls_alice');
    bob = await userOf('rls_bob');
  });
  afterAll(async () => app?.close());

  it('is enabled and forced, with policies, on every table with a user_id column, on users and on the quest children', async () => {
    // Derived from the schema, so a later migration adding a user-owned table without RLS fails here.
    const tables = await app.sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; policies: number }>(
      `select c.relname, c.relrowsecurity, c.relforcerowsecurity, (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
       from pg_class c join pg_namespace n on n.oid = c.relnamespace and n.nspname = 'public'
       where c.relkind in ('r', 'p') and not c.relispartition
         and (exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'user_id' and not a.attisdropped)
              or c.relname in ('users', ${Object.keys(QUEST_CHILD_TABLES)
                .map((t) => `'${t}'`)
                .join(', ')}))`,
    );
    expect(tables.length).toBeGreaterThanOrEqual(USER_TABLES.length + 1 + Object.keys(QUEST_CHILD_TABLES).length);
    expect(tables.filter((t) => !t.relrowsecurity || !t.relforcerowsecurity || t.policies < 2).map((t) => t.relname)).toEqual([]);
    expect(app.db.roles).toEqual({ app: true, jobs: true });
  });

  it('shows no rows to the application role without the user setting', async () => {
    const counts = await em().transactional(async (tx) => {
      await tx.execute('set local role questlog_app');
      const tables = [...USER_TABLES, 'users', ...Object.keys(QUEST_CHILD_TABLES)];
      const rows = await tx.execute<Array<{ n: string }>>(tables.map((t) => `select count(*)::int as n from "${t}"`).join(' union all '));
      return rows.map((r) => Number(r.n));
    });
    expect(counts.every((n) => n === 0)).toBe(true);
  });

  it("one user's setting never sees another's rows, on owned tables and through the quest", async () => {
    for (const [me, other] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const seen = await asUser(me, async () => ({
        quests: await em().execute<Array<{ user_id: string }>>('select user_id from quests'),
        steps: await em().execute<Array<{ user_id: string }>>('select q.user_id from quest_steps s join quests q on q.id = s.quest_id'),
        tags: await em().execute<Array<{ n: number }>>('select count(*)::int as n from quest_tags'),
        users: await em().execute<Array<{ id: string }>>('select id from users'),
        identities: await em().execute<Array<{ user_id: string }>>('select user_id from user_identities'),
        byId: await em().execute<Array<{ n: number }>>('select count(*)::int as n from quests where user_id = ?', [other]),
      }));
      expect(seen.quests.map((r) => r.user_id)).toEqual([me]);
      expect(seen.steps.map((r) => r.user_id)).toEqual([me]);
      expect(seen.tags[0]!.n).toBe(1);
      expect(seen.users.map((r) => r.id)).toEqual([me]);
      expect(seen.identities.map((r) => r.user_id)).toEqual([me]);
      expect(seen.byId[0]!.n).toBe(0);
    }
  });

  it("refuses to write a row for another user, and changes none of another's rows", async () => {
    await expect(asUser(alice, () => em().execute(`insert into quests (user_id, number, title) values (?, 99, 'planted')`, [bob]))).rejects.toThrow(
      /row-level security/,
    );
    const updated = await asUser(alice, () => em().execute(`update quests set title = 'stolen' where user_id = ?`, [bob], 'run'));
    expect(updated).toMatchObject({ affectedRows: 0 });
    const [title] = await app.sql<{ title: string }>('select title from quests where user_id = ?', [bob]);
    expect(title!.title).toBe('Water the plants');
  });

  it("stamps a quest's steps, tags and dependencies with its owner, and refuses a child row for another user", async () => {
    for (const line of ['/quest create "Buy paint"', '/quest create "Paint the walls"', '/quest depend #2 on:#1']) await app.ok(line, 'rls_carol');
    const owners = await app.sql<{ steps: string[]; tags: string[]; dependencies: string[] }>(
      `select (select array_agg(distinct s.user_id = q.user_id) from quest_steps s join quests q on q.id = s.quest_id)::text[] as steps,
              (select array_agg(distinct t.user_id = q.user_id) from quest_tags t join quests q on q.id = t.quest_id)::text[] as tags,
              (select array_agg(distinct d.user_id = q.user_id) from quest_dependencies d join quests q on q.id = d.dependent_quest_id)::text[] as dependencies`,
    );
    expect(owners[0]).toEqual({ steps: ['true'], tags: ['true'], dependencies: ['true'] });
    const [bobsQuest] = await app.sql<{ id: string }>('select id from quests where user_id = ?', [bob]);
    // Alice, knowing the id of Bob's quest: a step she adds to it stays hers (Bob never sees it); one under his name is refused.
    await expect(
      asUser(alice, () => em().execute(`insert into quest_steps (quest_id, title, order_index) values (?, 'planted', 9)`, [bobsQuest!.id])),
    ).resolves.toBeDefined();
    const planted = await app.sql<{ user_id: string }>(`select user_id from quest_steps where title = 'planted'`);
    expect(planted).toEqual([{ user_id: alice }]);
    const bobSees = await asUser(bob, () => em().execute<Array<{ title: string }>>('select title from quest_steps'));
    expect(bobSees.map((r) => r.title)).toEqual(['Fill the can']);
    await app.sql(`delete from quest_steps where title = 'planted'`);
    await expect(
      asUser(alice, () => em().execute(`insert into quest_steps (quest_id, user_id, title, order_index) values (?, ?, 'planted', 9)`, [bobsQuest!.id, bob])),
    ).rejects.toThrow(/row-level security/);
    // Without an acting user (the jobs role) the owner comes from the quest.
    await asJobs(() => em().execute(`insert into quest_steps (quest_id, title, order_index) values (?, 'from a job', 9)`, [bobsQuest!.id]));
    expect(await app.sql(`select user_id from quest_steps where title = 'from a job'`)).toEqual([{ user_id: bob }]);
    await app.sql(`delete from quest_steps where title = 'from a job'`);
  });

  it('lets the jobs role see every user', async () => {
    const rows = await asJobs(() => em().execute<Array<{ n: number }>>('select count(distinct user_id)::int as n from quests'));
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
  });

  it('confines a connection that owns the tables once it switches role (FORCE), whatever the ambient role', async () => {
    const seen = await em().transactional(async (tx) => {
      await tx.execute(`set local role questlog_app`);
      await tx.execute(`select set_config('questlog.user_id', ?, true)`, [alice]);
      return tx.execute<Array<{ user_id: string }>>('select distinct user_id from quests');
    });
    expect(seen.map((r) => r.user_id)).toEqual([alice]);
  });

  it('puts transactions and single statements under the acting user, and leaves nothing behind', async () => {
    const who = `select current_user::text as role, current_setting('questlog.user_id', true) as setting`;
    const inTx = await asUser(alice, () => em().transactional((tx) => tx.execute<Array<{ role: string; setting: string }>>(who)));
    expect(inTx[0]).toEqual({ role: 'questlog_app', setting: alice });
    const snapshot = await asUser(alice, () =>
      em().transactional((tx) => tx.execute<Array<{ role: string; setting: string }>>(who), { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true }),
    );
    expect(snapshot[0]).toEqual({ role: 'questlog_app', setting: alice });
    const single = await asUser(bob, () => em().execute<Array<{ role: string; setting: string }>>(who));
    expect(single[0]).toEqual({ role: 'questlog_app', setting: bob });
    const jobs = await asJobs(() => em().execute<Array<{ role: string; setting: string }>>(who));
    expect(jobs[0]).toEqual({ role: 'questlog_jobs', setting: '' });
    // A failing statement rolls its settings back with it; the pooled connection is clean afterwards.
    await expect(asUser(alice, () => em().execute('select 1/0'))).rejects.toThrow(/division by zero/);
    const after = await em().execute<Array<{ role: string; setting: string | null }>>(who);
    expect(after[0]!.role).not.toMatch(/^questlog_/);
    expect(after[0]!.setting ?? '').toBe('');
  });

  it('keeps the results of a batch of statements in order', async () => {
    const results = await asUser(alice, () => sendStatements(em(), [{ sql: 'select 1 as a' }, { sql: 'select count(*)::int as n from quests' }]));
    expect(results).toEqual([[{ a: 1 }], [{ n: 1 }]]);
  });

  it('switches the actor within a transaction when a step runs for another actor', async () => {
    const seen = await asUser(alice, () =>
      em().transactional(async (tx) => {
        const mine = await tx.execute<Array<{ n: number }>>('select count(*)::int as n from quests');
        const all = await asJobs(() => tx.execute<Array<{ n: number }>>('select count(*)::int as n from quests'));
        const mineAgain = await tx.execute<Array<{ n: number }>>('select count(*)::int as n from quests');
        return [mine[0]!.n, all[0]!.n, mineAgain[0]!.n];
      }),
    );
    expect(seen[0]).toBe(1);
    expect(seen[1]).toBeGreaterThanOrEqual(2);
    expect(seen[2]).toBe(1);
  });
});
