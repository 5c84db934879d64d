import pg from 'pg';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { freshDatabase, fmt, runConcurrent, Samples, table } from './harness.js';

const USERS = 1000;
const QUESTS_PER_USER = 100;
const OPS = ['create', 'list', 'view', 'step add', 'step done', 'complete'] as const;
type Op = (typeof OPS)[number];

/**
 * Issue 3's benchmark: 1,000 users x 100 quests on real PostgreSQL; a mix of
 * create/list/view/step add/step done/complete through the dispatcher at
 * concurrency 1 and 32, against the same operations as minimal hand-written SQL.
 */
export async function benchQuests(baseUrl: string): Promise<void> {
  const db = await freshDatabase(baseUrl, 'questlog_bench_quests');
  const app = await createApp(loadConfig({ DATABASE_URL: db.url, PORT: '0', QUESTLOG_CONSOLE: 'off', LOG_LEVEL: 'silent' }), pino({ level: 'silent' }), {
    poolMax: 32,
  });
  const pool = new pg.Pool({ connectionString: db.url, max: 32 });
  try {
    const seedStart = performance.now();
    await seed(pool);
    console.log(`seeded ${USERS} users x ${QUESTS_PER_USER} quests in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);
    const plan = new Planner();
    // Warm-up so JIT, pools and plans are hot for both sides.
    await drive(1, 200, plan, (op, user, q) => viaDispatch(app, op, user, q));
    await drive(1, 200, plan, (op, user, q) => viaSql(pool, op, user, q));
    const results: Array<Record<string, string | number>> = [];
    for (const [concurrency, total] of [
      [1, 1200],
      [32, 6000],
    ] as const) {
      const app1 = await drive(concurrency, total, plan, (op, user, q) => viaDispatch(app, op, user, q));
      const floor = await drive(concurrency, total, plan, (op, user, q) => viaSql(pool, op, user, q));
      console.log(`\nconcurrency ${concurrency}: ${total} commands`);
      table(
        app1.samples.rows().map((row) => {
          const f = floor.samples.rows().find((r) => r.label === row.label)!;
          return { command: row.label, count: row.count, 'p50 app': fmt(row.p50), 'p99 app': fmt(row.p99), 'p50 floor': fmt(f.p50), 'p99 floor': fmt(f.p99) };
        }),
      );
      const appRate = (total / app1.ms) * 1000;
      const floorRate = (total / floor.ms) * 1000;
      results.push({
        concurrency,
        'app cmd/s': appRate.toFixed(0),
        'floor cmd/s': floorRate.toFixed(0),
        'app/floor': `${((appRate / floorRate) * 100).toFixed(0)}%`,
        'worst p99 app': fmt(Math.max(...app1.samples.rows().map((r) => r.p99))),
      });
    }
    console.log('\nthroughput');
    table(results);
  } finally {
    await pool.end();
    await app.close();
    await db.drop();
  }
}

async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(`
    insert into users (username, display_name, quest_counter)
    select 'bench' || g, 'bench' || g, ${QUESTS_PER_USER} from generate_series(1, ${USERS}) g`);
  await pool.query(`insert into user_profiles (user_id) select id from users`);
  await pool.query(`insert into user_identities (user_id, platform, scope, platform_user_id, display_name)
    select id, 'console', 'local', username, username from users`);
  await pool.query(`
    insert into quests (user_id, number, title, difficulty, status, priority, estimated_duration, experience_points, created_at)
    select u.id, n, 'Seeded quest ' || n,
      (array['EASY','MEDIUM','HARD','EPIC'])[1 + n % 4],
      (array['ACTIVE','ACTIVE','IN_PROGRESS','DRAFT','COMPLETED'])[1 + n % 5],
      (array['LOW','MEDIUM','HIGH','URGENT'])[1 + n % 4],
      30 + n % 90, 25, now() - make_interval(mins => n)
    from users u, generate_series(1, ${QUESTS_PER_USER}) n`);
  await pool.query(`
    insert into quest_steps (quest_id, title, order_index)
    select q.id, 'Step ' || s, s from quests q, generate_series(1, 3) s where q.number % 2 = 0`);
  await pool.query('analyze');
}

/** Hands out users and quests so each completion targets a quest that is still open. */
class Planner {
  private readonly openQuests = new Map<number, number[]>();
  pick(i: number): { op: Op; user: number; quest: number } {
    const op = OPS[i % OPS.length]!;
    const user = 1 + Math.floor(Math.random() * USERS);
    if (op === 'complete') {
      let open = this.openQuests.get(user);
      if (!open) this.openQuests.set(user, (open = Array.from({ length: QUESTS_PER_USER }, (_, n) => n + 1).filter((n) => n % 5 < 3)));
      const quest = open.pop() ?? 1;
      return { op, user, quest };
    }
    return { op, user, quest: 2 * (1 + Math.floor(Math.random() * (QUESTS_PER_USER / 2))) };
  }
}

async function drive(
  concurrency: number,
  total: number,
  plan: Planner,
  run: (op: Op, user: number, quest: number) => Promise<void>,
): Promise<{ ms: number; samples: Samples }> {
  const samples = new Samples();
  const ms = await runConcurrent(total, concurrency, async (i) => {
    const { op, user, quest } = plan.pick(i);
    const started = performance.now();
    await run(op, user, quest);
    samples.add(op, performance.now() - started);
  });
  return { ms, samples };
}

async function viaDispatch(app: Awaited<ReturnType<typeof createApp>>, op: Op, user: number, quest: number): Promise<void> {
  const lines: Record<Op, string> = {
    create: `quest create "Benchmark quest" difficulty:hard estimate:1h tags:bench`,
    list: 'quest list',
    view: `quest view #${quest}`,
    'step add': `step add #${quest} "Another step"`,
    'step done': `step done #${quest} 1`,
    complete: `quest complete #${quest}`,
  };
  const line = lines[op];
  const space = line.indexOf(' ');
  const reply = await app.dispatcher.dispatch({
    identity: { platform: 'console', scope: 'local', platformUserId: `bench${user}` },
    command: line.slice(0, space),
    text: line.slice(space + 1),
    source: 'command',
  });
  if (reply.tone === 'error' && /Sorry/.test(reply.text ?? '')) throw new Error(`${line}: ${reply.text}`);
}

/** The floor: what each command must do at minimum, as hand-written SQL. */
async function viaSql(pool: pg.Pool, op: Op, user: number, quest: number): Promise<void> {
  const username = `bench${user}`;
  switch (op) {
    case 'create': {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const { rows } = await client.query(
          `update users set quest_counter = quest_counter + 1 where id = (select user_id from user_identities where platform = 'console' and scope = 'local' and platform_user_id = $1) returning id, quest_counter`,
          [username],
        );
        await client.query(
          `insert into quests (user_id, number, title, difficulty, status, priority, estimated_duration, experience_points) values ($1, $2, 'Benchmark quest', 'HARD', 'ACTIVE', 'MEDIUM', 60, 65)`,
          [rows[0].id, rows[0].quest_counter],
        );
        await client.query('commit');
      } finally {
        client.release();
      }
      return;
    }
    case 'list':
      await pool.query(
        `select q.* from quests q join user_identities i on i.user_id = q.user_id
         where i.platform = 'console' and i.scope = 'local' and i.platform_user_id = $1 and q.status in ('DRAFT','ACTIVE','IN_PROGRESS')
         order by case q.priority when 'URGENT' then 4 when 'HIGH' then 3 when 'MEDIUM' then 2 else 1 end desc, q.created_at limit 10`,
        [username],
      );
      return;
    case 'view':
      await pool.query(
        `select q.*, (select json_agg(s order by s.order_index) from quest_steps s where s.quest_id = q.id) as steps
         from quests q join user_identities i on i.user_id = q.user_id
         where i.platform = 'console' and i.scope = 'local' and i.platform_user_id = $1 and q.number = $2`,
        [username, quest],
      );
      return;
    case 'step add':
      await pool.query(
        `insert into quest_steps (quest_id, title, order_index)
         select q.id, 'Another step', coalesce((select max(order_index) from quest_steps where quest_id = q.id), 0) + 1
         from quests q join user_identities i on i.user_id = q.user_id
         where i.platform = 'console' and i.scope = 'local' and i.platform_user_id = $1 and q.number = $2`,
        [username, quest],
      );
      return;
    case 'step done':
      await pool.query(
        `update quest_steps s set completed = true, completed_at = now() from quests q join user_identities i on i.user_id = q.user_id
         where s.quest_id = q.id and s.order_index = 1 and i.platform = 'console' and i.scope = 'local' and i.platform_user_id = $1 and q.number = $2`,
        [username, quest],
      );
      return;
    case 'complete':
      await pool.query(
        `update quests q set status = 'COMPLETED', completed_at = now() from user_identities i
         where i.user_id = q.user_id and i.platform = 'console' and i.scope = 'local' and i.platform_user_id = $1 and q.number = $2
           and q.status in ('ACTIVE','IN_PROGRESS')`,
        [username, quest],
      );
      return;
  }
}
