import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '../logger.js';
import { safeError } from '../../core/redact.js';

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

export interface HealthCheck {
  name: string;
  check(): Promise<void>;
  /**
   * Whether commands need it (default true). Ready means "can serve commands":
   * a part without which the app degrades (the kv store) is logged, not reported.
   */
  required?: boolean;
}

export interface HttpServerOptions {
  /** Bearer token for GET /metrics; without one, only loopback callers get metrics. */
  metricsToken?: string;
  /** How long `close()` lets requests in progress finish before cutting their connections. Default 5 s. */
  graceMs?: number;
}

/** A request body over the limit: answered 413 and the connection closed. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body over ${limit} bytes`);
  }
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
    private readonly options: HttpServerOptions = {},
  ) {
    this.route('GET', '/healthz', (_req, res) => json(res, 200, { status: 'ok' }));
    this.route('GET', '/readyz', (_req, res) => this.ready(res));
    this.route('GET', '/metrics', async (req, res) => {
      if (!this.metrics) return json(res, 404, { error: 'metrics disabled' });
      if (!this.mayReadMetrics(req)) {
        res.setHeader('www-authenticate', 'Bearer');
        return json(res, this.options.metricsToken ? 401 : 403, {
          error: this.options.metricsToken ? 'bearer token required' : 'metrics are served to loopback callers only (set METRICS_TOKEN)',
        });
      }
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
    // Longer than load balancers' idle timeout (60 s on common ones), so they close first.
    this.server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, host, () => resolve());
    });
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : port;
  }

  /**
   * Stops accepting, closes idle keep-alive connections at once, and cuts the
   * rest after the grace period: shutdown never waits for keep-alive timeouts.
   */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      const cut = setTimeout(() => server.closeAllConnections(), this.options.graceMs ?? 5000);
      // Connections that become idle after their last response go at once too.
      const sweep = setInterval(() => server.closeIdleConnections(), 100);
      server.close(() => {
        clearTimeout(cut);
        clearInterval(sweep);
        resolve();
      });
      server.closeIdleConnections();
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
      if (error instanceof BodyTooLargeError) return tooLarge(req, res, error.limit);
      this.logger.error({ err: error, path }, 'http handler failed');
      if (!res.headersSent) json(res, 500, { error: 'internal error' });
      else res.end();
    }
  }

  private mayReadMetrics(req: IncomingMessage): boolean {
    const token = this.options.metricsToken;
    if (!token) return isLoopback(req.socket.remoteAddress);
    const given = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim() ?? '';
    const a = Buffer.from(given);
    const b = Buffer.from(token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** Ready = can serve commands (the required checks); what is down goes to the log, never to the caller. */
  private async ready(res: ServerResponse): Promise<void> {
    const results = await Promise.all(
      this.checks.map(async ({ name, check, required }) => {
        try {
          await withTimeout(check(), 2000);
          return { name, required: required !== false, ok: true as const };
        } catch (error) {
          this.logger.warn({ check: name, err: safeError(error) }, 'readiness check failed');
          return { name, required: required !== false, ok: false as const };
        }
      }),
    );
    const ready = results.every((r) => r.ok || !r.required);
    json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'unavailable' });
  }
}

export function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

/**
 * Reads a request body as raw bytes (signatures are computed over them). A
 * declared length over the limit is refused before reading anything; a
 * chunked body stops being read as soon as it passes the limit.
 */
export async function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new BodyTooLargeError(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** 413, and the connection closed: the rest of the upload is never read. */
export function tooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  const socket = req.socket;
  if (!res.headersSent) {
    res.setHeader('connection', 'close');
    json(res, 413, { error: `request body over ${limit} bytes` });
  }
  if (res.writableFinished) socket?.destroy();
  else res.once('finish', () => socket?.destroy());
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  return address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.');
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
