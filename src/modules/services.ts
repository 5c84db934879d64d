import type { EntityManager } from '@mikro-orm/postgresql';
import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import { QuestService } from './quest/quest.service.js';
import { UserService, type UserDirectory } from './user/user.service.js';
import { StepService } from './step/step.service.js';
import { TagService } from './tag/tag.service.js';
import { CategoryService } from './category/category.service.js';
import { ProjectService } from './project/project.service.js';
import { ProgressionService } from './progression/progression.service.js';
import { LeaderboardService } from './leaderboard/leaderboard.service.js';
import { AchievementService } from './achievement/achievement.service.js';
import { SettingsService } from './user/settings.service.js';
import { StatsService } from './analytics/stats.service.js';
import { DueService } from './quest/due.service.js';
import { DueRepository } from './quest/due.repository.js';
import { QuestBulkService } from './quest/bulk.service.js';

/** Long-lived collaborators shared by every request. */
export interface ServiceDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
}

/** Request-scoped services, bound to the request's forked EntityManager. */
export function createServices(deps: ServiceDeps, em: EntityManager) {
  const leaderboard = new LeaderboardService(em, deps.kv, deps.logger);
  const progression = new ProgressionService(em, leaderboard);
  const quests = new QuestService(em, progression);
  return {
    em,
    users: new UserService(em, deps.directory),
    quests,
    steps: new StepService(em, quests),
    tags: new TagService(em, quests),
    categories: new CategoryService(em),
    projects: new ProjectService(em),
    progression,
    leaderboard,
    achievements: new AchievementService(em),
    settings: new SettingsService(em, leaderboard),
    stats: new StatsService(em),
    due: new DueService(new DueRepository(em)),
    bulk: new QuestBulkService(quests),
  };
}

export type AppServices = ReturnType<typeof createServices>;
