import { GatewayIntentBits } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { commands } from '../../../commands/index.js';
import { CommandRegistry } from '../../core/registry.js';
import { defineCommand, sub } from '../../core/spec.js';
import { DiscordFake, type JsonObject, type RecordedCallback } from '../../testing/discord-fake.js';
import { startTestApp, type TestApp } from '../../testing/test-app.js';
import { startDiscord } from './index.js';

const APP_ID = '1300000000000000003';
const GUILD = '1100000000000000001';
const ALICE = '1200000000000000002';
const BOB = '1200000000000000003';
const TOKEN = 'questlog-test-token';

let fake: DiscordFake;
let app: TestApp;
let discord: { stop(): Promise<void> };

beforeAll(async () => {
  fake = await DiscordFake.start({ applicationId: APP_ID, token: TOKEN });
  app = await startTestApp({ env: { DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APP_ID, DISCORD_API_URL: fake.apiUrl } });
  discord = await startDiscord(app);
});
afterAll(async () => {
  await discord?.stop();
  await fake?.close();
  await app?.close();
});

/** The accepted initial response, once the bot has sent it; no rejected attempts before it. */
async function answer(id: string): Promise<RecordedCallback> {
  const accepted = await fake.waitUntil(() => fake.callbacks(id).find((c) => c.accepted), 5000, `an answer to interaction ${id}`);
  expect(fake.callbacks(id).filter((c) => !c.accepted)).toEqual([]);
  return accepted;
}

const buttonNamed = (message: JsonObject | undefined, label: string): string =>
  message!.components.flatMap((row: JsonObject) => row.components).find((b: JsonObject) => b.label === label)!.custom_id;

const questRow = async (user: string, number: number) =>
  (
    await app.sql<{ title: string; status: string }>(
      `select q.title, q.status from quests q join user_identities i on i.user_id = q.user_id
       where i.platform = 'discord' and i.platform_user_id = ? and q.number = ?`,
      [user, number],
    )
  )[0];

describe('Discord gateway mode against the Discord fake', () => {
  let createId = '';

  it('logs in with only the Guilds intent', () => {
    expect(fake.readySessions).toBe(1);
    expect(fake.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.identifies[0]).toMatchObject({ token: TOKEN });
  });

  it('creates a quest from /quest create: a card embed with buttons, mentions off, the guild as space', async () => {
    ({ id: createId } = fake.chatInput({
      userId: ALICE,
      guildId: GUILD,
      name: 'quest',
      subcommand: 'create',
      options: { title: 'Slay the dragon @everyone', difficulty: 'hard', estimate: '2h' },
    }));
    const callback = await answer(createId);
    expect(callback.type).toBe(4);
    expect(callback.data.flags ?? 0).toBe(0);
    expect(callback.data.allowed_mentions).toEqual({ parse: [] });
    const [embed] = callback.data.embeds;
    expect(embed).toMatchObject({ title: '#1 Slay the dragon @everyone', color: 0xe67e22 });
    expect(embed.fields.find((f: JsonObject) => f.name === 'XP').value).toBe('65');
    const labels = callback.data.components.flatMap((row: JsonObject) => row.components.map((b: JsonObject) => b.label));
    expect(labels).toEqual(['Start', 'Complete', 'Add step']);
    expect(buttonNamed(fake.originalMessage(createId), 'Complete')).toBe('quest complete #1');

    expect(await questRow(ALICE, 1)).toEqual({ title: 'Slay the dragon @everyone', status: 'ACTIVE' });
    const [space] = await app.sql<{ platform: string; external_id: string }>(
      `select s.platform, s.external_id from spaces s join space_members m on m.space_id = s.id
       join user_identities i on i.user_id = m.user_id where i.platform_user_id = ?`,
      [ALICE],
    );
    expect(space).toEqual({ platform: 'discord', external_id: GUILD });
  });

  it('lists the quest, in a guild and in a direct message alike', async () => {
    const inGuild = fake.chatInput({ userId: ALICE, guildId: GUILD, name: 'quest', subcommand: 'list' });
    expect((await answer(inGuild.id)).data.embeds[0].description).toContain('**#1** Slay the dragon');
    const inDm = fake.chatInput({ userId: ALICE, name: 'quest', subcommand: 'list' });
    const dm = await answer(inDm.id);
    expect(dm.type).toBe(4);
    expect(dm.data.embeds[0].description).toContain('**#1** Slay the dragon');
  });

  it('suggests the user’s own quests by title or number, and nobody else’s', async () => {
    const byTitle = fake.autocomplete({ userId: ALICE, guildId: GUILD, name: 'quest', subcommand: 'view', options: { quest: 'drag' }, focused: 'quest' });
    const callback = await answer(byTitle.id);
    expect(callback.type).toBe(8);
    expect(callback.data.choices).toEqual([{ name: '#1 Slay the dragon @everyone (active)', value: '1' }]);
    const byNumber = fake.autocomplete({ userId: ALICE, guildId: GUILD, name: 'quest', subcommand: 'start', options: { quest: '#1' }, focused: 'quest' });
    expect((await answer(byNumber.id)).data.choices.map((c: JsonObject) => c.value)).toEqual(['1']);
    const bob = fake.autocomplete({ userId: BOB, guildId: GUILD, name: 'quest', subcommand: 'view', options: { quest: 'drag' }, focused: 'quest' });
    expect((await answer(bob.id)).data.choices).toEqual([]);
  });

  it('shows the help for /help and /questlog help, one subcommand per line', async () => {
    for (const [name, subcommand] of [
      ['help', undefined],
      ['questlog', 'help'],
    ] as const) {
      const asked = fake.chatInput({ userId: ALICE, guildId: GUILD, name, ...(subcommand ? { subcommand } : {}) });
      const embed = (await answer(asked.id)).data.embeds[0];
      expect(embed.title).toBe('Questlog commands');
      const quest = embed.fields.find((f: JsonObject) => f.name === '/quest');
      expect(quest.value.split('\n')).toContain('`complete` Finish one or several quests and collect their XP');
    }
  });

  it('autocompletes /settings timezone with IANA zones matching any part of the name', async () => {
    const typed = fake.autocomplete({
      userId: ALICE,
      guildId: GUILD,
      name: 'settings',
      subcommand: 'timezone',
      options: { zone: 'new york' },
      focused: 'zone',
    });
    const callback = await answer(typed.id);
    expect(callback.type).toBe(8);
    expect(callback.data.choices).toEqual([{ name: 'America/New_York', value: 'America/New_York' }]);
    const broad = fake.autocomplete({ userId: ALICE, guildId: GUILD, name: 'settings', subcommand: 'timezone', options: { zone: 'america' }, focused: 'zone' });
    expect((await answer(broad.id)).data.choices).toHaveLength(25);
    const chosen = fake.chatInput({ userId: ALICE, guildId: GUILD, name: 'settings', subcommand: 'timezone', options: { zone: 'America/New_York' } });
    expect((await answer(chosen.id)).data.embeds[0].description).toMatch(
      /^Time zone set to \*\*America\/New_York\*\*: it is \d\d:\d\d, \w{3} \d{1,2} \w{3} there now\./,
    );
  });

  it('opens the Add step modal as the first response and adds the step on submit, updating the card', async () => {
    const card = fake.originalMessage(createId);
    const click = fake.button({ userId: ALICE, guildId: GUILD, customId: buttonNamed(card, 'Add step'), message: card });
    const modal = await answer(click.id);
    expect(fake.callbacks(click.id)).toHaveLength(1);
    expect(modal.type).toBe(9);
    expect(modal.data).toMatchObject({ title: 'Add a step to #1', components: [{ type: 18, component: { type: 4, custom_id: 'title', required: true } }] });

    const submit = fake.modalSubmit({ userId: ALICE, guildId: GUILD, customId: modal.data.custom_id, fields: { title: 'Find the "cave"' }, message: card });
    const updated = await answer(submit.id);
    expect(updated.type).toBe(7);
    expect(updated.data.embeds[0].description).toContain('Find the "cave"');
    const steps = await app.sql<{ title: string }>('select title from quest_steps');
    expect(steps.map((s) => s.title)).toEqual(['Find the "cave"']);
  });

  it('refuses another user’s click on someone else’s card, privately, and changes nothing', async () => {
    const card = fake.originalMessage(createId);
    const click = fake.button({ userId: BOB, guildId: GUILD, customId: buttonNamed(card, 'Complete'), message: card });
    const callback = await answer(click.id);
    expect(callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(callback.data.embeds[0].description).toMatch(/not found/i);
    // A forged button payload (no message to tell whose it is) runs against the clicker's own quests.
    const forged = fake.button({ userId: BOB, guildId: GUILD, customId: 'quest complete #1' });
    const refused = await answer(forged.id);
    expect(refused).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(refused.data.embeds[0].description).toBe('Quest #1 not found.');
    expect(await questRow(ALICE, 1)).toMatchObject({ status: 'ACTIVE' });
  });

  it('asks first (the step added above is unticked), then completes from Complete anyway', async () => {
    const card = fake.originalMessage(createId);
    const first = fake.button({ userId: ALICE, guildId: GUILD, customId: buttonNamed(card, 'Complete'), message: card });
    const prompt = await answer(first.id);
    expect(prompt).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(prompt.data.embeds[0].description).toMatch(/1 of 1 step still unticked/);
    expect(await questRow(ALICE, 1)).toMatchObject({ status: 'ACTIVE' });
    const click = fake.button({ userId: ALICE, guildId: GUILD, customId: buttonNamed(prompt.data, 'Complete anyway'), message: prompt.data });
    const callback = await answer(click.id);
    expect(callback.data.embeds[0].title).toBe('🎉 Quest complete: #1 Slay the dragon @everyone');
    expect(callback.data.allowed_mentions).toEqual({ parse: [] });
    expect(await questRow(ALICE, 1)).toMatchObject({ status: 'COMPLETED' });
    expect(fake.originalMessage(click.id)?.embeds[0].title).toBe('🎉 Quest complete: #1 Slay the dragon @everyone');
  });

  it('answers bad input with a private error naming the option, and stores nothing', async () => {
    const before = await app.sql('select id from quests');
    const bad = fake.chatInput({ userId: ALICE, guildId: GUILD, name: 'quest', subcommand: 'create', options: { title: 'Later', estimate: 'forever' } });
    const callback = await answer(bad.id);
    expect(callback).toMatchObject({ type: 4, data: { flags: 64, allowed_mentions: { parse: [] } } });
    expect(callback.data.embeds[0].description).toMatch(/^`estimate` must be a duration/);
    expect(await app.sql('select id from quests')).toHaveLength(before.length);
  });
});

describe('Discord direct messages through the notifier port', () => {
  beforeEach(() => fake.reset());
  const identity = (userId: string) => ({ platform: 'discord' as const, scope: '', platformUserId: userId });

  it('opens the DM channel once, sends without pings, and survives a 429', async () => {
    expect(await app.notifier.send(identity(ALICE), { title: 'Good morning', text: '3 quests today @everyone' })).toEqual({ delivered: true });
    fake.rateLimitNext(1, 0.2);
    expect(await app.notifier.send(identity(ALICE), { text: 'Second reminder' })).toEqual({ delivered: true });
    const dms = fake.dmsTo(ALICE);
    expect(dms.map((m) => m.body.embeds[0].description)).toEqual(['3 quests today @everyone', 'Second reminder']);
    expect(dms.every((m) => m.body.allowed_mentions.parse.length === 0)).toBe(true);
    expect(fake.requests.filter((r) => r.path === '/users/@me/channels')).toHaveLength(1);
  });

  it('marks a user with closed DMs unreachable instead of retrying', async () => {
    fake.closeDmsFor(BOB);
    const result = await app.notifier.send(identity(BOB), { text: 'Reminder' });
    expect(result).toMatchObject({ delivered: false, reason: 'unreachable', retryable: false });
    const [row] = await app.sql<{ unreachable_at: Date | null }>(
      `select unreachable_at from user_identities where platform = 'discord' and platform_user_id = ?`,
      [BOB],
    );
    expect(row!.unreachable_at).not.toBeNull();
  });
});

describe('Discord deadlines', () => {
  let slowFake: DiscordFake;
  let slowDiscord: { stop(): Promise<void> };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** Handlers slowed to 5 s: one declared slow (and private), one that just takes long. */
  const report = defineCommand({
    name: 'report',
    description: 'A deliberately slow report',
    subcommands: {
      declared: sub({
        description: 'Declared slow',
        slow: true,
        ephemeral: true,
        options: {},
        handler: async () => (await sleep(5000), { title: 'Your private report' }),
      }),
      surprise: sub({ description: 'Slow without saying so', options: {}, handler: async () => (await sleep(5000), { title: 'Your public report' }) }),
    },
  });

  beforeAll(async () => {
    slowFake = await DiscordFake.start({ applicationId: APP_ID, token: TOKEN });
    const dispatcher = app.createDispatcher(new CommandRegistry([...commands, report]));
    const config = { ...app.config, discord: { ...app.config.discord, apiUrl: slowFake.apiUrl } };
    slowDiscord = await startDiscord({ ...app, config, dispatcher });
  });
  afterAll(async () => {
    await slowDiscord?.stop();
    await slowFake?.close();
  });

  it('defers work that takes 5 s (at once when declared slow, ephemeral as declared) and then edits the answer in', async () => {
    const declared = slowFake.chatInput({ userId: ALICE, guildId: GUILD, name: 'report', subcommand: 'declared' });
    const surprise = slowFake.chatInput({ userId: ALICE, guildId: GUILD, name: 'report', subcommand: 'surprise' });
    for (const { id, token, title, flags } of [
      { ...declared, title: 'Your private report', flags: 64 },
      { ...surprise, title: 'Your public report', flags: 0 },
    ]) {
      const edit = await slowFake.waitFor((r) => r.method === 'PATCH' && r.path.endsWith(`/${token}/messages/@original`), 8000);
      expect(edit.status).toBe(200);
      const callbacks = slowFake.callbacks(id);
      expect(callbacks.map((c) => [c.type, c.accepted, (c.data?.flags ?? 0) & 64])).toEqual([[5, true, flags]]);
      expect(edit.body.embeds[0].title).toBe(title);
      expect(slowFake.originalMessage(id)).toMatchObject({ embeds: [{ title }], flags });
    }
  });
});
