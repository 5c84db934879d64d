/**
 * One side of `npm run bench -- quests`: a child process that loads the app of
 * the tree at BENCH_APP_ROOT (this checkout, or a worktree of the baseline
 * commit), seeds its own database and runs what the parent asks over IPC:
 * closed-loop runs at a given concurrency, an open-loop run at a fixed rate,
 * and a capture of every statement each command sends, replayed over plain
 * `pg` on an identical copy of the database to measure the framework's cost.
 *
 * Statements are counted at the `pg` driver (every round trip the ORM makes,
 * BEGIN and COMMIT included), the same way for both trees.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { pino } from 'pino';
import type * as AppModule from '../src/app.js';
import type * as ConfigModule from '../src/config.js';
import { Samples } from './harness.js';
import { OPS, Planner, commandLine, type Op } from './quest-plan.js';

export type DriverRequest =
  | { type: 'migrate'; databaseUrl: string }
  | { type: 'start'; databaseUrl: string; replayUrl: string; seed: number }
  | { type: 'closed'; concurrency: number; total: number }
  | { type: 'open'; rate: number; seconds: number }
  | { type: 'capture'; perOp: number; warmPerOp: number }
  | { type: 'stop' };

export type CaptureRows = Array<{ op: Op; statements: number; dispatchP50: number; replayP50: number }>;

export type LatencyRows = Array<{ label: string; count: number; p50: number; p99: number }>;

export type DriverResponse =
  | { type: 'migrated' }
  | { type: 'started' }
  | { type: 'closed'; ms: number; rows: LatencyRows; cpuMs: number }
  | { type: 'open'; rows: LatencyRows; sent: number; lateStarts: number }
  | { type: 'capture'; cold: CaptureRows; warm: CaptureRows }
  | { type: 'error'; message: string };

interface Captured {
  text: string;
  values: unknown[] | undefined;
  rows: unknown[];
}

/** Records what every pg client sends while `capturing` is set. */
let capturing: Captured[] | undefined;
const originalQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown }).query = function (this: pg.Client, ...args: unknown[]) {
  const sink = capturing;
  if (!sink) return originalQuery.apply(this, args);
  const [first, second] = args;
  const text = typeof first === 'string' ? first : (first as { text: string }).text;
  const values = typeof first === 'string' ? (Array.isArray(second) ? second : undefined) : (first as { values?: unknown[] }).values;
  const entry: Captured = { text, values, rows: [] };
  sink.push(entry);
  const result = originalQuery.apply(this, args);
  if (result && typeof (result as Promise<unknown>).then === 'function') {
    return (result as Promise<{ rows?: unknown[] } | Array<{ rows?: unknown[] }>>).then((res) => {
      entry.rows = Array.isArray(res) ? res.flatMap((r) => r.rows ?? []) : (res.rows ?? []);
      return res;
    });
  }
  return result;
};

const root = process.env.BENCH_APP_ROOT ?? process.cwd();
const { createApp } = (await import(pathToFileURL(join(root, 'src/app.ts')).href)) as typeof AppModule;
const { loadConfig } = (await import(pathToFileURL(join(root, 'src/config.ts')).href)) as typeof ConfigModule;

let app: Awaited<ReturnType<typeof createApp>> | undefined;
let replayUrl = '';
/** One plan for the whole run, so no phase completes a quest an earlier phase completed. */
let plan = new Planner(1);

function openApp(databaseUrl: string) {
  const env = { DATABASE_URL: databaseUrl, PORT: '0', QUESTLOG_CONSOLE: 'off', QUESTLOG_JOBS: 'off', LOG_LEVEL: 'silent' };
  return createApp(loadConfig(env), pino({ level: 'silent' }), { poolMax: 32 });
}

async function dispatch(op: Op, user: number, quest: number): Promise<void> {
  const line = commandLine(op, quest);
  const space = line.indexOf(' ');
  const reply = await app!.dispatcher.dispatch({
    identity: { platform: 'console', scope: 'local', platformUserId: `bench${user}` },
    command: line.slice(0, space),
    text: line.slice(space + 1),
    source: 'command',
  });
  if (reply.tone === 'error' && /Sorry/.test(reply.text ?? '')) throw new Error(`${line}: ${reply.text}`);
}

async function closed(concurrency: number, total: number): Promise<DriverResponse> {
  const samples = new Samples();
  let next = 0;
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      while (next < total) {
        const { op, user, quest } = plan.pick(next++);
        const t = performance.now();
        await dispatch(op, user, quest);
        samples.add(op, performance.now() - t);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  return { type: 'closed', ms: performance.now() - started, rows: samples.rows(), cpuMs: (used.user + used.system) / 1000 };
}

/**
 * Open loop: command i is due at start + i / rate whatever happened before it,
 * and its latency counts from when it was due, so queueing shows (no
 * coordinated omission).
 */
async function open(rate: number, seconds: number): Promise<DriverResponse> {
  const samples = new Samples();
  const total = Math.round(rate * seconds);
  const start = performance.now() + 50;
  const pending: Array<Promise<void>> = [];
  let lateStarts = 0;
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    else if (wait < -5) lateStarts++;
    const { op, user, quest } = plan.pick(i);
    pending.push(dispatch(op, user, quest).then(() => samples.add(op, performance.now() - due)));
  }
  await Promise.all(pending);
  return { type: 'open', rows: samples.rows(), sent: total, lateStarts };
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/**
 * Runs `warmPerOp + perOp` of each command one at a time, recording the
 * statements each sends, and replays each command's statements at once over
 * one plain pg connection on a copy of the database taken before the run (so it
 * sees the same rows). Ids the database generated in the run are mapped to the
 * ones it generates in the replay, so later statements that reference them find
 * their rows. Every command is replayed, so both databases move in lockstep;
 * `cold` is the first `perOp` of each (JIT still warming, as after a short
 * warm-up), `warm` the last `perOp` of each (steady state).
 */
async function capture(perOp: number, warmPerOp: number): Promise<DriverResponse> {
  const client = new pg.Client({ connectionString: replayUrl });
  await client.connect();
  const ids = new Map<string, string>();
  const remap = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(UUID, (id) => ids.get(id.toLowerCase()) ?? id);
    if (Array.isArray(value)) return value.map(remap);
    return value;
  };
  const runs: Array<{ op: Op; statements: number; dispatchMs: number; replayMs: number }> = [];
  try {
    for (let i = 0; i < (warmPerOp + perOp) * OPS.length; i++) {
      const { op, user, quest } = plan.pick(i);
      const statements: Captured[] = [];
      capturing = statements;
      const t = performance.now();
      try {
        await dispatch(op, user, quest);
      } finally {
        capturing = undefined;
      }
      const dispatchMs = performance.now() - t;
      // Replayed right away, so both see the machine in the same state.
      const r = performance.now();
      for (const statement of statements) {
        const res = await originalQuery.call(client, remap(statement.text), statement.values?.map(remap));
        const rows = Array.isArray(res) ? (res as Array<{ rows?: unknown[] }>).flatMap((x) => x.rows ?? []) : ((res as { rows?: unknown[] }).rows ?? []);
        collectIds(statement.rows, rows, ids);
      }
      runs.push({ op, statements: statements.length, dispatchMs, replayMs: performance.now() - r });
    }
  } finally {
    await client.end();
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const summarize = (slice: typeof runs): CaptureRows =>
    OPS.map((op) => {
      const mine = slice.filter((r) => r.op === op);
      return {
        op,
        statements: median(mine.map((r) => r.statements)),
        dispatchP50: median(mine.map((r) => r.dispatchMs)),
        replayP50: median(mine.map((r) => r.replayMs)),
      };
    });
  return { type: 'capture', cold: summarize(runs.slice(0, perOp * OPS.length)), warm: summarize(runs.slice(-perOp * OPS.length)) };
}

/** Pairs the ids in the original rows with those at the same place in the replayed rows. */
function collectIds(original: unknown[], replayed: unknown[], ids: Map<string, string>): void {
  const walk = (a: unknown, b: unknown) => {
    if (typeof a === 'string' && typeof b === 'string' && a !== b) {
      const left = a.match(UUID) ?? [];
      const right = b.match(UUID) ?? [];
      left.forEach((id, i) => right[i] && ids.set(id.toLowerCase(), right[i]!));
    } else if (a && b && typeof a === 'object' && typeof b === 'object') {
      for (const key of Object.keys(a)) walk((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]);
    }
  };
  original.forEach((row, i) => walk(row, replayed[i]));
}

async function handle(request: DriverRequest): Promise<DriverResponse> {
  switch (request.type) {
    case 'migrate':
      // The tree's own migrations; the parent seeds and copies the database while no app holds it.
      await (await openApp(request.databaseUrl)).close();
      return { type: 'migrated' };
    case 'start':
      replayUrl = request.replayUrl;
      plan = new Planner(request.seed);
      app = await openApp(request.databaseUrl);
      return { type: 'started' };
    case 'closed':
      return closed(request.concurrency, request.total);
    case 'open':
      return open(request.rate, request.seconds);
    case 'capture':
      return capture(request.perOp, request.warmPerOp);
    case 'stop':
      await app?.close();
      process.exit(0);
  }
}

process.on('message', (request: DriverRequest) => {
  handle(request)
    .then((response) => process.send!(response))
    .catch((error: unknown) => process.send!({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
});
process.send!({ type: 'ready' });
