import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { nextReminderAt } from './settings.rules.js';

let app: TestApp;
const now = new Date('2026-11-24T10:00:00Z'); // 11:00 in Berlin

beforeAll(async () => {
  app = await startTestApp({ clock: () => now });
});
afterAll(async () => app?.close());

const profile = async (user: string) => {
  const [row] = await app.sql<Record<string, unknown>>(
    `select p.timezone, p.day_start_hour, p.reminder_time, p.next_reminder_at, p.quiet_hours_start, p.quiet_hours_end, p.leaderboard_opt_in
     from user_profiles p join user_identities i on i.user_id = p.user_id where i.platform_user_id = ?`,
    [user],
  );
  return { ...row, next_reminder_at: row!.next_reminder_at ? new Date(row!.next_reminder_at as string).toISOString() : null };
};
const iso = (text: string) => new Date(text).toISOString();

async function ok(line: string, user = 'sol') {
  const reply = await app.run(line, user);
  if (reply.tone === 'error') throw new Error(reply.text);
  return reply;
}

describe('/settings', () => {
  it('sets a time zone by its canonical IANA name and moves the reminder with it', async () => {
    await ok('/settings reminder 08:30');
    const reply = await ok('/settings timezone europe/berlin');
    expect(reply).toMatchObject({
      ephemeral: true,
      text: 'Time zone set to **Europe/Berlin**: it is 11:00, Tue 24 Nov there now. Your streaks keep counting across the change.',
    });
    expect(await profile('sol')).toMatchObject({ timezone: 'Europe/Berlin', reminder_time: '08:30', next_reminder_at: iso('2026-11-25T07:30:00Z') });
    await ok('/settings timezone America/New_York');
    expect(await profile('sol')).toMatchObject({ next_reminder_at: iso('2026-11-24T13:30:00Z') });
  });

  it('stores the reminder time and the next UTC instant for the scheduler, or turns it off', async () => {
    await ok('/settings timezone Europe/Berlin', 'rem');
    await ok('/settings reminder 9:05', 'rem');
    expect(await profile('rem')).toMatchObject({ reminder_time: '09:05', next_reminder_at: iso('2026-11-25T08:05:00Z') });
    await ok('/settings reminder 12:00', 'rem');
    expect(await profile('rem')).toMatchObject({ next_reminder_at: iso('2026-11-24T11:00:00Z') });
    await ok('/settings reminder off', 'rem');
    expect(await profile('rem')).toMatchObject({ reminder_time: null, next_reminder_at: null });
  });

  it('sets the day start, quiet hours and leaderboard visibility, and shows them', async () => {
    await ok('/settings day-start 3', 'set');
    await ok('/settings quiet-hours 22:00-07:00', 'set');
    await ok('/settings leaderboard off', 'set');
    expect(await profile('set')).toMatchObject({ day_start_hour: 3, quiet_hours_start: '22:00', quiet_hours_end: '07:00', leaderboard_opt_in: false });
    const shown = await ok('/settings show', 'set');
    expect(shown.fields?.map((f) => [f.name, f.value])).toEqual([
      ['Time zone', 'UTC (now 10:00, Tue 24 Nov)'],
      ['Day starts at', '03:00'],
      ['Reminder', 'off'],
      ['Quiet hours', '22:00–07:00'],
      ['Leaderboards', 'hidden'],
      ['Due-soon notice', '1h before'],
      ['Vacation', 'off'],
    ]);
    await ok('/settings quiet-hours 23:30 to 6:00', 'set');
    expect(await profile('set')).toMatchObject({ quiet_hours_start: '23:30', quiet_hours_end: '06:00' });
    await ok('/settings quiet-hours off', 'set');
    expect(await profile('set')).toMatchObject({ quiet_hours_start: null, quiet_hours_end: null });
  });

  it.each([
    ['Berlin', 'Europe/Berlin', '11:00, Tue 24 Nov'],
    ['new york', 'America/New_York', '05:00, Tue 24 Nov'],
    ['"Sao Paulo"', 'America/Sao_Paulo', '07:00, Tue 24 Nov'],
    ['São Paulo', 'America/Sao_Paulo', '07:00, Tue 24 Nov'],
    ['San Francisco', 'America/Los_Angeles', '02:00, Tue 24 Nov'],
    ['Mumbai', 'Asia/Kolkata', '15:30, Tue 24 Nov'],
    ['bombay', 'Asia/Kolkata', '15:30, Tue 24 Nov'],
    ['Beijing', 'Asia/Shanghai', '18:00, Tue 24 Nov'],
    ['Asia/Calcutta', 'Asia/Kolkata', '15:30, Tue 24 Nov'],
    ['utc', 'UTC', '10:00, Tue 24 Nov'],
    ['zone:London', 'Europe/London', '10:00, Tue 24 Nov'],
  ])('/settings timezone %s resolves to %s and echoes the local time', async (input, zone, local) => {
    const reply = await ok(`/settings timezone ${input}`, 'city');
    expect(reply.text).toBe(`Time zone set to **${zone}**: it is ${local} there now. Your streaks keep counting across the change.`);
    expect(reply.fields?.[0]).toMatchObject({ name: 'Time zone', value: `${zone} (now ${local})` });
    expect(await profile('city')).toMatchObject({ timezone: zone });
  });

  it.each([
    ['hide', false],
    ['show', true],
    ['HIDE', false],
    ['off', false],
    ['on', true],
    ['visibility:hide', false],
  ])('/settings leaderboard %s sets the visibility', async (word, shown) => {
    await ok(`/settings leaderboard ${shown ? 'hide' : 'show'}`, 'vis');
    const reply = await ok(`/settings leaderboard ${word}`, 'vis');
    expect(reply.text).toBe(shown ? 'You appear on leaderboards again.' : 'You are now hidden from every leaderboard.');
    expect(await profile('vis')).toMatchObject({ leaderboard_opt_in: shown });
  });

  it('documents the leaderboard setting as hide | show in help, registration and usage', async () => {
    const help = await ok('/questlog help settings', 'vis');
    const field = help.fields!.find((f) => f.name.startsWith('/settings leaderboard'))!;
    expect(field.name).toBe('/settings leaderboard <visibility>');
    expect(field.value).toContain('visibility: show puts you on leaderboards, hide takes you off (on and off work too) (show | hide)');
    expect(field.value).toContain('e.g. `/settings leaderboard hide`');
    const index = await ok('/help', 'vis');
    expect(index.fields!.find((f) => f.name === '/settings')!.value).toContain('`leaderboard` Show or hide yourself on leaderboards: show | hide');
  });

  it.each([
    ['/settings timezone Mars/Olympus_Mons', /`zone` must be an IANA time zone name such as Europe\/Berlin.*\(got "Mars\/Olympus_Mons"\)/],
    ['/settings timezone "Europe/Berlin; drop table users"', /`zone` must be an IANA time zone name/],
    [
      '/settings timezone Springfield',
      /^`zone` must be an IANA time zone name such as Europe\/Berlin, America\/New_York or UTC, or a city such as Berlin or New York \(got "Springfield"\)\.$/,
    ],
    ['/settings timezone york', /^`zone` must be .* \(got "york"\)\. Did you mean America\/New_York\?$/],
    ['/settings timezone indiana', /\(got "indiana"\)\. Did you mean America\/Indiana\/\w+, America\/Indiana\/\w+/],
    ['/settings day-start 24', /`hour` must be between 0 and 23 \(got 24\)/],
    ['/settings day-start -1', /`hour` must be between 0 and 23 \(got -1\)/],
    ['/settings day-start early', /`hour` must be a whole number between 0 and 23/],
    ['/settings reminder 25:00', /`time` must be a time HH:MM between 00:00 and 23:59, or off \(got "25:00"\)/],
    ['/settings reminder 8.30', /`time` must be a time HH:MM/],
    ['/settings quiet-hours 22:00', /`hours` must be two times HH:MM such as 22:00-07:00, or off \(got "22:00"\)/],
    ['/settings quiet-hours 22:00 7pm', /`hours` must be two times HH:MM such as 22:00-07:00, or off \(got "22:00 7pm"\)/],
    ['/settings quiet-hours 22:00-22:00', /`hours` must start and end at different times \(both are 22:00\)/],
    ['/settings leaderboard maybe', /^`visibility` must be one of show, hide \(got "maybe"\)/],
    ['/settings leaderboard visible', /^`visibility` must be one of show, hide/],
  ])('refuses %s precisely and changes nothing', async (line, message) => {
    await ok('/settings show', 'bad');
    const before = await profile('bad');
    const reply = await app.run(line, 'bad');
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.text).toMatch(message);
    expect(await profile('bad')).toEqual(before);
  });
});

describe('nextReminderAt', () => {
  it.each([
    ['later today', '2026-11-24T10:00:00Z', 'Europe/Berlin', '12:00', '2026-11-24T11:00:00Z'],
    ['tomorrow when the time has passed', '2026-11-24T10:00:00Z', 'Europe/Berlin', '11:00', '2026-11-25T10:00:00Z'],
    ['across spring-forward in New York', '2026-03-07T15:00:00Z', 'America/New_York', '09:00', '2026-03-08T13:00:00Z'],
    [
      'a time skipped by spring-forward fires at the first valid minute after the gap',
      '2026-03-07T15:00:00Z',
      'America/New_York',
      '02:30',
      '2026-03-08T07:00:00Z',
    ],
  ])('%s', (_name, nowIso, zone, clock, expected) => {
    expect(nextReminderAt(new Date(nowIso), zone, clock).toISOString()).toBe(new Date(expected).toISOString());
  });
});
