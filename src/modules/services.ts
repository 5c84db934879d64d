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
import { NotificationService } from './notification/notification.service.js';
import { ReminderService } from './reminder/reminder.service.js';
import { JobStatusService } from '../jobs/job-status.js';
import type { CompletionHook } from './quest/completion.js';

/** Long-lived collaborators shared by every request. */
export interface ServiceDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
  /** SMTP is configured (notifications can be emailed). */
  emailAvailable?: boolean;
  /** This replica runs the cron jobs (QUESTLOG_JOBS). */
  jobsEnabled?: boolean;
}

/** Request-scoped services, bound to the request's forked EntityManager. */
export function createServices(deps: ServiceDeps, em: EntityManager) {
  const leaderboard = new LeaderboardService(em, deps.kv, deps.logger);
  const progression = new ProgressionService(em, leaderboard);
  // Completion rewards, then unlock notices for the quests it unblocks (same transaction).
  const completion: CompletionHook = {
    async onQuestCompleted(tx, quest, now) {
      const rewards = await progression.onQuestCompleted(tx, quest, now);
      await new ReminderService(tx).notifyUnlocked(quest);
      return rewards;
    },
  };
  const quests = new QuestService(em, completion);
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
    notifications: new NotificationService(em, deps.emailAvailable),
    jobs: new JobStatusService(deps.kv, deps.jobsEnabled),
  };
}

export type AppServices = ReturnType<typeof createServices>;
