import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What the pool gauge reads when scraped (knex/tarn counts). */
export interface PoolStats {
  used: number;
  free: number;
  pending: number;
  max: number;
}

/**
 * Process metrics plus command counts and latencies, database pool and
 * statement timings, job runs and the outbox backlog, served at GET /metrics.
 * Every label takes values from a bounded set (known command names, statement
 * kinds, job names), never user input.
 */
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
  const statements = new Histogram({
    name: 'questlog_db_statement_seconds',
    help: 'Database statement time by kind (select, insert, update, delete, begin, commit, ...)',
    labelNames: ['kind', 'outcome'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const slowStatements = new Counter({
    name: 'questlog_db_slow_statements_total',
    help: 'Statements slower than the slow-statement threshold, by kind',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  let poolStats: (() => PoolStats | undefined) | undefined;
  new Gauge({
    name: 'questlog_db_pool_connections',
    help: 'Database pool connections by state (used, free, pending acquires, max)',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const stats = poolStats?.();
      if (!stats) return;
      for (const state of ['used', 'free', 'pending', 'max'] as const) this.set({ state }, stats[state]);
    },
  });
  /** For the scheduled jobs: `jobRuns.inc({ job: 'reminders', outcome: 'ok' | 'failure' | 'skipped' })`. */
  const jobRuns = new Counter({
    name: 'questlog_job_runs_total',
    help: 'Scheduled job runs by job and outcome (ok, failure, skipped: another replica held the run)',
    labelNames: ['job', 'outcome'] as const,
    registers: [registry],
  });
  const jobSeconds = new Histogram({
    name: 'questlog_job_seconds',
    help: 'Scheduled job run time by job',
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
  /** For the outbox worker: set to the number of undelivered notifications after each pass. */
  const outboxBacklog = new Gauge({
    name: 'questlog_outbox_backlog',
    help: 'Notifications waiting in the outbox (undelivered)',
    registers: [registry],
  });
  const kvBreaker = new Gauge({
    name: 'questlog_kv_breaker_open',
    help: '1 while the kv circuit breaker skips Redis after failures, else 0',
    registers: [registry],
  });
  const aiTokens = new Counter({
    name: 'questlog_ai_tokens_total',
    help: 'Tokens used by model calls, by model and kind (prompt or completion)',
    labelNames: ['model', 'kind'] as const,
    registers: [registry],
  });
  const aiCalls = new Counter({
    name: 'questlog_ai_model_calls_total',
    help: 'Model calls, by task, output mode and outcome',
    labelNames: ['task', 'mode', 'outcome'] as const,
    registers: [registry],
  });
  const aiAnswers = new Counter({
    name: 'questlog_ai_suggestions_total',
    help: 'Suggestions answered, by task and by who answered (model, or offline and why)',
    labelNames: ['task', 'source'] as const,
    registers: [registry],
  });
  return {
    registry,
    commands,
    latency,
    statements,
    slowStatements,
    jobRuns,
    jobSeconds,
    jobItems,
    outboxBacklog,
    kvBreaker,
    /** Where the pool gauge reads from (set once the database is open). */
    watchPool(read: () => PoolStats | undefined) {
      poolStats = read;
    },
    aiTokens,
    aiCalls,
    aiAnswers,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
