import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * The one HTTP server on PORT: health, readiness, metrics, and whatever the
 * platform adapters mount (Slack events, Discord interactions).
 */
export class HttpServer {
  private readonly routes = new Map<string, RouteHandler>();
  private readonly prefixes: Array<{ method: string; prefix: string; handler: RouteHandler }> = [];
  private server?: Server;

  constructor(
    private readonly logger: Logger,
    private readonly checks: HealthCheck[],
    private readonly metrics?: () => Promise<{ contentType: string; body: string }>,
  ) {
    this.route('GET', '/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    this.route('GET', '/readyz', (_req, res) => this.ready(res));
    this.route('GET', '/metrics', async (_req, res) => {
      if (!this.metrics) return json(res, 404, { error: 'metrics disabled' });
      const { contentType, body } = await this.metrics();
      res.writeHead(200, { 'content-type': contentType }).end(body);
    });
  }

  route(method: string, path: string, handler: RouteHandler): void {
    this.routes.set(`${method} ${path}`, handler);
  }

  /** Mounts a handler for every path under a prefix (e.g. Bolt's request listener under `/slack/`). */
  mount(method: string, prefix: string, handler: RouteHandler): void {
    this.prefixes.push({ method, prefix, handler });
  }

  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  async close(): Promise<void> {
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeIdleConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0]!;
    const handler =
      this.routes.get(`${req.method} ${path}`) ??
      this.prefixes.find((p) => (p.method === '*' || p.method === req.method) && path.startsWith(p.prefix))?.handler;
    try {
      if (!handler) return json(res, 404, { error: 'not found' });
      await handler(req, res);
    } catch (error) {
      this.logger.error({ err: error, path }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  }

  private async ready(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), 2000);
          return { name, ok: true as const };
        } catch (error) {
          return { name, ok: false as const, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    const failing = results.filter((r) => !r.ok);
    const body = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : `down: ${r.error}`]));
    json(res, failing.length ? 503 : 200, { status: failing.length ? `unavailable: ${failing.map((f) => f.name).join(', ')}` : 'ready', ...body });
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/** Reads a request body as raw bytes (signatures are computed over them). */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
