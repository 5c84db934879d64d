import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const ownedBy = `(select user_id from user_identities where platform = 'console' and platform_user_id = ?)`;

const categoriesOf = (user = 'alice') =>
  app.sql<{ name: string; color: string; description: string | null }>(
    `select name, color, description from quest_categories where user_id = ${ownedBy} order by lower(name)`,
    [user],
  );

const snapshot = async () => ({
  categories: await app.sql('select * from quest_categories order by id'),
  quests: await app.sql('select id, category_id from quests order by id'),
  logs: (await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs where action_type like 'category_%'`))[0]!.n,
});

describe('/category', () => {
  it('creates a category with colour and description, and refuses the same name in another case', async () => {
    const reply = await app.run('/category create Work color:#3b82f6 description:"Day job"');
    expect(reply).toMatchObject({ title: '📂 Work', tone: 'success' });
    expect(reply.text).toContain('Category created');
    expect(await categoriesOf()).toEqual([{ name: 'Work', color: '#3B82F6', description: 'Day job' }]);
    const before = await snapshot();
    const duplicate = await app.run('/category create wORK');
    expect(duplicate).toMatchObject({ tone: 'error', ephemeral: true, text: 'You already have a category named "Work". See `/category list`.' });
    expect(await snapshot()).toEqual(before);
  });

  it('takes colour names on create and edit, and shows the hex', async () => {
    const created = await app.run('/category create Garden color:Green', 'gardener');
    expect(created.fields?.find((f) => f.name === 'Colour')?.value).toBe('`#008000`');
    const edited = await app.run('/category edit Garden color:purple', 'gardener');
    expect(edited.fields?.find((f) => f.name === 'Colour')?.value).toBe('`#800080`');
    expect((await categoriesOf('gardener')).find((c) => c.name === 'Garden')).toMatchObject({ color: '#800080' });
  });

  it('lists categories with their quest counts', async () => {
    await app.run('/category create Home');
    await app.run('/quest create "Fix the sink" category:home');
    await app.run('/quest create "Paint the door" category:Home');
    await app.run('/quest create "Clean garage" category:Home');
    await app.sql(`update quests set status = 'COMPLETED', completed_at = now() where title = 'Clean garage'`);
    const list = await app.run('/category list');
    expect(list.text?.split('\n')).toEqual(['📂 **Home** · 3 quests (2 open) · `#3B82F6`', '📂 **Work** · 0 quests · `#3B82F6`', '    Day job']);
    expect(list.footer).toBe('2 categories');
    expect((await app.run('/category list', 'bob')).text).toMatch(/^No categories yet/);
  });

  it('edits name, colour and description; a new name must be free', async () => {
    await app.run('/category create Hobby');
    const renamed = await app.run('/category edit hobby name:Hobbies color:#00ff00 description:"Fun stuff"');
    expect(renamed.text).toContain('Category renamed from **Hobby**');
    expect(renamed.title).toBe('📂 Hobbies');
    expect((await categoriesOf()).find((c) => c.name === 'Hobbies')).toEqual({ name: 'Hobbies', color: '#00FF00', description: 'Fun stuff' });

    const caseOnly = await app.run('/category edit Hobbies name:HOBBIES');
    expect(caseOnly.title).toBe('📂 HOBBIES');

    const before = await snapshot();
    const taken = await app.run('/category edit hobbies name:work');
    expect(taken).toMatchObject({ tone: 'error', text: 'You already have a category named "work". Pick another `name`.' });
    const nothing = await app.run('/category edit hobbies');
    expect(nothing.text).toBe('Nothing to change: give a new `name`, `color` or `description`.');
    expect(await snapshot()).toEqual(before);
  });

  it('deletes a category, leaving its quests uncategorised', async () => {
    await app.run('/category create Errands');
    await app.run('/quest create "Post office" category:Errands');
    await app.run('/quest create "Bank" category:Errands');
    const reply = await app.run('/category delete errands');
    expect(reply).toMatchObject({ title: '📂 Category deleted: Errands', text: '2 quests are now uncategorised.' });
    const quests = await app.sql<{ title: string; category_id: string | null }>(
      `select title, category_id from quests where title in ('Post office', 'Bank') order by title`,
    );
    expect(quests).toEqual([
      { title: 'Bank', category_id: null },
      { title: 'Post office', category_id: null },
    ]);
    expect((await categoriesOf()).map((c) => c.name)).not.toContain('Errands');
  });

  it('logs create, edit and delete', async () => {
    const start = Number((await snapshot()).logs);
    await app.run('/category create Logged');
    await app.run('/category edit Logged color:#111111');
    await app.run('/category delete Logged');
    const rows = await app.sql<{ action_type: string; action_data: Record<string, unknown> }>(
      `select action_type, action_data from user_behavior_logs where action_type like 'category_%' order by "timestamp", id offset ?`,
      [start],
    );
    expect(rows.map((r) => r.action_type)).toEqual(['category_created', 'category_updated', 'category_deleted']);
    expect(rows[1]!.action_data).toMatchObject({ changes: { color: '#111111' } });
  });

  it("treats another user's category as not found, and lets them use the same name", async () => {
    const before = await snapshot();
    for (const line of ['/category edit Work color:#000000', '/category delete Work']) {
      const reply = await app.run(line, 'bob');
      expect(reply, line).toMatchObject({ tone: 'error', ephemeral: true });
      expect(reply.text, line).toMatch(/^No category named "Work"/);
    }
    expect(await snapshot()).toEqual(before);
    await app.run('/category create work', 'bob');
    expect(await categoriesOf('bob')).toEqual([{ name: 'work', color: '#3B82F6', description: null }]);
  });

  it.each([
    ['/category create', /Missing required option `name`/],
    [`/category create ${'c'.repeat(101)}`, /`name` must be at most 100 characters \(got 101\)/],
    ['/category create Ok color:blurple', /`color` must be a colour as #RRGGBB or a name, e.g. #FF8800, teal or red \(got "blurple"\)/],
    [`/category create Ok description:"${'d'.repeat(1001)}"`, /`description` must be at most 1000 characters/],
    [`/category edit Work name:${'c'.repeat(101)}`, /`name` must be at most 100 characters \(got 101\)/],
    ['/category edit Work color:#GGGGGG', /`color` must be a colour as #RRGGBB or a name/],
    ['/category delete Nope', /No category named "Nope"/],
  ])('refuses %s and stores nothing', async (line, message) => {
    const before = await snapshot();
    const reply = await app.run(line);
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});
