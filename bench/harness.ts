import { Worker } from 'node:worker_threads';
import { createDatabase, type ScratchDatabase } from '../src/testing/databases.js';

/** Latency samples per label, with percentiles. */
export class Samples {
  private readonly byLabel = new Map<string, number[]>();

  add(label: string, ms: number): void {
    let list = this.byLabel.get(label);
    if (!list) this.byLabel.set(label, (list = []));
    list.push(ms);
  }

  all(): number[] {
    return [...this.byLabel.values()].flat();
  }

  rows(): Array<{ label: string; count: number; p50: number; p99: number }> {
    return [...this.byLabel.entries()].map(([label, list]) => ({ label, count: list.length, p50: percentile(list, 50), p99: percentile(list, 99) }));
  }
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Runs `total` operations with at most `concurrency` in flight; returns wall time in ms. */
export async function runConcurrent(total: number, concurrency: number, op: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) await op(next++);
    }),
  );
  return performance.now() - started;
}

export function fmt(ms: number): string {
  return `${ms.toFixed(2)} ms`;
}

export function table(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

/** A fresh empty database on the server of `baseUrl`, dropped by the returned function. */
export function freshDatabase(baseUrl: string, name: string): Promise<ScratchDatabase> {
  return createDatabase(baseUrl, name, { replace: true });
}

export interface SignedRequest {
  headers: Record<string, string>;
  body: string;
}

export interface LoadResult {
  wall: number;
  latencies: number[];
  /** Answers (status 200) whose body did not contain `expect`. */
  misses: number;
}

/**
 * Sends pre-signed POSTs from a worker thread, as a platform's requests come from
 * elsewhere, over kept-alive connections, timing each answer. Any status but 200
 * fails the run; answers without `expect` in the body are counted as misses.
 */
const LOAD_GENERATOR = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:http');
const { url, requests, concurrency, expect } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
const post = ({ body, headers }) => new Promise((resolve, reject) => {
  const req = request(url, { method: 'POST', agent, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
    res.on('error', reject);
  });
  req.on('error', reject);
  req.end(body);
});
(async () => {
  const latencies = new Array(requests.length);
  let misses = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < requests.length) {
      const i = next++;
      const t = performance.now();
      const { status, text } = await post(requests[i]);
      if (status !== 200) throw new Error('answered ' + status + ': ' + text.slice(0, 200));
      if (!text.includes(expect)) misses++;
      latencies[i] = performance.now() - t;
    }
  }));
  agent.destroy();
  parentPort.postMessage({ wall: performance.now() - started, latencies, misses });
})().catch((error) => parentPort.postMessage({ error: String(error) }));
`;

export function loadFromWorker(url: string, requests: SignedRequest[], concurrency: number, expect: string): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_GENERATOR, { eval: true, workerData: { url, requests, concurrency, expect } });
    worker.once('message', (result: LoadResult & { error?: string }) => {
      void worker.terminate();
      if (result.error) reject(new Error(result.error));
      else resolve(result);
    });
    worker.once('error', reject);
  });
}
