import type pg from 'pg';

/** What `npm run bench -- quests` runs: the data, the command mix and the hand-written SQL floor. */
export const USERS = 1000;
export const QUESTS_PER_USER = 100;
export const OPS = ['create', 'list', 'view', 'step add', 'step done', 'complete'] as const;
export type Op = (typeof OPS)[number];

/** 1,000 users x 100 quests (every other one with 3 steps), identities for the console. */
export async function seedQuests(pool: pg.Pool): Promise<void> {
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

/** A small deterministic generator, so every side of a run sees the same sequence of commands. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hands out users and quests so each completion targets a quest that is still open. */
export class Planner {
  private readonly openQuests = new Map<number, number[]>();
  private readonly random: () => number;

  constructor(seed: number) {
    this.random = mulberry32(seed);
  }

  pick(i: number): { op: Op; user: number; quest: number } {
    const op = OPS[i % OPS.length]!;
    const user = 1 + Math.floor(this.random() * USERS);
    if (op === 'complete') {
      let open = this.openQuests.get(user);
      // Open quests without steps (the seed gives steps to even numbers): completing one with
      // unticked steps asks first since the complete-anyway change, which would measure a prompt.
      if (!open) this.openQuests.set(user, (open = Array.from({ length: QUESTS_PER_USER }, (_, n) => n + 1).filter((n) => n % 5 < 3 && n % 2 === 1)));
      return { op, user, quest: open.pop() ?? 1 };
    }
    return { op, user, quest: 2 * (1 + Math.floor(this.random() * (QUESTS_PER_USER / 2))) };
  }
}

export function commandLine(op: Op, quest: number): string {
  const lines: Record<Op, string> = {
    create: `quest create "Benchmark quest" difficulty:hard estimate:1h tags:bench`,
    list: 'quest list',
    view: `quest view #${quest}`,
    'step add': `step add #${quest} "Another step"`,
    'step done': `step done #${quest} 1`,
    complete: `quest complete #${quest}`,
  };
  return lines[op];
}

/** The floor: what each command must do at minimum, as hand-written SQL. */
export async function viaSql(pool: pg.Pool, op: Op, user: number, quest: number): Promise<void> {
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
