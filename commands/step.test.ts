import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

/** The quest's steps in order, as stored, for a console user's quest number. */
async function storedSteps(number: number, user = 'alice') {
  return app.sql<{ title: string; order_index: number; completed: boolean; completed_at: Date | null }>(
    `select s.title, s.order_index, s.completed, s.completed_at from quest_steps s
     join quests q on q.id = s.quest_id join user_identities i on i.user_id = q.user_id
     where i.platform = 'console' and i.platform_user_id = ? and q.number = ? order by s.order_index`,
    [user, number],
  );
}

const titles = async (number: number, user?: string) => (await storedSteps(number, user)).map((s) => s.title);

async function expectDense(number: number, user?: string) {
  const indexes = (await storedSteps(number, user)).map((s) => s.order_index);
  expect(indexes).toEqual(indexes.map((_, i) => i + 1));
}

const stepLogs = async () => Number((await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs where action_type like 'step_%'`))[0]!.n);

async function newQuest(title: string, user = 'alice'): Promise<number> {
  const reply = await app.run(`/quest create "${title}"`, user);
  return Number(/^#(\d+)/.exec(reply.title!)![1]);
}

describe('/step', () => {
  it('adds steps at the end or at a position and keeps the order dense', async () => {
    const q = await newQuest('Write the report');
    await app.run(`/step add ${q} Outline`);
    await app.run(`/step add ${q} Draft`);
    const reply = await app.run(`/step add ${q} "Collect figures" position:1`);
    expect(reply.text).toContain('Added step 1');
    expect(reply.progress?.label).toBe('0/3 steps');
    expect(reply.checklist?.map((c) => c.text)).toEqual(['1. Collect figures', '2. Outline', '3. Draft']);
    await app.run(`/step add ${q} Proofread position:3`);
    expect(await titles(q)).toEqual(['Collect figures', 'Outline', 'Proofread', 'Draft']);
    await expectDense(q);
  });

  it('moves and removes steps by position or title fragment, staying dense', async () => {
    const q = await newQuest('Plan the trip');
    for (const step of ['Book flights', 'Book hotel', 'Pack', 'Buy snacks']) await app.run(`/step add ${q} "${step}"`);
    const moved = await app.run(`/step move ${q} Pack 1`);
    expect(moved.text).toContain('Moved **Pack** from 3 to 1');
    expect(await titles(q)).toEqual(['Pack', 'Book flights', 'Book hotel', 'Buy snacks']);
    await app.run(`/step move ${q} 2 4`);
    expect(await titles(q)).toEqual(['Pack', 'Book hotel', 'Buy snacks', 'Book flights']);
    await expectDense(q);
    const removed = await app.run(`/step remove ${q} hotel`);
    expect(removed.text).toContain('Removed step 2');
    expect(await titles(q)).toEqual(['Pack', 'Buy snacks', 'Book flights']);
    await expectDense(q);
    await app.run(`/step remove ${q} 1`);
    expect(await titles(q)).toEqual(['Buy snacks', 'Book flights']);
    await expectDense(q);
  });

  it('ticks steps off with a completion time, shows progress, and undoes them', async () => {
    const q = await newQuest('Bake bread');
    for (const step of ['Mix', 'Knead', 'Bake']) await app.run(`/step add ${q} ${step}`);
    const done = await app.run(`/step done ${q} knead`);
    expect(done.text).toContain('Step 2 done');
    expect(done.progress).toMatchObject({ label: '1/3 steps', value: 1, max: 3 });
    expect(done.checklist?.map((c) => c.done)).toEqual([false, true, false]);
    const [, knead] = await storedSteps(q);
    expect(knead).toMatchObject({ completed: true });
    expect(knead!.completed_at).not.toBeNull();

    const again = await app.run(`/step done ${q} 2`);
    expect(again).toMatchObject({ tone: 'error', ephemeral: true });
    expect(again.text).toMatch(/Step 2 of #\d+ \(Knead\) is already done/);

    await app.run(`/step done ${q} 1`);
    const last = await app.run(`/step done ${q} 3`);
    expect(last.progress?.label).toBe('3/3 steps');
    expect(last.text).toContain(`Every step is done: finish the quest with \`/quest complete #${q}\``);

    const undone = await app.run(`/step undo ${q} knead`);
    expect(undone.progress?.label).toBe('2/3 steps');
    const [, reopened] = await storedSteps(q);
    expect(reopened).toMatchObject({ completed: false, completed_at: null });

    const list = await app.run(`/step list ${q}`);
    expect(list.checklist?.map((c) => `${c.done ? 'x' : ' '} ${c.text}`)).toEqual(['x 1. Mix', '  2. Knead', 'x 3. Bake']);
  });

  it('prefers the unfinished step when a fragment matches a finished one too', async () => {
    const q = await newQuest('Essay');
    await app.run(`/step add ${q} "Draft intro"`);
    await app.run(`/step add ${q} "Draft ending"`);
    const ambiguous = await app.run(`/step done ${q} draft`);
    expect(ambiguous.text).toMatch(/"draft" matches several steps of #\d+: 1\. Draft intro; 2\. Draft ending\. Name one by its position/);
    await app.run(`/step done ${q} 1`);
    const reply = await app.run(`/step done ${q} draft`);
    expect(reply.text).toContain('Step 2 done: **Draft ending**');
  });

  it.each([
    ['COMPLETED', /is completed, so its steps can no longer change/],
    ['ARCHIVED', /is archived, so its steps cannot change: unarchive it first/],
  ])('refuses step changes on a %s quest, saying why', async (status, reason) => {
    const q = await newQuest(`Finished ${status}`);
    await app.run(`/step add ${q} One`);
    await app.sql(`update quests set status = ? where number = ? and user_id = (select user_id from user_identities where platform_user_id = 'alice')`, [
      status,
      q,
    ]);
    const before = await storedSteps(q);
    const logs = await stepLogs();
    for (const line of [`/step done ${q} 1`, `/step add ${q} Two`, `/step move ${q} 1 1`, `/step remove ${q} 1`, `/step undo ${q} 1`]) {
      const reply = await app.run(line);
      expect(reply, line).toMatchObject({ tone: 'error', ephemeral: true });
      expect(reply.text, line).toMatch(reason);
    }
    expect(await storedSteps(q)).toEqual(before);
    expect(await stepLogs()).toBe(logs);
  });

  it('logs every step action in user_behavior_logs', async () => {
    const q = await newQuest('Logged');
    const before = await app.sql<{ action_type: string }>(`select action_type from user_behavior_logs where action_type like 'step_%'`);
    await app.run(`/step add ${q} A`);
    await app.run(`/step add ${q} B`);
    await app.run(`/step done ${q} A`);
    await app.run(`/step undo ${q} A`);
    await app.run(`/step move ${q} B 1`);
    await app.run(`/step remove ${q} A`);
    const after = await app.sql<{ action_type: string; action_data: Record<string, unknown> }>(
      `select action_type, action_data from user_behavior_logs where action_type like 'step_%' order by "timestamp", id`,
    );
    expect(after.slice(before.length).map((r) => r.action_type)).toEqual([
      'step_added',
      'step_added',
      'step_completed',
      'step_reopened',
      'step_moved',
      'step_removed',
    ]);
    expect(after.at(-2)!.action_data).toMatchObject({ from: 2, to: 1 });
  });

  describe("another user's quest is not found", () => {
    let secret: number;
    beforeAll(async () => {
      await newQuest('Bob errand', 'bob');
      for (let i = 0; i < 3; i++) secret = await newQuest(`Alice secret ${i}`);
      await app.run(`/step add ${secret} "Hidden step"`);
    });

    it.each([
      ['add', (q: string) => `/step add ${q} Sneaky`],
      ['done', (q: string) => `/step done ${q} 1`],
      ['undo', (q: string) => `/step undo ${q} 1`],
      ['move', (q: string) => `/step move ${q} 1 1`],
      ['remove', (q: string) => `/step remove ${q} 1`],
      ['list', (q: string) => `/step list ${q}`],
    ])('/step %s', async (_name, line) => {
      const before = await storedSteps(secret);
      const logs = await stepLogs();
      const byNumber = await app.run(line(`#${secret}`), 'bob');
      expect(byNumber).toMatchObject({ tone: 'error', ephemeral: true });
      expect(byNumber.text).toBe(`Quest #${secret} not found.`);
      const byTitle = await app.run(line(`"Alice secret 2"`), 'bob');
      expect(byTitle.text).toBe('No quest matches "Alice secret 2".');
      expect(await storedSteps(secret)).toEqual(before);
      expect(await stepLogs()).toBe(logs);
    });
  });

  describe('bad input names the option and stores nothing', () => {
    let q: number;
    beforeAll(async () => {
      q = await newQuest('Validation');
      await app.run(`/step add ${q} First`);
      await app.run(`/step add ${q} Second`);
    });

    it.each([
      ['title over 255', () => `/step add ${q} "${'x'.repeat(256)}"`, /`title` must be at most 255 characters \(got 256\)/],
      ['missing title', () => `/step add ${q}`, /Missing required option `title`/],
      ['add position past the end', () => `/step add ${q} Third position:4`, /`position` must be between 1 and 3 for quest #\d+ \(got 4\)/],
      ['position 0', () => `/step add ${q} Third position:0`, /`position` must be between 1 and 1000 \(got 0\)/],
      ['move position past the end', () => `/step move ${q} 1 3`, /`position` must be between 1 and 2 for quest #\d+ \(got 3\)/],
      ['position not a number', () => `/step move ${q} 1 x`, /`position` must be a whole number between 1 and 1000/],
      ['step position past the end', () => `/step done ${q} 3`, /`step` must be between 1 and 2 for quest #\d+ \(got 3\)/],
      ['step position 0', () => `/step remove ${q} 0`, /`step` must be between 1 and 2 for quest #\d+ \(got 0\)/],
      ['unknown step fragment', () => `/step done ${q} nothing`, /Quest #\d+ has no step matching "nothing"/],
      ['unknown quest', () => `/step done #9999 1`, /Quest #9999 not found/],
    ])('%s', async (_label, line, message) => {
      const before = await storedSteps(q);
      const logs = await stepLogs();
      const reply = await app.run(line());
      expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
      expect(reply.text).toMatch(message);
      expect(await storedSteps(q)).toEqual(before);
      expect(await stepLogs()).toBe(logs);
    });
  });

  it('keeps the order dense under concurrent adds, moves and removals on one quest', async () => {
    const q = await newQuest('Busy quest');
    for (let i = 0; i < 6; i++) await app.run(`/step add ${q} "Seed ${i}"`);
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => `/step add ${q} "New ${i}" position:1`),
      ...Array.from({ length: 4 }, () => `/step move ${q} 1 3`),
      `/step remove ${q} "Seed 0"`,
      `/step remove ${q} "Seed 5"`,
    ];
    const replies = await Promise.all(lines.map((line) => app.run(line)));
    expect(replies.filter((r) => r.tone === 'error')).toEqual([]);
    const stored = await storedSteps(q);
    expect(stored).toHaveLength(12);
    await expectDense(q);
    expect(new Set(stored.map((s) => s.title)).size).toBe(12);
  });
});

describe('/step done by position (one round trip) agrees with the locked path', () => {
  const userId = async (user: string) =>
    (await app.sql<{ user_id: string }>(`select user_id from user_identities where platform = 'console' and platform_user_id = ?`, [user]))[0]!.user_id;
  const stepsDone = async (user: string) =>
    Number((await app.sql<{ n: number }>(`select coalesce(sum(steps_done), 0) as n from user_stats where user_id = ?`, [await userId(user)]))[0]!.n);
  const completedLogs = async (user: string) =>
    app.sql<{ action_data: Record<string, unknown> }>(
      `select action_data from user_behavior_logs where user_id = ? and action_type = 'step_completed' order by "timestamp", id`,
      [await userId(user)],
    );

  it('logs the same entry whether the step is named by position or by title', async () => {
    const q = await newQuest('Two ways', 'positional');
    await app.run(`/step add ${q} Alpha`, 'positional');
    await app.run(`/step add ${q} Beta`, 'positional');
    await app.run(`/step done ${q} 2`, 'positional');
    await app.run(`/step done ${q} alpha`, 'positional');
    const [quest] = await app.sql<{ id: string }>(`select id from quests where user_id = ? and number = ?`, [await userId('positional'), q]);
    const stored = await app.sql<{ id: string; title: string }>(`select id, title from quest_steps where quest_id = ? order by order_index`, [quest!.id]);
    expect((await completedLogs('positional')).map((r) => r.action_data)).toEqual([
      { questId: quest!.id, stepId: stored[1]!.id, position: 2 },
      { questId: quest!.id, stepId: stored[0]!.id, position: 1 },
    ]);
    expect(await stepsDone('positional')).toBe(2);
  });

  it('ticks a step once when the same /step done races itself', async () => {
    const q = await newQuest('Raced tick', 'racer');
    for (const step of ['One', 'Two', 'Three']) await app.run(`/step add ${q} ${step}`, 'racer');
    const replies = await Promise.all(Array.from({ length: 10 }, () => app.run(`/step done ${q} 2`, 'racer')));
    expect(replies.filter((r) => r.tone !== 'error').map((r) => r.text)).toEqual([expect.stringContaining('Step 2 done: **Two**')]);
    for (const reply of replies.filter((r) => r.tone === 'error')) expect(reply.text).toMatch(/Step 2 of #\d+ \(Two\) is already done/);
    expect((await storedSteps(q, 'racer')).map((s) => s.completed)).toEqual([false, true, false]);
    expect(await stepsDone('racer')).toBe(1);
    expect(await completedLogs('racer')).toHaveLength(1);
  });

  it('ticks the step that holds the position when the reply is written, under concurrent moves', async () => {
    const q = await newQuest('Moving target', 'mover');
    for (let i = 1; i <= 6; i++) await app.run(`/step add ${q} "Step ${i}"`, 'mover');
    const lines = [...Array.from({ length: 6 }, (_, i) => `/step move ${q} ${6 - i} 1`), ...Array.from({ length: 6 }, (_, i) => `/step done ${q} ${i + 1}`)];
    const replies = await Promise.all(lines.map((line) => app.run(line, 'mover')));
    const ticked = replies.flatMap((r) => /Step \d+ done: \*\*(Step \d)\*\*/.exec(r.text ?? '')?.[1] ?? []);
    const refused = replies.filter((r) => r.tone === 'error');
    for (const reply of refused) expect(reply.text).toMatch(/is already done/);
    expect(ticked.length + refused.length).toBe(6);
    const stored = await storedSteps(q, 'mover');
    expect(
      stored
        .filter((s) => s.completed)
        .map((s) => s.title)
        .sort(),
    ).toEqual([...ticked].sort());
    expect(await stepsDone('mover')).toBe(ticked.length);
    expect(await completedLogs('mover')).toHaveLength(ticked.length);
    await expectDense(q, 'mover');
  });
});

describe('/step add at the end (one round trip) agrees with the locked path', () => {
  /** A quest with steps A and B at positions 10 and 20 (not numbered 1..n). */
  const gappedQuest = async (title: string) => {
    const q = await newQuest(title, 'appender');
    for (const step of ['A', 'B']) await app.run(`/step add ${q} ${step}`, 'appender');
    await app.sql(
      `update quest_steps set order_index = order_index * 10 where quest_id = (select q.id from quests q join user_identities i on i.user_id = q.user_id
       where i.platform_user_id = 'appender' and q.number = ?)`,
      [q],
    );
    return q;
  };

  it('appends racing adds at 1..n and logs each at its position', async () => {
    const q = await newQuest('Many hands', 'appender');
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => app.run(`/step add ${q} "Part ${i}"`, 'appender')));
    expect(replies.filter((r) => r.tone === 'error')).toEqual([]);
    const positions = replies.map((r) => Number(/Added step (\d+):/.exec(r.text ?? '')?.[1])).sort((a, b) => a - b);
    expect(positions).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const stored = await storedSteps(q, 'appender');
    expect(stored).toHaveLength(10);
    await expectDense(q, 'appender');
    const logged = await app.sql<{ position: number }>(
      `select (l.action_data->>'position')::int as position from user_behavior_logs l join quest_steps s on s.id = (l.action_data->>'stepId')::uuid
       where l.action_type = 'step_added' and s.title like 'Part %' and l.user_id = s.user_id order by s.order_index`,
    );
    expect(logged.map((r) => r.position)).toEqual(positions);
  });

  it('renumbers steps with gaps first, as the locked path does', async () => {
    const q = await gappedQuest('Gappy');
    const reply = await app.run(`/step add ${q} C`, 'appender');
    expect(reply.text).toContain('Added step 3: **C**');
    expect(await titles(q, 'appender')).toEqual(['A', 'B', 'C']);
    await expectDense(q, 'appender');
  });

  it('renumbers first for a quest named by its title too (the one-trip miss hands its resolved quest to the locked path)', async () => {
    const q = await gappedQuest('Spaced out');
    expect((await app.run('/step add "spaced out" C', 'appender')).text).toContain('Added step 3: **C**');
    expect(await titles(q, 'appender')).toEqual(['A', 'B', 'C']);
    await expectDense(q, 'appender');
  });
});

describe('steps and achievements', () => {
  it('counts steps ticked off and unticked towards the steps-done counter', async () => {
    const number = await newQuest('Counted steps', 'stepper');
    await app.run(`/step add ${number} One`, 'stepper');
    await app.run(`/step add ${number} Two`, 'stepper');
    await app.run(`/step done ${number} 1`, 'stepper');
    await app.run(`/step done ${number} 2`, 'stepper');
    await app.run(`/step undo ${number} 1`, 'stepper');
    const [row] = await app.sql<{ steps_done: number }>(
      `select s.steps_done from user_stats s join user_identities i on i.user_id = s.user_id where i.platform_user_id = 'stepper'`,
    );
    expect(row?.steps_done).toBe(1);
  });
});

describe('the quest card numbers steps as the step commands count them', () => {
  it('after moves and removals, the number on /quest view is the one /step done takes', async () => {
    const q = await newQuest('Numbered card', 'numbers');
    for (const step of ['Alpha', 'Bravo', 'Charlie', 'Delta']) await app.run(`/step add ${q} ${step}`, 'numbers');
    await app.run(`/step move ${q} Delta 1`, 'numbers');
    await app.run(`/step remove ${q} Bravo`, 'numbers');
    const card = await app.run(`/quest view ${q}`, 'numbers');
    expect(card.checklist?.map((c) => c.text)).toEqual(['1. Delta', '2. Alpha', '3. Charlie']);
    const done = await app.run(`/step done ${q} 3`, 'numbers');
    expect(done.text).toContain('Step 3 done: **Charlie**');
    const after = await app.run(`/quest view ${q}`, 'numbers');
    expect(after.checklist).toEqual([
      { done: false, text: '1. Delta' },
      { done: false, text: '2. Alpha' },
      { done: true, text: '3. Charlie' },
    ]);
  });
});
