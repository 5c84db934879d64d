import { DiscordAPIError, Routes, type REST } from 'discord.js';
import type { Identity } from '../../core/invocation.js';
import type { DeliveryResult, Notifier } from '../../core/notifier.js';
import type { Reply } from '../../core/reply.js';
import { discordDmChannelKey } from '../../core/user-keys.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import type { DiscordCustomIds } from './discord.custom-id.js';
import { renderMessage, restMessage } from './discord.render.js';

/** Discord error codes the notifier acts on. */
const CANNOT_DM = 50007;
const UNKNOWN_CHANNEL = 10003;
/** A DM channel id never changes; the TTL only bounds the in-process store. */
const CHANNEL_TTL_MS = 30 * 24 * 60 * 60 * 1000;

export interface DiscordNotifierOptions {
  /** Authenticated with the bot token; it waits out 429s by itself. */
  rest: REST;
  kv: KvStore;
  ids: DiscordCustomIds;
  logger: Logger;
  /** Called when Discord refuses DMs to the user (50007). */
  markUnreachable(identity: Identity): Promise<void>;
}

/** Direct messages over REST: the DM channel is opened once and its id kept in the kv store. */
export class DiscordNotifier implements Notifier {
  readonly platform = 'discord' as const;

  constructor(private readonly options: DiscordNotifierOptions) {}

  async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
    const { rest, ids, logger } = this.options;
    const userId = identity.platformUserId;
    try {
      const channelId = await this.dmChannel(userId);
      for (const part of [{ ...reply, followUps: undefined }, ...(reply.followUps ?? [])]) {
        const message = await renderMessage({ ...part, ephemeral: false }, ids, logger);
        await rest.post(Routes.channelMessages(channelId), restMessage(message));
      }
      return { delivered: true };
    } catch (error) {
      if (error instanceof DiscordAPIError && error.code === CANNOT_DM) {
        await this.options.markUnreachable(identity).catch((e: unknown) => logger.error({ err: e, userId }, 'could not mark the identity unreachable'));
        return { delivered: false, reason: 'unreachable', retryable: false, detail: 'Discord refuses direct messages to this user (50007)' };
      }
      if (error instanceof DiscordAPIError && error.code === UNKNOWN_CHANNEL) {
        await this.options.kv.del(channelKey(userId)).catch(() => 0);
      }
      const status = error instanceof DiscordAPIError ? error.status : undefined;
      // Network failures, Discord outages and a stale channel are worth another try; other 4xx are not.
      const retryable = status === undefined || status >= 500 || (error as DiscordAPIError).code === UNKNOWN_CHANNEL;
      logger.warn({ err: error, userId, retryable }, 'discord direct message failed');
      return { delivered: false, reason: 'error', retryable, detail: error instanceof Error ? error.message : String(error) };
    }
  }

  private async dmChannel(userId: string): Promise<string> {
    const { kv, rest, logger } = this.options;
    const key = channelKey(userId);
    const cached = await kv.get(key).catch(() => null);
    if (cached) return cached;
    const channel = (await rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as { id: string };
    await kv.set(key, channel.id, CHANNEL_TTL_MS).catch((error: unknown) => logger.warn({ err: error }, 'could not cache the DM channel'));
    return channel.id;
  }
}

function channelKey(userId: string): string {
  return discordDmChannelKey(userId);
}
