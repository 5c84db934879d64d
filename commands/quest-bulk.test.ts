import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: () => new Date('2026-12-02T09:00:00Z') });
});
afterAll(async () => app?.close());

async function create(user: string, title: string): Promise<number> {
  const reply = await app.run(`/quest create "${title}"`, user);
  return Number(/^#(\d+) /.exec(reply.title ?? '')![1]);
}

async function rows(user: string): Promise<Array<{ number: number; status: string; actual_duration: number | null }>> {
  return app.sql(
    `select q.number, q.status, q.actual_duration from quests q join user_identities i on i.user_id = q.user_id
     where i.platform_user_id = ? order by q.number`,
    [user],
  );
}

describe('bulk complete, archive and delete', () => {
  it('completes several quests and answers per quest; a second number is a quest, never minutes', async () => {
    const a = await create('bulky', 'Water plants');
    const b = await create('bulky', 'Call mum');
    const reply = await app.run(`/quest complete ${a} ${b}`, 'bulky');
    expect(reply.title).toBe('🎉 Completed 2 of 2 quests');
    expect(reply.text).toContain(`✅ #${a} Water plants: **+25 XP**`);
    expect(reply.text).toContain(`✅ #${b} Call mum: **+25 XP**`);
    expect(await rows('bulky')).toEqual([
      { number: a, status: 'COMPLETED', actual_duration: null },
      { number: b, status: 'COMPLETED', actual_duration: null },
    ]);
  });

  it('refuses a duration after a quest number and changes nothing', async () => {
    const n = await create('trap', 'Read a chapter');
    const reply = await app.run(`/quest complete ${n} 45m`, 'trap');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(/`quest` takes quest numbers .* not "45m" after a number; other values go by name, e\.g\. minutes:45m/);
    expect(await rows('trap')).toEqual([{ number: n, status: 'ACTIVE', actual_duration: null }]);
    const named = await app.run(`/quest complete ${n} minutes:45m`, 'trap');
    expect(named.fields).toContainEqual({ name: 'Time spent', value: '45m (estimated 30m)', inline: true });
  });

  it('reports unknown quests and quests with unticked steps per quest, completing the rest', async () => {
    const done = await create('mixed', 'Buy bread');
    const stepped = await create('mixed', 'Plan trip');
    await app.run(`/step add #${stepped} Book flights`, 'mixed');
    const reply = await app.run(`/quest complete #${done},#${stepped},#99`, 'mixed');
    expect(reply.title).toBe('🎉 Completed 1 of 3 quests');
    expect(reply.text!.split('\n').slice(0, 3)).toEqual([
      `✅ #${done} Buy bread: **+25 XP**`,
      `⏸️ #${stepped} Plan trip: 1 step unticked, not completed yet.`,
      '✖ #99: Quest #99 not found.',
    ]);
    expect(reply.buttons).toEqual([{ label: 'Complete anyway', action: `quest complete #${stepped} force:yes`, style: 'success' }]);
    expect((await rows('mixed')).map((r) => r.status)).toEqual(['COMPLETED', 'ACTIVE']);
    const forced = await app.run(`/${reply.buttons![0]!.action}`, 'mixed');
    expect(forced.title).toBe(`🎉 Quest complete: #${stepped} Plan trip`);
  });

  it('archives several, and deletes several after asking, never touching another user', async () => {
    const a = await create('tidy', 'Old idea');
    const b = await create('tidy', 'Older idea');
    const other = await create('someone', 'Not yours');
    const archived = await app.run(`/quest archive ${a} ${b}`, 'tidy');
    expect(archived.title).toBe('📦 Archived 2 of 2 quests');
    const prompt = await app.run(`/quest delete ${a} ${b} ${other + 50}`, 'tidy');
    expect(prompt).toMatchObject({ title: 'Delete 2 quests?', ephemeral: true });
    expect(prompt.text).toContain(`✖ #${other + 50}: Quest #${other + 50} not found.`);
    expect(prompt.buttons).toEqual([{ label: 'Delete 2', action: `quest delete #${a} #${b} confirm:yes`, style: 'danger' }]);
    expect(await rows('tidy')).toHaveLength(2);
    const deleted = await app.run(`/${prompt.buttons![0]!.action}`, 'tidy');
    expect(deleted.text).toBe(`🗑️ Deleted #${a} Old idea.\n🗑️ Deleted #${b} Older idea.`);
    expect(await rows('tidy')).toEqual([]);
    expect(await rows('someone')).toHaveLength(1);
  });
});
