import type { webApi } from '@slack/bolt';
import type { Identity } from '../../core/invocation.js';
import type { DeliveryResult, Notifier } from '../../core/notifier.js';
import type { Reply } from '../../core/reply.js';
import type { KvStore } from '../../infra/kv/kv.js';
import type { Logger } from '../../infra/logger.js';
import { prepareMessage, uploadFilesToDm, uploadImages } from './slack.messages.js';

/** Slack's answers that mean this user will never receive a DM from us. */
const UNREACHABLE = new Set(['user_not_found', 'account_inactive', 'cannot_dm_bot', 'user_disabled']);

export interface SlackNotifierDeps {
  kv: KvStore;
  logger: Logger;
  tokenFor(teamId: string): Promise<string | undefined>;
  /** A WebClient for a bot token; it waits out 429s (Retry-After) by itself. */
  clientFor(token: string): webApi.WebClient;
  markUnreachable(identity: Identity): Promise<void>;
}

/** Direct messages: `chat.postMessage` with the user id as the channel, then the follow-ups. */
export class SlackNotifier implements Notifier {
  readonly platform = 'slack' as const;

  constructor(private readonly deps: SlackNotifierDeps) {}

  async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
    const token = await this.deps.tokenFor(identity.scope);
    if (!token) return { delivered: false, reason: 'no_channel', retryable: false, detail: `Questlog is not installed in Slack team ${identity.scope}` };
    const client = this.deps.clientFor(token);
    try {
      for (const message of [reply, ...(reply.followUps ?? [])]) {
        const rendered = await prepareMessage(this.deps.kv, message, { owner: identity.platformUserId, images: 'upload' });
        const posted = await client.chat.postMessage({ channel: identity.platformUserId, text: rendered.text, blocks: rendered.blocks });
        if (message.images?.length && posted.channel) await uploadImages(client, posted.channel, message.images);
        if (message.files?.length && posted.channel) await uploadFilesToDm(client, identity.platformUserId, message.files, posted.channel);
      }
      return { delivered: true };
    } catch (error) {
      const code = error instanceof Error && 'data' in error ? (error as webApi.WebAPIPlatformError).data?.error : undefined;
      if (code && UNREACHABLE.has(code)) {
        await this.deps.markUnreachable(identity);
        return { delivered: false, reason: 'unreachable', retryable: false, detail: code };
      }
      this.deps.logger.warn({ err: error, team: identity.scope, user: identity.platformUserId }, 'slack direct message failed');
      // Platform errors other than the above (bad blocks, revoked token) will not fix themselves; transport errors may.
      return { delivered: false, reason: 'error', retryable: !code, detail: code ?? (error instanceof Error ? error.message : String(error)) };
    }
  }
}
