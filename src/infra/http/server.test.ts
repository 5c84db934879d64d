import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';

describe('HTTP server', () => {
  let app: TestApp;
  let base: string;
  beforeAll(async () => {
    app = await startTestApp();
    base = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}`;
  });
  afterAll(async () => app?.close());

  it('answers /healthz while the process is alive', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz ready without internal detail', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready' });
  });

  it('stays ready while only the kv store is down (commands still work), and says nothing about it', async () => {
    const ping = app.kv.ping.bind(app.kv);
    app.kv.ping = async () => {
      throw new Error('connection refused to redis://:pw@cache');
    };
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('{"status":"ready"}');
      expect((await app.run('/quest list')).tone).not.toBe('error');
    } finally {
      app.kv.ping = ping;
    }
  });

  it('answers 503 without detail when the database is down', async () => {
    const em = app.db.orm.em;
    const fork = em.fork.bind(em);
    em.fork = ((...args: Parameters<typeof fork>) => {
      const forked = fork(...args);
      forked.execute = async () => {
        throw new Error('connection terminated');
      };
      return forked;
    }) as typeof em.fork;
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable' });
    } finally {
      em.fork = fork;
    }
  });

  it('serves Prometheus metrics including command counts', async () => {
    await app.run('/quest list');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/questlog_commands_total\{command="quest",platform="console",outcome="ok"\} [1-9]/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});

describe('HTTP server limits and shutdown', () => {
  it('refuses a declared oversized body with 413 before reading it, and closes the connection', async () => {
    const { HttpServer, readBody } = await import('./server.js');
    const { pino } = await import('pino');
    const server = new HttpServer(pino({ level: 'silent' }), []);
    let read = false;
    server.route('POST', '/upload', async (req, res) => {
      await readBody(req, 1024);
      read = true;
      res.end('ok');
    });
    const port = await server.listen(0, '127.0.0.1');
    try {
      const { request } = await import('node:http');
      const answer = await new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/upload', headers: { 'content-length': String(10 * 1024 * 1024) } }, (res) => {
          res.resume();
          resolve({ status: res.statusCode!, connection: res.headers.connection });
        });
        req.on('error', reject);
        req.write(Buffer.alloc(64 * 1024));
        // The rest of the 10 MB is never sent: the answer must not wait for it.
      });
      expect(answer).toEqual({ status: 413, connection: 'close' });
      expect(read).toBe(false);
      // A chunked body without a declared length is cut as soon as it passes the limit.
      const chunked = await fetch(`http://127.0.0.1:${port}/upload`, {
        method: 'POST',
        body: new ReadableStream({
          start(controller) {
            controller.enqueue(new Uint8Array(4096));
            controller.close();
          },
        }),
        duplex: 'half',
      } as RequestInit);
      expect(chunked.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('closes keep-alive and stuck connections on shutdown within the grace period', async () => {
    const { HttpServer } = await import('./server.js');
    const { pino } = await import('pino');
    const server = new HttpServer(pino({ level: 'silent' }), [], undefined, { graceMs: 200 });
    server.route('POST', '/slow', async (req) => {
      // Never answers: a client that keeps its request open.
      await new Promise((resolve) => req.once('close', resolve));
    });
    const port = await server.listen(0, '127.0.0.1');
    const { Agent, request } = await import('node:http');
    const agent = new Agent({ keepAlive: true });
    // One idle keep-alive connection...
    await new Promise<void>((resolve) => request({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => res.resume().on('end', resolve)).end());
    // ...and one with an unfinished request body.
    const stuck = request({ host: '127.0.0.1', port, method: 'POST', path: '/slow', headers: { 'content-length': '100' } });
    stuck.on('error', () => undefined);
    stuck.write('x');
    await new Promise((resolve) => setTimeout(resolve, 50));
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Without closing the connections, close() would wait for the 65 s keep-alive timeout.
    expect(closed).toBe(true);
    await closing;
    agent.destroy();
  });

  it('serves /metrics to loopback callers without a token, and requires the bearer token when METRICS_TOKEN is set', async () => {
    const { HttpServer } = await import('./server.js');
    const { pino } = await import('pino');
    const render = async () => ({ contentType: 'text/plain', body: 'questlog_up 1\n' });
    const open = new HttpServer(pino({ level: 'silent' }), [], render);
    const guarded = new HttpServer(pino({ level: 'silent' }), [], render, { metricsToken: 't'.repeat(32) });
    const openPort = await open.listen(0, '127.0.0.1');
    const guardedPort = await guarded.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`http://127.0.0.1:${openPort}/metrics`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${guardedPort}/metrics`)).status).toBe(401);
      expect((await fetch(`http://127.0.0.1:${guardedPort}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`http://127.0.0.1:${guardedPort}/metrics`, { headers: { authorization: `Bearer ${'t'.repeat(32)}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('questlog_up 1\n');
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});
