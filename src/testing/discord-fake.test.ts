import {
  AttachmentBuilder,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  LabelBuilder,
  MessageFlags,
  ModalBuilder,
  TextInputBuilder,
  TextInputStyle,
  Routes,
  type Interaction,
} from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DiscordFake } from './discord-fake.js';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Runs `handler` for the next interaction with the given id and resolves with its result. */
function onInteraction<T>(client: Client, id: () => string, handler: (i: Interaction) => Promise<T>): Promise<T> {
  return withTimeout(
    new Promise<T>((resolve, reject) => {
      const listener = (interaction: Interaction) => {
        if (interaction.id !== id()) return;
        client.off(Events.InteractionCreate, listener);
        handler(interaction).then(resolve, reject);
      };
      client.on(Events.InteractionCreate, listener);
    }),
    5000,
    'interaction handler',
  );
}

describe('DiscordFake with the real discord.js client', () => {
  const guildId = '1100000000000000001';
  const userId = '1200000000000000002';
  let fake: DiscordFake;
  let client: Client;

  beforeAll(async () => {
    fake = await DiscordFake.start({ applicationId: '1300000000000000003' });
    client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await withTimeout(client.login('fake-token'), 5000, 'login');
    await withTimeout(ready, 5000, 'clientReady');
  });

  afterAll(async () => {
    await client?.destroy();
    await fake?.close();
  });

  beforeEach(() => fake.reset());

  it('serves the gateway handshake and records the intents', () => {
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.application?.id).toBe(fake.applicationId);
    expect(fake.readySessions).toBe(1);
    expect(fake.intents).toBe(GatewayIntentBits.Guilds);
    expect(fake.identifies[0]).toMatchObject({ token: 'fake-token', shard: [0, 1] });
  });

  it('records a chat-input reply as callback type 4', async () => {
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('expected chat input');
        expect(interaction.commandName).toBe('quest');
        expect(interaction.options.getSubcommand()).toBe('add');
        expect(interaction.options.getString('title')).toBe('Slay the dragon');
        expect(interaction.options.getInteger('xp')).toBe(50);
        expect(interaction.options.getBoolean('daily')).toBe(true);
        expect(interaction.guildId).toBe(guildId);
        expect(interaction.user.id).toBe(userId);
        await interaction.reply({ content: 'Quest added' });
      },
    );
    ({ id } = fake.chatInput({
      userId,
      guildId,
      name: 'quest',
      subcommand: 'add',
      options: { title: 'Slay the dragon', xp: 50, daily: true },
    }));
    await handled;
    const [callback] = fake.callbacks(id);
    expect(callback).toMatchObject({ type: 4, accepted: true, status: 204, data: { content: 'Quest added' } });
    expect(fake.originalMessage(id)?.content).toBe('Quest added');
  });

  it('records deferReply(ephemeral) + editReply as type 5 with flags 64 and a PATCH to @original', async () => {
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('expected chat input');
        await interaction.deferReply({ flags: MessageFlags.Ephemeral });
        const message = await interaction.editReply({
          content: 'Here is your chart',
          files: [new AttachmentBuilder(Buffer.from('png-bytes'), { name: 'chart.png' })],
        });
        return message;
      },
    );
    const sent = fake.chatInput({ userId, name: 'stats' });
    id = sent.id;
    const { token } = sent;
    const message = await handled;
    expect(fake.callbacks(id)[0]).toMatchObject({ type: 5, data: { flags: 64 }, accepted: true });
    const [edit] = fake.webhookEdits(token);
    expect(edit.path).toBe(`/webhooks/${fake.applicationId}/${token}/messages/@original`);
    expect(edit.body.content).toBe('Here is your chart');
    expect(edit.files.map((f) => f.filename)).toEqual(['chart.png']);
    expect(edit.files[0].data.toString()).toBe('png-bytes');
    expect(message.content).toBe('Here is your chart');
    expect(message.flags.has(MessageFlags.Ephemeral)).toBe(true);
    expect(message.attachments.first()?.name).toBe('chart.png');
  });

  it('enforces one acknowledgement (40060) and the 3 s deadline (10062)', async () => {
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isRepliable()) throw new Error('expected repliable');
        await interaction.reply({ content: 'first' });
        // Bypass discord.js's own "already replied" guard to hit the API rule.
        const second = await client.rest
          .post(`/interactions/${interaction.id}/${interaction.token}/callback`, {
            body: { type: 4, data: { content: 'second' } },
            auth: false,
          })
          .catch((error: unknown) => error);
        return second;
      },
    );
    ({ id } = fake.chatInput({ userId, guildId, name: 'ping' }));
    const second = await handled;
    expect(second).toBeInstanceOf(DiscordAPIError);
    expect((second as DiscordAPIError).code).toBe(40060);
    expect(fake.callbacks(id).map((c) => [c.accepted, c.errorCode])).toEqual([
      [true, undefined],
      [false, 40060],
    ]);

    let late = '';
    const lateHandled = onInteraction(
      client,
      () => late,
      async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('expected chat input');
        fake.ageInteraction(interaction.id, 3001);
        return interaction.reply({ content: 'too late' }).catch((error: unknown) => error);
      },
    );
    ({ id: late } = fake.chatInput({ userId, guildId, name: 'ping' }));
    const error = await lateHandled;
    expect((error as DiscordAPIError).code).toBe(10062);
    expect((error as DiscordAPIError).status).toBe(404);
  });

  it('follows up, handles buttons, modals (label shape) and autocomplete', async () => {
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isButton()) throw new Error('expected button');
        expect(interaction.customId).toBe('quest:done:7');
        await interaction.update({ content: 'Done!', components: [] });
        const followUp = await interaction.followUp({ content: 'XP +10', flags: MessageFlags.Ephemeral });
        return followUp.id;
      },
    );
    const clicked = fake.button({ userId, guildId, customId: 'quest:done:7', message: { content: 'Quest 7' } });
    id = clicked.id;
    const { token } = clicked;
    const followUpId = await handled;
    expect(fake.callbacks(id)[0]).toMatchObject({ type: 7, data: { content: 'Done!' } });
    expect(fake.followUps(token)[0].response.id).toBe(followUpId);

    const modal = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isModalSubmit()) throw new Error('expected modal submit');
        const title = interaction.fields.getTextInputValue('title');
        await interaction.reply({ content: `Saved ${title}`, flags: MessageFlags.Ephemeral });
        return title;
      },
    );
    ({ id } = fake.modalSubmit({ userId, customId: 'quest:new', fields: { title: 'Read a book' } }));
    expect(await modal).toBe('Read a book');
    expect(fake.callbacks(id)[0]).toMatchObject({ type: 4, data: { content: 'Saved Read a book', flags: 64 } });

    const legacy = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isModalSubmit()) throw new Error('expected modal submit');
        await interaction.reply({ content: 'noted' });
        return interaction.fields.getTextInputValue('note');
      },
    );
    ({ id } = fake.modalSubmit({ userId, customId: 'note', fields: { note: 'hi' }, shape: 'actionRow' }));
    expect(await legacy).toBe('hi');

    const auto = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
        const focused = interaction.options.getFocused(true);
        await interaction.respond([{ name: `${focused.name}:${focused.value}`, value: 'q1' }]);
      },
    );
    ({ id } = fake.autocomplete({
      userId,
      guildId,
      name: 'quest',
      subcommand: 'done',
      options: { quest: 'dra' },
      focused: 'quest',
    }));
    await auto;
    expect(fake.callbacks(id)[0]).toMatchObject({ type: 8, data: { choices: [{ name: 'quest:dra', value: 'q1' }] } });
  });

  it('answers with_response callbacks and showModal', async () => {
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('expected chat input');
        const response = await interaction.reply({ content: 'with response', withResponse: true });
        return response.resource?.message?.content;
      },
    );
    ({ id } = fake.chatInput({ userId, guildId, name: 'ping' }));
    expect(await handled).toBe('with response');
    expect(fake.callbacks(id)[0]).toMatchObject({ status: 200, accepted: true });

    const modal = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (!interaction.isChatInputCommand()) throw new Error('expected chat input');
        await interaction.showModal(
          new ModalBuilder()
            .setCustomId('quest:new')
            .setTitle('New quest')
            .addLabelComponents(
              new LabelBuilder().setLabel('Title').setTextInputComponent(new TextInputBuilder().setCustomId('title').setStyle(TextInputStyle.Short)),
            ),
        );
      },
    );
    ({ id } = fake.chatInput({ userId, name: 'quest' }));
    await modal;
    expect(fake.callbacks(id)[0]).toMatchObject({
      type: 9,
      data: { custom_id: 'quest:new', title: 'New quest', components: [{ type: 18, component: { type: 4 } }] },
    });
  });

  it('lets the client resume after an op 7 reconnect and keeps delivering interactions', async () => {
    const resumed = withTimeout(new Promise<void>((resolve) => client.once(Events.ShardResume, () => resolve())), 5000, 'shardResume');
    fake.requestReconnect();
    await resumed;
    expect(fake.gatewayReceived.some((p) => p.op === 6)).toBe(true);
    await fake.waitForSessions(1);
    let id = '';
    const handled = onInteraction(
      client,
      () => id,
      async (interaction) => {
        if (interaction.isRepliable()) await interaction.reply({ content: 'still here' });
      },
    );
    ({ id } = fake.chatInput({ userId, guildId, name: 'ping' }));
    await handled;
    expect(fake.callbacks(id)[0]?.data.content).toBe('still here');
  });

  it('supports the HTTP-interactions flow: buildInteraction + recordHttpResponse + webhook REST', async () => {
    const built = fake.buildInteraction({ type: 2, userId, guildId, data: { id: '1', name: 'ping', type: 1 } });
    expect(built.sentTo).toBe(0);
    expect(built.payload).toMatchObject({ version: 1, entitlements: [], member: { user: { id: userId } } });
    const webhookRoute = Routes.webhook(fake.applicationId, built.token);
    const early = await client.rest.post(webhookRoute, { body: { content: 'x' }, auth: false }).catch((e: unknown) => e);
    expect((early as DiscordAPIError).code).toBe(10015);

    expect(fake.recordHttpResponse(built.id, { type: 5 })).toMatchObject({ accepted: true, viaHttp: true });
    await client.rest.patch(Routes.webhookMessage(fake.applicationId, built.token, '@original'), {
      body: { content: 'done later' },
      auth: false,
    });
    expect(fake.originalMessage(built.id)).toMatchObject({ content: 'done later', flags: 0 });
    expect(fake.recordHttpResponse(built.id, { type: 4, data: { content: 'again' } })).toMatchObject({
      accepted: false,
      errorCode: 40060,
    });
  });

  it('registers commands with bulk overwrite', async () => {
    const commands = await client.application!.commands.set([{ name: 'quest', description: 'Manage quests', options: [] }]);
    expect(commands.first()?.name).toBe('quest');
    expect(fake.commands()[0]).toMatchObject({ name: 'quest', application_id: fake.applicationId });
    await client.application!.commands.set([{ name: 'stats', description: 'Stats' }], guildId);
    expect(fake.commands(guildId).map((c) => c.name)).toEqual(['stats']);
    await expect(client.application!.commands.set([{ name: 'Bad Name', description: 'x' }])).rejects.toMatchObject({
      code: 50035,
    });
  });

  it('sends DMs, rejects closed DMs with 50007 and retries 429s by itself', async () => {
    const first = await client.users.send(userId, 'Your daily quests');
    expect(first.content).toBe('Your daily quests');
    expect(fake.dmsTo(userId).map((m) => m.body.content)).toEqual(['Your daily quests']);
    expect(fake.requests.filter((r) => r.path === '/users/@me/channels')[0].body).toEqual({ recipient_id: userId });

    const closed = '1200000000000000099';
    fake.closeDmsFor(closed);
    await expect(client.users.send(closed, 'hello')).rejects.toMatchObject({ code: 50007, status: 403 });
    expect(fake.dmsTo(closed)).toEqual([]);

    fake.rateLimitNext(1, 0.2);
    const started = Date.now();
    const retried = await withTimeout(client.users.send(userId, 'after the limit'), 5000, 'rate-limited send');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(retried.content).toBe('after the limit');
    const posts = fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'));
    expect(posts.map((r) => r.status)).toEqual([200, 403, 429, 200]);
    expect(fake.dmsTo(userId).map((m) => m.body.content)).toEqual(['Your daily quests', 'after the limit']);
  });

  it('answers unknown routes with a recorded 404', async () => {
    const error = await client.rest.get('/nothing/here').catch((e: unknown) => e);
    expect((error as DiscordAPIError).status).toBe(404);
    const recorded = await fake.waitFor((r) => r.path === '/nothing/here', 1000);
    expect(recorded.response).toEqual({ code: 0, message: '404: Not Found' });
  });
});
