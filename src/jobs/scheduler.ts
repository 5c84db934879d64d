import cron, { type ScheduledTask } from 'node-cron';
import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import type { Job, JobResult } from './job.js';
import { KvRunCoordinator } from './run-coordinator.js';
import { asJobs } from '../infra/db/acting.js';
import { scheduleOf, type JobSchedule } from './schedule.js';
import { recordLastRun } from './job-status.js';

export interface JobSchedulerOptions {
  jobs: Job[];
  kv: KvStore;
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
  /** Overrides the cron expressions of `schedule.ts` (tests fire every second). */
  schedules?: Partial<Record<string, Partial<JobSchedule>>>;
  /** Coordination key prefix (tests isolate themselves on a shared Redis). */
  keyPrefix?: string;
  /** Releases what the jobs hold (the SMTP pool) once they have stopped. */
  onStopped?: () => void;
}

/**
 * Runs the jobs on node-cron 4 (`name`, `noOverlap`, `distributed`) with the kv
 * run coordinator, so each fire runs in exactly one replica. `stop` raises the
 * jobs' abort signal, waits for the batch in hand, then gives up the fire markers.
 */
export class JobScheduler {
  private readonly tasks = new Map<string, ScheduledTask>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly coordinator: KvRunCoordinator;
  private readonly abort = new AbortController();
  private stopped: Promise<void> | undefined;

  constructor(private readonly options: JobSchedulerOptions) {
    this.coordinator = new KvRunCoordinator(options.kv, options.keyPrefix ?? 'jobs:fire:');
  }

  get started(): boolean {
    return this.tasks.size > 0;
  }

  start(): void {
    if (this.abort.signal.aborted) throw new Error('the job scheduler was stopped');
    for (const job of this.options.jobs) {
      const schedule = { ...scheduleOf(job.name), ...this.options.schedules?.[job.name] };
      const task = cron.createTask(schedule.cron, (fire) => this.runJob(job, fire.date), {
        name: job.name,
        timezone: 'Etc/UTC',
        noOverlap: true,
        distributed: !schedule.everyReplica,
        runCoordinator: this.coordinator,
        distributedLease: schedule.leaseMs,
        suppressMissedWarning: true,
      });
      this.tasks.set(job.name, task);
      void task.start();
    }
    this.options.logger.info({ jobs: [...this.tasks.keys()] }, 'jobs started');
  }

  /** Runs one job now, outside its schedule and without coordination (tests, local mode). */
  runNow(name: string): Promise<JobResult> {
    const job = this.options.jobs.find((j) => j.name === name);
    if (!job) throw new Error(`unknown job ${name}`);
    return this.runJob(job);
  }

  nextRun(name: string): Date | null {
    return this.tasks.get(name)?.getNextRun() ?? null;
  }

  /** Stops firing, lets the in-flight batches finish (up to `timeoutMs`), then releases what this process holds. */
  stop(timeoutMs = 10_000): Promise<void> {
    this.stopped ??= this.shutdown(timeoutMs);
    return this.stopped;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    const wasRunning = this.tasks.size > 0 || this.running.size > 0;
    this.abort.abort();
    for (const task of this.tasks.values()) await task.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.running]),
      new Promise((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    const released = await this.coordinator.releaseAll();
    for (const task of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    this.options.onStopped?.();
    if (wasRunning) this.options.logger.info({ released }, 'jobs stopped');
  }

  private async runJob(job: Job, fire?: Date): Promise<JobResult> {
    if (this.abort.signal.aborted) return {};
    const { logger, metrics, kv } = this.options;
    const now = this.options.clock?.() ?? new Date();
    fire ??= now;
    const log = logger.child({ job: job.name });
    const started = performance.now();
    const context = { now, fire, signal: this.abort.signal, logger: log };
    const run = job.owner ? job.run(context) : asJobs(() => job.run(context));
    this.running.add(run);
    try {
      const result = await run;
      const seconds = (performance.now() - started) / 1000;
      metrics?.jobRuns.inc({ job: job.name, outcome: 'ok' });
      metrics?.jobSeconds.observe({ job: job.name }, seconds);
      for (const [what, count] of Object.entries(result)) if (count) metrics?.jobItems.inc({ job: job.name, what }, count);
      if (Object.values(result).some(Boolean)) log.info({ ...result, ms: Math.round(seconds * 1000) }, 'job ran');
      await recordLastRun(kv, job.name, { at: now.toISOString(), ok: true, result }).catch(() => undefined);
      return result;
    } catch (error) {
      metrics?.jobRuns.inc({ job: job.name, outcome: 'error' });
      log.error({ err: error }, 'job failed');
      await recordLastRun(kv, job.name, { at: now.toISOString(), ok: false, result: {} }).catch(() => undefined);
      return {};
    } finally {
      this.running.delete(run);
    }
  }
}
