import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../src/testing/test-app.js';
import { NotificationRepository } from '../src/modules/notification/notification.repository.js';

let app: TestApp;
const now = new Date('2026-12-02T09:00:00Z');

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const userId = async (name: string) => {
  await app.run('/settings show', name);
  const [row] = await app.sql<{ user_id: string }>('select user_id from user_identities where platform_user_id = ?', [name]);
  return row!.user_id;
};

describe('/settings notifications and /settings email', () => {
  it('turns one type off for one channel and shows the table', async () => {
    const reply = await app.run('/settings notifications streak_risk in_app off', 'nora');
    expect(reply.text).toContain('streak_risk by in_app: off.');
    expect(reply.text).toContain('**streak_risk**: in_app off · email on');
    expect(reply.text).toContain('**reminder**: in_app on · email on');
    const rows = await app.sql('select notification_type, in_app_enabled, email_enabled from notification_preferences where user_id = ?', [
      await userId('nora'),
    ]);
    expect(rows).toEqual([{ notification_type: 'streak_risk', in_app_enabled: false, email_enabled: true }]);
  });

  it('refuses an unknown type or channel, naming the option, and stores nothing', async () => {
    const bad = await app.run('/settings notifications birthdays in_app off', 'olga');
    expect(bad.tone).toBe('error');
    expect(bad.text).toMatch(/type/);
    const badChannel = await app.run('/settings notifications reminder push off', 'olga');
    expect(badChannel.tone).toBe('error');
    expect(badChannel.text).toMatch(/channel/);
    expect(await app.sql('select 1 from notification_preferences where user_id = ?', [await userId('olga')])).toEqual([]);
  });

  it('sets and clears the email address; a malformed one is refused and nothing changes', async () => {
    const set = await app.run('/settings email Pat@Example.com', 'pat');
    expect(set.text).toContain('Email set to pat@example.com.');
    const bad = await app.run('/settings email not-an-address', 'pat');
    expect(bad).toMatchObject({ tone: 'error' });
    expect(bad.text).toContain('`address` must be an email address');
    const [row] = await app.sql<{ email: string | null }>('select email from users where id = ?', [await userId('pat')]);
    expect(row!.email).toBe('pat@example.com');
    const taken = await app.run('/settings email pat@example.com', 'quinn');
    expect(taken.tone).toBe('error');
    await app.run('/settings email off', 'pat');
    const [cleared] = await app.sql<{ email: string | null }>('select email from users where id = ?', [await userId('pat')]);
    expect(cleared!.email).toBeNull();
  });
});

describe('/notifications', () => {
  it('shows the latest notifications, newest first, and marks them read', async () => {
    const id = await userId('rae');
    await new NotificationRepository(app.db.orm.em.fork()).enqueue([
      { userId: id, type: 'unlocked', title: '🔓 #2 is ready to start', message: 'Paint: its prerequisite #1 is done.' },
    ]);
    const reply = await app.run('/notifications recent', 'rae');
    expect(reply).toMatchObject({ title: '🔔 Recent notifications', ephemeral: true });
    expect(reply.text).toContain('🆕 **🔓 #2 is ready to start**');
    const again = await app.run('/notifications recent', 'rae');
    expect(again.text).not.toContain('🆕');
    const [row] = await app.sql<{ is_read: boolean }>('select is_read from notifications where user_id = ?', [id]);
    expect(row!.is_read).toBe(true);
  });

  it('other users never see them', async () => {
    const reply = await app.run('/notifications recent', 'sid');
    expect(reply.text).toContain('Nothing yet');
  });
});

describe('/questlog jobs', () => {
  it('lists every job with its schedule, next fire and last run', async () => {
    await app.jobs.runNow('retention-cleanup');
    const reply = await app.run('/questlog jobs', 'tom');
    expect(reply.fields!.map((f) => f.name)).toEqual([
      'notification-delivery',
      'daily-reminder',
      'streak-watch',
      'due-soon',
      'recurring-roll',
      'partition-maintenance',
      'retention-cleanup',
    ]);
    expect(reply.fields!.find((f) => f.name === 'retention-cleanup')!.value).toMatch(/last: ok/);
    expect(reply.fields!.find((f) => f.name === 'daily-reminder')!.value).toMatch(/next \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC · last: not yet/);
  });
});
