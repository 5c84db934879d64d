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

  it('answers /readyz with every dependency checked', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', database: 'ok', kv: 'ok' });
  });

  it('answers 503 naming the part that is down', async () => {
    const ping = app.kv.ping.bind(app.kv);
    app.kv.ping = async () => {
      throw new Error('connection refused');
    };
    try {
      const res = await fetch(`${base}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable: kv', database: 'ok', kv: 'down: connection refused' });
    } finally {
      app.kv.ping = ping;
    }
  });

  it('serves Prometheus metrics including command counts', async () => {
    await app.run('/quest list');
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/questlog_commands_total\{command="quest",platform="console",outcome="ok"\} 1/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('answers 404 for unknown paths', async () => {
    expect((await fetch(`${base}/nope`)).status).toBe(404);
  });
});
