import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { zodResponseFormat } from 'openai/helpers/zod';
import { ZodError } from 'zod';
import { buildMessages, SCHEMAS } from './prompts.js';
import type {
  Breakdown,
  BreakdownInput,
  Estimate,
  EstimateInput,
  NextInput,
  NextPick,
  ParsedQuest,
  ParseInput,
  Suggester,
  SuggestionTask,
} from './suggester.js';

/** Why the model gave no usable answer; the caller falls back to the offline suggester. */
export class ModelUnavailable extends Error {
  constructor(
    readonly reason: 'timeout' | 'refusal' | 'invalid' | 'error',
    detail: string,
  ) {
    super(`model unavailable (${reason}): ${detail}`);
  }
}

/** One model call as seen by metrics and logs: counts and outcome, never the text. */
export interface ModelCall {
  task: SuggestionTask;
  model: string;
  mode: 'structured' | 'json';
  outcome: 'ok' | 'timeout' | 'refusal' | 'invalid' | 'error';
  promptTokens: number;
  completionTokens: number;
  ms: number;
}

export interface OpenAiSuggesterOptions {
  apiKey: string;
  baseUrl?: string;
  model: string;
  /** Per attempt; the issue fixes 8 s. */
  timeoutMs?: number;
  /** The SDK retries connection errors, 408, 409, 429 and 5xx; one retry. */
  maxRetries?: number;
  onCall?(call: ModelCall): void;
}

type Usage = { prompt_tokens?: number; completion_tokens?: number } | null | undefined;

/**
 * The suggester backed by any OpenAI-compatible chat completions server.
 * Structured outputs first (`chat.completions.parse` + `zodResponseFormat`);
 * a server that rejects the `json_schema` response format is asked again in
 * JSON mode, and remembered as such, with the same zod schema checking the answer.
 */
export class OpenAiSuggester implements Suggester {
  private readonly client: OpenAI;
  private structured = true;

  constructor(private readonly options: OpenAiSuggesterOptions) {
    this.client = new OpenAI({
      apiKey: options.apiKey,
      baseURL: options.baseUrl,
      timeout: options.timeoutMs ?? 8000,
      maxRetries: options.maxRetries ?? 1,
    });
  }

  get model(): string {
    return this.options.model;
  }

  breakdown(input: BreakdownInput): Promise<Breakdown> {
    return this.ask('breakdown', input);
  }

  estimate(input: EstimateInput): Promise<Estimate> {
    return this.ask('estimate', input);
  }

  next(input: NextInput): Promise<NextPick> {
    return this.ask('next', input);
  }

  parseQuest(input: ParseInput): Promise<ParsedQuest> {
    return this.ask('parseQuest', input);
  }

  private async ask<T extends SuggestionTask>(task: T, data: unknown): Promise<ReturnType<Suggester[T]> extends Promise<infer R> ? R : never> {
    if (this.structured) {
      try {
        return (await this.call(task, data, 'structured')) as never;
      } catch (error) {
        if (!(error instanceof APIError && (error.status === 400 || error.status === 422))) throw classify(error);
        // The server does not take `json_schema` response formats: JSON mode from now on.
        this.structured = false;
      }
    }
    try {
      return (await this.call(task, data, 'json')) as never;
    } catch (error) {
      throw classify(error);
    }
  }

  private async call(task: SuggestionTask, data: unknown, mode: 'structured' | 'json'): Promise<unknown> {
    const started = performance.now();
    const schema = SCHEMAS[task];
    let usage: Usage;
    let outcome: ModelCall['outcome'] = 'ok';
    try {
      if (mode === 'structured') {
        const completion = await this.client.chat.completions.parse({
          model: this.options.model,
          messages: buildMessages(task, data),
          response_format: responseFormat(task),
          temperature: 0.2,
        });
        usage = completion.usage;
        const message = completion.choices[0]?.message;
        if (message?.refusal) throw new ModelUnavailable('refusal', 'the model refused');
        if (!message?.parsed) throw new ModelUnavailable('invalid', 'no parsed content');
        return message.parsed;
      }
      const completion = await this.client.chat.completions.create({
        model: this.options.model,
        messages: buildMessages(task, data, true),
        response_format: { type: 'json_object' },
        temperature: 0.2,
      });
      usage = completion.usage;
      const message = completion.choices[0]?.message;
      if (message?.refusal) throw new ModelUnavailable('refusal', 'the model refused');
      if (completion.choices[0]?.finish_reason === 'length') throw new ModelUnavailable('invalid', 'answer cut off');
      return schema.parse(JSON.parse(message?.content ?? ''));
    } catch (error) {
      outcome = classify(error).reason;
      throw error;
    } finally {
      this.options.onCall?.({
        task,
        model: this.options.model,
        mode,
        outcome,
        promptTokens: usage?.prompt_tokens ?? 0,
        completionTokens: usage?.completion_tokens ?? 0,
        ms: Math.round(performance.now() - started),
      });
    }
  }
}

const formats = new Map<SuggestionTask, ReturnType<typeof zodResponseFormat>>();

/** The `json_schema` response format of a task, converted from its zod schema once. */
function responseFormat(task: SuggestionTask) {
  let format = formats.get(task);
  if (!format) formats.set(task, (format = zodResponseFormat(SCHEMAS[task], task)));
  return format;
}

function classify(error: unknown): ModelUnavailable {
  if (error instanceof ModelUnavailable) return error;
  if (error instanceof APIConnectionTimeoutError) return new ModelUnavailable('timeout', 'no answer in time');
  if (error instanceof ContentFilterFinishReasonError) return new ModelUnavailable('refusal', 'content filter');
  if (error instanceof LengthFinishReasonError) return new ModelUnavailable('invalid', 'answer cut off');
  if (error instanceof SyntaxError || error instanceof ZodError) return new ModelUnavailable('invalid', error.name);
  // 400/422 from JSON mode lands here too; the status says enough without the body.
  if (error instanceof APIError) return new ModelUnavailable('error', `HTTP ${error.status ?? 'connection'}`);
  return new ModelUnavailable('error', error instanceof Error ? error.name : 'unknown');
}
