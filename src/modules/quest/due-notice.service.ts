import type { EntityManager } from '@mikro-orm/postgresql';
import { NotificationRepository, type NewNotification } from '../notification/notification.repository.js';
import { dueSoonReply } from './due.presenter.js';
import { DueRepository } from './due.repository.js';

export interface DueSoonBatch {
  claimed: number;
  enqueued: number;
}

/**
 * The due-soon notice: once per quest and due time, when the due time comes within
 * the owner's lead time. Each batch is one transaction: claim (skip locked), enqueue
 * with a dedupe key, mark the due time announced. Delivery applies the user's
 * notification preferences and quiet hours; a notice not out before the due time expires.
 */
export class DueNoticeService {
  constructor(private readonly em: EntityManager) {}

  async sendDueSoon(now: Date, limit: number): Promise<DueSoonBatch> {
    return this.em.transactional(async (tx) => {
      const due = new DueRepository(tx);
      const quests = await due.claimDueSoon(now, limit);
      if (!quests.length) return { claimed: 0, enqueued: 0 };
      const notifications = quests.map((q): NewNotification => {
        const reply = dueSoonReply(q, now);
        return {
          userId: q.userId,
          type: 'due_soon',
          title: reply.title!,
          message: reply.text,
          reply,
          data: { questId: q.id, number: q.number, dueAt: q.dueAt.toISOString() },
          dedupeKey: `due_soon:${q.id}:${q.dueAt.getTime()}`,
          expiresAt: q.dueAt,
        };
      });
      const enqueued = await new NotificationRepository(tx).enqueue(notifications);
      await due.markDueNotified(quests.map((q) => q.id));
      return { claimed: quests.length, enqueued };
    });
  }
}
