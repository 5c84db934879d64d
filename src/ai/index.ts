import type { Config } from '../config.js';
import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { SuggestionEngine, type RateLimits } from './engine.js';
import { OpenAiSuggester } from './openai-suggester.js';

export { SuggestionEngine } from './engine.js';

/**
 * The engine the app uses: the OpenAI-compatible model when `OPENAI_API_KEY`
 * is set, the offline suggester otherwise. Token counts and outcomes go to
 * /metrics and the log; prompts and answers (quest text) never do.
 */
export function createSuggestionEngine(
  openai: Config['openai'],
  deps: { kv: KvStore; logger: Logger; metrics?: Metrics; limits?: RateLimits; timeoutMs?: number },
): SuggestionEngine {
  const { kv, logger, metrics } = deps;
  const model = openai.apiKey
    ? new OpenAiSuggester({
        apiKey: openai.apiKey,
        baseUrl: openai.baseUrl,
        model: openai.model,
        timeoutMs: deps.timeoutMs,
        onCall(call) {
          metrics?.aiCalls.inc({ task: call.task, mode: call.mode, outcome: call.outcome });
          metrics?.aiTokens.inc({ model: call.model, kind: 'prompt' }, call.promptTokens);
          metrics?.aiTokens.inc({ model: call.model, kind: 'completion' }, call.completionTokens);
          logger.info({ ai: call }, 'model call');
        },
      })
    : undefined;
  return new SuggestionEngine({
    model,
    kv,
    logger,
    limits: deps.limits,
    onAnswer: (task, source) => metrics?.aiAnswers.inc({ task, source: source.kind === 'model' ? 'model' : `offline_${source.because}` }),
  });
}
