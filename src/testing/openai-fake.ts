import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** What the fake does with one request. */
export type FakeBehaviour =
  /** A well-formed completion whose content is `JSON.stringify(value)`. */
  | { kind: 'json'; value: unknown }
  /** A completion with this content verbatim (e.g. malformed JSON). */
  | { kind: 'content'; content: string }
  /** A refusal (`message.refusal` set, no content). */
  | { kind: 'refusal'; text?: string }
  /** An HTTP error, e.g. 429 with `retry-after-ms`. */
  | { kind: 'status'; status: number; retryAfterMs?: number; message?: string }
  /** Answers 400 to `json_schema` response formats, like a server without structured outputs; otherwise `then`. */
  | { kind: 'no-structured-outputs'; then: FakeBehaviour }
  /** Waits, then behaves as `then` (a wait past the client's timeout is a timeout). */
  | { kind: 'delay'; ms: number; then: FakeBehaviour };

/** One request as the fake received it. */
export interface FakeRequest {
  path: string;
  authorization: string | undefined;
  body: {
    model?: string;
    messages?: Array<{ role: string; content: string }>;
    response_format?: { type: string; json_schema?: { name: string; schema: unknown; strict?: boolean } };
    [key: string]: unknown;
  };
  /** `response_format.json_schema.name` (the task) when structured outputs were asked for. */
  schemaName?: string;
}

/**
 * An OpenAI-compatible chat completions server on 127.0.0.1 for tests and
 * benchmarks. It records every request; each answer comes from the scripted
 * queue (`script(...)`), else from the default responder.
 */
export class OpenAiFake {
  readonly requests: FakeRequest[] = [];
  /** How many completions (200 answers) the fake has sent so far. */
  answered = 0;
  private readonly queue: FakeBehaviour[] = [];
  private readonly sockets = new Set<Socket>();
  private completions = 0;

  private constructor(
    private readonly server: Server,
    readonly baseUrl: string,
    private fallback: (request: FakeRequest) => FakeBehaviour,
  ) {}

  static async start(options: { respond?: (request: FakeRequest) => FakeBehaviour } = {}): Promise<OpenAiFake> {
    // Requests and connections only arrive after `listen`, when `fake` is set.
    const server = createServer((req, res) => void fake.handle(req, res));
    server.on('connection', (socket) => {
      fake.sockets.add(socket);
      socket.once('close', () => fake.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (!address || typeof address === 'string') throw new Error('openai fake has no port');
    const fake = new OpenAiFake(
      server,
      `http://127.0.0.1:${address.port}/v1`,
      options.respond ?? (() => ({ kind: 'status', status: 500, message: 'nothing scripted' })),
    );
    return fake;
  }

  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: FakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  /** Replaces the responder used when the queue is empty. */
  respondWith(respond: (request: FakeRequest) => FakeBehaviour): this {
    this.fallback = respond;
    return this;
  }

  reset(): void {
    this.answered = 0;
    this.requests.length = 0;
    this.queue.length = 0;
  }

  /** The system and user messages of the `index`-th request (default: the last). */
  messages(index = this.requests.length - 1): { system: string; user: string } {
    const messages = this.requests[index]?.body.messages ?? [];
    return { system: messages.find((m) => m.role === 'system')?.content ?? '', user: messages.find((m) => m.role === 'user')?.content ?? '' };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = (req.url ?? '').split('?')[0]!;
    if (req.method !== 'POST' || !path.endsWith('/chat/completions')) return send(res, 404, { error: { message: 'not found', type: 'invalid_request_error' } });
    let body: FakeRequest['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return send(res, 400, { error: { message: 'body is not JSON', type: 'invalid_request_error' } });
    }
    const request: FakeRequest = { path, authorization: header(req, 'authorization'), body, schemaName: body.response_format?.json_schema?.name };
    this.requests.push(request);
    await this.behave(request, this.queue.shift() ?? this.fallback(request), res);
  }

  private async behave(request: FakeRequest, behaviour: FakeBehaviour, res: ServerResponse): Promise<void> {
    switch (behaviour.kind) {
      case 'delay':
        await new Promise((resolve) => setTimeout(resolve, behaviour.ms));
        if (res.destroyed) return;
        return this.behave(request, behaviour.then, res);
      case 'no-structured-outputs':
        if (request.body.response_format?.type === 'json_schema') {
          return send(res, 400, { error: { message: "response_format type 'json_schema' is not supported", type: 'invalid_request_error' } });
        }
        return this.behave(request, behaviour.then, res);
      case 'status':
        return send(
          res,
          behaviour.status,
          { error: { message: behaviour.message ?? `status ${behaviour.status}`, type: behaviour.status === 429 ? 'rate_limit_exceeded' : 'server_error' } },
          behaviour.retryAfterMs !== undefined ? { 'retry-after-ms': String(behaviour.retryAfterMs) } : {},
        );
      case 'json':
        return send(res, 200, this.completion(request, JSON.stringify(behaviour.value), null));
      case 'content':
        return send(res, 200, this.completion(request, behaviour.content, null));
      case 'refusal':
        return send(res, 200, this.completion(request, null, behaviour.text ?? "I'm sorry, I can't help with that."));
    }
  }

  private completion(request: FakeRequest, content: string | null, refusal: string | null) {
    this.completions++;
    this.answered++;
    const promptTokens = Math.ceil(JSON.stringify(request.body.messages ?? []).length / 4);
    const completionTokens = Math.ceil((content ?? refusal ?? '').length / 4);
    return {
      id: `chatcmpl-fake-${this.completions}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.body.model ?? 'fake-model',
      choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal } }],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    };
  }
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
