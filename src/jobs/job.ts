import type { Logger } from '../infra/logger.js';

/** What one run of a job gets: the fire time, a signal raised on shutdown, and a logger bound to the job. */
export interface JobContext {
  now: Date;
  /** The schedule slot this run was elected for (the coordination key); `now` for a manual run. */
  fire: Date;
  /** Raised when the process stops: finish (or release) the batch in hand and return. */
  signal: AbortSignal;
  logger: Logger;
}

/** Counts a run reports (rows claimed, sent, deleted...): logged and added to /metrics. */
export type JobResult = Record<string, number>;

/** One cron job: `src/jobs/<name>.job.ts` exports a factory returning this. */
export interface Job {
  /** Stable name: the node-cron task name and the coordination key. */
  readonly name: string;
  /**
   * Runs as the connecting role (the schema owner) rather than `questlog_jobs`:
   * only for DDL (partitions), which needs the owner. Every other job sees all
   * users' rows through the jobs role (row-level security).
   */
  readonly owner?: boolean;
  run(context: JobContext): Promise<JobResult>;
}
