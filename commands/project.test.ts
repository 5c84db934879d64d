import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => app?.close());

const ownedBy = `(select user_id from user_identities where platform = 'console' and platform_user_id = ?)`;

const projectsOf = (user = 'alice') =>
  app.sql<{ name: string; color: string; description: string | null; archived: boolean }>(
    `select name, color, description, archived from projects where user_id = ${ownedBy} order by lower(name)`,
    [user],
  );

const snapshot = async () => ({
  projects: await app.sql('select * from projects order by id'),
  quests: await app.sql('select id, project_id from quests order by id'),
  logs: (await app.sql<{ n: string }>(`select count(*) as n from user_behavior_logs where action_type like 'project_%'`))[0]!.n,
});

describe('/project', () => {
  it('creates a project, and refuses the same name in another case', async () => {
    const reply = await app.run('/project create "Website relaunch" description:"Q3 launch" color:#8b5cf6');
    expect(reply).toMatchObject({ title: '📁 Website relaunch', tone: 'success' });
    expect(reply.text).toContain('project:"Website relaunch"');
    expect(await projectsOf()).toEqual([{ name: 'Website relaunch', color: '#8B5CF6', description: 'Q3 launch', archived: false }]);
    const before = await snapshot();
    const duplicate = await app.run('/project create "website RELAUNCH"');
    expect(duplicate).toMatchObject({ tone: 'error', text: 'You already have a project named "Website relaunch". See `/project list`.' });
    expect(await snapshot()).toEqual(before);
  });

  it('archives and restores a project; lists hide archived ones unless asked', async () => {
    await app.run('/project create Garden');
    await app.run('/quest create "Plant tulips" project:garden');
    const archived = await app.run('/project archive garden');
    expect(archived.text).toContain('Project archived');
    expect(archived.fields).toContainEqual({ name: 'Status', value: 'archived', inline: true });
    expect((await app.run('/project list')).text).not.toContain('Garden');
    const all = await app.run('/project list archived:yes');
    expect(all.text?.split('\n')).toEqual([
      '📁 **Website relaunch** · 0 quests · `#8B5CF6`',
      '    Q3 launch',
      '📁 **Garden** · 1 quest (1 open) · `#8B5CF6` · archived',
    ]);
    const again = await app.run('/project archive Garden');
    expect(again).toMatchObject({ tone: 'error', text: 'Project "Garden" is already archived.' });
    const restored = await app.run('/project unarchive Garden');
    expect(restored.text).toContain('Project restored');
    expect((await projectsOf()).find((p) => p.name === 'Garden')?.archived).toBe(false);
    expect((await app.run('/project unarchive Garden')).text).toBe('Project "Garden" is not archived.');
    expect((await app.sql(`select 1 from quests where title = 'Plant tulips' and project_id is not null`)).length).toBe(1);
  });

  it('edits name, description and colour', async () => {
    await app.run('/project create Novel');
    const reply = await app.run('/project edit novel name:"The Novel" description:"Chapter by chapter" color:#ABCDEF');
    expect(reply.title).toBe('📁 The Novel');
    expect(reply.text).toContain('Project renamed from **Novel**');
    expect((await projectsOf()).find((p) => p.name === 'The Novel')).toEqual({
      name: 'The Novel',
      color: '#ABCDEF',
      description: 'Chapter by chapter',
      archived: false,
    });
    const before = await snapshot();
    expect((await app.run('/project edit "the novel" name:garden')).text).toBe('You already have a project named "garden". Pick another `name`.');
    expect(await snapshot()).toEqual(before);
  });

  it('deletes a project, keeping its quests without a project', async () => {
    await app.run('/project create Move');
    await app.run('/quest create "Pack boxes" project:Move');
    const reply = await app.run('/project delete move');
    expect(reply).toMatchObject({ title: '📁 Project deleted: Move', text: '1 quest is now without a project.' });
    expect(await app.sql(`select title, project_id from quests where title = 'Pack boxes'`)).toEqual([{ title: 'Pack boxes', project_id: null }]);
  });

  it('logs every project action', async () => {
    const start = Number((await snapshot()).logs);
    for (const line of [
      '/project create Logged',
      '/project edit Logged color:#222222',
      '/project archive Logged',
      '/project unarchive Logged',
      '/project delete Logged',
    ]) {
      await app.run(line);
    }
    const rows = await app.sql<{ action_type: string }>(
      `select action_type from user_behavior_logs where action_type like 'project_%' order by "timestamp", id offset ?`,
      [start],
    );
    expect(rows.map((r) => r.action_type)).toEqual(['project_created', 'project_updated', 'project_archived', 'project_unarchived', 'project_deleted']);
  });

  it.each(['/project edit Garden color:#000000', '/project archive Garden', '/project unarchive Garden', '/project delete Garden'])(
    "treats another user's project as not found: %s",
    async (line) => {
      const before = await snapshot();
      const reply = await app.run(line, 'bob');
      expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
      expect(reply.text).toMatch(/^No project named "Garden"/);
      expect(await snapshot()).toEqual(before);
    },
  );

  it.each([
    ['/project create', /Missing required option `name`/],
    [`/project create ${'p'.repeat(101)}`, /`name` must be at most 100 characters \(got 101\)/],
    ['/project create Ok color:#FFF', /`color` must be a colour as #RRGGBB or a name, e.g. #FF8800, teal or red \(got "#FFF"\)/],
    [`/project edit Garden name:${'p'.repeat(101)}`, /`name` must be at most 100 characters \(got 101\)/],
    ['/project edit Garden color:blurple', /`color` must be a colour as #RRGGBB or a name/],
    ['/project edit Garden', /Nothing to change/],
    ['/project list archived:maybe', /`archived` must be yes or no/],
    ['/project archive Nope', /No project named "Nope"/],
  ])('refuses %s and stores nothing', async (line, message) => {
    const before = await snapshot();
    const reply = await app.run(line);
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });
});
