import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import { OfflineSuggester } from './offline-suggester.js';
import { ModelUnavailable, type OpenAiSuggester } from './openai-suggester.js';
import type { Suggested, Suggester, SuggestionSource, SuggestionTask } from './suggester.js';

export interface RateLimits {
  /** Model calls per user per window. */
  perUser: number;
  perUserWindowMs: number;
  /** Model calls across all users (all replicas, through the kv store) per window. */
  global: number;
  globalWindowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perUser: 30, perUserWindowMs: 60 * 60_000, global: 600, globalWindowMs: 60_000 };

type Output<T extends SuggestionTask> = Awaited<ReturnType<Suggester[T]>>;
type Input<T extends SuggestionTask> = Parameters<Suggester[T]>[0];

/** A rate limit that stopped a model call: the reply says when it opens again. */
export interface LimitHit {
  scope: 'user' | 'global';
  limit: number;
  retryInMinutes: number;
}

/**
 * Chooses who answers: the model when one is configured and the rate limits
 * allow, the offline suggester otherwise or when the model fails. The answer
 * always says which one it was.
 */
export class SuggestionEngine {
  readonly offline = new OfflineSuggester();

  constructor(
    private readonly deps: {
      model?: OpenAiSuggester;
      kv: KvStore;
      logger: Logger;
      limits?: RateLimits;
      clock?: () => number;
      /** Called once per answer with who gave it (metrics). */
      onAnswer?(task: SuggestionTask, source: SuggestionSource): void;
    },
  ) {}

  get modelName(): string | undefined {
    return this.deps.model?.model;
  }

  async suggest<T extends SuggestionTask>(task: T, userId: string, input: Input<T>): Promise<Suggested<Output<T>> & { limit?: LimitHit }> {
    const answer = await this.answer(task, userId, input);
    this.deps.onAnswer?.(task, answer.source);
    return answer;
  }

  private async answer<T extends SuggestionTask>(task: T, userId: string, input: Input<T>): Promise<Suggested<Output<T>> & { limit?: LimitHit }> {
    const offline = (because: Extract<SuggestionSource, { kind: 'offline' }>['because']) =>
      (this.offline[task] as (i: Input<T>) => Promise<Output<T>>)(input).then((value) => ({ value, source: { kind: 'offline' as const, because } }));
    const model = this.deps.model;
    if (!model) return offline('no_key');
    const limit = await this.takeToken(userId);
    if (limit) return { ...(await offline(limit.scope === 'user' ? 'rate_limited_user' : 'rate_limited_global')), limit };
    try {
      const value = await (model[task] as (i: Input<T>) => Promise<Output<T>>).call(model, input);
      return { value, source: { kind: 'model', model: model.model } };
    } catch (error) {
      const reason = error instanceof ModelUnavailable ? error.reason : 'error';
      this.deps.logger.warn({ task, userId, reason }, 'model suggestion unavailable; answering offline');
      return offline(reason);
    }
  }

  /** Counts one model call against both windows; the hit limit, or undefined when allowed. Without a kv store, allowed. */
  private async takeToken(userId: string): Promise<LimitHit | undefined> {
    const limits = this.deps.limits ?? DEFAULT_RATE_LIMITS;
    const now = this.deps.clock?.() ?? Date.now();
    try {
      const userWindow = Math.floor(now / limits.perUserWindowMs);
      const user = await this.deps.kv.incr(`ai:rate:user:${userId}:${userWindow}`, limits.perUserWindowMs);
      if (user > limits.perUser) return { scope: 'user', limit: limits.perUser, retryInMinutes: minutesLeft(now, limits.perUserWindowMs) };
      const globalWindow = Math.floor(now / limits.globalWindowMs);
      const global = await this.deps.kv.incr(`ai:rate:global:${globalWindow}`, limits.globalWindowMs);
      if (global > limits.global) return { scope: 'global', limit: limits.global, retryInMinutes: minutesLeft(now, limits.globalWindowMs) };
      return undefined;
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'ai rate limit store unavailable; allowing the call');
      return undefined;
    }
  }
}

function minutesLeft(now: number, windowMs: number): number {
  return Math.max(1, Math.ceil((windowMs - (now % windowMs)) / 60_000));
}
