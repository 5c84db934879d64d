import type { EntityManager } from '@mikro-orm/postgresql';
import { UserBehaviorLog } from '../analytics/behavior-log.entity.js';
import { Notification } from '../notification/notification.entity.js';
import { QuestAnalytics } from '../quest/quest.entity.js';
import { AiSuggestion } from '../suggestion/ai-suggestion.entity.js';

/** Retention and partition upkeep: deletes by age and calls the partition functions of the initial migration. */
export class HousekeepingRepository {
  constructor(private readonly em: EntityManager) {}

  /** raw: calls the plpgsql function the initial migration defines (DDL the ORM cannot express). */
  async ensureBehaviorLogPartitions(monthsBack: number, monthsAhead: number): Promise<number> {
    const [row] = await this.em.execute<{ created: number }[]>('select ensure_behavior_log_partitions(?, ?) as created', [monthsBack, monthsAhead]);
    return Number(row?.created ?? 0);
  }

  /** raw: likewise, drops monthly partitions that end on or before `cutoff` (YYYY-MM-DD). */
  async dropBehaviorLogPartitionsBefore(cutoff: string): Promise<number> {
    const [row] = await this.em.execute<{ dropped: number }[]>('select drop_behavior_log_partitions_before(?::date) as dropped', [cutoff]);
    return Number(row?.dropped ?? 0);
  }

  /** Rows older than `before` that no monthly partition took (they sit in DEFAULT). */
  deleteBehaviorLogsBefore(before: Date): Promise<number> {
    return this.em.nativeDelete(UserBehaviorLog, { timestamp: { $lt: before } });
  }

  deleteNotificationsBefore(before: Date): Promise<number> {
    return this.em.nativeDelete(Notification, { createdAt: { $lt: before } });
  }

  deleteSuggestionsBefore(before: Date): Promise<number> {
    return this.em.nativeDelete(AiSuggestion, { createdAt: { $lt: before } });
  }

  deleteAnalyticsBefore(before: Date): Promise<number> {
    return this.em.nativeDelete(QuestAnalytics, { createdAt: { $lt: before } });
  }
}
