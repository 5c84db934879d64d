import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { HousekeepingService } from './housekeeping.service.js';

let app: TestApp;
const now = new Date();

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

describe('housekeeping', () => {
  it('deletes notifications past 6 months and keeps newer ones; the run shows in /metrics', async () => {
    await app.run('/settings show', 'hk');
    const [{ user_id: id }] = (await app.sql<{ user_id: string }>("select user_id from user_identities where platform_user_id = 'hk'")) as [
      { user_id: string },
    ];
    await app.sql(
      `insert into notifications (user_id, type, title, created_at) values (?, 'reminder', 'old', now() - interval '7 months'), (?, 'reminder', 'recent', now() - interval '5 months')`,
      [id, id],
    );
    const result = await app.jobs.runNow('retention-cleanup');
    expect(result.notificationsDeleted).toBe(1);
    expect((await app.sql<{ title: string }>('select title from notifications where user_id = ?', [id])).map((r) => r.title)).toEqual(['recent']);
    const metrics = (await app.metrics.render()).body;
    expect(metrics).toMatch(/questlog_job_items_total\{job="retention-cleanup",what="notificationsDeleted"\} 1/);
    expect(metrics).toMatch(/questlog_job_runs_total\{job="retention-cleanup",outcome="ok"\} 1/);
  });

  it('keeps behavior-log partitions three months ahead, moving rows out of DEFAULT', async () => {
    const result = await new HousekeepingService(app.db.orm.em.fork()).maintainPartitions(now);
    expect(result.partitionsDropped).toBe(0);
    const parts = await app.sql<{ name: string }>(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname = 'user_behavior_logs'`,
    );
    const ahead = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 3, 1));
    expect(parts.map((p) => p.name)).toContain(`user_behavior_logs_${ahead.getUTCFullYear()}_${String(ahead.getUTCMonth() + 1).padStart(2, '0')}`);
    // A second run creates nothing new.
    expect((await new HousekeepingService(app.db.orm.em.fork()).maintainPartitions(now)).partitionsCreated).toBe(0);
  });
});
