import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackFake } from '../testing/slack-fake.js';
import { DiscordFake } from '../testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../testing/discord-sign.js';
import {
  blockActionsPayload,
  interactivityFormBody,
  nowSeconds,
  postSigned,
  signSlackRequest,
  slashCommandBody,
  viewSubmissionPayload,
} from '../testing/slack-sign.js';
import { startTestApp, type TestApp } from '../testing/test-app.js';
import { startSlack } from './slack/index.js';
import { startDiscord } from './discord/index.js';

const SECRET = 'hardening-signing-secret';
const TEAM = 'T0HARDEN01';
const ALICE = 'U0HARDEN01';
const APP_ID = '1300000000000000077';
const DISCORD_USER = '1200000000000000077';
const keys = generateDiscordKeyPair();

let slackFake: SlackFake;
let discordFake: DiscordFake;
let app: TestApp;
let stops: Array<{ stop(): Promise<void> }> = [];
let base = '';

beforeAll(async () => {
  slackFake = await SlackFake.start({ teamId: TEAM, users: { [ALICE]: { tz: 'UTC', name: 'alice' } } });
  discordFake = await DiscordFake.start({ applicationId: APP_ID });
  app = await startTestApp({
    env: {
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: 'xoxb-hardening',
      SLACK_API_URL: slackFake.apiUrl,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: discordFake.apiUrl,
    },
  });
  stops = [await startSlack(app, { clientOptions: { retryConfig: { retries: 0 } } }), await startDiscord(app)];
  base = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}`;
});
afterAll(async () => {
  for (const s of stops) await s.stop();
  await app?.close();
  await slackFake?.close();
  await discordFake?.close();
});

const questCount = async () => Number((await app.sql<{ n: string }>('select count(*) as n from quests'))[0]!.n);
let n = 0;
const command = (text: string, user = ALICE) =>
  slashCommandBody({ teamId: TEAM, userId: user, command: '/quest', text, responseUrl: slackFake.responseUrl(`h-${++n}`), channelId: 'C0HARDEN01' });

async function postRaw(path: string, body: string, headers: Record<string, string>) {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

describe('Slack endpoint under attack', () => {
  it('runs a signed request once: the same request again is refused as a replay', async () => {
    const body = command('create "Replayed quest"');
    const headers = { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) };
    const before = await questCount();
    expect((await postRaw('/slack/events', body, headers)).status).toBe(200);
    const again = await postRaw('/slack/events', body, headers);
    expect(again.status).toBe(409);
    expect(await questCount()).toBe(before + 1);
  });

  it.each([
    ['an hour ahead', 3600],
    ['a year ahead', 365 * 86400],
    ['ten minutes old', -600],
  ])('refuses a timestamp %s', async (_label, offset) => {
    const res = await postSigned(`${base}/slack/events`, { body: command('list'), signingSecret: SECRET, timestamp: nowSeconds() + offset });
    expect(res.status).toBe(401);
  });

  it('refuses an oversized body with 413 before reading it', async () => {
    const body = `text=${'x'.repeat(2 * 1024 * 1024)}`;
    const res = await postRaw('/slack/events', body, { 'content-type': 'application/x-www-form-urlencoded', ...signSlackRequest(SECRET, body) });
    expect(res.status).toBe(413);
  });

  it.each([
    ['a command without user_id', () => command('list').replace(/user_id=[^&]*&?/, '')],
    ['a user id over 64 characters', () => command('list', `U${'9'.repeat(80)}`)],
    [
      'block_actions without a user',
      () =>
        interactivityFormBody({
          ...blockActionsPayload({ teamId: TEAM, userId: ALICE, actionId: 'ql:x', blockId: 'b', value: 'quest list', container: { type: 'message' } } as never),
          user: undefined,
        }),
    ],
    [
      'an empty view_submission',
      () => interactivityFormBody({ ...viewSubmissionPayload({ teamId: TEAM, userId: ALICE, callbackId: 'questlog_modal' }), view: {} }),
    ],
    ['a payload that is not JSON', () => 'payload=%7Bnope'],
  ])('answers %s with a precise 400', async (_label, build) => {
    const res = await postSigned(`${base}/slack/events`, { body: build(), signingSecret: SECRET });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/user|payload|view_submission|JSON|team/);
  });

  it('answers a garbage button value with an ephemeral error, not silence', async () => {
    const id = `garbage-${++n}`;
    const payload = blockActionsPayload({
      teamId: TEAM,
      userId: ALICE,
      actionId: 'ql:btn:0',
      blockId: 'ql::0',
      value: '{not json',
      container: { type: 'message', message_ts: '1.000100', channel_id: 'C0HARDEN01', is_ephemeral: false },
      channelId: 'C0HARDEN01',
      responseUrl: slackFake.responseUrl(id),
    } as never);
    const res = await postSigned(`${base}/slack/events`, { body: interactivityFormBody(payload), signingSecret: SECRET });
    expect(res.status).toBe(200);
    const [post] = await slackFake.waitFor((f) => (f.responseUrlPosts(id).length ? f.responseUrlPosts(id) : null));
    expect(post!.body).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(post!.body)).toMatch(/not one of Questlog/);
  });

  it('fuzz: any signed command text gets an answer in the ack or a 4xx, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 120, unit: 'binary' }), async (text) => {
        const res = await postSigned(`${base}/slack/events`, { body: command(text), signingSecret: SECRET });
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(res.text.length === 0 || typeof (res.json as { text?: unknown })?.text === 'string').toBe(true);
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});

describe('Discord endpoint under attack', () => {
  const post = (body: string, headers = discordSignatureHeaders(keys.privateKey, body)) => postRaw('/discord/interactions', body, headers);

  it('refuses an oversized body with 413', async () => {
    const body = JSON.stringify({ type: 2, pad: 'x'.repeat(10 * 1024 * 1024) });
    expect((await post(body)).status).toBe(413);
  });

  it('refuses ids over 64 characters with 400', async () => {
    const interaction = discordFake.buildInteraction({
      type: 2,
      userId: DISCORD_USER,
      data: { id: '1', name: 'quest', type: 1, options: [{ name: 'list', type: 1 }] },
    });
    const body = JSON.stringify({ ...interaction.payload, id: '9'.repeat(80) });
    expect((await post(body)).status).toBe(400);
  });

  it('refuses a timestamp in the future', async () => {
    const body = JSON.stringify({ type: 1 });
    const headers = discordSignatureHeaders(keys.privateKey, body, String(nowSeconds() + 3600));
    expect((await post(body, headers)).status).toBe(401);
  });

  it('fuzz: any signed JSON gets 200 with an answer or a 4xx, never a 5xx', async () => {
    const anyPayload = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({
        type: fc.integer({ min: 0, max: 6 }),
        id: fc.oneof(fc.string(), fc.bigInt({ min: 0n, max: 10n ** 19n }).map(String)),
        token: fc.string(),
        data: fc.jsonValue({ maxDepth: 2 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(anyPayload, async (payload) => {
        const res = await post(JSON.stringify(payload));
        expect(res.status).toBeLessThan(500);
        if (res.status === 200) expect(JSON.parse(res.text)).toHaveProperty('type');
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
