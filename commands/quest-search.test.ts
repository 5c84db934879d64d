import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ clock: () => new Date('2026-12-02T09:00:00Z') });
});
afterAll(async () => app?.close());

async function create(user: string, line: string): Promise<number> {
  const reply = await app.run(`/quest create ${line}`, user);
  return Number(/^#(\d+) /.exec(reply.title ?? '')![1]);
}
const numbers = (reply: Reply) => [...(reply.text ?? '').matchAll(/\*\*#(\d+)\*\*/g)].map((m) => Number(m[1]));

describe('/quest search', () => {
  it('ranks title matches above description and step matches, over every status, kept up to date by the database', async () => {
    const inStep = await create('sam', '"Tidy the garage"');
    await app.run(`/step add #${inStep} Sort the invoices`, 'sam');
    const inTitle = await create('sam', '"Send invoices to clients"');
    const inDescription = await create('sam', '"Monthly admin" description:"Check the invoice folder and pay bills"');
    await create('sam', '"Water the plants"');
    await app.run(`/quest complete #${inTitle}`, 'sam');

    const reply = await app.run('/quest search invoices', 'sam');
    expect(numbers(reply)).toEqual([inTitle, inDescription, inStep]);
    expect(reply.text).toContain('· completed');
    expect(reply.text).toContain('↳ Check the **invoice** folder');

    await app.run(`/quest edit #${inStep} title:"Tidy the garage and file invoices"`, 'sam');
    // Now in its title too (and still in a step): both title matches rank above the description match.
    expect(numbers(await app.run('/quest search invoices', 'sam'))).toEqual([inStep, inTitle, inDescription]);
    expect(numbers(await app.run('/quest search garage -plants', 'sam'))).toEqual([inStep]);
    expect((await app.run('/quest search unicorns', 'sam')).text).toContain('No quests match');
  });

  it('never shows another user their quests, in search or in list search:', async () => {
    await create('owner', '"Secret invoice plan"');
    const other = await app.run('/quest search invoice', 'intruder');
    expect(numbers(other)).toEqual([]);
    const listed = await app.run('/quest list search:invoice', 'intruder');
    expect(listed.text).toContain('No quests match these filters');
    expect(numbers(await app.run('/quest list search:invoice', 'owner'))).toHaveLength(1);
  });

  it('drops a deleted quest from the index and refuses an empty search', async () => {
    const n = await create('del', '"Forgettable errand"');
    await app.run(`/quest delete #${n} confirm:yes`, 'del');
    expect(numbers(await app.run('/quest search forgettable', 'del'))).toEqual([]);
    expect(
      await app.sql(`select count(*)::int as n from quest_search_documents d join quests q on q.id = d.quest_id where q.title = 'Forgettable errand'`),
    ).toEqual([{ n: 0 }]);
    const empty = await app.run('/quest search "--"', 'del');
    expect(empty).toMatchObject({ tone: 'error' });
  });
});
