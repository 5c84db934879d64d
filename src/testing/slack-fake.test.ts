import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { App, HTTPReceiver, LogLevel, webApi, type Logger } from '@slack/bolt';
import { SlackFake } from './slack-fake.js';
import {
  blockActionsBody,
  eventBody,
  nowSeconds,
  postSigned,
  signSlackRequest,
  slashCommandBody,
  urlVerificationBody,
  viewSubmissionBody,
} from './slack-sign.js';

const SIGNING_SECRET = 'secret';
const TEAM = 'T0QUEST001';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const GONE = 'U0GONE0001';

/** A Bolt logger that keeps messages instead of printing them. */
function capturingLogger(): Logger & { lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  let level = LogLevel.DEBUG;
  const push =
    (lvl: string) =>
    (...msg: unknown[]) => {
      lines.push({ level: lvl, msg: msg.map(String).join(' ') });
    };
  return {
    lines,
    debug: push('debug'),
    info: push('info'),
    warn: push('warn'),
    error: push('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

describe('SlackFake + real Bolt 5.1 app', () => {
  let fake: SlackFake;
  let app: App;
  let server: Server;
  let eventsUrl: string;
  const logger = capturingLogger();

  beforeAll(async () => {
    fake = await SlackFake.start({
      teamId: TEAM,
      users: {
        [ALICE]: { tz: 'Asia/Kolkata', real_name: 'Alice Liddell', name: 'alice' },
        [BOB]: { tz: 'America/New_York', real_name: 'Bob Builder', name: 'bob' },
        [GONE]: { real_name: 'Former Member', deleted: true },
      },
    });
    // The fake must already be listening: Bolt fires auth.test from the App CONSTRUCTOR (token + default
    // tokenVerificationEnabled) and every request's authorize awaits that same cached promise.
    app = new App({
      token: 'xoxb-test',
      receiver: new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events', logger }),
      logger,
      clientOptions: { slackApiUrl: fake.apiUrl },
    });

    app.command('/quest', async ({ ack, respond, client, body }) => {
      await ack({ response_type: 'ephemeral', text: 'On it…' });
      const posted = await client.chat.postMessage({
        channel: body.channel_id,
        text: `quest ${body.text}`,
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${body.text}*` } }],
      });
      await respond({ response_type: 'ephemeral', text: `posted ${posted.ts}` });
    });
    app.command('/silent', async () => {
      // never acks: Bolt answers 404 itself after unhandledRequestTimeoutMillis (3001 ms)
    });
    app.action('open_modal', async ({ ack, body, client }) => {
      await ack();
      await client.views.open({
        trigger_id: (body as { trigger_id: string }).trigger_id,
        view: {
          type: 'modal',
          callback_id: 'quest_modal',
          title: { type: 'plain_text', text: 'New quest' },
          submit: { type: 'plain_text', text: 'Save' },
          blocks: [
            {
              type: 'input',
              block_id: 'title',
              label: { type: 'plain_text', text: 'Title' },
              element: { type: 'plain_text_input', action_id: 'value' },
            },
          ],
        },
      });
    });
    app.view('quest_modal', async ({ ack, view }) => {
      const title = view.state.values.title?.value?.value ?? '';
      if (title.length < 3) {
        await ack({ response_action: 'errors', errors: { title: 'Too short' } });
        return;
      }
      await ack();
    });
    app.event('app_home_opened', async ({ event, client }) => {
      await client.views.publish({
        user_id: event.user,
        view: { type: 'home', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Home' } }] },
      });
    });

    // HTTPReceiver.start(portOrListenOptions, serverOptions?) -> Promise<http.Server>; ListenOptions lets us bind
    // 127.0.0.1 on an ephemeral port (a bare number would listen on all interfaces).
    server = await app.start({ port: 0, host: '127.0.0.1' });
    eventsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  });

  afterAll(async () => {
    await app?.stop();
    await fake?.close();
  });

  it('answered the auth.test Bolt sends at construction', async () => {
    const call = await fake.waitForCall('auth.test');
    expect(call.token).toBe('xoxb-test');
    expect(call.response).toMatchObject({ ok: true, team_id: TEAM, user_id: fake.botUserId, bot_id: fake.botId });
  });

  describe('with a clean recording', () => {
    beforeEach(() => fake.reset());

    it('runs a signed slash command end to end: ack body, chat.postMessage, respond() to response_url', async () => {
      const responseUrl = fake.responseUrl('cmd-1');
      const body = slashCommandBody({
        teamId: TEAM,
        userId: ALICE,
        userName: 'alice',
        command: '/quest',
        text: 'slay & <dragon>',
        responseUrl,
        channelId: 'C0QUESTS01',
      });
      expect(body).toMatch(/^token=.*&team_id=T0QUEST001&team_domain=.*&command=%2Fquest&text=slay\+%26\+%3Cdragon%3E/);
      const res = await postSigned(eventsUrl, { body, signingSecret: SIGNING_SECRET });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ response_type: 'ephemeral', text: 'On it…' });

      const post = await fake.waitForCall('chat.postMessage');
      expect(post.token).toBe('xoxb-test');
      expect(post.args).toMatchObject({
        channel: 'C0QUESTS01',
        text: 'quest slay & <dragon>',
        team_id: TEAM, // Bolt's per-team client pool adds teamId to every call
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: '*slay & <dragon>*' } }],
      });
      expect(post.response).toMatchObject({ ok: true, channel: 'C0QUESTS01' });

      const [sink] = await fake.waitFor((f) => (f.responseUrlPosts('cmd-1').length > 0 ? f.responseUrlPosts('cmd-1') : null));
      expect(sink.body).toEqual({ response_type: 'ephemeral', text: `posted ${post.response.ts}` });
      expect(fake.messages('C0QUESTS01')).toHaveLength(1);
    });

    it('rejects a wrong signature with 401 and runs no listener', async () => {
      const body = slashCommandBody({ teamId: TEAM, userId: ALICE, command: '/quest', text: 'x', responseUrl: fake.responseUrl() });
      const res = await postSigned(eventsUrl, { body, signingSecret: 'not-the-secret' });
      expect(res.status).toBe(401);
      expect(res.text).toBe('');

      // a body altered after signing fails too
      const headers = signSlackRequest(SIGNING_SECRET, body);
      const tampered = await fetch(eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: body.replace('text=x', 'text=y'),
        signal: AbortSignal.timeout(5000),
      });
      expect(tampered.status).toBe(401);

      // missing headers
      const unsigned = await fetch(eventsUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
        signal: AbortSignal.timeout(5000),
      });
      expect(unsigned.status).toBe(401);
      await new Promise((r) => setTimeout(r, 100));
      expect(fake.calls('chat.postMessage')).toHaveLength(0);
    });

    it('rejects a timestamp older than 5 minutes with 401 but accepts one 4 minutes old', async () => {
      const responseUrl = fake.responseUrl('old');
      const body = slashCommandBody({ teamId: TEAM, userId: ALICE, command: '/quest', text: 'old', responseUrl });
      const stale = await postSigned(eventsUrl, { body, signingSecret: SIGNING_SECRET, timestamp: nowSeconds() - 5 * 60 - 10 });
      expect(stale.status).toBe(401);
      const recent = await postSigned(eventsUrl, { body, signingSecret: SIGNING_SECRET, timestamp: nowSeconds() - 4 * 60 });
      expect(recent.status).toBe(200);
      // The listener keeps running after ack(): let it finish so its chat.postMessage cannot leak into the next test.
      await fake.waitFor((f) => f.responseUrlPosts('old').length === 1);
      expect(logger.lines.some((l) => l.level === 'warn' && /stale/.test(l.msg))).toBe(true);
    });

    it('a 429 on chat.postMessage is waited out and retried by the WebClient itself', async () => {
      fake.rateLimitNext('chat.postMessage', 1, 1);
      const responseUrl = fake.responseUrl('cmd-429');
      const res = await postSigned(eventsUrl, {
        body: slashCommandBody({ teamId: TEAM, userId: BOB, command: '/quest', text: 'later', responseUrl }),
        signingSecret: SIGNING_SECRET,
      });
      expect(res.status).toBe(200); // ack is not delayed by the rate limit
      // default retryConfig (tenRetriesInAboutThirtyMinutes): Retry-After (1 s) + p-retry backoff of 1-2 s
      await fake.waitFor((f) => f.responseUrlPosts('cmd-429').length > 0, 10_000);
      const calls = fake.calls('chat.postMessage');
      expect(calls.map((c) => [c.status, c.args.text])).toEqual([
        [429, 'quest later'],
        [200, 'quest later'],
      ]);
      // Retry-After (1 s) plus the first p-retry backoff (1-2 s with the default policy)
      expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(1900);
      expect(calls[1].args.text).toBe('quest later');
    });

    it('retryConfig / rejectRateLimitedCalls control what the WebClient does with 429s', async () => {
      // Tests wanting fast retries: only Retry-After is waited, the p-retry backoff becomes ~1 ms.
      const fast = new webApi.WebClient('xoxb-test', {
        logLevel: webApi.LogLevel.ERROR,
        slackApiUrl: fake.apiUrl,
        retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 },
      });
      fake.rateLimitNext('chat.postMessage', 1, 1);
      const t0 = Date.now();
      await fast.chat.postMessage({ channel: 'C0FAST0001', text: 'fast' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - t0).toBeLessThan(1900);

      const strict = new webApi.WebClient('xoxb-test', {
        slackApiUrl: fake.apiUrl,
        rejectRateLimitedCalls: true,
        logLevel: webApi.LogLevel.ERROR,
      });
      fake.rateLimitNext('chat.postMessage', 1, 30);
      await expect(strict.chat.postMessage({ channel: 'C0FAST0001', text: 'x' })).rejects.toMatchObject({
        code: webApi.ErrorCode.RateLimitedError,
        retryAfter: 30,
      });
      expect(fake.calls('chat.postMessage').map((c) => c.status)).toEqual([429, 200, 429]);
    });

    it('answers a command nobody acks with 404 after ~3 s (Bolt unhandledRequestTimeoutMillis)', async () => {
      const started = Date.now();
      const res = await postSigned(eventsUrl, {
        body: slashCommandBody({ teamId: TEAM, userId: ALICE, command: '/silent', responseUrl: fake.responseUrl() }),
        signingSecret: SIGNING_SECRET,
      });
      expect(res.status).toBe(404);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
    });

    it('drives block_actions -> views.open, and view_submission validation errors', async () => {
      const res = await postSigned(eventsUrl, {
        body: blockActionsBody({
          teamId: TEAM,
          userId: ALICE,
          actionId: 'open_modal',
          value: 'go',
          responseUrl: fake.responseUrl(),
          triggerId: '1234.5678.abcd',
        }),
        signingSecret: SIGNING_SECRET,
      });
      expect(res.status).toBe(200);
      const open = await fake.waitForCall('views.open');
      expect(open.args.trigger_id).toBe('1234.5678.abcd');
      expect(open.args.view).toMatchObject({ type: 'modal', callback_id: 'quest_modal' });
      expect(open.response.view.id).toMatch(/^V/);

      const bad = await postSigned(eventsUrl, {
        body: viewSubmissionBody({ teamId: TEAM, userId: ALICE, callbackId: 'quest_modal', values: { title: { value: 'ab' } } }),
        signingSecret: SIGNING_SECRET,
      });
      expect(bad.status).toBe(200);
      expect(bad.json).toEqual({ response_action: 'errors', errors: { title: 'Too short' } });

      const good = await postSigned(eventsUrl, {
        body: viewSubmissionBody({
          teamId: TEAM,
          userId: ALICE,
          callbackId: 'quest_modal',
          privateMetadata: '{"q":1}',
          values: { title: { value: 'A long title' } },
        }),
        signingSecret: SIGNING_SECRET,
      });
      expect(good.status).toBe(200);
      expect(good.text).toBe('');
    });

    it('drives an app_home_opened event -> views.publish, and the url_verification challenge', async () => {
      const res = await postSigned(eventsUrl, {
        body: eventBody({
          teamId: TEAM,
          botUserId: fake.botUserId,
          event: { type: 'app_home_opened', user: ALICE, channel: 'D0ALICE001', tab: 'home', event_ts: `${nowSeconds()}.000100` },
        }),
        signingSecret: SIGNING_SECRET,
      });
      expect(res.status).toBe(200); // events are auto-acked by Bolt
      const publish = await fake.waitForCall('views.publish');
      expect(publish.args.user_id).toBe(ALICE);
      expect(publish.args.view.type).toBe('home');
      expect(publish.response.ok).toBe(true);

      const challenge = await postSigned(eventsUrl, { body: urlVerificationBody('ch4llenge'), signingSecret: SIGNING_SECRET });
      expect(challenge.json).toEqual({ challenge: 'ch4llenge' });
    });
  });

  describe('Web API methods through the real WebClient', () => {
    beforeEach(() => fake.reset());

    it('users.info returns tz / tz_offset / profile, and user_not_found for unknown users', async () => {
      const alice = await app.client.users.info({ user: ALICE });
      expect(alice.user).toMatchObject({
        id: ALICE,
        tz: 'Asia/Kolkata',
        tz_offset: 19800,
        real_name: 'Alice Liddell',
        profile: { display_name: 'alice', real_name: 'Alice Liddell' },
      });
      const bob = await app.client.users.info({ user: BOB });
      expect([-18000, -14400]).toContain(bob.user?.tz_offset);

      await expect(app.client.users.info({ user: 'U0NOBODY01' })).rejects.toMatchObject({
        code: webApi.ErrorCode.PlatformError,
        data: { ok: false, error: 'user_not_found' },
      });
    });

    it('DMs: conversations.open, deleted -> account_inactive, unknown -> user_not_found', async () => {
      const open = await app.client.conversations.open({ users: BOB });
      const dm = open.channel?.id as string;
      expect(dm).toBe(fake.dmChannelFor(BOB));
      const byUser = await app.client.chat.postMessage({ channel: BOB, text: 'hi' });
      expect(byUser.channel).toBe(dm);

      await expect(app.client.chat.postMessage({ channel: GONE, text: 'hi' })).rejects.toMatchObject({
        data: { error: 'account_inactive' },
      });
      await expect(app.client.chat.postMessage({ channel: 'U0NOBODY01', text: 'hi' })).rejects.toMatchObject({
        data: { error: 'user_not_found' },
      });
    });

    it('failNext, chat.update, chat.postEphemeral, views.open without trigger_id, unknown methods', async () => {
      fake.failNext('chat.postMessage', 'channel_not_found');
      await expect(app.client.chat.postMessage({ channel: 'C0NOPE0001', text: 'x' })).rejects.toMatchObject({
        data: { error: 'channel_not_found' },
      });
      const posted = await app.client.chat.postMessage({ channel: 'C0NOPE0001', text: 'x' });
      const updated = await app.client.chat.update({ channel: 'C0NOPE0001', ts: posted.ts as string, text: 'y' });
      expect(updated).toMatchObject({ ok: true, ts: posted.ts, text: 'y' });
      expect(fake.messages('C0NOPE0001')[0].text).toBe('y');

      const eph = await app.client.chat.postEphemeral({ channel: 'C0NOPE0001', user: ALICE, text: 'psst' });
      expect(eph.message_ts).toBeTruthy();

      await expect(
        app.client.views.open({ trigger_id: '', view: { type: 'modal', title: { type: 'plain_text', text: 't' }, blocks: [] } }),
      ).rejects.toMatchObject({ data: { error: 'invalid_arguments' } });

      await expect(app.client.apiCall('nope.nothing')).rejects.toMatchObject({ data: { error: 'unknown_method' } });
    });

    it('oauth.v2.access returns a v2 install payload whose bot token auth.tests into that team', async () => {
      const client = new webApi.WebClient(undefined, { slackApiUrl: fake.apiUrl, logLevel: webApi.LogLevel.ERROR });
      fake.setOAuthInstall('code-2', { teamId: 'T0OTHER001', teamName: 'Other' });
      const install = await client.oauth.v2.access({ client_id: 'cid', client_secret: 'cs', code: 'code-2' });
      expect(install).toMatchObject({
        ok: true,
        token_type: 'bot',
        bot_user_id: fake.botUserId,
        app_id: fake.appId,
        team: { id: 'T0OTHER001', name: 'Other' },
        enterprise: null,
        is_enterprise_install: false,
        authed_user: { token_type: 'user' },
      });
      expect(install.access_token).toMatch(/^xoxb-/);
      const who = await client.auth.test({ token: install.access_token });
      expect(who.team_id).toBe('T0OTHER001');

      fake.revokeToken(install.access_token as string);
      await expect(client.auth.test({ token: install.access_token })).rejects.toMatchObject({ data: { error: 'invalid_auth' } });
      await expect(client.apps.connections.open({ token: 'xoxb-nope' })).rejects.toMatchObject({
        data: { error: 'not_allowed_token_type' },
      });
      const conn = await client.apps.connections.open({ token: 'xapp-1-abc' });
      expect(conn.url).toMatch(/^ws:\/\/127\.0\.0\.1:/);
    });

    it('the response_url sink takes at most 5 posts per url', async () => {
      const url = fake.responseUrl('five');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        const r = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ text: `#${i}` }),
          signal: AbortSignal.timeout(5000),
        });
        statuses.push(r.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 404]);
      expect(fake.responseUrlPosts('five').map((p) => p.body.text)).toEqual(['#0', '#1', '#2', '#3', '#4', '#5']);
    });

    it('waitFor is bounded and reports what it saw', async () => {
      await expect(fake.waitFor(() => false, 100)).rejects.toThrow(/timed out after 100 ms/);
    });
  });
});
