import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackFake } from '../../testing/slack-fake.js';
import {
  blockActionsBody,
  eventBody,
  fakeTriggerId,
  nowSeconds,
  postSigned,
  slashCommandBody,
  viewSubmissionBody,
  type BlockActionsContainer,
} from '../../testing/slack-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startSlack } from './index.js';
import { modalView, MODAL_CALLBACK } from './slack.render.js';

const SECRET = 'e2e-signing-secret';
const TEAM = 'T0QUEST001';
const CHANNEL = 'C0QUESTS01';
const ALICE = 'U0ALICE001';
const BOB = 'U0BOB00001';
const CAROL = 'U0CAROL001';
const GONE = 'U0GONE0001';
const FAST_RETRIES = { retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 } };

interface Button {
  blockId: string;
  actionId: string;
  label: string;
  value: string;
}

/** Every button in a list of blocks, with the block it sits in. */
function buttonsOf(blocks: any[] | undefined): Button[] {
  return (blocks ?? [])
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements.map((e: any) => ({ blockId: b.block_id, actionId: e.action_id, label: e.text.text, value: e.value })));
}

/** Every mrkdwn string Slack would parse for mentions and links, plus the fallback text. */
function mrkdwnOf(message: { text?: string; blocks?: any[] }): string[] {
  const out = message.text ? [message.text] : [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (o.type === 'mrkdwn' && typeof o.text === 'string') out.push(o.text);
      Object.values(o).forEach(walk);
    }
  };
  walk(message.blocks);
  return out;
}

class SlackClient {
  private n = 0;
  constructor(
    private readonly fake: SlackFake,
    private readonly url: string,
    private readonly team = TEAM,
  ) {}

  /** Sends a signed slash command; returns the HTTP answer (the ack) and the response_url id. */
  async command(user: string, text: string, command = '/quest') {
    const id = `cmd-${++this.n}-${user}`;
    const body = slashCommandBody({ teamId: this.team, userId: user, command, text, responseUrl: this.fake.responseUrl(id), channelId: CHANNEL });
    const res = await postSigned(this.url, { body, signingSecret: SECRET });
    return { status: res.status, ack: res.json as any, id };
  }

  /** Clicks a button as Slack would, on a message (with a response_url) or on App Home. */
  async click(user: string, button: Button, where: { home?: boolean; ephemeral?: boolean } = {}) {
    const id = `click-${++this.n}-${user}`;
    const triggerId = fakeTriggerId();
    const container: BlockActionsContainer = where.home
      ? { type: 'view', view_id: 'V0HOME0001' }
      : { type: 'message', message_ts: `${nowSeconds()}.000100`, channel_id: CHANNEL, is_ephemeral: Boolean(where.ephemeral) };
    const body = blockActionsBody({
      teamId: this.team,
      userId: user,
      actionId: button.actionId,
      blockId: button.blockId,
      value: button.value,
      container,
      channelId: CHANNEL,
      triggerId,
      responseUrl: where.home ? undefined : this.fake.responseUrl(id),
    });
    const res = await postSigned(this.url, { body, signingSecret: SECRET });
    return { status: res.status, id, triggerId };
  }

  async event(event: Record<string, unknown> & { type: string }, eventId?: string, headers?: Record<string, string>) {
    const body = eventBody({ teamId: this.team, event, eventId, botUserId: this.fake.botUserId });
    return postSigned(this.url, { body, signingSecret: SECRET, headers });
  }

  /** The first post to a response_url id (bounded wait). */
  async responded(id: string): Promise<any> {
    const [post] = await this.fake.waitFor((f) => (f.responseUrlPosts(id).length ? f.responseUrlPosts(id) : null));
    return post!.body;
  }
}

describe('Slack over HTTP with a single-workspace token', () => {
  let fake: SlackFake;
  let app: TestApp;
  let slack: { stop(): Promise<void> };
  let eventsUrl: string;
  let client: SlackClient;

  const questStatus = async (number: number, user = ALICE) =>
    (
      await app.sql<{ status: string }>(
        `select q.status from quests q join user_identities i on i.user_id = q.user_id
         where i.platform = 'slack' and i.scope = ? and i.platform_user_id = ? and q.number = ?`,
        [TEAM, user, number],
      )
    )[0]?.status;
  const questCount = async () => Number((await app.sql<{ n: string }>('select count(*) as n from quests'))[0]!.n);

  beforeAll(async () => {
    fake = await SlackFake.start({
      teamId: TEAM,
      users: {
        [ALICE]: { tz: 'Asia/Kolkata', real_name: 'Alice Liddell', name: 'alice' },
        [BOB]: { tz: 'America/New_York', real_name: 'Bob Builder', name: 'bob' },
        [CAROL]: { tz: 'Australia/Sydney', name: 'carol' },
        [GONE]: { real_name: 'Former Member', deleted: true },
      },
    });
    app = await startTestApp({ env: { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-e2e', SLACK_API_URL: fake.apiUrl } });
    slack = await startSlack(app, { clientOptions: FAST_RETRIES });
    const port = await app.http.listen(0, '127.0.0.1');
    eventsUrl = `http://127.0.0.1:${port}/slack/events`;
    client = new SlackClient(fake, eventsUrl);
  });

  afterAll(async () => {
    await slack?.stop();
    await app?.close();
    await fake?.close();
  });

  it('creates a quest: the card comes back in the ack, in the channel, as Block Kit with buttons', async () => {
    const { status, ack } = await client.command(ALICE, 'create "Write the report" difficulty:hard estimate:2h');
    expect(status).toBe(200);
    expect(ack.response_type).toBe('in_channel');
    expect(ack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: '#1 Write the report', emoji: true } });
    expect(mrkdwnOf(ack).join('\n')).toContain('worth *65 XP*');
    expect(buttonsOf(ack.blocks).map((b) => [b.label, b.value])).toEqual(
      expect.arrayContaining([
        ['Start', 'quest start #1'],
        ['Complete', 'quest complete #1'],
      ]),
    );
    expect(await questStatus(1)).toBe('ACTIVE');
  });

  it('takes the time zone from users.info on first contact and asks Slack once per user', async () => {
    await client.command(ALICE, 'list');
    const [profile] = await app.sql<{ timezone: string; display_name: string }>(
      `select p.timezone, u.display_name from user_profiles p join users u on u.id = p.user_id
       join user_identities i on i.user_id = u.id where i.platform = 'slack' and i.scope = ? and i.platform_user_id = ?`,
      [TEAM, ALICE],
    );
    expect(profile).toEqual({ timezone: 'Asia/Kolkata', display_name: 'alice' });
    expect(fake.calls('users.info').filter((c) => c.args.user === ALICE)).toHaveLength(1);
  });

  it('shows the help for /questlog alone and for /help, one subcommand per line', async () => {
    for (const [command, text] of [
      ['/questlog', ''],
      ['/help', ''],
      ['/questlog', 'help'],
    ] as const) {
      const { status, ack } = await client.command(ALICE, text, command);
      expect(status).toBe(200);
      expect(ack.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Questlog commands', emoji: true } });
      const quest = mrkdwnOf(ack).find((t: string) => t.startsWith('*/quest*'))!;
      expect(quest.split('\n')).toContain('`complete` Finish one or several quests and collect their XP');
    }
  });

  it('lists quests in the ack', async () => {
    const { ack } = await client.command(ALICE, 'list');
    expect(ack.response_type).toBe('in_channel');
    expect(mrkdwnOf(ack).join('\n')).toMatch(/\*#1\* .*Write the report/);
  });

  it('Complete on the card completes the quest and replaces the card through response_url', async () => {
    const { ack } = await client.command(ALICE, 'create "Water the plants" difficulty:easy');
    const number = Number(/#(\d+)/.exec(ack.blocks[0].text.text)![1]);
    const complete = buttonsOf(ack.blocks).find((b) => b.label === 'Complete')!;
    const { status, id } = await client.click(ALICE, complete);
    expect(status).toBe(200);
    const answer = await client.responded(id);
    expect(answer.replace_original).toBe(true);
    expect(answer.blocks[0].text.text).toContain(`Quest complete: #${number} Water the plants`);
    expect(await questStatus(number)).toBe('COMPLETED');

    const undo = buttonsOf(answer.blocks).find((b) => b.label === 'Undo')!;
    expect(undo.value).toBe(`quest undo #${number}`);
    const undone = await client.click(ALICE, undo);
    expect((await client.responded(undone.id)).replace_original).toBe(true);
    expect(await questStatus(number)).not.toBe('COMPLETED');
  });

  it('pages a list with its Next button, replacing the page in place', async () => {
    for (let i = 1; i <= 11; i++) await client.command(CAROL, `create "Carol chore ${i}"`);
    const { ack } = await client.command(CAROL, 'list');
    expect(mrkdwnOf(ack).join('\n')).toContain('page 1 of 2');
    const next = buttonsOf(ack.blocks).find((b) => b.label === 'Next ▶')!;
    expect(next.value).toBe('quest list page:2');
    const { id } = await client.click(CAROL, next);
    const page = await client.responded(id);
    expect(page.replace_original).toBe(true);
    expect(mrkdwnOf(page).join('\n')).toContain('page 2 of 2');
  });

  it('answers bad input with an ephemeral error carrying the usage line, and stores nothing', async () => {
    const before = await questCount();
    const { ack } = await client.command(ALICE, 'create "Nope" difficulty:impossible');
    expect(ack.response_type).toBe('ephemeral');
    const text = mrkdwnOf(ack).join('\n');
    expect(text).toContain('`difficulty` must be one of easy, medium, hard, epic');
    expect(text).toContain('Usage: /quest create &lt;title&gt;');
    expect(await questCount()).toBe(before);
  });

  it('escapes user text so a title cannot ping the channel, mention someone or link', async () => {
    const { ack } = await client.command(ALICE, `create "<!channel> & <@${BOB}> <https://evil.example|click>"`);
    const texts = mrkdwnOf(ack);
    expect(texts.join('\n')).toContain(`&lt;!channel&gt; &amp; &lt;@${BOB}&gt; &lt;https://evil.example|click&gt;`);
    for (const text of texts) expect(text).not.toMatch(/<[!@#]|<https?:/);
  });

  it("refuses another user's quest: by command, by a button on someone else's message, and by a forged button", async () => {
    const { ack } = await client.command(ALICE, 'create "Alice only"');
    const number = Number(/#(\d+)/.exec(ack.blocks[0].text.text)![1]);

    const view = await client.command(BOB, `view ${number}`);
    expect(view.ack.response_type).toBe('ephemeral');
    expect(mrkdwnOf(view.ack).join('\n')).toMatch(/not found|No quest matches/);

    const complete = buttonsOf(ack.blocks).find((b) => b.label === 'Complete')!;
    const foreign = await client.click(BOB, complete);
    const refusal = await client.responded(foreign.id);
    expect(refusal).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(refusal.text).toContain('belong to someone else');

    // A payload without the owner mark still resolves against the clicker's own quests.
    const forged = await client.click(BOB, { blockId: 'actions', actionId: 'ql:0', label: 'Complete', value: `quest complete #${number}` });
    expect((await client.responded(forged.id)).text).toMatch(/not found|No quest matches/);
    expect(await questStatus(number)).toBe('ACTIVE');
  });

  it('opens the Add step modal with the trigger_id of the click', async () => {
    const { ack } = await client.command(ALICE, 'create "Plan the trip"');
    const addStep = buttonsOf(ack.blocks).find((b) => b.label === 'Add step')!;
    const { triggerId } = await client.click(ALICE, addStep);
    const open = await fake.waitForCall('views.open', (c) => c.args.trigger_id === triggerId);
    expect(open.args.view).toMatchObject({
      type: 'modal',
      callback_id: MODAL_CALLBACK,
      blocks: [{ type: 'input', block_id: 'title', optional: false, element: { type: 'plain_text_input', action_id: 'value', max_length: 255 } }],
    });
    expect(open.response.ok).toBe(true);
  });

  it('shows a modal field error under its input, and runs the command once the field is right', async () => {
    const responseUrl = fake.responseUrl('modal-card');
    const { view } = modalView(
      {
        title: 'New quest',
        action: 'quest create',
        fields: [
          { option: 'title', label: 'Title', required: true },
          { option: 'estimate', label: 'Estimate' },
        ],
      },
      { action: 'quest create', responseUrl },
    );
    const submit = (values: Record<string, string>) =>
      postSigned(eventsUrl, {
        signingSecret: SECRET,
        body: viewSubmissionBody({
          teamId: TEAM,
          userId: ALICE,
          callbackId: MODAL_CALLBACK,
          privateMetadata: view.private_metadata,
          values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])),
        }),
      });
    const before = await questCount();
    const bad = await submit({ title: 'From a modal', estimate: 'three days' });
    expect(bad.json).toEqual({ response_action: 'errors', errors: { estimate: expect.stringMatching(/^estimate must be a duration/) } });
    expect(await questCount()).toBe(before);

    const good = await submit({ title: 'From a modal', estimate: '45m' });
    expect(good.status).toBe(200);
    expect(good.text).toBe('');
    const card = await fake.waitFor((f) => f.responseUrlPosts('modal-card')[0]?.body);
    expect(card.blocks[0].text.text).toMatch(/From a modal/);
    expect(await questCount()).toBe(before + 1);
  });

  it('publishes App Home with the open quests and their buttons, and a Home button refreshes it', async () => {
    const published = fake.calls('views.publish').length;
    const res = await client.event({ type: 'app_home_opened', user: ALICE, channel: 'D0ALICE001', tab: 'home', event_ts: `${nowSeconds()}.000200` });
    expect(res.status).toBe(200);
    const home = await fake.waitFor((f) => f.calls('views.publish')[published]);
    expect(home.args.user_id).toBe(ALICE);
    expect(home.args.view.type).toBe('home');
    expect(home.args.view.blocks[0]).toMatchObject({ type: 'header', text: { text: 'alice · level 1' } });
    expect(mrkdwnOf(home.args.view).join('\n')).toMatch(/`[█░]{20}` .* XP to level 2/);
    expect(mrkdwnOf(home.args.view).join('\n')).toContain('Plan the trip');
    const start = buttonsOf(home.args.view.blocks).find((b) => b.value.startsWith('quest start'))!;
    expect(start.label).toBe('Start');

    await client.click(ALICE, start, { home: true });
    const refreshed = await fake.waitFor((f) => f.calls('views.publish')[published + 1]);
    expect(refreshed.args.view.blocks[0].text.text).toMatch(/^#\d+ /);
    expect(mrkdwnOf(refreshed.args.view).join('\n')).toContain('Started');
  });

  it('defers a slow command (/stats): empty ack, reply through response_url, chart uploaded to the channel', async () => {
    const { status, ack, id } = await client.command(ALICE, '', '/stats');
    expect(status).toBe(200);
    expect(ack).toBeUndefined();
    const reply = await client.responded(id);
    expect(reply.response_type).toBe('in_channel');
    expect(reply.blocks[0]).toMatchObject({ type: 'header', text: { text: '📊 Your last 30 days' } });
    const chart = await fake.waitFor((f) => f.uploads().find((u) => u.filename === 'stats.png' && u.completed), 15_000);
    expect(chart.channelId).toBe(CHANNEL);
    expect(chart.data!.includes(Buffer.from('89504e47', 'hex'))).toBe(true);
  });

  it('runs a retried event once (deduplicated by event_id)', async () => {
    const published = fake.calls('views.publish').length;
    const event = { type: 'app_home_opened', user: BOB, channel: 'D0BOB00001', tab: 'home', event_ts: `${nowSeconds()}.000300` };
    expect((await client.event(event, 'EvRETRIED01')).status).toBe(200);
    await fake.waitFor((f) => f.calls('views.publish')[published]);
    const retry = await client.event(event, 'EvRETRIED01', { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
    expect(retry.status).toBe(200);
    // A later, different event is published: by then the retry has long been dropped.
    await client.event(event, 'EvANOTHER01');
    await fake.waitFor((f) => f.calls('views.publish')[published + 1]);
    expect(fake.calls('views.publish').slice(published)).toHaveLength(2);
  });

  it('refuses forged, unsigned and stale requests with 401 and runs nothing', async () => {
    const before = await questCount();
    const body = slashCommandBody({
      teamId: TEAM,
      userId: ALICE,
      command: '/quest',
      text: 'create "Forged"',
      responseUrl: fake.responseUrl('forged'),
      channelId: CHANNEL,
    });
    const forged = await postSigned(eventsUrl, { body, signingSecret: 'not-the-secret' });
    const stale = await postSigned(eventsUrl, { body, signingSecret: SECRET, timestamp: nowSeconds() - 6 * 60 });
    const unsigned = await fetch(eventsUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
      signal: AbortSignal.timeout(5000),
    });
    expect([forged.status, stale.status, unsigned.status]).toEqual([401, 401, 401]);
    // A signed request after them is served, so nothing of theirs was merely queued.
    expect((await client.command(ALICE, 'list')).status).toBe(200);
    expect(await questCount()).toBe(before);
    expect(fake.responseUrlPosts('forged')).toHaveLength(0);
  });

  it('sends DMs through the notifier, waits out a rate limit, uploads images, and marks deactivated users unreachable', async () => {
    fake.rateLimitNext('chat.postMessage', 1, 1);
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
    const sent = await app.notifier.send(
      { platform: 'slack', scope: TEAM, platformUserId: BOB },
      { title: '⏰ Daily reminder', text: '3 quests open, **#1** first.', images: [{ name: 'xp.png', data: png, alt: 'XP per day' }] },
    );
    expect(sent).toEqual({ delivered: true });
    const posts = fake.calls('chat.postMessage').filter((c) => c.args.channel === BOB);
    expect(posts.map((c) => c.status)).toEqual([429, 200]);
    expect(posts[1]!.args.blocks[0].text.text).toBe('⏰ Daily reminder');
    const upload = fake.uploads().find((u) => u.filename === 'xp.png')!;
    expect(upload).toMatchObject({ completed: true, channelId: fake.dmChannelFor(BOB) });
    expect(upload.data!.includes(png)).toBe(true);

    await client.command(GONE, 'list');
    const gone = await app.notifier.send({ platform: 'slack', scope: TEAM, platformUserId: GONE }, { text: 'hello?' });
    expect(gone).toMatchObject({ delivered: false, reason: 'unreachable', retryable: false, detail: 'account_inactive' });
    const [identity] = await app.sql<{ unreachable_at: Date | null }>(
      "select unreachable_at from user_identities where platform = 'slack' and scope = ? and platform_user_id = ?",
      [TEAM, GONE],
    );
    expect(identity!.unreachable_at).not.toBeNull();
  });
});

describe('Slack replies that miss the ack deadline', () => {
  let fake: SlackFake;
  let app: TestApp;
  let slack: { stop(): Promise<void> };
  let client: SlackClient;

  beforeAll(async () => {
    fake = await SlackFake.start({ teamId: TEAM, users: { [ALICE]: { tz: 'Europe/Berlin', name: 'alice' } } });
    // users.info answers after the reply budget: the command cannot be answered in the ack.
    fake.handleMethod('users.info', async (args) => {
      await new Promise((r) => setTimeout(r, 300));
      return { ok: true, user: { id: args.user, tz: 'Europe/Berlin', name: 'alice', profile: {} } };
    });
    app = await startTestApp({ env: { SLACK_SIGNING_SECRET: SECRET, SLACK_BOT_TOKEN: 'xoxb-slow', SLACK_API_URL: fake.apiUrl } });
    slack = await startSlack(app, { clientOptions: FAST_RETRIES, replyBudgetMs: 50 });
    const port = await app.http.listen(0, '127.0.0.1');
    client = new SlackClient(fake, `http://127.0.0.1:${port}/slack/events`);
  });

  afterAll(async () => {
    await slack?.stop();
    await app?.close();
    await fake?.close();
  });

  it('acks at once with an empty body and posts the reply to response_url', async () => {
    const { status, ack, id } = await client.command(ALICE, 'create "Slow but sure"');
    expect(status).toBe(200);
    expect(ack).toBeUndefined();
    const reply = await client.responded(id);
    expect(reply.response_type).toBe('in_channel');
    expect(reply.blocks[0].text.text).toBe('#1 Slow but sure');
  });
});
