import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Reply } from '../src/core/reply.js';
import { RecurrenceRepository } from '../src/modules/quest/recurrence.repository.js';
import { rollOverdue } from '../src/modules/quest/recurrence.service.js';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

const START = new Date('2026-12-02T10:00:00Z'); // Wed 2 Dec, 11:00 in Berlin
let app: TestApp;
let now = START;
beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

/** A fresh user in Berlin for each test, so numbers and streaks start clean. */
let users = 0;
async function newUser(): Promise<string> {
  const user = `rita${++users}`;
  await app.run('/settings timezone Europe/Berlin', user);
  return user;
}

function numberOf(reply: Reply): number {
  const number = /^#(\d+) /.exec(reply.title ?? '')?.[1];
  if (!number) throw new Error(`no quest in reply: ${reply.text}`);
  return Number(number);
}

interface Row {
  number: number;
  status: string;
  due_at: Date | null;
  series_id: string | null;
}

async function quests(user: string): Promise<Row[]> {
  const rows = await app.sql<Row>(
    `select q.number, q.status, q.due_at, q.series_id from quests q join user_identities i on i.user_id = q.user_id
     where i.platform_user_id = ? order by q.number`,
    [user],
  );
  return rows.map((r) => ({ ...r, due_at: r.due_at && new Date(r.due_at) }));
}

async function quest(user: string, number: number): Promise<Row> {
  return (await quests(user)).find((q) => q.number === number)!;
}

const open = (rows: Row[]) => rows.filter((r) => ['DRAFT', 'ACTIVE', 'IN_PROGRESS'].includes(r.status));

describe('recurring quests', () => {
  it('creates a series from repeat:, echoing the rule and the dates in the user zone', async () => {
    const user = await newUser();
    const reply = await app.run('/quest create "Stand-up notes" due:"tomorrow 7am" repeat:weekdays', user);
    expect(reply.text).toContain('📅 Due **Thu 3 Dec 07:00**');
    expect(reply.text).toContain('🔁 Repeats every weekday at 07:00, next Fri 4 Dec');
    const n = numberOf(reply);
    const [series] = await app.sql<{ rrule: string; timezone: string; paused: boolean }>(
      'select s.rrule, s.timezone, s.paused from quest_series s join quests q on q.series_id = s.id join user_identities i on i.user_id = q.user_id where i.platform_user_id = ?',
      [user],
    );
    expect(series).toMatchObject({ rrule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', timezone: 'Europe/Berlin', paused: false });
    expect((await quest(user, n)).due_at).toEqual(new Date('2026-12-03T06:00:00Z'));

    // Without a due date: the user's day start, first occurrence the next date the rule yields.
    const plants = await app.run('/quest create "Water the plants" repeat:"every 3 days"', user);
    expect(plants.text).toContain('📅 Due **Sat 5 Dec 00:00**');
    expect(plants.text).toContain('🔁 Repeats every 3 days at 00:00, next Tue 8 Dec');

    const view = await app.run(`/quest view #${n}`, user);
    expect(view.text).toContain('🔁 Repeats every weekday at 07:00, next Fri 4 Dec');
    const list = await app.run('/quest list', user);
    expect(list.text).toContain('🔁 Stand\\-up notes');
    expect(list.text).toContain('🔁 Water the plants');
  });

  it('refuses a rule it cannot read, naming repeat and the accepted forms, and stores nothing', async () => {
    const user = await newUser();
    const before = await app.sql<{ q: number; s: number }>('select (select count(*)::int from quests) as q, (select count(*)::int from quest_series) as s');
    const reply = await app.run('/quest create "Mystery" repeat:hourly', user);
    expect(reply).toMatchObject({ tone: 'error' });
    expect(reply.text).toContain('`repeat` can\'t read "hourly"; use daily, weekdays, weekly mon,thu, monthly 15, monthly last, every 3 days or none');
    const bad = await app.run('/quest create "Mystery" repeat:"monthly 32"', user);
    expect(bad.text).toMatch(/`repeat` needs a day of the month from 1 to 31/);
    expect(await app.sql('select (select count(*)::int from quests) as q, (select count(*)::int from quest_series) as s')).toEqual(before);
  });

  it('completing an occurrence creates the next one in the same transaction: steps unticked, tags and fields copied; XP and streaks as usual', async () => {
    const user = await newUser();
    await app.run('/category create Home', user);
    const n = numberOf(
      await app.run(
        '/quest create "Tidy the desk" due:"tomorrow 7am" repeat:"weekly mon,thu" tags:home,chores category:Home difficulty:hard estimate:45m priority:high',
        user,
      ),
    );
    await app.run(`/step add #${n} "Clear papers"`, user);
    await app.run(`/step add #${n} "Wipe the surface"`, user);
    await app.run(`/step done #${n} 1`, user);
    const done = await app.run(`/quest complete #${n} force:yes`, user);
    expect(done.title).toContain('Quest complete');
    expect(done.text).toMatch(/✨ \*\*\+\d+ XP\*\*/);
    expect(done.text).toContain('🔁 Next occurrence: **#');
    expect(done.text).toContain('due Mon 7 Dec 07:00');
    const rows = await quests(user);
    const next = open(rows)[0]!;
    expect(open(rows)).toHaveLength(1);
    expect(next.number).toBeGreaterThan(n);
    expect(next.series_id).toBe(rows.find((r) => r.number === n)!.series_id);
    expect(next.due_at).toEqual(new Date('2026-12-07T06:00:00Z'));
    const card = await app.run(`/quest view #${next.number}`, user);
    expect(card.title).toBe(`#${next.number} Tidy the desk`);
    expect(card.checklist).toEqual([
      { done: false, text: '1. Clear papers' },
      { done: false, text: '2. Wipe the surface' },
    ]);
    const field = (name: string) => card.fields?.find((f) => f.name === name)?.value;
    expect(field('Tags')).toBe('`chores` `home`');
    expect(field('Category')).toBe('Home');
    expect(field('Difficulty')).toContain('hard');
    expect(field('Priority')).toContain('high');
    expect(field('Estimate')).toBe('45m');
    // Streaks and XP, like any other completion.
    const [game] = await app.sql<{ xp: number; daily: number }>(
      `select u.experience_points as xp, (select s.current_count from streaks s where s.user_id = u.id and s.streak_type = 'daily' and s.is_active) as daily
       from users u join user_identities i on i.user_id = u.id where i.platform_user_id = ?`,
      [user],
    );
    expect(game!.xp).toBeGreaterThan(0);
    expect(game!.daily).toBe(1);
  });

  it('the roll moves an occurrence left undone to the current date, once: running it twice leaves one occurrence', async () => {
    const user = await newUser();
    const n = numberOf(await app.run('/quest create "Stretch" due:"tomorrow 7am" repeat:daily', user));
    now = new Date('2026-12-06T12:00:00Z'); // Sun 6 Dec 13:00 Berlin: three dates missed
    try {
      const first = await app.jobs.runNow('recurring-roll');
      expect(first.rolled).toBeGreaterThanOrEqual(1);
      expect((await quest(user, n)).due_at).toEqual(new Date('2026-12-06T06:00:00Z'));
      const second = await app.jobs.runNow('recurring-roll');
      expect(second.rolled).toBe(0);
      const rows = await quests(user);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.due_at).toEqual(new Date('2026-12-06T06:00:00Z'));
    } finally {
      now = START;
    }
  });

  it('the roll takes a policy: users it names (vacation, later) keep their dates; a paused series stays put', async () => {
    const away = await newUser();
    const here = await newUser();
    const paused = await newUser();
    const a = numberOf(await app.run('/quest create "Away routine" due:"tomorrow 7am" repeat:daily', away));
    const h = numberOf(await app.run('/quest create "Home routine" due:"tomorrow 7am" repeat:daily', here));
    const p = numberOf(await app.run('/quest create "Paused routine" due:"tomorrow 7am" repeat:daily', paused));
    await app.run(`/quest repeat #${p} pause`, paused);
    const [awayId] = await app.sql<{ id: string }>('select user_id as id from user_identities where platform_user_id = ?', [away]);
    const asked: string[][] = [];
    const policy = {
      async skipUsers(userIds: string[]) {
        asked.push(userIds);
        return new Set(userIds.filter((id) => id === awayId!.id));
      },
    };
    const later = new Date('2026-12-05T12:00:00Z');
    const result = await rollOverdue(() => new RecurrenceRepository(app.db.orm.em.fork()), policy, later, { batch: 2 });
    expect(result.skipped).toBe(1);
    expect(asked.flat()).toContain(awayId!.id);
    expect((await quest(away, a)).due_at).toEqual(new Date('2026-12-03T06:00:00Z'));
    expect((await quest(here, h)).due_at).toEqual(new Date('2026-12-05T06:00:00Z'));
    expect((await quest(paused, p)).due_at).toEqual(new Date('2026-12-03T06:00:00Z'));
  });

  it('pause, resume and stop', async () => {
    const user = await newUser();
    const n = numberOf(await app.run('/quest create "Journal" due:"tomorrow 9pm" repeat:daily', user));
    const paused = await app.run(`/quest repeat #${n} pause`, user);
    expect(paused.text).toContain('⏸️ Paused');
    expect((await app.run(`/quest view #${n}`, user)).text).toContain('(paused');
    // Paused: completing makes no next occurrence, and the roll leaves it.
    await app.run(`/quest complete #${n}`, user);
    expect(open(await quests(user))).toHaveLength(0);
    expect((await app.run(`/quest repeat #${n} pause`, user)).text).toContain('already paused');

    const resumed = await app.run(`/quest repeat #${n} resume`, user);
    expect(resumed.text).toContain('▶️ Resumed');
    expect(resumed.text).toMatch(/Next occurrence: \*\*#\d+\*\*, due Thu 3 Dec 21:00/);
    const [next] = open(await quests(user));
    expect(next!.due_at).toEqual(new Date('2026-12-03T20:00:00Z'));

    // Archived, with the series moved on meanwhile: back from the archive it leaves the series.
    await app.run(`/quest archive #${next!.number}`, user);
    const again = await app.run(`/quest repeat #${next!.number} resume`, user);
    expect(again.text).toContain('▶️ Resumed');
    const [third] = open(await quests(user));
    expect((await app.run(`/quest unarchive #${next!.number}`, user)).tone).not.toBe('error');
    expect((await quest(user, next!.number)).series_id).toBeNull();
    expect(
      open(await quests(user))
        .map((r) => r.number)
        .sort(),
    ).toEqual([next!.number, third!.number].sort());
    await app.run(`/quest delete #${next!.number} confirm:yes`, user);
    expect((await app.run(`/quest repeat #${third!.number} resume`, user)).text).toContain('already repeating');

    const stopped = await app.run(`/quest repeat #${third!.number} stop`, user);
    expect(stopped.text).toContain('⏹️ Stopped');
    expect((await quest(user, third!.number)).series_id).toBeNull();
    expect((await quest(user, n)).series_id).toBeNull();
    await app.run(`/quest complete #${third!.number}`, user);
    expect(open(await quests(user))).toHaveLength(0);
    expect((await app.run(`/quest repeat #${third!.number} pause`, user)).text).toContain('does not repeat');
  });

  it('edit repeat: applies from the next occurrence; none stops it; a plain quest starts repeating', async () => {
    const user = await newUser();
    const n = numberOf(await app.run('/quest create "Pay bills" due:"tomorrow 6pm" repeat:daily', user));
    const edited = await app.run(`/quest edit #${n} repeat:"monthly 15"`, user);
    expect(edited.text).toContain('Updated repeat.');
    expect(edited.text).toContain('🔁 Repeats every month on the 15th at 18:00, next Tue 15 Dec');
    // This occurrence keeps its date; the next one follows the new rule.
    expect((await quest(user, n)).due_at).toEqual(new Date('2026-12-03T17:00:00Z'));
    const done = await app.run(`/quest complete #${n}`, user);
    expect(done.text).toContain('due Tue 15 Dec 18:00');

    const [next] = open(await quests(user));
    const cleared = await app.run(`/quest edit #${next!.number} repeat:none`, user);
    expect(cleared.text).toContain('No longer repeats.');
    expect((await quest(user, next!.number)).series_id).toBeNull();

    const plain = numberOf(await app.run('/quest create "Call grandma"', user));
    const started = await app.run(`/quest edit #${plain} repeat:"weekly sun"`, user);
    expect(started.text).toContain('🔁 Repeats every week on Sun at 00:00');
    expect((await quest(user, plain)).due_at).toEqual(new Date('2026-12-05T23:00:00Z'));

    const finished = numberOf(await app.run('/quest create "Done already"', user));
    await app.run(`/quest complete #${finished}`, user);
    expect((await app.run(`/quest edit #${finished} repeat:daily`, user)).text).toContain('only an open quest can start repeating');
  });

  it('undo removes the untouched next occurrence; a next one already started keeps the series and the undone one leaves it', async () => {
    const user = await newUser();
    const n = numberOf(await app.run('/quest create "Run" due:"tomorrow 7am" repeat:daily', user));
    await app.run(`/quest complete #${n}`, user);
    const [next] = open(await quests(user));
    const undone = await app.run(`/quest undo #${n}`, user);
    expect(undone.text).toContain(`Its next occurrence #${next!.number} was removed`);
    let rows = await quests(user);
    expect(open(rows).map((r) => r.number)).toEqual([n]);
    expect(rows.find((r) => r.number === next!.number)).toBeUndefined();
    expect((await quest(user, n)).series_id).not.toBeNull();

    await app.run(`/quest complete #${n}`, user);
    const [again] = open(await quests(user));
    await app.run(`/quest start #${again!.number}`, user);
    const detached = await app.run(`/quest undo #${n}`, user);
    expect(detached.text).toContain('no longer repeats');
    rows = await quests(user);
    expect(
      open(rows)
        .map((r) => r.number)
        .sort(),
    ).toEqual([n, again!.number].sort());
    expect((await quest(user, n)).series_id).toBeNull();
    expect((await quest(user, again!.number)).series_id).not.toBeNull();
  });

  it("other users' quests are not found", async () => {
    const owner = await newUser();
    const other = await newUser();
    const n = numberOf(await app.run('/quest create "Private routine" due:"tomorrow 7am" repeat:daily', owner));
    const reply = await app.run(`/quest repeat #${n} pause`, other);
    expect(reply.tone).toBe('error');
    expect(reply.text).toMatch(/not found|no quest/i);
    expect((await app.run(`/quest edit #${n} repeat:none`, other)).tone).toBe('error');
    const [series] = await app.sql<{ paused: boolean }>(
      'select s.paused from quest_series s join quests q on q.series_id = s.id join user_identities i on i.user_id = q.user_id where i.platform_user_id = ?',
      [owner],
    );
    expect(series!.paused).toBe(false);
  });
});

describe.skipIf(!process.env.DATABASE_URL)('recurring completion under concurrency on PostgreSQL', () => {
  let pg: TestApp;
  beforeAll(async () => {
    pg = await startTestApp({ poolMax: 12, clock: () => START });
  });
  afterAll(async () => pg?.close());

  it('ten concurrent completions of one occurrence complete it once and create one next occurrence', async () => {
    await pg.run('/settings timezone Europe/Berlin', 'conc');
    const n = numberOf(await pg.run('/quest create "Daily" due:"tomorrow 7am" repeat:daily', 'conc'));
    const replies = await Promise.all(Array.from({ length: 10 }, () => pg.run(`/quest complete #${n}`, 'conc')));
    expect(replies.filter((r) => r.title?.includes('Quest complete'))).toHaveLength(1);
    const rows = await pg.sql<{ number: number; status: string }>(
      `select q.number, q.status from quests q join user_identities i on i.user_id = q.user_id where i.platform_user_id = 'conc' order by q.number`,
    );
    expect(rows.map((r) => r.status)).toEqual(['COMPLETED', 'ACTIVE']);
    const [ledger] = await pg.sql<{ n: number }>(
      `select count(*)::int as n from experience_events e join user_identities i on i.user_id = e.user_id where i.platform_user_id = 'conc' and e.reason = 'quest'`,
    );
    expect(ledger!.n).toBe(1);
  });
});
