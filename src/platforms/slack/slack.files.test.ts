import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackFake } from '../../testing/slack-fake.js';
import { postSigned, slashCommandBody } from '../../testing/slack-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startSlack } from './index.js';

const SECRET = 'files-signing-secret';
const TEAM = 'T0FILES001';
const CHANNEL = 'C0PUBLIC01';
const ALICE = 'U0ALICE011';

describe('Slack: reply files', () => {
  let fake: SlackFake;
  let app: TestApp;
  let slack: { stop(): Promise<void> };
  let eventsUrl = '';
  let n = 0;

  beforeAll(async () => {
    fake = await SlackFake.start({ teamId: TEAM, users: { [ALICE]: { tz: 'Europe/Paris', real_name: 'Alice Files', name: 'alice' } } });
    app = await startTestApp({ env: { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-files', SLACK_API_URL: fake.apiUrl } });
    slack = await startSlack(app, { clientOptions: { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } } });
    eventsUrl = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/slack/events`;
  });
  afterAll(async () => {
    await slack?.stop();
    await app?.close();
    await fake?.close();
  });

  async function command(text: string, commandName: string) {
    const id = `files-${++n}`;
    const body = slashCommandBody({ teamId: TEAM, userId: ALICE, command: commandName, text, responseUrl: fake.responseUrl(id), channelId: CHANNEL });
    const res = await postSigned(eventsUrl, { body, signingSecret: SECRET });
    return { status: res.status, id };
  }

  it("sends the export to the user's direct messages, never to the channel, and says so privately", async () => {
    await command('create "Private plans"', '/quest');
    const { status, id } = await command('export', '/questlog');
    expect(status).toBe(200);
    const [post] = await fake.waitFor((f) => (f.responseUrlPosts(id).length ? f.responseUrlPosts(id) : null), 25_000);
    expect(post!.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(post!.body.blocks)).toContain('sent to your direct messages with Questlog');
    const upload = await fake.waitFor((f) => f.uploads().find((u) => u.filename.startsWith('questlog-export-') && u.completed), 25_000);
    expect(upload.channelId).toBe(fake.dmChannelFor(ALICE));
    expect(upload.channelId).not.toBe(CHANNEL);
    // The upload arrives as a multipart body: the file is the JSON document inside it.
    const raw = upload.data!.toString('utf8');
    const doc = JSON.parse(raw.slice(raw.indexOf('{\n'), raw.lastIndexOf('}') + 1));
    expect(doc.identities).toEqual([expect.objectContaining({ platform: 'slack', scope: TEAM, platformUserId: ALICE })]);
    expect(doc.quests.map((q: { title: string }) => q.title)).toEqual(['Private plans']);
    expect(fake.okCalls('conversations.open').at(-1)!.args.users).toBe(ALICE);
  }, 60_000);
});
