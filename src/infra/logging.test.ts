import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

/** Log lines written by the app, parsed. */
const lines: Array<Record<string, any>> = [];
const stream = { write: (line: string) => void lines.push(JSON.parse(line)) };

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ log: { stream, level: 'debug' } });
});
afterAll(async () => app?.close());

describe('logs', () => {
  it('a failed command logs the error class and statement shape with the correlation id, never the title or display name', async () => {
    // A constraint the command cannot know about makes its INSERT fail inside the database.
    await app.sql(`alter table quests add constraint no_secret_plans check (title <> 'Secret plan 42')`);
    lines.length = 0;
    const reply = await app.run('/quest create "Secret plan 42"', 'alice');
    expect(reply.tone).toBe('error');
    const reference = /reference `([0-9a-f]{8})`/.exec(reply.text ?? '')?.[1];
    expect(reference).toBeDefined();
    const failure = lines.find((l) => l.msg === 'command failed');
    expect(failure).toBeDefined();
    expect(failure!.correlationId).toBe(reference);
    expect(failure!.err.type).toMatch(/Exception|Error/);
    expect(failure!.err.code).toBe('23514');
    expect(failure!.err.statement).toMatch(/^(insert|with|update|select)\b.*quests/);
    expect(failure!.identity).toEqual({ platform: 'console', scope: 'local', platformUserId: 'alice' });
    const all = JSON.stringify(lines);
    expect(all).not.toContain('Secret plan');
    // Lines written inside the command without naming the id still carry it (the log context).
    expect(lines.find((l) => l.msg === 'command handled')).toMatchObject({ correlationId: reference, command: 'quest', outcome: 'failure' });
    await app.sql('alter table quests drop constraint no_secret_plans');
  });

  it('a NUL byte in a title is a precise error, stores nothing and logs no failure', async () => {
    lines.length = 0;
    const before = await app.sql<{ n: string }>('select count(*) as n from quests');
    const reply = await app.run('/quest create "bad\u0000title"', 'dora');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toBe('`title` must not contain control characters (found U+0000).');
    expect(await app.sql<{ n: string }>('select count(*) as n from quests')).toEqual(before);
    expect(lines.some((l) => l.level >= 50)).toBe(false);
  });

  it('statement latency and pool usage are on /metrics without SQL text', async () => {
    await app.run('/quest list');
    const text = (await app.metrics.render()).body;
    expect(text).toMatch(/questlog_db_statement_seconds_count\{kind="select",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/questlog_db_pool_connections\{state="max"\} [1-9]/);
    expect(text).toContain('questlog_job_runs_total');
    expect(text).toContain('questlog_outbox_backlog');
    expect(text).not.toMatch(/quests"/);
  });
});
