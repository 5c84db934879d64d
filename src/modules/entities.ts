import { User, UserIdentity, UserProfile } from './user/user.entity.js';
import { Space, SpaceMember } from './space/space.entity.js';
import { SlackInstallation } from './slack-install/slack-installation.entity.js';
import { Category } from './category/category.entity.js';
import { Project } from './project/project.entity.js';
import { Quest, QuestAnalytics, QuestDependency } from './quest/quest.entity.js';
import { QuestStep } from './step/step.entity.js';
import { QuestTag, Tag } from './tag/tag.entity.js';
import { Achievement, UserAchievement } from './achievement/achievement.entity.js';
import { Streak } from './streak/streak.entity.js';
import { ExperienceEvent } from './progression/experience-event.entity.js';
import { UserStats } from './progression/user-stats.entity.js';
import { UserBehaviorLog } from './analytics/behavior-log.entity.js';
import { AiSuggestion } from './suggestion/ai-suggestion.entity.js';
import { Notification, NotificationPreference } from './notification/notification.entity.js';
import { PrivacyAudit } from './privacy/privacy-audit.entity.js';
import { QuestSearchDocument } from './search/search.entity.js';
import { QuestSeries } from './quest/recurrence.entity.js';

/** Every entity, for the ORM config. */
export const entities = [
  User,
  UserProfile,
  UserIdentity,
  Space,
  SpaceMember,
  SlackInstallation,
  Category,
  Project,
  Quest,
  QuestDependency,
  QuestAnalytics,
  QuestStep,
  Tag,
  QuestTag,
  Achievement,
  UserAchievement,
  Streak,
  ExperienceEvent,
  UserStats,
  UserBehaviorLog,
  AiSuggestion,
  Notification,
  NotificationPreference,
  PrivacyAudit,
  QuestSearchDocument,
  QuestSeries,
];
