import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const questCount = async () => Number((await app.sql<{ n: string }>('select count(*) as n from quests'))[0]!.n);

describe('dispatch', () => {
  it('creates a quest and lists it for its owner', async () => {
    const created = await app.run('/quest create "Write the report" difficulty:hard estimate:2h tags:work,Urgent');
    expect(created.title).toBe('#1 Write the report');
    expect(created.fields?.find((f) => f.name === 'XP')?.value).toBe('65');
    const list = await app.run('/quest list');
    expect(list.text).toContain('Write the report');
    expect(list.footer).toBe('page 1 of 1 · 1 quest');
  });

  it("numbers quests per user and hides other users' quests", async () => {
    const bob = await app.run('/quest create "Bob only"', 'bob');
    expect(bob.title).toBe('#1 Bob only');
    const view = await app.run('/quest view 1', 'bob');
    expect(view.title).toBe('#1 Bob only');
    const aliceList = await app.run('/quest list', 'alice');
    expect(aliceList.text).not.toContain('Bob only');
    const foreign = await app.run('/quest view "Bob only"', 'carol');
    expect(foreign).toMatchObject({ tone: 'error', ephemeral: true });
    expect(foreign.text).toMatch(/No quest matches/);
  });

  it.each([
    ['/quest create', /Missing required option `title`/],
    [`/quest create "${'x'.repeat(256)}"`, /`title` must be at most 255 characters \(got 256\)/],
    ['/quest create "x" estimate:25h', /`estimate` must be between 1m and 24h/],
    ['/quest create "x" estimate:0', /`estimate` must be between 1m and 24h/],
    ['/quest create "x" difficulty:insane', /`difficulty` must be one of easy, medium, hard, epic/],
    ['/quest create "x" priority:asap', /`priority` must be one of low, medium, high, urgent/],
    ['/quest create "x" colour:red', /has no option `colour`/],
    ['/quest creat "x"', /Did you mean `\/quest create`/],
    ['/quests list', /Did you mean `\/quest`/],
  ])('refuses %s precisely and stores nothing', async (line, message) => {
    const before = await questCount();
    const reply = await app.run(line);
    expect(reply.tone).toBe('error');
    expect(reply.ephemeral).toBe(true);
    expect(reply.text).toMatch(message);
    expect(await questCount()).toBe(before);
  });

  it('answers an unexpected failure with an apology carrying a correlation id', async () => {
    const reply = await app.dispatcher.dispatch({
      identity: { platform: 'console', scope: 'local', platformUserId: 'x'.repeat(80) },
      command: 'quest',
      text: 'list',
      source: 'command',
    });
    expect(reply.text).toMatch(/Sorry, something went wrong.*reference `[0-9a-f]{8}`/);
  });
});

describe('creating with names', () => {
  it('files a quest under its category and project and tags it, creating tags on the fly', async () => {
    await app.run('/category create Work', 'frank');
    await app.run('/project create Launch', 'frank');
    const reply = await app.run('/quest create "Ship it" category:work project:launch tags:Go,go,Later', 'frank');
    expect(reply.fields).toEqual(
      expect.arrayContaining([
        { name: 'Category', value: 'Work', inline: true },
        { name: 'Project', value: 'Launch', inline: true },
        { name: 'Tags', value: '`Go` `Later`', inline: false },
      ]),
    );
    const logs = await app.sql<{ n: string }>(
      `select count(*) as n from user_behavior_logs l join user_identities i on i.user_id = l.user_id where i.platform_user_id = 'frank' and l.action_type = 'quest_created'`,
    );
    expect(Number(logs[0]!.n)).toBe(1);
  });

  it('names an unknown category or project and writes nothing, not even a quest number', async () => {
    const before = await questCount();
    const reply = await app.run('/quest create "Lost" category:nowhere', 'frank');
    expect(reply.text).toMatch(/^No category named "nowhere"/);
    expect((await app.run('/quest create "Lost" project:nowhere', 'frank')).text).toMatch(/^No project named "nowhere"/);
    expect(await questCount()).toBe(before);
    expect((await app.run('/quest create "Next"', 'frank')).title).toBe('#2 Next');
  });
});

describe('autocomplete', () => {
  const invocation = (user: string, command: string, subcommand: string) => ({
    identity: { platform: 'console' as const, scope: 'local', platformUserId: user },
    command,
    subcommand,
    source: 'command' as const,
  });

  it("suggests the user's own category, project and tag names, never another user's", async () => {
    await app.run('/category create Workout', 'gina');
    await app.run('/category create Homework', 'gina');
    await app.run('/category create "Work secrets"', 'hank');
    await app.run('/project create Garden', 'gina');
    await app.run('/quest create "Rake leaves" tags:outdoors', 'gina');
    expect(await app.dispatcher.autocomplete(invocation('gina', 'quest', 'create'), 'category', 'work')).toEqual([
      { name: 'Workout', value: 'Workout' },
      { name: 'Homework', value: 'Homework' },
    ]);
    expect(await app.dispatcher.autocomplete(invocation('gina', 'project', 'delete'), 'project', '')).toEqual([{ name: 'Garden', value: 'Garden' }]);
    expect(await app.dispatcher.autocomplete(invocation('gina', 'tag', 'remove'), 'tag', 'out')).toEqual([{ name: 'outdoors', value: 'outdoors' }]);
    expect(await app.dispatcher.autocomplete(invocation('hank', 'quest', 'list'), 'category', 'home')).toEqual([]);
  });

  it('marks those options for autocomplete so platforms ask for suggestions', () => {
    const create = app.dispatcher.registry.resolve('quest', 'create');
    expect(create.sub.options.category).toMatchObject({ autocomplete: true, suggest: 'category' });
    expect(create.sub.options.title.autocomplete).toBeUndefined();
  });
});

describe('completion counters', () => {
  it('counts completions by category and difficulty in the stored counters and in achievement progress', async () => {
    await app.run('/category create Work', 'ivy');
    await app.run('/category create Home', 'ivy');
    for (const [title, category] of [
      ['A', 'Work'],
      ['B', 'Work'],
      ['C', 'Home'],
    ] as const) {
      const created = await app.run(`/quest create ${title} category:${category} difficulty:easy`, 'ivy');
      await app.run(`/quest complete ${created.title!.split(' ')[0]}`, 'ivy');
    }
    const [stats] = await app.sql<{ completions: number; completions_by_difficulty: Record<string, number>; n_categories: number }>(
      `select s.completions, s.completions_by_difficulty, (select count(*)::int from jsonb_object_keys(s.completions_by_category)) as n_categories
       from user_stats s join user_identities i on i.user_id = s.user_id where i.platform_user_id = 'ivy'`,
    );
    expect(stats).toEqual({ completions: 3, completions_by_difficulty: { EASY: 3 }, n_categories: 2 });
    const achievements = await app.run('/achievements', 'ivy');
    expect(achievements.text).toMatch(/Jack of All Trades.*\*\*2\/3\*\*/);
    expect(achievements.text).toMatch(/Low\\?-Hanging Fruit.*\*\*3\/25\*\*/);
  });
});
