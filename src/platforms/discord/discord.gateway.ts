import {
  AttachmentBuilder,
  Client,
  Events,
  GatewayDispatchEvents,
  GatewayIntentBits,
  type APIInteraction,
  type AutocompleteInteraction,
  type Interaction,
  type RepliableInteraction,
} from 'discord.js';
import { InFlight } from '../../core/deadline.js';
import { handleInteraction, type DiscordResponder, type InteractionDeps } from './discord.interaction.js';
import { NO_MENTIONS, type DiscordMessage } from './discord.render.js';

export interface GatewayOptions {
  token: string;
  /** REST base; the gateway URL comes from `GET /gateway/bot` under it. */
  apiUrl: string;
  deps: InteractionDeps;
}

export interface DiscordGateway {
  client: Client;
  stop(): Promise<void>;
}

/** How long shutdown waits for interactions being answered. */
const DRAIN_MS = 10_000;

/**
 * Gateway mode: a discord.js client with the Guilds intent only (slash
 * commands need no privileged intents). Every interaction goes through
 * `handleInteraction`; the raw payload, captured from the same gateway
 * packet, is what the platform-neutral reader takes.
 */
export async function startGateway({ token, apiUrl, deps }: GatewayOptions): Promise<DiscordGateway> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: apiUrl }, allowedMentions: NO_MENTIONS });
  const inflight = new InFlight();
  // discord.js emits the raw dispatch and then, synchronously, interactionCreate for the same packet.
  let latest: APIInteraction | undefined;
  client.ws.on(GatewayDispatchEvents.InteractionCreate, (data: APIInteraction) => {
    latest = data;
  });
  client.on(Events.InteractionCreate, (interaction: Interaction) => {
    const payload = latest?.id === interaction.id ? latest : undefined;
    latest = undefined;
    if (!payload || !(interaction.isRepliable() || interaction.isAutocomplete())) return;
    const work = handleInteraction(deps, payload, new GatewayResponder(interaction)).catch((error: unknown) => {
      deps.logger.error({ err: error, interaction: interaction.id }, 'discord interaction failed');
    });
    void inflight.track(work);
  });
  client.on(Events.Error, (error) => deps.logger.error({ err: error }, 'discord client error'));
  client.on(Events.ShardDisconnect, (event, shard) => deps.logger.warn({ code: event.code, shard }, 'discord gateway disconnected'));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(token);
    await ready;
  } catch (error) {
    await client.destroy();
    throw error;
  }
  deps.logger.info({ user: client.user?.tag }, 'discord gateway ready');
  return {
    client,
    async stop() {
      await inflight.drain(DRAIN_MS);
      await client.destroy();
    },
  };
}

/** Answers through discord.js's interaction methods. */
class GatewayResponder implements DiscordResponder {
  constructor(private readonly interaction: RepliableInteraction | AutocompleteInteraction) {}

  private get repliable(): RepliableInteraction {
    if (this.interaction.isAutocomplete()) throw new Error('an autocomplete interaction only takes choices');
    return this.interaction;
  }

  /** A click, or a modal opened from one: the answer may replace the message it came from. */
  private get onMessage() {
    const i = this.repliable;
    return i.isMessageComponent() || (i.isModalSubmit() && i.isFromMessage()) ? i : undefined;
  }

  async reply(message: DiscordMessage): Promise<void> {
    await this.repliable.reply({ ...options(message), flags: message.body.flags });
  }

  async update(message: DiscordMessage): Promise<void> {
    const i = this.onMessage;
    if (i) await i.update(options(message));
    else await this.reply(message);
  }

  async deferReply(ephemeral: boolean): Promise<void> {
    await this.repliable.deferReply(ephemeral ? { flags: 'Ephemeral' } : {});
  }

  async deferUpdate(): Promise<void> {
    const i = this.onMessage;
    if (i) await i.deferUpdate();
    else await this.repliable.deferReply();
  }

  async editReply(message: DiscordMessage): Promise<void> {
    await this.repliable.editReply(options(message));
  }

  async followUp(message: DiscordMessage): Promise<void> {
    await this.repliable.followUp({ ...options(message), flags: message.body.flags });
  }

  async deleteReply(): Promise<void> {
    await this.repliable.deleteReply();
  }

  async showModal(modal: Parameters<DiscordResponder['showModal']>[0]): Promise<void> {
    const i = this.repliable;
    if (!(i.isMessageComponent() || i.isChatInputCommand())) throw new Error('a modal can only answer a command or a click');
    await i.showModal(modal);
  }

  async autocomplete(choices: Parameters<DiscordResponder['autocomplete']>[0]): Promise<void> {
    if (!this.interaction.isAutocomplete()) throw new Error('choices answer autocomplete interactions only');
    await this.interaction.respond(choices);
  }
}

/** discord.js options for a rendered message (flags only where Discord lets them be set). */
function options(message: DiscordMessage) {
  return {
    content: message.body.content,
    embeds: message.body.embeds,
    components: message.body.components,
    allowedMentions: message.body.allowed_mentions,
    files: message.files.map((file) => new AttachmentBuilder(file.data, { name: file.name, description: file.description })),
  };
}
