import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const ownedBy = `(select user_id from user_identities where platform = 'console' and platform_user_id = ?)`;

async function tagsOf(user = 'alice') {
  return app.sql<{ name: string; color: string }>(`select name, color from tags where user_id = ${ownedBy} order by lower(name)`, [user]);
}

async function questTags(number: number, user = 'alice') {
  const rows = await app.sql<{ name: string }>(
    `select t.name from quest_tags qt join tags t on t.id = qt.tag_id join quests q on q.id = qt.quest_id
     where q.user_id = ${ownedBy} and q.number = ? order by lower(t.name)`,
    [user, number],
  );
  return rows.map((r) => r.name);
}

const snapshot = async () => ({
  tags: await app.sql('select id, user_id, name, color from tags order by id'),
  links: await app.sql('select quest_id, tag_id from quest_tags order by quest_id, tag_id'),
  logs: (await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs where action_type like '%tag%'`))[0]!.n,
});

async function newQuest(title: string, user = 'alice'): Promise<number> {
  const reply = await app.run(`/quest create "${title}"`, user);
  return Number(/^#(\d+)/.exec(reply.title!)![1]);
}

describe('/tag', () => {
  it('creates a tag with a colour, and refuses the same name in another case', async () => {
    const created = await app.run('/tag create Work color:#22c55e');
    expect(created).toMatchObject({ title: '🏷️ Tag created', tone: 'success' });
    expect(await tagsOf()).toEqual([{ name: 'Work', color: '#22C55E' }]);
    const before = await snapshot();
    const duplicate = await app.run('/tag create WORK');
    expect(duplicate).toMatchObject({ tone: 'error', ephemeral: true });
    expect(duplicate.text).toBe('You already have the tag "Work". See `/tag list`.');
    expect(await snapshot()).toEqual(before);
  });

  it.each([
    ['teal', '#008080'],
    ['Orange', '#FFA500'],
    ['GREY', '#808080'],
    ['ff8800', '#FF8800'],
  ])('accepts the colour %s and shows it as %s', async (given, hex) => {
    const reply = await app.run(`/tag create t${given} color:${given}`, `painter${given}`);
    expect(reply).toMatchObject({ title: '🏷️ Tag created', tone: 'success' });
    expect(reply.text).toContain(`\`${hex}\``);
    expect(await tagsOf(`painter${given}`)).toEqual([{ name: `t${given}`, color: hex }]);
  });

  it('lets two users have the same tag name', async () => {
    await app.run('/tag create work', 'bob');
    expect(await tagsOf('bob')).toEqual([{ name: 'work', color: '#6B7280' }]);
  });

  it('tags a quest from a comma list, creating missing tags and reusing existing ones ignoring case', async () => {
    const q = await newQuest('Quarterly report');
    const reply = await app.run(`/tag add ${q} work, urgent,#Finance`);
    expect(reply.title).toBe(`#${q} Quarterly report`);
    expect(reply.text).toContain('Tagged with `Work` `urgent` `Finance` (new: `urgent` `Finance`).');
    expect(reply.fields?.find((f) => f.name === 'Tags')?.value).toBe('`Finance` `urgent` `Work`');
    expect(await questTags(q)).toEqual(['Finance', 'urgent', 'Work']);
    expect((await tagsOf()).map((t) => t.name)).toEqual(['Finance', 'urgent', 'Work']);

    const again = await app.run(`/tag add ${q} URGENT`);
    expect(again.text).toContain('Already tagged `URGENT`');
    expect(await questTags(q)).toEqual(['Finance', 'urgent', 'Work']);
  });

  it('lists tags with how many quests carry each', async () => {
    const q = await newQuest('Expenses');
    await app.run(`/tag add ${q} work`);
    const list = await app.run('/tag list');
    expect(list.text?.split('\n')).toEqual(['🏷️ `Finance` · 1 quest · `#6B7280`', '🏷️ `urgent` · 1 quest · `#6B7280`', '🏷️ `Work` · 2 quests · `#22C55E`']);
    expect(list.footer).toBe('3 tags');
    const bobs = await app.run('/tag list', 'bob');
    expect(bobs.text).toBe('🏷️ `work` · 0 quests · `#6B7280`');
  });

  it('takes a tag off a quest, keeping the tag', async () => {
    const q = await newQuest('Taxes');
    await app.run(`/tag add ${q} finance,work`);
    const reply = await app.run(`/tag remove ${q} FINANCE`);
    expect(reply.text).toContain('Took `Finance` off.');
    expect(await questTags(q)).toEqual(['Work']);
    expect((await tagsOf()).map((t) => t.name)).toContain('Finance');
    const notOn = await app.run(`/tag remove ${q} finance`);
    expect(notOn.text).toBe(`Quest #${q} is not tagged "Finance".`);
  });

  it('deletes a tag and takes it off every quest', async () => {
    const a = await newQuest('One');
    const b = await newQuest('Two');
    await app.run(`/tag add ${a} temp`);
    await app.run(`/tag add ${b} temp,work`);
    const reply = await app.run('/tag delete TEMP');
    expect(reply.text).toBe('Deleted `temp`, and took it off 2 quests.');
    expect(await questTags(a)).toEqual([]);
    expect(await questTags(b)).toEqual(['Work']);
    expect((await tagsOf()).map((t) => t.name)).not.toContain('temp');
  });

  it('logs every tag action', async () => {
    const q = await newQuest('Logged');
    const start = Number((await snapshot()).logs);
    await app.run('/tag create logged');
    await app.run(`/tag add ${q} logged`);
    await app.run(`/tag remove ${q} logged`);
    await app.run('/tag delete logged');
    const rows = await app.sql<{ action_type: string }>(
      `select action_type from user_behavior_logs where action_type like '%tag%' order by "timestamp", id offset ?`,
      [start],
    );
    expect(rows.map((r) => r.action_type)).toEqual(['tag_created', 'quest_tagged', 'quest_untagged', 'tag_deleted']);
  });

  it('calls a tag new only in the reply of the request that created it, when two requests race (issue 13)', async () => {
    const a = await newQuest('Race A', 'erin');
    const b = await newQuest('Race B', 'erin');
    for (const round of [1, 2, 3, 4, 5]) {
      const name = `race${round}`;
      const replies = await Promise.all([app.run(`/tag add ${a} ${name}`, 'erin'), app.run(`/tag add ${b} ${name}`, 'erin')]);
      const claims = replies.filter((r) => r.text?.includes(`(new: \`${name}\`)`));
      expect(replies.every((r) => r.text?.includes(`Tagged with \`${name}\``))).toBe(true);
      expect(claims).toHaveLength(1);
    }
    expect((await tagsOf('erin')).map((t) => t.name)).toEqual(['race1', 'race2', 'race3', 'race4', 'race5']);
  });

  describe("another user's quest or tag is not found", () => {
    let secret: number;
    beforeAll(async () => {
      secret = await newQuest('Alice private plan');
      await newQuest('Alice private plan B');
      await app.run(`/tag add ${secret} private`);
    });

    it.each([
      ['add', (q: string) => `/tag add ${q} sneaky`],
      ['remove', (q: string) => `/tag remove ${q} private`],
    ])('/tag %s', async (_name, line) => {
      await app.run('/tag create private', 'carol');
      await newQuest('Carol only', 'carol');
      const before = await snapshot();
      const byNumber = await app.run(line(`#${secret}`), 'carol');
      expect(byNumber).toMatchObject({ tone: 'error', ephemeral: true, text: `Quest #${secret} not found.` });
      const byTitle = await app.run(line('"Alice private plan"'), 'carol');
      expect(byTitle.text).toBe('No quest matches "Alice private plan".');
      expect(await snapshot()).toEqual(before);
    });

    it("/tag delete and /tag remove with another user's tag name", async () => {
      const q = await newQuest('Dave quest', 'dave');
      const before = await snapshot();
      expect((await app.run('/tag delete Finance', 'dave')).text).toBe('No tag named "Finance". See `/tag list`.');
      expect((await app.run(`/tag remove ${q} Finance`, 'dave')).text).toBe('No tag named "Finance". See `/tag list`.');
      expect(await snapshot()).toEqual(before);
    });
  });

  describe('bad input names the option and stores nothing', () => {
    it.each([
      ['/tag create', /Missing required option `name`/],
      [`/tag create ${'t'.repeat(51)}`, /`name` must be at most 50 characters \(got 51\)/],
      ['/tag create a,b', /`name` must be one tag name, without commas/],
      ['/tag create ok color:reddish', /`color` must be a colour as #RRGGBB or a name, e.g. #FF8800, teal or red \(got "reddish"\)/],
      ['/tag create ok color:#12345', /`color` must be a colour as #RRGGBB or a name/],
      ['/tag create ok color:#1234567', /`color` must be a colour as #RRGGBB or a name/],
      [`/tag add 1 ok,${'t'.repeat(51)}`, /`tags`: each tag must be at most 50 characters/],
      ['/tag add 1 ", ,"', /`tags` must name at least one tag/],
      ['/tag add 1', /Missing required option `tags`/],
      [`/tag remove 1 ${'t'.repeat(51)}`, /`tag` must be at most 50 characters \(got 51\)/],
      [`/tag delete ${'t'.repeat(51)}`, /`name` must be at most 50 characters \(got 51\)/],
      ['/tag add #999 work', /Quest #999 not found/],
    ])('%s', async (line, message) => {
      await newQuest('Target');
      const before = await snapshot();
      const reply = await app.run(line);
      expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
      expect(reply.text).toMatch(message);
      expect(await snapshot()).toEqual(before);
    });
  });
});
