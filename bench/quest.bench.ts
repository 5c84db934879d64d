import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { createDatabase, type ScratchDatabase } from '../src/testing/databases.js';
import { fmt, percentile, runConcurrent, Samples, table } from './harness.js';
import type { DriverRequest, DriverResponse, LatencyRows } from './quest-driver.js';
import { OPS, Planner, seedQuests, USERS, QUESTS_PER_USER, viaSql } from './quest-plan.js';

/** The main the persistence rewrite started from: "before" in the side-by-side run. */
const DEFAULT_BASELINE = 'd17a19d';
const SEED = 20261202;
/** Commands of each kind timed per capture phase, and how many of each run (and are replayed) between the phases. */
const CAPTURE_PER_OP = 30;
const CAPTURE_WARM_PER_OP = Number(process.env.BENCH_CAPTURE_WARM ?? 100);
const repoRoot = resolve(import.meta.dirname, '..');

interface Side {
  name: string;
  root: string;
  child: ChildProcess;
  databases: ScratchDatabase[];
}

/**
 * `npm run bench -- quests`: 1,000 users x 100 quests on real PostgreSQL; the
 * command mix create/list/view/step add/step done/complete through dispatch,
 * for this tree ("after") and a worktree of BENCH_BASELINE ("before", default
 * the main before the persistence rewrite), each in its own process and
 * database, side by side in one run, against the same commands as hand-written
 * SQL (the floor). Prints per command: statements sent and the framework's
 * overhead over the same statements replayed on plain `pg` (cold, right after
 * a short warm-up, and warm, after BENCH_CAPTURE_WARM more of each, default 100); p50/p99 at
 * concurrency 1 and 32 and throughput (medians over BENCH_ROUNDS rounds,
 * interleaved so drift hits every side alike); and an open-loop run at a fixed
 * rate (BENCH_RATE, default 200 commands/s, for BENCH_OPEN_SECONDS, default 30).
 */
export async function benchQuests(baseUrl: string): Promise<void> {
  const baseline = process.env.BENCH_BASELINE ?? DEFAULT_BASELINE;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const rate = Number(process.env.BENCH_RATE ?? 200);
  const openSeconds = Number(process.env.BENCH_OPEN_SECONDS ?? 30);
  const worktree = mkdtempSync(join(tmpdir(), 'questlog-bench-before-'));
  rmSync(worktree, { recursive: true, force: true });
  execFileSync('git', ['worktree', 'add', '--detach', worktree, baseline], { cwd: repoRoot, stdio: 'ignore' });
  symlinkSync(join(repoRoot, 'node_modules'), join(worktree, 'node_modules'));
  const sides: Side[] = [];
  let floorDb: ScratchDatabase | undefined;
  let pool: pg.Pool | undefined;
  try {
    const before = await openSide('before', worktree, baseUrl);
    sides.push(before);
    const after = await openSide('after', repoRoot, baseUrl);
    sides.push(after);
    floorDb = await createDatabase(baseUrl, 'questlog_bench_floor', { template: after.databases[0]!.url.split('/').pop(), replace: true });
    for (const side of sides) await ask(side, { type: 'start', databaseUrl: side.databases[0]!.url, replayUrl: side.databases[1]!.url, seed: SEED });
    pool = new pg.Pool({ connectionString: floorDb.url, max: 32 });
    const floorPlan = new Planner(SEED);
    const floor = async (concurrency: number, total: number) => {
      const samples = new Samples();
      const ms = await runConcurrent(total, concurrency, async (i) => {
        const { op, user, quest } = floorPlan.pick(i);
        const t = performance.now();
        await viaSql(pool!, op, user, quest);
        samples.add(op, performance.now() - t);
      });
      return { ms, rows: samples.rows() };
    };
    console.log(`baseline ${baseline} (before) vs this tree (after); ${USERS} users x ${QUESTS_PER_USER} quests each side; ${rounds} rounds`);

    // Warm-up: JIT, pools and plans hot everywhere.
    for (const side of sides) await ask(side, { type: 'closed', concurrency: 1, total: 300 });
    await floor(1, 300);

    // Statements per command and the framework's overhead over replaying them: the first
    // CAPTURE_PER_OP of each command right after the short warm-up (cold), and the last
    // CAPTURE_PER_OP after CAPTURE_WARM_PER_OP more of each, all replayed (warm: steady state).
    const captured = new Map<string, Extract<DriverResponse, { type: 'capture' }>>();
    for (const side of sides)
      captured.set(
        side.name,
        (await ask(side, { type: 'capture', perOp: CAPTURE_PER_OP, warmPerOp: CAPTURE_WARM_PER_OP })) as Extract<DriverResponse, { type: 'capture' }>,
      );
    for (const phase of ['cold', 'warm'] as const) {
      console.log(
        phase === 'cold'
          ? `\nper command, one at a time, cold (the first ${CAPTURE_PER_OP} of each, JIT still warming; medians): statements sent, time through dispatch, the same statements replayed over pg`
          : `\nper command, one at a time, warm (the last ${CAPTURE_PER_OP} of each, after ${CAPTURE_WARM_PER_OP} more of each; medians): the same columns`,
      );
      table(
        OPS.map((op) => {
          const row: Record<string, string | number> = { command: op };
          for (const side of sides) {
            const c = captured.get(side.name)![phase].find((r) => r.op === op)!;
            row[`${side.name} stmts`] = c.statements;
            row[`${side.name} dispatch`] = fmt(c.dispatchP50);
            row[`${side.name} replay`] = fmt(c.replayP50);
            row[`${side.name} overhead`] = `${(c.dispatchP50 / c.replayP50).toFixed(2)}x`;
          }
          return row;
        }),
      );
    }

    // Closed loop, interleaved rounds.
    const closed = new Map<string, Array<{ ms: number; rows: LatencyRows; cpuMs?: number }>>();
    const keep = (key: string, result: { ms: number; rows: LatencyRows; cpuMs?: number }) => {
      let list = closed.get(key);
      if (!list) closed.set(key, (list = []));
      list.push(result);
    };
    const levels = [
      [1, 1200],
      [32, 6000],
    ] as const;
    for (let round = 0; round < rounds; round++) {
      for (const [concurrency, total] of levels) {
        for (const side of sides)
          keep(`${side.name}@${concurrency}`, (await ask(side, { type: 'closed', concurrency, total })) as { ms: number; rows: LatencyRows; cpuMs: number });
        keep(`floor@${concurrency}`, await floor(concurrency, total));
      }
    }
    const median = (values: number[]) => percentile(values, 50);
    const names = [...sides.map((s) => s.name), 'floor'];
    for (const [concurrency, total] of levels) {
      console.log(`\nconcurrency ${concurrency}: ${total} commands a round; medians over ${rounds} rounds of each command's p50 / p99`);
      table(
        OPS.map((op) => {
          const row: Record<string, string> = { command: op };
          for (const name of names) {
            const runs = closed.get(`${name}@${concurrency}`)!.map((r) => r.rows.find((x) => x.label === op)!);
            row[`${name} p50`] = fmt(median(runs.map((r) => r.p50)));
            row[`${name} p99`] = fmt(median(runs.map((r) => r.p99)));
          }
          return row;
        }),
      );
    }
    console.log('\nthroughput (commands/s, median over rounds)');
    table(
      levels.map(([concurrency, total]) => {
        const rateOf = (name: string) => median(closed.get(`${name}@${concurrency}`)!.map((r) => (total / r.ms) * 1000));
        const [b, a, f] = [rateOf('before'), rateOf('after'), rateOf('floor')];
        // The app process's own CPU (user + system) per command: what the framework costs apart from the database.
        const cpuOf = (name: string) => median(closed.get(`${name}@${concurrency}`)!.map((r) => (r.cpuMs ?? NaN) / total));
        return {
          concurrency,
          before: b.toFixed(0),
          after: a.toFixed(0),
          floor: f.toFixed(0),
          'after/before': `${(a / b).toFixed(2)}x`,
          'before/floor': `${((b / f) * 100).toFixed(0)}%`,
          'after/floor': `${((a / f) * 100).toFixed(0)}%`,
          'app CPU/command before': fmt(cpuOf('before')),
          'app CPU/command after': fmt(cpuOf('after')),
        };
      }),
    );

    // Open loop: a fixed arrival rate, latency from when each command was due.
    console.log(`\nopen loop: ${rate} commands/s for ${openSeconds} s, latency from each command's due time`);
    const open = new Map<string, Extract<DriverResponse, { type: 'open' }>>();
    for (const side of sides) open.set(side.name, (await ask(side, { type: 'open', rate, seconds: openSeconds })) as Extract<DriverResponse, { type: 'open' }>);
    table(
      OPS.map((op) => {
        const row: Record<string, string> = { command: op };
        for (const side of sides) {
          const r = open.get(side.name)!.rows.find((x) => x.label === op)!;
          row[`${side.name} p50`] = fmt(r.p50);
          row[`${side.name} p99`] = fmt(r.p99);
        }
        return row;
      }),
    );
    for (const side of sides) {
      const r = open.get(side.name)!;
      if (r.lateStarts) console.log(`${side.name}: ${r.lateStarts} of ${r.sent} commands started more than 5 ms late (the generator itself fell behind)`);
    }
  } finally {
    await pool?.end();
    for (const side of sides) {
      side.child.send({ type: 'stop' } satisfies DriverRequest);
      await new Promise((resolve) => side.child.once('exit', resolve));
    }
    for (const side of sides) for (const db of side.databases) await db.drop();
    await floorDb?.drop();
    execFileSync('git', ['worktree', 'remove', '--force', worktree], { cwd: repoRoot, stdio: 'ignore' });
  }
}

/** Starts a driver for the tree at `root`: its database migrated by that tree, seeded, and copied for replays. */
async function openSide(name: string, root: string, baseUrl: string): Promise<Side> {
  if (!existsSync(join(root, 'src/app.ts'))) throw new Error(`${root} has no src/app.ts`);
  const child = fork(join(repoRoot, 'bench/quest-driver.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_APP_ROOT: root },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((ready, fail) => {
    child.once('message', () => ready());
    child.once('exit', (code) => fail(new Error(`${name} driver exited with ${code}`)));
  });
  const main = await createDatabase(baseUrl, `questlog_bench_${name}`, { replace: true });
  const side: Side = { name, root, child, databases: [main] };
  await ask(side, { type: 'migrate', databaseUrl: main.url });
  const seeder = new pg.Pool({ connectionString: main.url, max: 2 });
  try {
    await seedQuests(seeder);
  } finally {
    await seeder.end();
  }
  side.databases.push(await createDatabase(baseUrl, `questlog_bench_${name}_replay`, { template: `questlog_bench_${name}`, replace: true }));
  return side;
}

function ask(side: Side, request: DriverRequest): Promise<DriverResponse> {
  return new Promise((done, fail) => {
    side.child.once('message', (response: DriverResponse) => {
      if (response.type === 'error') fail(new Error(`${side.name}: ${response.message}`));
      else done(response);
    });
    side.child.send(request);
  });
}
