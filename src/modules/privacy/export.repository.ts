import { IsolationLevel, wrap, type FilterQuery } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Achievement, UserAchievement } from '../achievement/achievement.entity.js';
import { UserBehaviorLog } from '../analytics/behavior-log.entity.js';
import { Category } from '../category/category.entity.js';
import { Notification, NotificationPreference } from '../notification/notification.entity.js';
import { ExperienceEvent } from '../progression/experience-event.entity.js';
import { UserStats } from '../progression/user-stats.entity.js';
import { Project } from '../project/project.entity.js';
import { Quest, QuestAnalytics, QuestDependency } from '../quest/quest.entity.js';
import { QuestSearchDocument } from '../search/search.entity.js';
import { QuestSeries } from '../quest/recurrence.entity.js';
import { Space, SpaceMember } from '../space/space.entity.js';
import { QuestStep } from '../step/step.entity.js';
import { Streak } from '../streak/streak.entity.js';
import { AiSuggestion } from '../suggestion/ai-suggestion.entity.js';
import { QuestTag, Tag } from '../tag/tag.entity.js';
import { User, UserIdentity, UserProfile } from '../user/user.entity.js';

/** One stored row as plain JSON values, every column under its property name. */
export type Row = Record<string, unknown>;

/** Every row stored about one user, table by table (quest children nested under their quest). */
export interface UserData {
  user: Row;
  profile: Row | null;
  identities: Row[];
  spaceMemberships: Row[];
  quests: Array<Row & { steps: Row[]; tags: Row[]; dependencies: Row[]; analytics: Row[]; searchDocument: Row[] }>;
  tags: Row[];
  categories: Row[];
  projects: Row[];
  streaks: Row[];
  achievements: Row[];
  experienceLedger: Row[];
  stats: Row | null;
  behaviorLogs: Row[];
  notifications: Row[];
  notificationPreferences: Row[];
  aiSuggestions: Row[];
  /** Recurring quest rules (issue 11). */
  questSeries: Row[];
}

/** Reads for `/questlog export`: entity queries only, all in one snapshot. */
export class ExportRepository {
  constructor(private readonly em: EntityManager) {}

  /** Everything about `userId`, or null when the user does not exist. Consistent: one repeatable-read snapshot. */
  async collect(userId: string): Promise<UserData | null> {
    return this.em.transactional(
      async (em) => {
        const pojo = <T extends object>(entity: T): Row => wrap(entity, true).toPOJO() as Row;
        const all = async <T extends object>(
          entity: { new (...args: never[]): T } | unknown,
          where: FilterQuery<T>,
          orderBy: Record<string, 'asc'>,
        ): Promise<Row[]> =>
          (await em.find(entity as never, where as never, { orderBy: orderBy as never, disableIdentityMap: true })).map((e) => pojo(e as object));
        const user = await em.findOne(User, { id: userId }, { disableIdentityMap: true });
        if (!user) return null;
        const mine = { userId };
        const ofMyQuests = { quest: { userId } };
        const [profile] = await all(UserProfile, { user: userId }, { id: 'asc' });
        const identities = await all(UserIdentity, { user: userId }, { createdAt: 'asc' });
        const memberships = await all(SpaceMember, mine, { joinedAt: 'asc' });
        const spaceIds = memberships.map((m) => m.spaceId as string);
        const spaces = new Map((spaceIds.length ? await all(Space, { id: { $in: spaceIds } }, { id: 'asc' }) : []).map((s) => [s.id as string, s]));
        const quests = await all(Quest, mine, { number: 'asc' });
        const steps = group(await all(QuestStep, ofMyQuests, { orderIndex: 'asc' }), 'quest');
        const questTags = group(await all(QuestTag, ofMyQuests, { createdAt: 'asc' }), 'quest');
        const dependencies = group(await all(QuestDependency, { dependent: { userId } }, { createdAt: 'asc' }), 'dependent');
        const analytics = group(await all(QuestAnalytics, mine, { createdAt: 'asc' }), 'questId');
        const searchDocuments = group(await all(QuestSearchDocument, mine, { questId: 'asc' }), 'questId');
        const unlocked = await all(UserAchievement, mine, { unlockedAt: 'asc' });
        const catalogIds = unlocked.map((a) => a.achievement as string);
        const catalog = new Map(
          (catalogIds.length ? await all(Achievement, { id: { $in: catalogIds } }, { code: 'asc' }) : []).map((a) => [a.id as string, a]),
        );
        const [stats] = await all(UserStats, mine, { userId: 'asc' });
        return {
          user: pojo(user),
          profile: profile ?? null,
          identities,
          spaceMemberships: memberships.map((m) => ({ ...m, space: spaces.get(m.spaceId as string) ?? null })),
          quests: quests.map((q) => ({
            ...q,
            steps: steps.get(q.id as string) ?? [],
            tags: questTags.get(q.id as string) ?? [],
            dependencies: dependencies.get(q.id as string) ?? [],
            analytics: analytics.get(q.id as string) ?? [],
            searchDocument: searchDocuments.get(q.id as string) ?? [],
          })),
          tags: await all(Tag, mine, { createdAt: 'asc' }),
          categories: await all(Category, mine, { createdAt: 'asc' }),
          projects: await all(Project, mine, { createdAt: 'asc' }),
          streaks: await all(Streak, { user: userId }, { startDate: 'asc' }),
          achievements: unlocked.map((a) => {
            const entry = catalog.get(a.achievement as string);
            return { ...a, achievement: entry ? { code: entry.code, name: entry.name, description: entry.description, xpReward: entry.xpReward } : null };
          }),
          experienceLedger: await all(ExperienceEvent, mine, { createdAt: 'asc' }),
          stats: stats ?? null,
          behaviorLogs: await all(UserBehaviorLog, mine, { timestamp: 'asc' }),
          notifications: await all(Notification, mine, { createdAt: 'asc' }),
          notificationPreferences: await all(NotificationPreference, mine, { notificationType: 'asc' }),
          aiSuggestions: await all(AiSuggestion, mine, { createdAt: 'asc' }),
          questSeries: await all(QuestSeries, mine, { createdAt: 'asc' }),
        };
      },
      { isolationLevel: IsolationLevel.REPEATABLE_READ, readOnly: true },
    );
  }
}

function group(rows: Row[], key: string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) {
    const id = row[key] as string;
    const list = groups.get(id);
    if (list) list.push(row);
    else groups.set(id, [row]);
  }
  return groups;
}
