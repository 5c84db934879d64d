import { SocketModeReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackFake } from '../../testing/slack-fake.js';
import { fakeEventId, slashCommandBody } from '../../testing/slack-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { createSlack, type Slack } from './index.js';

const TEAM = 'T0SOCKET01';
const DAVE = 'U0DAVE0001';

/**
 * The fake does not serve Socket Mode's websocket, so this drives the wiring one
 * level below it: envelopes go straight into the receiver's SocketModeClient,
 * as it emits them after reading a frame, and its ack callback is what would be
 * written back as `{ envelope_id, payload }`.
 */
describe('Slack Socket Mode wiring (SLACK_APP_TOKEN)', () => {
  let fake: SlackFake;
  let app: TestApp;
  let slack: Slack;
  let receiver: SocketModeReceiver;

  function deliver(type: string, body: Record<string, unknown>): Promise<unknown> {
    return new Promise((resolve) => {
      receiver.client.emit('slack_event', { ack: async (payload?: unknown) => resolve(payload), envelope_id: fakeEventId(), type, body, retry_num: 0 });
    });
  }

  beforeAll(async () => {
    fake = await SlackFake.start({ teamId: TEAM, users: { [DAVE]: { tz: 'America/Sao_Paulo', name: 'dave' } } });
    app = await startTestApp({ env: { SLACK_APP_TOKEN: 'xapp-1-test', SLACK_BOT_TOKEN: 'xoxb-socket', SLACK_API_URL: fake.apiUrl } });
    slack = createSlack(app, { clientOptions: { retryConfig: { retries: 0 } } });
    receiver = slack.receiver as SocketModeReceiver;
  });

  afterAll(async () => {
    await slack?.stop();
    await app?.close();
    await fake?.close();
  });

  it('uses the Socket Mode receiver and mounts no HTTP event endpoint', async () => {
    expect(receiver).toBeInstanceOf(SocketModeReceiver);
    const port = await app.http.listen(0, '127.0.0.1');
    const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: '{}', signal: AbortSignal.timeout(5000) });
    expect(res.status).toBe(404);
  });

  it('answers a slash command envelope through the same dispatch path, in the envelope ack', async () => {
    const body = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({ teamId: TEAM, userId: DAVE, command: '/quest', text: 'create "Over the socket"', responseUrl: fake.responseUrl('socket') }),
      ),
    );
    const payload = (await deliver('slash_commands', body)) as { response_type: string; blocks: any[] };
    expect(payload.response_type).toBe('in_channel');
    expect(payload.blocks[0].text.text).toBe('#1 Over the socket');
    const [profile] = await app.sql<{ timezone: string }>(
      "select p.timezone from user_profiles p join user_identities i on i.user_id = p.user_id where i.platform = 'slack' and i.platform_user_id = ?",
      [DAVE],
    );
    expect(profile!.timezone).toBe('America/Sao_Paulo');
  });
});
