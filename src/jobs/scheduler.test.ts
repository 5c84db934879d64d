import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryKvStore } from '../infra/kv/memory-kv.js';
import { RedisKvStore } from '../infra/kv/redis-kv.js';
import type { KvStore } from '../infra/kv/kv.js';
import type { Job } from './job.js';
import { JobScheduler } from './scheduler.js';
import { KvRunCoordinator } from './run-coordinator.js';

const logger = pino({ level: 'silent' });
const open: Array<{ stop(): Promise<void> } | KvStore> = [];

afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await ('stop' in thing ? thing.stop() : thing.close());
});

/** A job that records which instance ran which fire. */
function recordingJob(instance: string, runs: Array<{ instance: string; fire: number }>): Job {
  return {
    name: 'daily-reminder',
    async run({ fire }) {
      runs.push({ instance, fire: fire.getTime() });
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { ran: 1 };
    },
  };
}

async function twoInstancesFireOnce(stores: [KvStore, KvStore]) {
  const runs: Array<{ instance: string; fire: number }> = [];
  const keyPrefix = `test:${randomUUID()}:`;
  const schedulers = stores.map(
    (kv, i) =>
      new JobScheduler({
        jobs: [recordingJob(`replica-${i}`, runs)],
        kv,
        logger,
        keyPrefix,
        schedules: { 'daily-reminder': { cron: '* * * * * *', leaseMs: 900 } },
      }),
  );
  for (const s of schedulers) {
    s.start();
    open.push(s);
  }
  // Bounded: at most ~10 s of one-second fires.
  for (let i = 0; i < 100 && new Set(runs.map((r) => r.fire)).size < 4; i++) await new Promise((r) => setTimeout(r, 100));
  for (const s of schedulers) await s.stop();
  const fires = runs.map((r) => r.fire);
  expect(new Set(fires).size).toBeGreaterThanOrEqual(4);
  // Every fire ran exactly once across the two instances.
  expect(fires.length).toBe(new Set(fires).size);
  return runs;
}

describe('job scheduler', () => {
  it('runs every fire once when two schedulers share the in-process store', async () => {
    const kv = new MemoryKvStore();
    open.push(kv);
    await twoInstancesFireOnce([kv, kv]);
  });

  it.runIf(process.env.REDIS_URL)('runs every fire exactly once across two instances on real Redis', async () => {
    const prefix = `questlog-test-${randomUUID()}:`;
    const a = new RedisKvStore(process.env.REDIS_URL!, { keyPrefix: prefix });
    const b = new RedisKvStore(process.env.REDIS_URL!, { keyPrefix: prefix });
    open.push(a, b);
    await twoInstancesFireOnce([a, b]);
  });
  if (!process.env.REDIS_URL) console.info('job scheduler: the two-instance Redis test needs REDIS_URL (skipped)');

  it('a released fire can be taken by another process; a finished one cannot', async () => {
    const kv = new MemoryKvStore();
    open.push(kv);
    const first = new KvRunCoordinator(kv);
    const second = new KvRunCoordinator(kv);
    expect(await first.shouldRun('job:2026-12-02T08:30:00.000Z', 60_000)).toBe(true);
    expect(await second.shouldRun('job:2026-12-02T08:30:00.000Z', 60_000)).toBe(false);
    expect(await first.releaseAll()).toBe(1);
    expect(await second.shouldRun('job:2026-12-02T08:30:00.000Z', 60_000)).toBe(true);
    second.onComplete('job:2026-12-02T08:30:00.000Z');
    expect(await second.releaseAll()).toBe(0);
    expect(await first.shouldRun('job:2026-12-02T08:30:00.000Z', 60_000)).toBe(false);
  });

  it('stop waits for the batch in flight and raises the abort signal', async () => {
    const kv = new MemoryKvStore();
    open.push(kv);
    let sawAbort = false;
    let finished = false;
    const job: Job = {
      name: 'streak-watch',
      async run({ signal }) {
        while (!signal.aborted) await new Promise((r) => setTimeout(r, 5));
        sawAbort = true;
        await new Promise((r) => setTimeout(r, 20));
        finished = true;
        return {};
      },
    };
    const scheduler = new JobScheduler({ jobs: [job], kv, logger });
    scheduler.start();
    const run = scheduler.runNow('streak-watch');
    await scheduler.stop();
    expect(sawAbort).toBe(true);
    expect(finished).toBe(true);
    await run;
  });
});
