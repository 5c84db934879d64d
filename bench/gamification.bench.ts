import pg from 'pg';
import { pino } from 'pino';
import { createApp, type App } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import type { SpaceRef } from '../src/core/invocation.js';
import { LeaderboardService, leaderboardWritesSettled, periodWindow, type LeaderboardPeriod } from '../src/modules/leaderboard/leaderboard.service.js';
import { fmt, freshDatabase, runConcurrent, Samples, table } from './harness.js';

const MEMBERS = 10_000;
/** Users with a long history: each has this many completed quests. */
const HEAVY = 32;
const HISTORY = 10_000;
const OPEN_PER_HEAVY = 700;
const CONCURRENCY = 32;
const COMPLETIONS = HEAVY * 300;
const LEADERBOARD_READS = 4_000;
/** Members who read the board: known to the process already, as active members are. */
const READERS = 1_000;
const SPACE: SpaceRef = { platform: 'console', externalId: 'bench-guild', name: 'Bench guild' };

/**
 * Issue 4's benchmark on real PostgreSQL, with the full achievement catalog:
 * `/quest complete` for users with 10,000 completed quests each through the
 * dispatcher, one at a time and at concurrency 32 (32 such users with one request
 * in flight each, and the worst case of one user completing 32 quests at once:
 * those take turns on the user's row), then `/leaderboard` of a space with
 * 10,000 members from the cache (through the dispatcher and the service alone)
 * and the time to rebuild it from the ledger. Uses REDIS_URL for the cache when it is set, the in-process store otherwise.
 */
export async function benchGamification(databaseUrl: string): Promise<void> {
  const db = await freshDatabase(databaseUrl, 'questlog_bench_gamification');
  const env: Record<string, string> = { DATABASE_URL: db.url, PORT: '0', QUESTLOG_CONSOLE: 'off', LOG_LEVEL: 'silent' };
  if (process.env.REDIS_URL) env.REDIS_URL = process.env.REDIS_URL;
  const app = await createApp(loadConfig(env), pino({ level: 'silent' }), { poolMax: CONCURRENCY + 8 });
  const pool = new pg.Pool({ connectionString: db.url, max: 8 });
  try {
    const seedStart = performance.now();
    await seed(pool);
    const [catalog] = (await pool.query<{ n: number }>('select count(*)::int as n from achievements')).rows;
    console.log(
      `seeded ${MEMBERS} members (${HEAVY} with ${HISTORY} completed quests each) and ${catalog!.n} achievements in ${((performance.now() - seedStart) / 1000).toFixed(1)} s; cache: ${app.kv.kind}`,
    );

    const next = new Map<string, number>();
    const completeNext = async (user: string, samples: Samples, label: string) => {
      const number = (next.get(user) ?? HISTORY) + 1;
      next.set(user, number);
      const started = performance.now();
      const reply = await run(app, user, `/quest complete #${number}`);
      samples.add(label, performance.now() - started);
      if (reply.tone !== 'success') throw new Error(`complete #${number} for ${user} failed: ${reply.text}`);
    };

    // Warm-up: pools, plans, the catalog cache, and the achievements a long history has already earned.
    const warm = new Samples();
    await runConcurrent(HEAVY * 3, CONCURRENCY, (i) => completeNext(heavyUser(i % HEAVY), warm, 'warm-up'));
    await run(app, heavyUser(0), '/leaderboard week');
    await run(app, heavyUser(0), '/leaderboard all');

    const samples = new Samples();
    await runConcurrent(HEAVY * 5, 1, async (i) => completeNext(heavyUser(i % HEAVY), samples, 'complete: one at a time'));
    const spread = await runConcurrent(COMPLETIONS, CONCURRENCY, async (i) =>
      completeNext(heavyUser(i % HEAVY), samples, `complete: ${HEAVY} users, 1 in flight each`),
    );
    const same = await runConcurrent(CONCURRENCY * 10, CONCURRENCY, async () => completeNext(heavyUser(0), samples, 'complete: 1 user, 32 in flight'));
    await leaderboardWritesSettled(app.kv);
    console.log(
      `\n/quest complete at concurrency ${CONCURRENCY} (${((COMPLETIONS / spread) * 1000).toFixed(0)} and ${(((CONCURRENCY * 10) / same) * 1000).toFixed(0)} completions/s)`,
    );
    table(samples.rows().map((r) => ({ scenario: r.label, count: r.count, p50: fmt(r.p50), p99: fmt(r.p99) })));

    const leaderboard = new LeaderboardService(app.db.orm.em.fork(), app.kv, app.logger);
    const [space] = (await pool.query<{ id: string }>('select id from spaces where external_id = $1', [SPACE.externalId])).rows;
    const rebuilds: Array<Record<string, string | number>> = [];
    for (const period of ['week', 'all'] as LeaderboardPeriod[]) {
      const started = performance.now();
      const size = await leaderboard.rebuild(space!.id, periodWindow(period, new Date()));
      rebuilds.push({ board: period, members: size, 'rebuild from the ledger': fmt(performance.now() - started) });
    }
    console.log(`\n/leaderboard of a space with ${MEMBERS} members`);
    table(rebuilds);

    const reader = (i: number) => `gb${1 + ((i * 7919) % MEMBERS)}`;
    await runConcurrent(READERS, CONCURRENCY, async (i) => void (await run(app, reader(i), '/profile')));
    const reads = new Samples();
    for (const concurrency of [1, CONCURRENCY]) {
      await runConcurrent(LEADERBOARD_READS / 2, concurrency, async (i) => {
        const period = i % 2 ? 'week' : 'all';
        const started = performance.now();
        const reply = await run(app, reader(i % READERS), `/leaderboard ${period}`);
        reads.add(`/leaderboard from the cache, concurrency ${concurrency}`, performance.now() - started);
        if (!reply.title?.startsWith('🏆')) throw new Error(`leaderboard failed: ${reply.text}`);
      });
    }
    const service = new Samples();
    const readerIds = await pool.query<{ id: string }>('select id from users order by username limit $1', [READERS]);
    await runConcurrent(LEADERBOARD_READS / 2, 1, async (i) => {
      const started = performance.now();
      await leaderboard.show(space!.id, readerIds.rows[i % READERS]!.id, i % 2 ? 'week' : 'all', new Date());
      service.add('LeaderboardService.show, concurrency 1', performance.now() - started);
    });
    table([...reads.rows(), ...service.rows()].map((r) => ({ read: r.label, count: r.count, p50: fmt(r.p50), p99: fmt(r.p99) })));
  } finally {
    await leaderboardWritesSettled(app.kv);
    await pool.end();
    await app.close();
    await db.drop();
  }
}

function heavyUser(i: number): string {
  return `gb${i + 1}`;
}

function run(app: App, user: string, line: string) {
  const [command, ...rest] = line.replace(/^\//, '').split(' ');
  return app.dispatcher.dispatch({
    identity: { platform: 'console', scope: 'local', platformUserId: user, displayName: user },
    space: SPACE,
    command: command!,
    text: rest.join(' '),
    source: 'command',
  });
}

async function seed(pool: pg.Pool): Promise<void> {
  await pool.query(`
    insert into users (username, display_name, quest_counter)
    select 'gb' || g, 'Member ' || g, case when g <= ${HEAVY} then ${HISTORY + OPEN_PER_HEAVY} else 0 end
    from generate_series(1, ${MEMBERS}) g`);
  await pool.query('insert into user_profiles (user_id) select id from users');
  await pool.query(`insert into user_identities (user_id, platform, scope, platform_user_id, display_name)
    select id, 'console', 'local', username, display_name from users`);
  await pool.query(`insert into spaces (platform, external_id, name) values ('${SPACE.platform}', '${SPACE.externalId}', 'Bench guild')`);
  await pool.query('insert into space_members (space_id, user_id) select s.id, u.id from spaces s, users u');
  const heavy = `select id from users where username in (select 'gb' || g from generate_series(1, ${HEAVY}) g)`;
  // History: one completion an hour going back ~14 months, each with its ledger row.
  await pool.query(`
    insert into quests (user_id, number, title, difficulty, status, estimated_duration, experience_points, created_at, completed_at)
    select u.id, n, 'Done ' || n, (array['EASY','MEDIUM','HARD','EPIC'])[1 + n % 4], 'COMPLETED', 30 + n % 90,
      (array[10, 25, 50, 100])[1 + n % 4], now() - make_interval(hours => n + 1), now() - make_interval(hours => n)
    from (${heavy}) u, generate_series(1, ${HISTORY}) n`);
  await pool.query(`
    insert into quests (user_id, number, title, difficulty, status, estimated_duration, experience_points)
    select u.id, n, 'Open ' || n, (array['EASY','MEDIUM','HARD','EPIC'])[1 + n % 4], 'ACTIVE', 30 + n % 90, (array[10, 25, 50, 100])[1 + n % 4]
    from (${heavy}) u, generate_series(${HISTORY + 1}, ${HISTORY + OPEN_PER_HEAVY}) n`);
  await pool.query(`insert into experience_events (user_id, quest_id, amount, reason, created_at)
    select user_id, id, experience_points, 'quest', completed_at from quests where status = 'COMPLETED'`);
  // Everyone else earned something this week.
  await pool.query(`insert into experience_events (user_id, amount, reason, created_at)
    select id, 10 + (hashtext(username) & 1023), 'quest', now() - interval '1 minute' from users
    where id not in (${heavy})`);
  await pool.query(`
    update users u set experience_points = s.total, level = floor((1 + sqrt(1 + s.total / 12.5)) / 2)::int
    from (select user_id, sum(amount)::int as total from experience_events group by user_id) s where s.user_id = u.id`);
  // Counters as completions would have left them (the same sums the counters migration backfills).
  await pool.query(`
    insert into user_stats (user_id, completions, completions_by_difficulty, completions_by_minute)
    select q.user_id, count(*)::int,
      (select jsonb_object_agg(d, n) from (select difficulty d, count(*)::int n from quests where user_id = q.user_id and completed_at is not null group by 1) x),
      (select jsonb_object_agg(m, n) from (select (extract(hour from completed_at) * 60 + extract(minute from completed_at))::int::text m, count(*)::int n
        from quests where user_id = q.user_id and completed_at is not null group by 1) x)
    from quests q where q.completed_at is not null group by q.user_id`);
  // A running 30-day streak of each kind.
  await pool.query(`
    insert into streaks (user_id, streak_type, current_count, longest_count, start_date, last_activity_date)
    select u.id, t, 30, 30, current_date - 30, current_date - 1 from (${heavy}) u, unnest(array['daily', 'weekly', 'monthly']) t`);
  await pool.query('analyze');
}
