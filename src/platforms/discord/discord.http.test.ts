import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { CommandRegistry } from '../../core/registry.js';
import { defineCommand, sub } from '../../core/spec.js';
import { DiscordFake, type DispatchedInteraction, type JsonObject } from '../../testing/discord-fake.js';
import { discordSignatureHeaders, generateDiscordKeyPair } from '../../testing/discord-sign.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startDiscord } from './index.js';

const APP_ID = '1300000000000000003';
const GUILD = '1100000000000000001';
const ALICE = '1200000000000000002';
const keys = generateDiscordKeyPair();

let fake: DiscordFake;
let app: TestApp;
let discord: { stop(): Promise<void> };
let url = '';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Handlers that take a while, to see the endpoint answer first and edit later. */
const report = defineCommand({
  name: 'report',
  description: 'A deliberately slow report',
  subcommands: {
    declared: sub({
      description: 'Declared slow',
      slow: true,
      ephemeral: true,
      options: {},
      handler: async () => (await sleep(300), { title: 'Your private report' }),
    }),
    surprise: sub({ description: 'Slow without saying so', options: {}, handler: async () => (await sleep(2500), { title: 'Your public report' }) }),
  },
});

beforeAll(async () => {
  fake = await DiscordFake.start({ applicationId: APP_ID });
  app = await startTestApp({ env: { DISCORD_PUBLIC_KEY: keys.publicKeyHex, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl } });
  const dispatcher = app.createDispatcher(new CommandRegistry([...commands, report]));
  discord = await startDiscord({ ...app, dispatcher });
  url = `http://127.0.0.1:${await app.http.listen(0, '127.0.0.1')}/discord/interactions`;
});
afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  await app?.close();
});

async function post(body: string, headers: Record<string, string>): Promise<{ status: number; body: JsonObject }> {
  const res = await fetch(url, { method: 'POST', headers, body });
  return { status: res.status, body: (await res.json()) as JsonObject };
}

/** Delivers a signed interaction as Discord does, and tells the fake what the endpoint answered. */
async function deliver(interaction: DispatchedInteraction): Promise<{ status: number; body: JsonObject }> {
  const body = JSON.stringify(interaction.payload);
  const res = await post(body, discordSignatureHeaders(keys.privateKey, body));
  if (res.status === 200) fake.recordHttpResponse(interaction.id, res.body as { type: number });
  return res;
}

const command = (name: string, subcommand: string, options: Record<string, string> = {}) =>
  fake.buildInteraction({
    type: 2,
    userId: ALICE,
    guildId: GUILD,
    data: {
      id: '1',
      name,
      type: 1,
      options: [{ name: subcommand, type: 1, options: Object.entries(options).map(([n, value]) => ({ name: n, type: 3, value })) }],
    },
  });

const questCount = async () => (await app.sql('select id from quests')).length;

describe('Discord HTTP interactions endpoint', () => {
  it('refuses missing, wrong and stale signatures with 401 and changes nothing', async () => {
    const body = JSON.stringify(command('quest', 'create', { title: 'Forged' }).payload);
    const now = Math.floor(Date.now() / 1000);
    const other = generateDiscordKeyPair();
    const cases: Array<Record<string, string>> = [
      { 'content-type': 'application/json' },
      discordSignatureHeaders(other.privateKey, body),
      // Signed at `now` but sent as `now + 1`: an explicit timestamp, so a second ticking over cannot make them agree.
      { ...discordSignatureHeaders(keys.privateKey, body, String(now)), 'x-signature-timestamp': String(now + 1) },
      discordSignatureHeaders(keys.privateKey, body, String(now - 301)),
    ];
    for (const headers of cases) expect((await post(body, headers)).status).toBe(401);
    const signed = discordSignatureHeaders(keys.privateKey, body);
    expect((await post(body.replace('Forged', 'Forgee'), signed)).status).toBe(401);
    expect(await questCount()).toBe(0);
  });

  it('answers PING with PONG', async () => {
    const ping = fake.buildInteraction({ type: 1 });
    expect(await deliver(ping)).toEqual({ status: 200, body: { type: 1 } });
  });

  it('handles a signed command in the HTTP response, and a replay of it changes nothing', async () => {
    const create = command('quest', 'create', { title: 'Slay the dragon', difficulty: 'hard' });
    const body = JSON.stringify(create.payload);
    const headers = discordSignatureHeaders(keys.privateKey, body);
    const first = await post(body, headers);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ type: 4, data: { allowed_mentions: { parse: [] }, embeds: [{ title: '#1 Slay the dragon' }] } });
    expect(fake.recordHttpResponse(create.id, first.body as { type: number }).accepted).toBe(true);
    const replay = await post(body, headers);
    expect(replay.status).toBe(409);
    expect(await questCount()).toBe(1);

    const list = await deliver(command('quest', 'list'));
    expect(list.body.data.embeds[0].description).toContain('**#1** Slay the dragon');
  });

  it('answers autocomplete, buttons and modals in the HTTP response (types 8, 7, 9)', async () => {
    const auto = fake.buildInteraction({
      type: 4,
      userId: ALICE,
      guildId: GUILD,
      data: { id: '1', name: 'quest', type: 1, options: [{ name: 'view', type: 1, options: [{ name: 'quest', type: 3, value: 'drag', focused: true }] }] },
    });
    expect((await deliver(auto)).body).toEqual({ type: 8, data: { choices: [{ name: '#1 Slay the dragon (active)', value: '1' }] } });

    const zone = fake.buildInteraction({
      type: 4,
      userId: ALICE,
      guildId: GUILD,
      data: {
        id: '2',
        name: 'settings',
        type: 1,
        options: [{ name: 'timezone', type: 1, options: [{ name: 'zone', type: 3, value: 'SAO PAU', focused: true }] }],
      },
    });
    expect((await deliver(zone)).body).toEqual({ type: 8, data: { choices: [{ name: 'America/Sao_Paulo', value: 'America/Sao_Paulo' }] } });

    const view = command('quest', 'view', { quest: '1' });
    expect((await deliver(view)).body.type).toBe(4);
    const card = fake.originalMessage(view.id)!;
    const start = fake.buildInteraction({ type: 3, userId: ALICE, guildId: GUILD, data: { custom_id: 'quest start #1', component_type: 2 }, message: card });
    const started = await deliver(start);
    expect(started.body).toMatchObject({ type: 7, data: { embeds: [{ title: '#1 Slay the dragon' }] } });
    expect(started.body.data.embeds[0].fields.find((f: JsonObject) => f.name === 'Status').value).toMatch(/in progress/i);

    const addStep = card.components.flatMap((row: JsonObject) => row.components).find((b: JsonObject) => b.label === 'Add step');
    const click = fake.buildInteraction({ type: 3, userId: ALICE, guildId: GUILD, data: { custom_id: addStep.custom_id, component_type: 2 }, message: card });
    const modal = await deliver(click);
    expect(modal.body).toMatchObject({ type: 9, data: { custom_id: 'step add quest:#1', title: 'Add a step to #1' } });
    const submit = fake.buildInteraction({
      type: 5,
      userId: ALICE,
      guildId: GUILD,
      data: {
        custom_id: modal.body.data.custom_id,
        components: [{ type: 18, id: 1, component: { type: 4, id: 2, custom_id: 'title', value: 'Find the cave' } }],
      },
      message: card,
    });
    expect((await deliver(submit)).body.type).toBe(7);
    expect((await app.sql<{ title: string }>('select title from quest_steps')).map((s) => s.title)).toEqual(['Find the cave']);
  });

  it('answers bad input with an ephemeral error', async () => {
    const bad = await deliver(command('quest', 'create', { title: 'x', estimate: 'forever' }));
    expect(bad.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(bad.body.data.embeds[0].description).toMatch(/^`estimate` must be a duration/);
    expect(await questCount()).toBe(1);
  });

  it('defers slow work (type 5, ephemeral when declared) and edits @original over REST', async () => {
    const declared = command('report', 'declared');
    const surprise = command('report', 'surprise');
    const [a, b] = await Promise.all([deliver(declared), deliver(surprise)]);
    expect(a.body).toEqual({ type: 5, data: { flags: 64 } });
    expect(b.body).toEqual({ type: 5, data: {} });
    for (const [interaction, title] of [
      [declared, 'Your private report'],
      [surprise, 'Your public report'],
    ] as const) {
      const edit = await fake.waitFor((r) => r.method === 'PATCH' && r.status === 200 && r.path.endsWith(`/${interaction.token}/messages/@original`), 8000);
      expect(edit.body).toMatchObject({ embeds: [{ title }], allowed_mentions: { parse: [] } });
      expect(edit.headers.authorization).toBeUndefined();
    }
    expect(fake.originalMessage(declared.id)).toMatchObject({ flags: 64, embeds: [{ title: 'Your private report' }] });
  });
});
