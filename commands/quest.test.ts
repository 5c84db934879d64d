import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
let now = new Date('2026-11-24T09:00:00Z');
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const minutesLater = (minutes: number) => {
  now = new Date(now.getTime() + minutes * 60_000);
};

async function userId(name: string): Promise<string> {
  const [row] = await app.sql<{ user_id: string }>(`select user_id from user_identities where platform = 'console' and platform_user_id = ?`, [name]);
  return row!.user_id;
}

/** Creates a quest and returns its number. */
async function create(user: string, title: string, options = ''): Promise<number> {
  const reply = await app.run(`/quest create "${title}" ${options}`, user);
  const number = /^#(\d+) /.exec(reply.title ?? '')?.[1];
  if (!number) throw new Error(`create failed: ${reply.text}`);
  return Number(number);
}

interface QuestState {
  status: string;
  title: string;
  difficulty: string;
  estimated_duration: number;
  experience_points: number;
  actual_duration: number | null;
  category_id: string | null;
  project_id: string | null;
  started_at: Date | null;
  completed_at: Date | null;
}

async function quest(user: string, number: number): Promise<QuestState> {
  const [row] = await app.sql<QuestState>(
    `select status, title, difficulty, estimated_duration, experience_points, actual_duration, category_id, project_id, started_at, completed_at
     from quests where user_id = ? and number = ?`,
    [await userId(user), number],
  );
  const date = (value: Date | null) => (value === null ? null : new Date(value));
  return { ...row!, started_at: date(row!.started_at), completed_at: date(row!.completed_at) };
}

async function logs(user: string, action: string): Promise<Array<{ action_data: Record<string, unknown> }>> {
  return app.sql(`select action_data from user_behavior_logs where user_id = ? and action_type = ? order by "timestamp"`, [await userId(user), action]);
}

/** Everything a refused command must leave untouched. */
async function snapshot(): Promise<string> {
  const [quests, counts] = await Promise.all([
    app.sql('select * from quests order by id'),
    app.sql(`select (select count(*) from quest_analytics) as analytics, (select count(*) from quest_dependencies) as dependencies,
      (select count(*) from user_behavior_logs) as logs, (select count(*) from quest_steps) as steps`),
  ]);
  return JSON.stringify({ quests, counts });
}

function expectRefusal(reply: Reply, message: RegExp): void {
  expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
  expect(reply.text).toMatch(message);
}

describe('/quest edit', () => {
  it('changes fields, recomputes XP and shows the card', async () => {
    const n = await create('edith', 'Draft the plan');
    const reply = await app.run(`/quest edit #${n} title:"Draft the *whole* plan" difficulty:hard estimate:2h priority:urgent`, 'edith');
    expect(reply.title).toBe(`#${n} Draft the *whole* plan`);
    expect(reply.text).toBe('✏️ Updated title, difficulty, priority, estimate. It is now worth **65 XP**.');
    expect(reply.fields?.find((f) => f.name === 'XP')?.value).toBe('65');
    expect(await quest('edith', n)).toMatchObject({ title: 'Draft the *whole* plan', difficulty: 'HARD', estimated_duration: 120, experience_points: 65 });
    expect((await logs('edith', 'quest_edited')).map((l) => l.action_data.changes)).toEqual([['title', 'difficulty', 'priority', 'estimate']]);
  });

  it('sets and clears category and project with none', async () => {
    const owner = await userId('edith');
    await app.sql(`insert into quest_categories (user_id, name) values (?, 'Home')`, [owner]);
    await app.sql(`insert into projects (user_id, name) values (?, 'Spring clean')`, [owner]);
    const n = await create('edith', 'Sort the tools');
    const set = await app.run(`/quest edit #${n} category:home project:"spring clean"`, 'edith');
    expect(set.fields).toEqual(
      expect.arrayContaining([
        { name: 'Category', value: 'Home', inline: true },
        { name: 'Project', value: 'Spring clean', inline: true },
      ]),
    );
    expect((await quest('edith', n)).category_id).not.toBeNull();
    const cleared = await app.run(`/quest edit #${n} category:none project:NONE`, 'edith');
    expect(cleared.text).toBe('✏️ Updated category, project.');
    expect(await quest('edith', n)).toMatchObject({ category_id: null, project_id: null });
  });

  it('refuses an unknown category and stores nothing', async () => {
    const n = await create('edith', 'Paint the fence');
    const before = await snapshot();
    expectRefusal(await app.run(`/quest edit #${n} title:Renamed category:garden`, 'edith'), /No category named "garden"/);
    expect(await snapshot()).toBe(before);
  });

  it('keeps the XP of a completed quest', async () => {
    const n = await create('edith', 'Mow the lawn', 'difficulty:easy');
    await app.run(`/quest complete #${n}`, 'edith');
    const reply = await app.run(`/quest edit #${n} difficulty:epic estimate:3h`, 'edith');
    expect(reply.text).toBe('✏️ Updated difficulty, estimate.');
    expect(await quest('edith', n)).toMatchObject({ difficulty: 'EPIC', experience_points: 10 });
  });

  it('moves the status through the same rules as the other subcommands', async () => {
    const n = await create('edith', 'Write the invite', 'status:draft');
    const started = await app.run(`/quest edit #${n} status:in_progress`, 'edith');
    expect(started.fields?.find((f) => f.name === 'Status')?.value).toBe('in progress');
    expect((await quest('edith', n)).started_at).toEqual(now);
    expectRefusal(await app.run(`/quest edit #${n} status:active`, 'edith'), /Can't set #\d+ Write the invite to active: it is in progress\./);
  });

  it('asks for something to change', async () => {
    const n = await create('edith', 'Nothing to see');
    expectRefusal(await app.run(`/quest edit #${n}`, 'edith'), /Nothing to change: give at least one of `title`/);
  });
});

describe('/quest start', () => {
  it('moves an active quest in progress and records when', async () => {
    const n = await create('stan', 'Call the plumber');
    const reply = await app.run(`/quest start ${n}`, 'stan');
    expect(reply.text).toMatch(/^⏱️ Started/);
    expect(reply.fields?.find((f) => f.name === 'Status')?.value).toBe('in progress');
    expect(reply.buttons?.map((b) => b.action)).toContain(`quest complete #${n}`);
    expect(await quest('stan', n)).toMatchObject({ status: 'IN_PROGRESS', started_at: now });
    expect(await logs('stan', 'quest_started')).toEqual([{ action_data: expect.objectContaining({ number: n, from: 'ACTIVE', to: 'IN_PROGRESS' }) }]);
  });

  it('shows the new state when the quest is named by its title (read again after the change)', async () => {
    await create('stella', 'Water the plants');
    const started = await app.run('/quest start "Water the plants"', 'stella');
    expect(started.fields?.find((f) => f.name === 'Status')?.value).toBe('in progress');
    const edited = await app.run('/quest edit "Water the plants" title:"Water the garden"', 'stella');
    expect(edited.title).toMatch(/Water the garden$/);
    const archived = await app.run('/quest archive "Water the garden"', 'stella');
    expect(archived.fields?.find((f) => f.name === 'Status')?.value).toBe('archived');
  });

  it('starts a draft too, but not a quest already under way or done', async () => {
    const n = await create('stan', 'Plan the trip', 'status:draft');
    await app.run(`/quest start #${n}`, 'stan');
    expectRefusal(await app.run(`/quest start #${n}`, 'stan'), /Can't start #\d+ Plan the trip: it is already in progress\./);
    await app.run(`/quest complete #${n}`, 'stan');
    expectRefusal(await app.run(`/quest start #${n}`, 'stan'), /Can't start #\d+ Plan the trip: it is completed\./);
  });

  it('is blocked by an unfinished sequential prerequisite, which it names', async () => {
    const paint = await create('stan', 'Buy paint');
    const walls = await create('stan', 'Paint the walls');
    const tape = await create('stan', 'Buy tape');
    await app.run(`/quest depend #${walls} on:#${paint}`, 'stan');
    await app.run(`/quest depend #${walls} on:#${tape} type:resource`, 'stan');
    const before = await snapshot();
    expectRefusal(
      await app.run(`/quest start #${walls}`, 'stan'),
      new RegExp(`Can't start #${walls} Paint the walls yet: it waits on #${paint} Buy paint\\. Finish that first\\.`),
    );
    expect(await snapshot()).toBe(before);
    await app.run(`/quest complete #${paint}`, 'stan');
    // A resource dependency is a note, not a blocker.
    expect((await app.run(`/quest start #${walls}`, 'stan')).tone).not.toBe('error');
  });
});

describe('/quest complete', () => {
  it('celebrates, and records time since the start, ratings and step completion', async () => {
    const n = await create('cleo', 'Fix the bike', 'difficulty:hard estimate:2h');
    const id = (await app.sql<{ id: string }>('select id from quests where user_id = ? and number = ?', [await userId('cleo'), n]))[0]!.id;
    await app.sql(
      `insert into quest_steps (quest_id, title, order_index, completed) values (?, 'Tyre', 1, true), (?, 'Chain', 2, true), (?, 'Brakes', 3, false)`,
      [id, id, id],
    );
    await app.run(`/quest start #${n}`, 'cleo');
    minutesLater(95);
    const ask = await app.run(`/quest complete #${n} difficulty_rating:4 satisfaction:5`, 'cleo');
    expect(ask).toMatchObject({ title: `Complete #${n} Fix the bike?`, ephemeral: true });
    expect(ask.text).toContain('1 of 3 steps still unticked');
    expect(ask.buttons?.[0]).toEqual({
      label: 'Complete anyway',
      action: `quest complete #${n} difficulty_rating:4 satisfaction:5 force:yes`,
      style: 'success',
    });
    expect(await quest('cleo', n)).toMatchObject({ status: 'IN_PROGRESS' });
    const reply = await app.run(`/${ask.buttons![0]!.action}`, 'cleo');
    expect(reply.title).toBe(`🎉 Quest complete: #${n} Fix the bike`);
    expect(reply.tone).toBe('success');
    expect(reply.fields).toEqual([
      { name: 'Time spent', value: '1h35m (estimated 2h)', inline: true },
      { name: 'Steps', value: '2/3', inline: true },
      { name: 'Difficulty felt', value: '4/5', inline: true },
      { name: 'Satisfaction', value: '5/5', inline: true },
    ]);
    expect(await quest('cleo', n)).toMatchObject({ status: 'COMPLETED', actual_duration: 95, completed_at: now });
    const analytics = await app.sql(
      'select time_spent_minutes, completion_rate, difficulty_rating, satisfaction_rating from quest_analytics where quest_id = ?',
      [id],
    );
    expect(analytics).toEqual([{ time_spent_minutes: 95, completion_rate: '66.67', difficulty_rating: 4, satisfaction_rating: 5 }]);
    expect(await logs('cleo', 'quest_completed')).toEqual([
      { action_data: expect.objectContaining({ number: n, actualDuration: 95, stepsDone: 2, stepsTotal: 3 }) },
    ]);
  });

  it('takes the time spent from minutes when given', async () => {
    const n = await create('cleo', 'Read a chapter');
    await app.run(`/quest start #${n}`, 'cleo');
    minutesLater(10);
    await app.run(`/quest complete #${n} minutes:1h15m`, 'cleo');
    expect((await quest('cleo', n)).actual_duration).toBe(75);
  });

  it('leaves the time unknown for a quest completed without being started', async () => {
    const n = await create('cleo', 'Water the plants');
    const reply = await app.run(`/quest complete "Water the plants"`, 'cleo');
    expect(reply.fields).toBeUndefined();
    expect((await quest('cleo', n)).actual_duration).toBeNull();
    const [analytics] = await app.sql<{ time_spent_minutes: number; completion_rate: string | null }>(
      'select time_spent_minutes, completion_rate from quest_analytics a join quests q on q.id = a.quest_id where q.user_id = ? and q.number = ?',
      [await userId('cleo'), n],
    );
    expect(analytics).toEqual({ time_spent_minutes: 0, completion_rate: null });
  });

  it.each([
    ['a completed quest', '', (n: number) => `/quest complete #${n}`, /it is already completed\./],
    ['a draft', 'status:draft', undefined, /it is still a draft \(start it first\)\./],
    ['an archived quest', '', (n: number) => `/quest archive #${n}`, /it is archived \(unarchive it first\)\./],
  ])('explains why %s cannot be completed, storing nothing', async (_what, options, prepare, reason) => {
    const n = await create('cleo', 'Refused completion', options);
    if (prepare) await app.run(prepare(n), 'cleo');
    const before = await snapshot();
    expectRefusal(await app.run(`/quest complete #${n}`, 'cleo'), new RegExp(`Can't complete #${n} Refused completion: ${reason.source}`));
    expect(await snapshot()).toBe(before);
  });

  it('is blocked by unfinished sequential prerequisites, naming each', async () => {
    const a = await create('cleo', 'Get quotes');
    const b = await create('cleo', 'Pick a builder');
    const c = await create('cleo', 'Build the deck');
    await app.run(`/quest depend #${c} on:#${a}`, 'cleo');
    await app.run(`/quest depend #${c} on:#${b}`, 'cleo');
    const before = await snapshot();
    expectRefusal(
      await app.run(`/quest complete #${c}`, 'cleo'),
      new RegExp(`Can't complete #${c} Build the deck yet: it waits on #${a} Get quotes, #${b} Pick a builder\\. Finish those first\\.`),
    );
    expect(await snapshot()).toBe(before);
  });

  it('completes once when ten completions race', async () => {
    const n = await create('racer', 'Popular quest');
    await app.run(`/quest start #${n}`, 'racer');
    const replies = await Promise.all(Array.from({ length: 10 }, () => app.run(`/quest complete #${n}`, 'racer')));
    const wins = replies.filter((r) => r.tone === 'success');
    expect(wins).toHaveLength(1);
    for (const loser of replies.filter((r) => r.tone !== 'success')) expectRefusal(loser, /it is already completed/);
    const [counts] = await app.sql<{ analytics: number; logs: number }>(
      `select (select count(*)::int from quest_analytics a join quests q on q.id = a.quest_id where q.user_id = ?) as analytics,
              (select count(*)::int from user_behavior_logs where user_id = ? and action_type = 'quest_completed') as logs`,
      [await userId('racer'), await userId('racer')],
    );
    expect(counts).toEqual({ analytics: 1, logs: 1 });
  });
});

describe('/quest archive and unarchive', () => {
  it('archives any quest and brings it back active', async () => {
    const n = await create('arch', 'Learn the banjo');
    await app.run(`/quest start #${n}`, 'arch');
    const archived = await app.run(`/quest archive #${n}`, 'arch');
    expect(archived.text).toBe(`📦 Archived. \`/quest unarchive #${n}\` brings it back.`);
    expect((await quest('arch', n)).status).toBe('ARCHIVED');
    expectRefusal(await app.run(`/quest archive #${n}`, 'arch'), /Can't archive #\d+ Learn the banjo: it is already archived\./);
    const back = await app.run(`/quest unarchive #${n}`, 'arch');
    expect(back.text).toBe('Back from the archive and active again.');
    expect((await quest('arch', n)).status).toBe('ACTIVE');
    expect((await logs('arch', 'quest_archived')).length).toBe(1);
    expect((await logs('arch', 'quest_unarchived')).length).toBe(1);
  });

  it('brings a completed quest back completed, so it cannot be completed twice', async () => {
    const n = await create('arch', 'Run a 10k');
    await app.run(`/quest complete #${n}`, 'arch');
    await app.run(`/quest archive #${n}`, 'arch');
    expect((await app.run(`/quest unarchive #${n}`, 'arch')).text).toBe('Back from the archive, still completed.');
    expect((await quest('arch', n)).status).toBe('COMPLETED');
    expectRefusal(await app.run(`/quest complete #${n}`, 'arch'), /it is already completed/);
  });

  it('refuses to unarchive a quest that is not archived', async () => {
    const n = await create('arch', 'Still here');
    expectRefusal(await app.run(`/quest unarchive #${n}`, 'arch'), /#\d+ Still here isn't archived \(it is active\)\./);
  });
});

describe('/quest delete', () => {
  it('asks first with a private danger button, then deletes with its steps', async () => {
    const n = await create('dora', 'Old idea');
    const id = (await app.sql<{ id: string }>('select id from quests where user_id = ? and number = ?', [await userId('dora'), n]))[0]!.id;
    await app.sql(`insert into quest_steps (quest_id, title, order_index) values (?, 'One', 1)`, [id]);
    const prompt = await app.run(`/quest delete #${n}`, 'dora');
    expect(prompt).toMatchObject({ title: `Delete #${n} Old idea?`, ephemeral: true });
    expect(prompt.text).toMatch(/^⚠️ This removes the quest with its 1 step, tags, dependencies and stats for good\./);
    const button = prompt.buttons?.find((b) => b.style === 'danger');
    expect(button?.action).toBe(`quest delete #${n} confirm:yes`);
    expect(await quest('dora', n)).toBeDefined();
    const deleted = await app.run(`/${button!.action}`, 'dora');
    expect(deleted.text).toBe(`🗑️ Deleted #${n} Old idea.`);
    expect(await app.sql('select id from quests where id = ?', [id])).toEqual([]);
    expect(await app.sql('select id from quest_steps where quest_id = ?', [id])).toEqual([]);
    expect(await logs('dora', 'quest_deleted')).toEqual([{ action_data: { questId: id, number: n, title: 'Old idea' } }]);
  });

  it('only asks when confirm is no', async () => {
    const n = await create('dora', 'Keep me');
    const before = await snapshot();
    expect((await app.run(`/quest delete #${n} confirm:no`, 'dora')).title).toBe(`Delete #${n} Keep me?`);
    expect(await snapshot()).toBe(before);
  });
});

describe('/quest depend and undepend', () => {
  it('adds, retypes and removes a dependency', async () => {
    const a = await create('dee', 'Buy flour');
    const b = await create('dee', 'Bake bread');
    const added = await app.run(`/quest depend #${b} on:#${a}`, 'dee');
    expect(added.text).toBe(`🔗 Now waits on #${a} Buy flour (sequential). It can start once that one is completed.`);
    expect(added.fields?.find((f) => f.name === 'Waiting on')?.value).toBe(`#${a} Buy flour (sequential)`);
    expectRefusal(await app.run(`/quest depend #${b} on:#${a}`, 'dee'), /already waits on #\d+ Buy flour \(sequential\)/);
    expect((await app.run(`/quest depend #${b} on:#${a} type:time`, 'dee')).text).toBe(`🔗 Still waits on #${a} Buy flour, now as time.`);
    expect(
      await app.sql('select dependency_type from quest_dependencies d join quests q on q.id = d.dependent_quest_id where q.user_id = ?', [await userId('dee')]),
    ).toEqual([{ dependency_type: 'time' }]);
    expect((await app.run(`/quest undepend #${b} on:#${a}`, 'dee')).text).toBe(`🔓 No longer waits on #${a} Buy flour.`);
    expectRefusal(await app.run(`/quest undepend #${b} on:#${a}`, 'dee'), /#\d+ Bake bread doesn't wait on #\d+ Buy flour\./);
    expect((await logs('dee', 'quest_dependency_added')).length).toBe(2);
    expect((await logs('dee', 'quest_dependency_removed')).length).toBe(1);
  });

  it('refuses a self-dependency and a cycle, naming the loop', async () => {
    const a = await create('dee', 'Step A');
    const b = await create('dee', 'Step B');
    const c = await create('dee', 'Step C');
    await app.run(`/quest depend #${b} on:#${a}`, 'dee');
    await app.run(`/quest depend #${c} on:#${b}`, 'dee');
    const before = await snapshot();
    expectRefusal(await app.run(`/quest depend #${a} on:#${a}`, 'dee'), /A quest can't depend on itself/);
    expectRefusal(
      await app.run(`/quest depend #${a} on:#${c}`, 'dee'),
      new RegExp(`#${a} Step A can't wait on #${c} Step C: #${c} already waits on #${a} \\(#${c} → #${b} → #${a}\\), so that would make a loop\\.`),
    );
    expect(await snapshot()).toBe(before);
  });

  it('lets only one of two opposite dependencies made at once through', async () => {
    const a = await create('dee', 'Chicken');
    const b = await create('dee', 'Egg');
    const replies = await Promise.all([app.run(`/quest depend #${a} on:#${b}`, 'dee'), app.run(`/quest depend #${b} on:#${a}`, 'dee')]);
    expect(replies.filter((r) => r.tone === 'error')).toHaveLength(1);
    const rows = await app.sql(
      `select d.id from quest_dependencies d join quests q on q.id = d.dependent_quest_id where q.user_id = ? and q.number in (?, ?)`,
      [await userId('dee'), a, b],
    );
    expect(rows).toHaveLength(1);
  });
});

describe("another user's quest is not found", () => {
  let target: number;
  let ownOther: number;
  let own: number;
  beforeAll(async () => {
    own = await create('intruder', 'Intruder own quest');
    await create('owner', 'Owner first');
    ownOther = await create('owner', 'Owner prerequisite');
    target = await create('owner', 'Owner secret plan');
    await app.run(`/quest depend #${target} on:#${ownOther}`, 'owner');
    expect(target).toBeGreaterThan(own);
  });

  const lines: Array<[string, (q: string) => string]> = [
    ['view', (q) => `/quest view ${q}`],
    ['edit', (q) => `/quest edit ${q} title:Hijacked`],
    ['start', (q) => `/quest start ${q}`],
    ['complete', (q) => `/quest complete ${q}`],
    ['archive', (q) => `/quest archive ${q}`],
    ['unarchive', (q) => `/quest unarchive ${q}`],
    ['delete', (q) => `/quest delete ${q}`],
    ['delete confirmed', (q) => `/quest delete ${q} confirm:yes`],
    ['depend (as the waiting quest)', (q) => `/quest depend ${q} on:#1`],
    ['depend (as the prerequisite)', (q) => `/quest depend #1 on:${q}`],
    ['undepend (as the waiting quest)', (q) => `/quest undepend ${q} on:#1`],
    ['undepend (as the prerequisite)', (q) => `/quest undepend #1 on:${q}`],
  ];
  const refs: Array<[string, () => string]> = [
    ['number', () => `#${target}`],
    ['title', () => '"Owner secret plan"'],
  ];

  it.each(lines.flatMap(([name, line]) => refs.map(([by, ref]) => [name, by, line, ref] as const)))('%s by %s', async (_name, by, line, ref) => {
    const before = await snapshot();
    const reply = await app.run(line(ref()), 'intruder');
    expectRefusal(reply, by === 'number' ? new RegExp(`Quest #${target} not found\\.`) : /No quest matches "Owner secret plan"\./);
    expect(await snapshot()).toBe(before);
  });
});

describe('bad input names the option and stores nothing', () => {
  let n: number;
  beforeAll(async () => {
    n = await create('typo', 'Careful quest');
    await app.run(`/quest start #${n}`, 'typo');
    await create('typo', 'Other quest');
  });

  it.each([
    [`/quest edit #Q title:"${'x'.repeat(256)}"`, /`title` must be at most 255 characters \(got 256\)/],
    [`/quest edit #Q title:"   "`, /`title` must not be empty/],
    [`/quest edit #Q estimate:0`, /`estimate` must be between 1m and 24h \(got 0m\)/],
    [`/quest edit #Q estimate:25h`, /`estimate` must be between 1m and 24h \(got 25h\)/],
    [`/quest edit #Q difficulty:insane`, /`difficulty` must be one of easy, medium, hard, epic/],
    [`/quest edit #Q status:completed`, /`status` must be one of active, in_progress, archived/],
    [`/quest edit #Q category:"${'c'.repeat(101)}"`, /`category` must be at most 100 characters/],
    [`/quest complete #Q minutes:0`, /`minutes` must be between 1m and 24h \(got 0m\)/],
    [`/quest complete #Q minutes:1441`, /`minutes` must be between 1m and 24h \(got 24h1m\)/],
    [`/quest complete #Q difficulty_rating:0`, /`difficulty_rating` must be between 1 and 5 \(got 0\)/],
    [`/quest complete #Q difficulty_rating:6`, /`difficulty_rating` must be between 1 and 5 \(got 6\)/],
    [`/quest complete #Q satisfaction:6`, /`satisfaction` must be between 1 and 5 \(got 6\)/],
    [`/quest complete #Q satisfaction:great`, /`satisfaction` must be a whole number between 1 and 5/],
    [`/quest depend #Q on:"Other quest" type:soon`, /`type` must be one of sequential, resource, time/],
    [`/quest delete #Q confirm:maybe`, /`confirm` must be yes or no/],
  ])('%s', async (line, message) => {
    const before = await snapshot();
    expectRefusal(await app.run(line.replace('#Q', `#${n}`), 'typo'), message);
    expect(await snapshot()).toBe(before);
  });
});

describe('/quest list paging', () => {
  it('shows 25 quests ten to a page, by priority then age, with working buttons', async () => {
    const priorities = ['low', 'medium', 'high', 'urgent', 'medium'];
    const created: Array<{ number: number; rank: number }> = [];
    for (let i = 0; i < 25; i++) {
      const priority = priorities[i % priorities.length]!;
      created.push({
        number: await create('pager', `Paged quest ${i + 1}`, `priority:${priority}`),
        rank: ['low', 'medium', 'high', 'urgent'].indexOf(priority),
      });
    }
    const expected = [...created].sort((a, b) => b.rank - a.rank || a.number - b.number).map((q) => q.number);
    const numbers = (reply: Reply) => [...(reply.text ?? '').matchAll(/\*\*#(\d+)\*\*/g)].map((m) => Number(m[1]));

    const first = await app.run('/quest list', 'pager');
    expect(first.footer).toBe('page 1 of 3 · 25 quests');
    expect(first.buttons).toEqual([{ label: 'Next ▶', action: 'quest list page:2', style: 'secondary' }]);
    const second = await app.run(`/${first.buttons![0]!.action}`, 'pager');
    expect(second.footer).toBe('page 2 of 3 · 25 quests');
    expect(second.buttons?.map((b) => b.action)).toEqual(['quest list page:1', 'quest list page:3']);
    const third = await app.run(`/${second.buttons![1]!.action}`, 'pager');
    expect(third.footer).toBe('page 3 of 3 · 25 quests');
    expect(third.buttons).toEqual([{ label: '◀ Previous', action: 'quest list page:2', style: 'secondary' }]);
    expect([first, second, third].map(numbers)).toEqual([expected.slice(0, 10), expected.slice(10, 20), expected.slice(20)]);

    const filtered = await app.run('/quest list status:all priority:medium', 'pager');
    expect(filtered.footer).toBe('page 1 of 1 · 10 quests');
    const allPage2 = await app.run('/quest list status:all page:2', 'pager');
    expect(allPage2.buttons?.map((b) => b.action)).toEqual(['quest list status:all page:1', 'quest list status:all page:3']);
    expectRefusal(await app.run('/quest list page:4', 'pager'), /`page` must be between 1 and 3/);
  });
});

describe('/quest list when nothing is listed', () => {
  it('tells "no quests yet", "nothing open" and "no match" apart', async () => {
    const fresh = await app.run('/quest list', 'empty-lister');
    expect(fresh.text).toMatch(/^No quests here yet\. Start one with/);
    expect((await app.run('/quest list status:all', 'empty-lister')).text).toMatch(/^No quests here yet\./);

    await create('empty-lister', 'Done already');
    await app.run('/quest complete #1 force:yes', 'empty-lister');
    const nothingOpen = await app.run('/quest list', 'empty-lister');
    expect(nothingOpen.text).toBe('No open quests right now. `/quest list status:all` shows every quest, finished ones too.');

    for (const filter of ['priority:urgent', 'tag:nope', 'status:draft', 'search:unicorns']) {
      const none = await app.run(`/quest list ${filter}`, 'empty-lister');
      expect(none.text, filter).toBe('No quests match these filters. `/quest list status:all` shows every quest.');
    }
  });
});
