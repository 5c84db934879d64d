import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Dispatcher } from '../../core/dispatch.js';
import { splitCommandLine, type Identity } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';
import { linkCodeIn, startTestApp, type TestApp } from '../../testing/test-app.js';
import { openRequest } from '../services.js';
import { UserDirectory } from './user.service.js';

/**
 * Two replicas on one database: the test app (A) and a second dispatcher (B)
 * with its own identity memo, as another process would have.
 */
let app: TestApp;
let replicaB: Dispatcher;
const clock = new Date('2026-11-24T10:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => clock });
  replicaB = replica(new UserDirectory());
});

function replica(directory: UserDirectory): Dispatcher {
  return new Dispatcher({
    openRequest: () => openRequest({ kv: app.kv, logger: app.logger, directory }, app.db.orm.em.fork()),
    registry: app.dispatcher.registry,
    logger: app.logger,
    clock: () => clock,
  });
}
afterAll(async () => app?.close());

const discord = (id: string): Identity => ({ platform: 'discord', scope: '', platformUserId: id, displayName: `d-${id}` });
const slack = (id: string): Identity => ({ platform: 'slack', scope: 'TCACHE', platformUserId: id, displayName: `s-${id}` });

async function onA(line: string, who: Identity): Promise<Reply> {
  return app.run(line, who);
}
async function onB(line: string, who: Identity, on = replicaB): Promise<Reply> {
  const { command, text } = splitCommandLine(line);
  return on.dispatch({ identity: who, command, text, source: 'command' });
}
async function ok(reply: Promise<Reply>): Promise<Reply> {
  const r = await reply;
  if (r.tone === 'error') throw new Error(r.text);
  return r;
}

describe('the identity memo after forget-me and link', () => {
  it('after forget-me on the same replica, the next command starts a fresh user', async () => {
    const who = discord('c-1');
    await ok(onA('/quest create "Before"', who));
    const before = await app.findUserId(who);
    await ok(onA('/questlog forget-me confirm:yes', who));
    const created = await ok(onA('/quest create "After"', who));
    expect(created.title).toBe('#1 After');
    const after = await app.findUserId(who);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
  });

  it('after forget-me on another replica, writes and reads act on a fresh user at once', async () => {
    const who = discord('c-2');
    await ok(onB('/quest create "Before"', who)); // B remembers the identity
    const before = await app.findUserId(who);
    await ok(onA('/questlog forget-me confirm:yes', who));

    const created = await onB('/quest create "After"', who);
    expect(created).toMatchObject({ title: '#1 After' });
    const after = await app.findUserId(who);
    expect(after).not.toBe(before);
    const list = await ok(onB('/quest list', who));
    expect(list.text).toContain('After');
    expect(list.text).not.toContain('Before');
  });

  it('after forget-me on another replica, a read that finds nothing re-resolves too', async () => {
    const who = discord('c-3');
    await ok(onB('/settings timezone Berlin', who));
    await ok(onA('/questlog forget-me confirm:yes', who));
    const shown = await onB('/settings show', who);
    expect(shown).toMatchObject({ tone: 'info' });
    expect(shown.fields?.[0]?.value).toMatch(/^UTC /);
    expect(await app.findUserId(who)).toBeDefined();
  });

  it('after a link on another replica, the absorbed identity acts on the survivor', async () => {
    const d = discord('c-4');
    const s = slack('UC4');
    await ok(onA('/quest create "From Discord"', d));
    await ok(onB('/profile', s)); // B remembers the Slack identity's own (empty) user
    const absorbed = await app.findUserId(s);
    const code = linkCodeIn(await ok(onA('/questlog link', d)));
    await ok(onA(`/questlog link code:${code}`, s));
    const survivor = await app.findUserId(d);
    expect(await app.findUserId(s)).toBe(survivor);
    expect(survivor).not.toBe(absorbed);

    const created = await onB('/quest create "From Slack"', s);
    expect(created).toMatchObject({ title: '#2 From Slack' });
    const list = await ok(onB('/quest list', s));
    expect(list.text).toContain('From Discord');
    expect(list.text).toContain('From Slack');
    expect(await app.sql('select id from users where id = ?', [absorbed])).toEqual([]);
  });

  it('trusts a remembered identity for a limited time, so even a read that succeeds sees the change', async () => {
    expect(new UserDirectory().ttlMs).toBe(60_000);
    const replicaC = replica(new UserDirectory(200));
    const d = discord('c-5');
    const s = slack('UC5');
    await ok(onA('/quest create "Shared"', d));
    await ok(onB('/quest list', s, replicaC)); // C remembers the Slack identity's empty user
    const code = linkCodeIn(await ok(onA('/questlog link', d)));
    await ok(onA(`/questlog link code:${code}`, s));
    await new Promise((resolve) => setTimeout(resolve, 250));
    const list = await ok(onB('/quest list', s, replicaC));
    expect(list.text).toContain('Shared');
  });

  it('a failure for a user who still exists is reported as it is', async () => {
    const who = discord('c-6');
    await ok(onB('/quest create "Only"', who));
    const missing = await onB('/quest view #99', who);
    expect(missing).toMatchObject({ tone: 'error', text: expect.stringContaining('#99') });
    expect(
      await app.sql('select count(*)::int as n from quests q join user_identities i on i.user_id = q.user_id where i.platform_user_id = ?', ['c-6']),
    ).toEqual([{ n: 1 }]);
  });
});
