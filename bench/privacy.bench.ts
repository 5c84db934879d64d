import pg from 'pg';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { Identity } from '../src/core/invocation.js';
import { fmt, freshDatabase, percentile, table } from './harness.js';
import { asUser } from '../src/infra/db/acting.js';

const QUESTS = 1_000;
const STEPS_PER_QUEST = 3;
const LOGS = 5_000;
const ROUND_TRIPS = 2_000;

const identity = (id: string, platform: 'discord' | 'slack'): Identity => ({
  platform,
  scope: platform === 'slack' ? 'TBENCH' : '',
  platformUserId: id,
  displayName: id,
});

/**
 * Issue 13's data-ownership commands on real PostgreSQL for heavy users (1,000
 * quests with 3 steps each, a ledger row per completion, 5,000 behavior logs):
 * `/questlog export` (time, file size), `/questlog link` merging two such users,
 * `/questlog forget-me`; and what row-level security would add to every command
 * (a transaction that switches role and sets the user: BEGIN + SET LOCAL, COMMIT) next to one round trip.
 */
export async function benchPrivacy(databaseUrl: string): Promise<void> {
  const db = await freshDatabase(databaseUrl, 'questlog_bench_privacy');
  const app = await createApp(loadConfig({ DATABASE_URL: db.url, PORT: '0', QUESTLOG_CONSOLE: 'off', LOG_LEVEL: 'silent' }), pino({ level: 'silent' }));
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  try {
    const rows: Array<Record<string, string | number>> = [];
    const a = identity('bench-a', 'discord');
    const b = identity('UBENCHB', 'slack');
    await seedHeavy(app, pool, a);
    await seedHeavy(app, pool, b);
    const userA = (await pool.query<{ user_id: string }>('select user_id from user_identities where platform_user_id = $1', [a.platformUserId])).rows[0]!
      .user_id;

    const exports: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const reply = await run(app, a, '/questlog export');
      exports.push(performance.now() - started);
      size = reply.files![0]!.data.length;
    }
    rows.push({
      operation: `/questlog export (${QUESTS} quests, ${LOGS} logs)`,
      p50: fmt(percentile(exports, 50)),
      detail: `${(size / 1024 / 1024).toFixed(1)} MB JSON`,
    });

    const code = /\*\*([A-Z0-9-]{9})\*\*/.exec((await run(app, a, '/questlog link')).text ?? '')![1];
    let started = performance.now();
    const merged = await run(app, b, `/questlog link code:${code} confirm:yes`);
    rows.push({ operation: `/questlog link merging two such users`, p50: fmt(performance.now() - started), detail: merged.text!.split('\n')[0]!.slice(0, 60) });

    started = performance.now();
    await run(app, b, '/questlog forget-me confirm:yes');
    rows.push({ operation: '/questlog forget-me of the merged user', p50: fmt(performance.now() - started), detail: '' });

    const client = await pool.connect();
    try {
      // Interleaved, after a warm-up, so both see the same machine.
      const one: number[] = [];
      const setUser: number[] = [];
      for (let i = 0; i < ROUND_TRIPS + 200; i++) {
        let t = performance.now();
        await client.query('select 1');
        if (i >= 200) one.push(performance.now() - t);
        t = performance.now();
        await client.query(`begin; set local role questlog_app; set local questlog.user_id = '00000000-0000-0000-0000-000000000001'`);
        await client.query('commit');
        if (i >= 200) setUser.push(performance.now() - t);
      }
      rows.push({ operation: 'one round trip (select 1)', p50: fmt(percentile(one, 50)), detail: `p99 ${fmt(percentile(one, 99))}` });
      rows.push({
        operation: 'RLS per command: begin + set local role/user, commit',
        p50: fmt(percentile(setUser, 50)),
        detail: `p99 ${fmt(percentile(setUser, 99))}`,
      });
    } finally {
      client.release();
    }
    // What the app actually sends (src/infra/db/acting.ts): the settings ride in the same simple query as the statement.
    const em = () => app.db.orm.em.fork();
    const plain: number[] = [];
    const acting: number[] = [];
    const read = `select count(*) from quests where user_id = '${userA}' and status = 'COMPLETED'`;
    for (let i = 0; i < ROUND_TRIPS + 200; i++) {
      let t = performance.now();
      await em().execute(read);
      if (i >= 200) plain.push(performance.now() - t);
      t = performance.now();
      await asUser(userA, () => em().execute(read));
      if (i >= 200) acting.push(performance.now() - t);
    }
    rows.push({ operation: 'app read of one user (ORM, no RLS role)', p50: fmt(percentile(plain, 50)), detail: `p99 ${fmt(percentile(plain, 99))}` });
    rows.push({ operation: 'same read under RLS (set role + user folded in)', p50: fmt(percentile(acting, 50)), detail: `p99 ${fmt(percentile(acting, 99))}` });
    table(rows);
  } finally {
    await pool.end();
    await app.close();
    await db.drop();
  }
}

async function run(app: App, who: Identity, line: string) {
  const space = line.startsWith('/') ? line.slice(1) : line;
  const [command, ...rest] = space.split(' ');
  const reply = await app.dispatcher.dispatch({ identity: who, command: command!, text: rest.join(' '), source: 'command' });
  if (reply.tone === 'error') throw new Error(`${line}: ${reply.text}`);
  return reply;
}

async function seedHeavy(app: App, pool: pg.Pool, who: Identity): Promise<void> {
  await run(app, who, '/quest create "first"');
  const { rows } = await pool.query<{ user_id: string }>('select user_id from user_identities where platform_user_id = $1', [who.platformUserId]);
  const userId = rows[0]!.user_id;
  await pool.query(
    `insert into quests (user_id, number, title, difficulty, status, estimated_duration, experience_points, completed_at)
     select $1, g, 'Quest ' || g, 'MEDIUM', 'COMPLETED', 30, 25, now() - make_interval(days => g % 300) from generate_series(2, $2::int + 1) g`,
    [userId, QUESTS],
  );
  await pool.query(
    `insert into quest_steps (quest_id, title, order_index, completed) select q.id, 'Step ' || s, s, true from quests q, generate_series(1, $2::int) s where q.user_id = $1`,
    [userId, STEPS_PER_QUEST],
  );
  await pool.query(
    `insert into experience_events (user_id, quest_id, amount, reason, created_at) select user_id, id, 25, 'quest', completed_at from quests where user_id = $1 and completed_at is not null`,
    [userId],
  );
  await pool.query(
    `update users set experience_points = (select sum(amount) from experience_events where user_id = $1), quest_counter = $2::int + 1 where id = $1`,
    [userId, QUESTS],
  );
  await pool.query(
    `insert into user_behavior_logs (user_id, action_type, action_data, "timestamp") select $1, 'quest_completed', jsonb_build_object('n', g), now() - make_interval(hours => g) from generate_series(1, $2::int) g`,
    [userId, LOGS],
  );
}
