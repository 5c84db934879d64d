import type { Identity, Platform } from './invocation.js';
import type { Reply } from './reply.js';

export type DeliveryResult =
  | { delivered: true }
  /** `unreachable`: the platform refuses DMs to this user (mark the identity, do not retry). */
  | { delivered: false; reason: 'unreachable' | 'no_channel' | 'error'; retryable: boolean; detail?: string };

/** The port for messages outside a command: reminders, level-ups, achievements. */
export interface Notifier {
  readonly platform: Platform;
  send(identity: Identity, reply: Reply): Promise<DeliveryResult>;
}

/** Routes each message to the notifier of the identity's platform. */
export class NotifierRouter {
  private readonly byPlatform = new Map<Platform, Notifier>();

  register(notifier: Notifier): void {
    this.byPlatform.set(notifier.platform, notifier);
  }

  has(platform: Platform): boolean {
    return this.byPlatform.has(platform);
  }

  async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
    const notifier = this.byPlatform.get(identity.platform);
    if (!notifier) return { delivered: false, reason: 'no_channel', retryable: false, detail: `no ${identity.platform} adapter running` };
    return notifier.send(identity, reply);
  }
}
