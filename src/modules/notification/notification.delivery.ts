import type { Identity, Platform } from '../../core/invocation.js';
import type { NotifierRouter } from '../../core/notifier.js';
import type { Reply } from '../../core/reply.js';
import type { Logger } from '../../infra/logger.js';
import { isPermanentEmailError, type EmailSender } from './email.channel.js';
import { replyAsText } from './notification.presenter.js';
import type { NotificationRepository, OutboxItem, Recipient } from './notification.repository.js';
import { MAX_ATTEMPTS, quietHoursEnd, retryDelayMs, wants } from './notification.rules.js';
import { Pacer } from './pacer.js';

export interface DeliveryOptions {
  router: NotifierRouter;
  email?: EmailSender;
  logger: Logger;
  /** Sends per second per platform, kept below the platform's limit. */
  rates?: Partial<Record<Platform | 'email', number>>;
  batchSize?: number;
  /** How long a claim holds a row; past it another worker may send it. */
  leaseMs?: number;
  /** Sends in flight at once (across platforms; each platform is paced on its own). */
  concurrency?: number;
  random?: () => number;
}

/**
 * Discord allows ~50 requests/s per bot and a first DM costs two (open the channel,
 * post), so 24 DMs/s stays under it; Slack's chat.postMessage is ~1/s per channel
 * (every DM is its own channel) with a per-workspace ceiling, kept at 18/s.
 */
export const DEFAULT_RATES: Record<Platform | 'email', number> = { discord: 24, slack: 18, console: Infinity, email: 10 };

export type DeliveryCounts = { claimed: number; sent: number; retried: number; failed: number; deferred: number; released: number; expired: number };

type Outcome = 'sent' | 'retried' | 'failed' | 'deferred';

/**
 * The outbox worker: claims due rows under a lease, sends each through the chat
 * DM of the user's reachable identity and/or email as their preferences say,
 * and records what happened. Transient failures come back later with
 * exponential backoff and jitter; permanent ones leave the outbox with the
 * reason in `last_error`. A shutdown signal stops it between sends and gives the
 * rows it has not touched back at once.
 */
export class NotificationDelivery {
  private readonly pacer: Pacer;

  constructor(
    private readonly repository: () => NotificationRepository,
    private readonly options: DeliveryOptions,
  ) {
    const rates = { ...DEFAULT_RATES, ...options.rates };
    this.pacer = new Pacer((key) => rates[key as Platform | 'email'] ?? 10);
  }

  /** Drains what is due now, batch after batch, until nothing is left or `signal` is raised. */
  async run(now: () => Date, signal?: AbortSignal): Promise<DeliveryCounts> {
    const counts: DeliveryCounts = { claimed: 0, sent: 0, retried: 0, failed: 0, deferred: 0, released: 0, expired: 0 };
    counts.expired = await this.repository().expire(now());
    const batchSize = this.options.batchSize ?? 200;
    while (!signal?.aborted) {
      const batch = await this.runBatch(now, batchSize, signal);
      for (const key of Object.keys(counts) as Array<keyof DeliveryCounts>) if (key !== 'expired') counts[key] += batch[key];
      if (batch.claimed < batchSize) break;
    }
    return counts;
  }

  async runBatch(now: () => Date, limit: number, signal?: AbortSignal): Promise<Omit<DeliveryCounts, 'expired'>> {
    const repo = this.repository();
    const at = now();
    const items = await repo.claim(at, limit, new Date(at.getTime() + (this.options.leaseMs ?? 120_000)));
    const counts = { claimed: items.length, sent: 0, retried: 0, failed: 0, deferred: 0, released: 0 };
    if (!items.length) return counts;
    const recipients = await repo.recipients(items.map((i) => i.userId));
    const untouched: OutboxItem[] = [];
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const item = items[next++]!;
        if (signal?.aborted) {
          untouched.push(item);
          continue;
        }
        const outcome = await this.deliver(repo, item, recipients.get(item.userId), now).catch(async (error: unknown) => {
          this.options.logger.error({ err: error, notification: item.id }, 'notification delivery failed unexpectedly');
          await repo.reschedule(item, new Date(now().getTime() + retryDelayMs(item.attempts, this.options.random)), 'internal error');
          return 'retried' as const;
        });
        counts[outcome]++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 16, items.length) }, worker));
    if (untouched.length) {
      await repo.release(untouched);
      counts.released = untouched.length;
    }
    return counts;
  }

  private async deliver(repo: NotificationRepository, item: OutboxItem, recipient: Recipient | undefined, now: () => Date): Promise<Outcome> {
    if (!recipient) {
      await repo.giveUp(item, 'the user no longer exists');
      return 'failed';
    }
    const quietUntil = quietHoursEnd(now(), recipient.timezone, recipient.quietHoursStart, recipient.quietHoursEnd);
    if (quietUntil) {
      await repo.reschedule(item, quietUntil, null, false);
      return 'deferred';
    }
    const reply = (item.data.reply as Reply | undefined) ?? { title: item.title, text: item.message ?? undefined };
    const inApp = wants(recipient.preferences, item.type, 'in_app');
    const email = Boolean(this.options.email && recipient.email && wants(recipient.preferences, item.type, 'email'));
    if (!inApp && !email) {
      await repo.giveUp(item, 'turned off in the notification preferences', 'muted');
      return 'failed';
    }

    const via: string[] = [];
    const errors: string[] = [];
    let transient = false;
    if (inApp) {
      const result = await this.sendToChat(repo, recipient.identities, reply, now);
      if (result.delivered) via.push('dm');
      else if (result.error) {
        errors.push(result.error);
        transient ||= result.transient;
      }
    }
    if (email) {
      try {
        await this.pacer.take('email');
        await this.options.email!.send({ to: recipient.email!, subject: reply.title ?? item.title, text: replyAsText(reply) });
        via.push('email');
      } catch (error) {
        errors.push(`email: ${error instanceof Error ? error.message : String(error)}`);
        transient ||= !isPermanentEmailError(error);
      }
    }

    if (via.length) {
      await repo.markSent(item, via.join('+'), now());
      return 'sent';
    }
    const reason = errors.join('; ') || 'no reachable identity';
    if (transient && item.attempts < MAX_ATTEMPTS) {
      await repo.reschedule(item, new Date(now().getTime() + retryDelayMs(item.attempts, this.options.random)), reason);
      return 'retried';
    }
    await repo.giveUp(item, reason);
    return 'failed';
  }

  /** The first identity whose platform runs here and accepts the DM; unreachable ones are marked and skipped. */
  private async sendToChat(
    repo: NotificationRepository,
    identities: Identity[],
    reply: Reply,
    now: () => Date,
  ): Promise<{ delivered: boolean; error?: string; transient: boolean }> {
    const { router } = this.options;
    let error: string | undefined;
    let transient = false;
    const reachable = identities.filter((i) => router.has(i.platform));
    if (!reachable.length)
      return {
        delivered: false,
        error: identities.length ? 'no adapter running for the user\u2019s platforms' : 'no reachable identity',
        transient: identities.length > 0,
      };
    for (const identity of reachable) {
      await this.pacer.take(identity.platform);
      const result = await router.send(identity, reply);
      if (result.delivered) return { delivered: true, transient: false };
      error = `${identity.platform}: ${result.detail ?? result.reason}`;
      if (result.reason === 'unreachable' && !result.retryable) {
        await repo.markIdentityUnreachable(identity, now());
        continue;
      }
      transient ||= result.retryable;
    }
    return { delivered: false, error, transient };
  }
}
