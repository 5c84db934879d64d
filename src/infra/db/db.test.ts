import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { openDatabase } from './orm.js';
import { entities } from '../../modules/entities.js';
import { createDatabase } from '../../testing/databases.js';
import { migrationsList } from '../../../migrations/index.js';

const run = promisify(execFile);
const realPostgres = process.env.DATABASE_URL;
if (!realPostgres) console.warn('Concurrent-migration test skipped: DATABASE_URL is not set (it needs a real PostgreSQL server)');

describe('schema', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => app?.close());

  it('leaves nothing for the ORM to apply after migrating', async () => {
    const sql = await app.db.orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(sql.trim()).toBe('');
  });

  it('partitions behavior logs by month with a default partition, and notifications by user hash', async () => {
    const parts = await app.sql<{ parent: string; child: string }>(
      `select parent.relname as parent, c.relname as child from pg_inherits i
       join pg_class c on c.oid = i.inhrelid join pg_class parent on parent.oid = i.inhparent
       where parent.relname in ('user_behavior_logs', 'notifications')`,
    );
    const logs = parts.filter((p) => p.parent === 'user_behavior_logs').map((p) => p.child);
    expect(logs).toContain('user_behavior_logs_default');
    expect(logs.filter((name) => /_\d{4}_\d{2}$/.test(name)).length).toBeGreaterThanOrEqual(4);
    expect(parts.filter((p) => p.parent === 'notifications')).toHaveLength(16);
  });

  it('accepts a behavior log row far outside the monthly partitions (DEFAULT partition)', async () => {
    const [user] = await app.sql<{ id: string }>(`insert into users (username) values ('part_test') returning id`);
    await app.sql(`insert into user_behavior_logs (user_id, action_type, "timestamp") values (?, 'x', '1999-01-01')`, [user!.id]);
    const [row] = await app.sql<{ n: string }>('select count(*) as n from user_behavior_logs_default');
    expect(Number(row!.n)).toBe(1);
  });

  it('moves default-partition rows when a monthly partition is created for them', async () => {
    const [user] = await app.sql<{ id: string }>(`insert into users (username) values ('part_move') returning id`);
    const future = new Date();
    future.setUTCMonth(future.getUTCMonth() + 6, 15);
    await app.sql(`insert into user_behavior_logs (user_id, action_type, "timestamp") values (?, 'future', ?)`, [user!.id, future]);
    await app.sql('select ensure_behavior_log_partitions(0, 6)');
    const [row] = await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs_default where action_type = 'future'`);
    expect(Number(row!.n)).toBe(0);
    const [all] = await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs where action_type = 'future'`);
    expect(Number(all!.n)).toBe(1);
  });

  it('keeps updated_at with a trigger even for writes outside the ORM', async () => {
    const [user] = await app.sql<{ id: string; updated_at: Date }>(
      `insert into users (username, updated_at) values ('trigger_test', '2000-01-01') returning id, updated_at`,
    );
    await app.sql(`update users set display_name = 'x' where id = ?`, [user!.id]);
    const [after] = await app.sql<{ updated_at: Date }>('select updated_at from users where id = ?', [user!.id]);
    expect(new Date(after!.updated_at).getFullYear()).toBeGreaterThan(2020);
  });

  it.each([
    [`insert into quests (user_id, number, title, difficulty, estimated_duration) values (?, 1, 't', 'EASY', 0)`, /quests_estimated_duration_check/],
    [`insert into quests (user_id, number, title, difficulty, estimated_duration) values (?, 1, 't', 'TRIVIAL', 10)`, /difficulty_check/],
    [`insert into quest_categories (user_id, name, color) values (?, 'c', 'blue')`, /quest_categories_color_check/],
  ])('enforces the seed CHECK constraints: %s', async (statement, constraint) => {
    const [user] = await app.sql<{ id: string }>(`insert into users (username) values (?) returning id`, [`chk_${Math.random().toString(36).slice(2, 10)}`]);
    await expect(app.sql(statement, [user!.id])).rejects.toThrow(constraint);
  });
});

describe('embedded database', () => {
  it('keeps data across a restart of the same data directory', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'questlog-persist-'));
    try {
      const first = await openDatabase({ dataDir: dir, entities });
      await first.orm.em.fork().execute(`insert into users (username, display_name) values ('persisted', 'Kept')`);
      await first.close();
      const second = await openDatabase({ dataDir: dir, entities });
      const rows = await second.orm.em.fork().execute<{ display_name: string }[]>(`select display_name from users where username = 'persisted'`);
      const migrations = await second.orm.getMigrator().getPendingMigrations();
      await second.close();
      expect(rows).toEqual([{ display_name: 'Kept' }]);
      expect(migrations).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    // Two initdb-and-migrate runs of the embedded engine: seconds on a quiet machine, much more on a busy one.
  }, 180_000);
});

describe.skipIf(!realPostgres)('migrations on PostgreSQL', () => {
  it('lets two processes started at once come up on one schema (advisory lock)', async () => {
    const scratch = await createDatabase(realPostgres!, `questlog_lock_${process.pid}`, { replace: true });
    try {
      const env = { ...process.env, DATABASE_URL: scratch.url };
      const both = await Promise.all(
        [1, 2].map(() => run(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], { env, cwd: process.cwd(), timeout: 60_000 })),
      );
      for (const { stdout } of both) expect(stdout).toMatch(/migrated: \d+ migrations applied/);
      const db = new pg.Client({ connectionString: scratch.url });
      await db.connect();
      const { rows } = await db.query('select count(*)::int as n from mikro_orm_migrations');
      const { rows: tables } = await db.query(`select count(*)::int as n from pg_tables where tablename = 'quests'`);
      await db.end();
      expect(tables[0].n).toBe(1);
      // each migration recorded once: the second process found nothing left to do
      expect(rows[0].n).toBe(migrationsList.length);
    } finally {
      await scratch.drop();
    }
  }, 120_000);
});
