import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackFake } from '../../testing/slack-fake.js';
import { eventBody, postSigned, slashCommandBody } from '../../testing/slack-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startSlack } from './index.js';

const SECRET = 'oauth-signing-secret';
const HOME_TEAM = 'T0HOME0001';
const NEW_TEAM = 'T0OTHER001';
const CAROL = 'U0CAROL001';

describe('Slack multi-workspace installs (OAuth)', () => {
  let fake: SlackFake;
  let app: TestApp;
  let slack: { stop(): Promise<void> };
  let base: string;

  const installations = () =>
    app.sql<{ install_key: string; team_id: string; bot_user_id: string; installation: any }>('select * from slack_installations order by install_key');
  const command = (team: string, text: string, id: string) =>
    postSigned(`${base}/slack/events`, {
      signingSecret: SECRET,
      body: slashCommandBody({ teamId: team, userId: CAROL, command: '/quest', text, responseUrl: fake.responseUrl(id) }),
    });

  beforeAll(async () => {
    fake = await SlackFake.start({ teamId: HOME_TEAM, users: { [CAROL]: { tz: 'Australia/Sydney', name: 'carol' } } });
    app = await startTestApp({
      env: {
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_CLIENT_ID: '1234.5678',
        SLACK_CLIENT_SECRET: 'client-secret',
        SLACK_STATE_SECRET: 'state-secret',
        SLACK_API_URL: fake.apiUrl,
      },
    });
    slack = await startSlack(app, { clientOptions: { retryConfig: { retries: 0 } } });
    base = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}`;
  });

  afterAll(async () => {
    await slack?.stop();
    await app?.close();
    await fake?.close();
  });

  it('ignores commands from a workspace that has not installed the app', async () => {
    const res = await command(NEW_TEAM, 'create "Too early"', 'early');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(await app.sql('select id from quests')).toEqual([]);
  });

  it('installs through /slack/install and /slack/oauth_redirect, storing the installation in PostgreSQL', async () => {
    const page = await fetch(`${base}/slack/install`, { signal: AbortSignal.timeout(5000) });
    expect(page.status).toBe(200);
    const html = await page.text();
    const authorizeUrl = new URL(/<a href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&'));
    expect(authorizeUrl.searchParams.get('scope')).toBe('commands,chat:write,im:write,users:read,files:write');
    const state = authorizeUrl.searchParams.get('state')!;
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    expect(cookie).toBe(`slack-app-oauth-state=${state}`);

    fake.setOAuthInstall('code-other', { teamId: NEW_TEAM, teamName: 'Other Co', userId: CAROL });
    const forged = await fetch(`${base}/slack/oauth_redirect?code=code-other&state=${encodeURIComponent(state)}`, { signal: AbortSignal.timeout(5000) });
    expect(forged.status).toBe(400);
    expect(await installations()).toEqual([]);

    const done = await fetch(`${base}/slack/oauth_redirect?code=code-other&state=${encodeURIComponent(state)}`, {
      headers: { cookie },
      signal: AbortSignal.timeout(5000),
    });
    expect(done.status).toBe(200);
    const [row] = await installations();
    expect(row).toMatchObject({ install_key: NEW_TEAM, team_id: NEW_TEAM, bot_user_id: fake.botUserId });
    expect(row!.installation.bot.token).toMatch(new RegExp(`^xoxb-${NEW_TEAM}-`));
    expect(row!.installation.user.token).toBeUndefined();
  });

  it('serves the installed workspace with its own bot token', async () => {
    const res = await command(NEW_TEAM, 'create "Installed at last"', 'installed');
    expect(res.status).toBe(200);
    expect((res.json as any).blocks[0].text.text).toBe('#1 Installed at last');
    const [row] = await installations();
    const lookup = fake.calls('users.info').find((c) => c.args.user === CAROL)!;
    expect(lookup.token).toBe(row!.installation.bot.token);
  });

  it('forgets the installation when the app is uninstalled', async () => {
    const res = await postSigned(`${base}/slack/events`, {
      signingSecret: SECRET,
      body: eventBody({ teamId: NEW_TEAM, event: { type: 'app_uninstalled' } }),
    });
    expect(res.status).toBe(200);
    await fake.waitFor(async () => (await installations()).length === 0);
    const after = await command(NEW_TEAM, 'list', 'after');
    expect(after.text).toBe('');
  });
});
