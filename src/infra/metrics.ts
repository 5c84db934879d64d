import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Process metrics plus command counts and latencies, served at GET /metrics. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const commands = new Counter({
    name: 'questlog_commands_total',
    help: 'Commands handled, by command, platform and outcome',
    labelNames: ['command', 'platform', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'questlog_command_seconds',
    help: 'Command handling time',
    labelNames: ['command'] as const,
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const jobRuns = new Counter({
    name: 'questlog_job_runs_total',
    help: 'Cron job runs in this replica, by job and outcome',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'questlog_job_seconds',
    help: 'Cron job run time',
    labelNames: ['job'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
    registers: [registry],
  });
  const jobItems = new Counter({
    name: 'questlog_job_items_total',
    help: 'What cron jobs did (rows claimed, notifications sent, rows deleted, partitions created...), by job and item',
    labelNames: ['job', 'what'] as const,
    registers: [registry],
  });
  return {
    registry,
    commands,
    latency,
    jobRuns,
    jobSeconds,
    jobItems,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
