import type { DeliveryResult, Notifier } from '../../core/notifier.js';
import type { Identity } from '../../core/invocation.js';
import type { Reply } from '../../core/reply.js';

/** Prints messages for the local user in the console; other users of the data directory are not here to see them. */
export class ConsoleNotifier implements Notifier {
  readonly platform = 'console' as const;

  constructor(
    private readonly localUser: string,
    private readonly print: (reply: Reply) => void,
  ) {}

  async send(identity: Identity, reply: Reply): Promise<DeliveryResult> {
    if (identity.platformUserId !== this.localUser) {
      return { delivered: false, reason: 'unreachable', retryable: true, detail: `${identity.platformUserId} is not at this console` };
    }
    this.print({ ...reply, title: reply.title ? `🔔 ${reply.title}` : '🔔 Notification' });
    return { delivered: true };
  }
}
