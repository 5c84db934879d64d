import cron from 'node-cron';
import type { KvStore } from '../infra/kv/kv.js';
import type { JobResult } from './job.js';
import { JOB_SCHEDULES } from './schedule.js';

interface LastRun {
  at: string;
  ok: boolean;
  result: JobResult;
}

const LAST_RUN_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const key = (name: string) => `jobs:last-run:${name}`;

/** Kept in the kv store, so every replica (and `/questlog jobs`) sees the last run wherever it happened. */
export async function recordLastRun(kv: KvStore, name: string, run: LastRun): Promise<void> {
  await kv.set(key(name), JSON.stringify(run), LAST_RUN_TTL_MS);
}

export interface JobStatus {
  name: string;
  description: string;
  cron: string;
  nextRun: Date | null;
  lastRun: { at: Date; ok: boolean; result: JobResult } | null;
}

/** `/questlog jobs`: every job with its next fire and its last run (any replica). */
export class JobStatusService {
  constructor(
    private readonly kv: KvStore,
    private readonly enabled = true,
  ) {}

  get jobsEnabled(): boolean {
    return this.enabled;
  }

  async list(): Promise<JobStatus[]> {
    return Promise.all(
      JOB_SCHEDULES.map(async (s) => {
        const raw = await this.kv.get(key(s.name)).catch(() => null);
        const last = raw ? (JSON.parse(raw) as LastRun) : null;
        return {
          name: s.name,
          description: s.description,
          cron: s.cron,
          nextRun: nextFire(s.cron),
          lastRun: last ? { at: new Date(last.at), ok: last.ok, result: last.result } : null,
        };
      }),
    );
  }
}

function nextFire(expression: string): Date | null {
  const probe = cron.createTask(expression, () => undefined, { timezone: 'Etc/UTC' });
  try {
    return probe.getNextRuns(1)[0] ?? null;
  } finally {
    void probe.destroy();
  }
}
