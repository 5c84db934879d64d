import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Platform } from '../../core/invocation.js';
import { UserAchievement } from '../achievement/achievement.entity.js';
import { UserBehaviorLog } from '../analytics/behavior-log.entity.js';
import { Category } from '../category/category.entity.js';
import { Notification, NotificationPreference } from '../notification/notification.entity.js';
import { ExperienceEvent } from '../progression/experience-event.entity.js';
import { UserStats } from '../progression/user-stats.entity.js';
import { Project } from '../project/project.entity.js';
import { Quest, QuestAnalytics, QuestDependency } from '../quest/quest.entity.js';
import { QuestSearchDocument } from '../search/search.entity.js';
import { QuestSeries } from '../quest/recurrence.entity.js';
import { SpaceMember } from '../space/space.entity.js';
import { QuestStep } from '../step/step.entity.js';
import { Streak } from '../streak/streak.entity.js';
import { AiSuggestion } from '../suggestion/ai-suggestion.entity.js';
import { QuestTag, Tag } from '../tag/tag.entity.js';
import { User, UserIdentity, UserProfile } from '../user/user.entity.js';
import { PrivacyAudit, type PrivacyAction } from './privacy-audit.entity.js';

/** Rows per table name; what the audit keeps (no ids, no names). */
export type RowCounts = Record<string, number>;

/** What a user holds, for the forget-me prompt. */
export interface HoldingsSummary {
  quests: number;
  tags: number;
  categories: number;
  projects: number;
  achievements: number;
  experiencePoints: number;
  identities: Array<{ platform: Platform; displayName: string | null }>;
}

export interface ErasedUser {
  counts: RowCounts;
  identities: Array<{ platform: Platform; scope: string; platformUserId: string }>;
  spaceIds: string[];
}

/** Erasure and the privacy audit. */
export class PrivacyRepository {
  constructor(private readonly em: EntityManager) {}

  async summary(userId: string): Promise<HoldingsSummary | null> {
    const user = await this.em.findOne(User, { id: userId }, { fields: ['experiencePoints'], disableIdentityMap: true });
    if (!user) return null;
    const mine = { userId };
    const identities = await this.em.find(
      UserIdentity,
      { user: userId },
      { fields: ['platform', 'displayName'], orderBy: { createdAt: 'asc' }, disableIdentityMap: true },
    );
    return {
      quests: await this.em.count(Quest, mine),
      tags: await this.em.count(Tag, mine),
      categories: await this.em.count(Category, mine),
      projects: await this.em.count(Project, mine),
      achievements: await this.em.count(UserAchievement, { userId, unlockedAt: { $ne: null } }),
      experiencePoints: user.experiencePoints,
      identities: identities.map((i) => ({ platform: i.platform, displayName: i.displayName ?? null })),
    };
  }

  /**
   * Deletes the user and every row about them in one transaction, children first
   * and table by table (the foreign keys cascade too; explicit deletes give the
   * counts and do not rely on it), then writes an anonymous audit row. Null when
   * the user is already gone.
   */
  async erase(userId: string): Promise<ErasedUser | null> {
    return this.em.transactional(async (em) => {
      const user = await em.findOne(User, { id: userId }, { lockMode: LockMode.PESSIMISTIC_WRITE, fields: ['id'] });
      if (!user) return null;
      const identities = await em.find(UserIdentity, { user: userId }, { fields: ['platform', 'scope', 'platformUserId'] });
      const memberships = await em.find(SpaceMember, { userId }, { fields: ['spaceId'] });
      const mine = { userId };
      const ofMyQuests = { quest: { userId } };
      const counts: RowCounts = {};
      const steps: Array<[string, () => Promise<number>]> = [
        ['quest_tags', () => em.nativeDelete(QuestTag, ofMyQuests)],
        ['quest_steps', () => em.nativeDelete(QuestStep, ofMyQuests)],
        ['quest_dependencies', () => em.nativeDelete(QuestDependency, { $or: [{ dependent: { userId } }, { prerequisite: { userId } }] })],
        ['quest_analytics', () => em.nativeDelete(QuestAnalytics, mine)],
        ['quest_search_documents', () => em.nativeDelete(QuestSearchDocument, mine)],
        ['ai_suggestions', () => em.nativeDelete(AiSuggestion, mine)],
        ['experience_events', () => em.nativeDelete(ExperienceEvent, mine)],
        ['user_achievements', () => em.nativeDelete(UserAchievement, mine)],
        ['streaks', () => em.nativeDelete(Streak, { user: userId })],
        // Partitioned tables: deleted by user id (the partition key of notifications) rather than left to the cascade.
        ['notifications', () => em.nativeDelete(Notification, mine)],
        ['user_behavior_logs', () => em.nativeDelete(UserBehaviorLog, mine)],
        ['notification_preferences', () => em.nativeDelete(NotificationPreference, mine)],
        ['user_stats', () => em.nativeDelete(UserStats, mine)],
        ['space_members', () => em.nativeDelete(SpaceMember, mine)],
        ['quests', () => em.nativeDelete(Quest, mine)],
        ['quest_series', () => em.nativeDelete(QuestSeries, mine)],
        ['tags', () => em.nativeDelete(Tag, mine)],
        ['quest_categories', () => em.nativeDelete(Category, mine)],
        ['projects', () => em.nativeDelete(Project, mine)],
        ['user_identities', () => em.nativeDelete(UserIdentity, { user: userId })],
        ['user_profiles', () => em.nativeDelete(UserProfile, { user: userId })],
        ['users', () => em.nativeDelete(User, { id: userId })],
      ];
      for (const [table, remove] of steps) counts[table] = await remove();
      await em.insert(PrivacyAudit, { action: 'forget', counts });
      return {
        counts,
        identities: identities.map((i) => ({ platform: i.platform, scope: i.scope, platformUserId: i.platformUserId })),
        spaceIds: memberships.map((m) => m.spaceId),
      };
    });
  }

  async audit(action: PrivacyAction, counts: RowCounts): Promise<void> {
    await this.em.insert(PrivacyAudit, { action, counts });
  }
}
