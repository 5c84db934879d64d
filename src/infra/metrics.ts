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
    aiTokens,
    aiCalls,
    aiAnswers,
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
