import type { EntityManager } from '@mikro-orm/postgresql';
import { HousekeepingRepository } from './housekeeping.repository.js';
import { monthsBefore, PARTITIONS_AHEAD, PARTITIONS_BEHIND, partitionCutoff, RETENTION } from './housekeeping.rules.js';

/** The seed's retention, applied by the daily housekeeping jobs. */
export class HousekeepingService {
  constructor(private readonly em: EntityManager) {}

  /** Partitions ahead (rows move out of DEFAULT), old ones dropped past retention. */
  async maintainPartitions(now: Date): Promise<{ partitionsCreated: number; partitionsDropped: number; defaultRowsDeleted: number }> {
    const repo = new HousekeepingRepository(this.em);
    const partitionsCreated = await this.em.transactional((tx) =>
      new HousekeepingRepository(tx).ensureBehaviorLogPartitions(PARTITIONS_BEHIND, PARTITIONS_AHEAD),
    );
    const partitionsDropped = await repo.dropBehaviorLogPartitionsBefore(partitionCutoff(now, RETENTION.behaviorLogMonths));
    const defaultRowsDeleted = await repo.deleteBehaviorLogsBefore(monthsBefore(now, RETENTION.behaviorLogMonths));
    return { partitionsCreated, partitionsDropped, defaultRowsDeleted };
  }

  async applyRetention(now: Date): Promise<{ notificationsDeleted: number; suggestionsDeleted: number; analyticsDeleted: number }> {
    const repo = new HousekeepingRepository(this.em);
    return {
      notificationsDeleted: await repo.deleteNotificationsBefore(monthsBefore(now, RETENTION.notificationMonths)),
      suggestionsDeleted: await repo.deleteSuggestionsBefore(monthsBefore(now, RETENTION.suggestionMonths)),
      analyticsDeleted: await repo.deleteAnalyticsBefore(monthsBefore(now, RETENTION.analyticsMonths)),
    };
  }
}
