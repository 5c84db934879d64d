import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDiscord } from '../../platforms/discord/index.js';
import { DiscordFake, type DispatchedInteraction, type JsonObject } from '../../testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../../testing/discord-sign.js';
import { OpenAiFake } from '../../testing/openai-fake.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';

const APP_ID = '1300000000000000003';
const GUILD = '1100000000000000001';
const ALICE = '1200000000000000002';
const keys = generateDiscordKeyPair();
const STEPS = ['Draft the outline', 'Write the first section', 'Proofread the whole report'];

describe('/suggest over the Discord HTTP endpoint with a slow model', () => {
  let discordFake: DiscordFake;
  let openai: OpenAiFake;
  let app: TestApp;
  let discord: { stop(): Promise<void> };
  let url = '';

  beforeAll(async () => {
    discordFake = await DiscordFake.start({ applicationId: APP_ID });
    // The model answers only after 1.6 s: without a defer the interaction would be answered late.
    openai = await OpenAiFake.start({ respond: () => ({ kind: 'delay', ms: 1600, then: { kind: 'json', value: { steps: STEPS } } }) });
    app = await startTestApp({
      env: {
        DISCORD_PUBLIC_KEY: keys.publicKeyHex,
        DISCORD_APPLICATION_ID: APP_ID,
        DISCORD_API_URL: discordFake.apiUrl,
        OPENAI_API_KEY: 'sk-test',
        OPENAI_BASE_URL: openai.baseUrl,
      },
    });
    discord = await startDiscord(app);
    url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/discord/interactions`;
    await app.dispatcher.dispatch({
      identity: { platform: 'discord', scope: '', platformUserId: ALICE, displayName: 'alice' },
      command: 'quest',
      text: 'create "Write the report"',
      source: 'command',
    });
  });
  afterAll(async () => {
    await discord?.stop();
    await discordFake?.close();
    await openai?.close();
    await app?.close();
  });

  async function deliver(interaction: DispatchedInteraction): Promise<JsonObject> {
    const body = JSON.stringify(interaction.payload);
    const res = await fetch(url, { method: 'POST', headers: discordSignatureHeaders(keys.privateKey, body), body });
    expect(res.status).toBe(200);
    const answer = (await res.json()) as JsonObject;
    discordFake.recordHttpResponse(interaction.id, answer as { type: number });
    return answer;
  }

  it('acknowledges before the model answers, then edits in the suggestion; Accept on its button adds the steps', { timeout: 60_000 }, async () => {
    const interaction = discordFake.buildInteraction({
      type: 2,
      userId: ALICE,
      guildId: GUILD,
      data: { id: '1', name: 'suggest', type: 1, options: [{ name: 'breakdown', type: 1, options: [{ name: 'quest', type: 3, value: '1' }] }] },
    });
    const initial = await deliver(interaction);
    // Deferred (type 5) while the model had not answered yet: the acknowledgement did not wait for it.
    expect(initial).toEqual({ type: 5, data: {} });
    expect(openai.answered).toBe(0);

    const edit = await discordFake.waitFor((r) => r.method === 'PATCH' && r.path === `/webhooks/${APP_ID}/${interaction.token}/messages/@original`, 25_000);
    expect(openai.answered).toBe(1);
    const rendered = JSON.stringify(edit.body);
    for (const step of STEPS) expect(rendered).toContain(step);
    expect(rendered).toContain('Suggested by the model gpt-4o-mini');
    const accept = /"custom_id":"(suggest accept [0-9a-f-]{36})"/.exec(rendered)?.[1];
    expect(accept).toBeDefined();

    const click = discordFake.buildInteraction({
      type: 3,
      userId: ALICE,
      guildId: GUILD,
      data: { custom_id: accept!, component_type: 2 },
      message: { id: '1', interaction_metadata: { id: interaction.id, type: 2, user: { id: ALICE } }, components: [] },
    });
    const updated = await deliver(click);
    expect(updated.type).toBe(7);
    expect(JSON.stringify(updated)).toContain('Added 3 steps to #1');
    expect((await app.sql('select title from quest_steps order by order_index')).map((r) => r.title)).toEqual(STEPS);
  });
});
