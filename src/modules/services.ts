import type { EntityManager } from '@mikro-orm/postgresql';
import type { Identity, Invocation } from '../core/invocation.js';
import type { PlatformPorts, RequestScope } from '../core/ports.js';
import type { Reply } from '../core/reply.js';
import { truncate } from '../core/text.js';
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
import { SuggestionEngine } from '../ai/engine.js';
import { SuggestionRepository } from './suggestion/suggestion.repository.js';
import { SuggestionService } from './suggestion/suggestion.service.js';
import { suggestNames } from './shared/names.js';
import { markIdentityUnreachable } from './user/user.service.js';
import { SlackInstallationService } from './slack-install/slack-installation.service.js';
import { questButtons, questLine } from './quest/quest.presenter.js';
import { NotificationService } from './notification/notification.service.js';
import { ReminderService } from './reminder/reminder.service.js';
import { JobStatusService } from '../jobs/job-status.js';
import type { CompletionHook } from './quest/completion.js';
import { PrivacyService } from './privacy/privacy.service.js';
import { LinkService } from './link/link.service.js';
import { DueService } from './quest/due.service.js';
import { RecurrenceService } from './quest/recurrence.service.js';
import { DueRepository } from './quest/due.repository.js';
import { QuestBulkService } from './quest/bulk.service.js';
import { SearchService } from './search/search.service.js';
import { SearchRepository } from './search/search.repository.js';
import { VacationService } from './vacation/vacation.service.js';
import { asJobs, asUser } from '../infra/db/acting.js';

/** Long-lived collaborators shared by every request. */
export interface ServiceDeps {
  kv: KvStore;
  logger: Logger;
  directory: UserDirectory;
  /** SMTP is configured (notifications can be emailed). */
  emailAvailable?: boolean;
  /** This replica runs the cron jobs (QUESTLOG_JOBS). */
  jobsEnabled?: boolean;
  /** Who answers AI suggestions (model or offline); offline only when absent. */
  suggester?: SuggestionEngine;
}

/** Request-scoped services, bound to the request's forked EntityManager. */
export function createServices(deps: ServiceDeps, em: EntityManager) {
  const leaderboard = new LeaderboardService(em, deps.kv, deps.logger);
  const progression = new ProgressionService(em, leaderboard);
  // Completion rewards, then unlock notices for the quests it unblocks (same transaction).
  const completion: CompletionHook = {
    async onQuestCompleted(tx, quest, now) {
      const rewards = await progression.onQuestCompleted(tx, quest, now);
      if (quest.hasDependents !== false) await new ReminderService(tx).notifyUnlocked(quest);
      return rewards;
    },
  };
  const quests = new QuestService(em, completion);
  const due = new DueService(new DueRepository(em));
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
    privacy: new PrivacyService(em, { kv: deps.kv, logger: deps.logger, directory: deps.directory, leaderboard }),
    link: new LinkService(em, { kv: deps.kv, logger: deps.logger, directory: deps.directory, leaderboard }),
    suggestions: new SuggestionService(
      new SuggestionRepository(em),
      deps.suggester ?? new SuggestionEngine(deps),
      quests,
      (tx): { quests: QuestService; steps: StepService } => {
        const inTx = createServices(deps, tx);
        return { quests: inTx.quests, steps: inTx.steps };
      },
    ),
    due,
    recurrence: new RecurrenceService(em, due),
    vacation: new VacationService(em, due),
    bulk: new QuestBulkService(quests),
    search: new SearchService(new SearchRepository(em)),
  };
}

export type AppServices = ReturnType<typeof createServices>;

declare module '../core/context.js' {
  /** What command handlers get as `ctx.services`. */
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging fills core's empty interface
  interface CommandServices extends AppServices {}
}

/** One request's scope for dispatch: services on `em`, user resolution and autocomplete. */
export function openRequest(deps: ServiceDeps, em: EntityManager): RequestScope {
  const services = createServices(deps, em);
  return {
    services,
    // Finding (or creating) the user behind a platform identity reads across users: the jobs role does it.
    resolveUser: (identity, space, hints) => asJobs(() => services.users.resolve(identity, space, hints)),
    forgetIfStale: (identity, userId) => asJobs(() => services.users.forgetIfStale(identity, userId)),
    actAs: asUser,
    async suggest(userId, source, partial, limit) {
      if (source !== 'quest') {
        const names = await suggestNames(em, userId, source, partial, limit);
        return names.map((name) => ({ name: truncate(name, 100), value: name }));
      }
      const quests = await services.quests.suggestQuests(userId, partial, limit);
      return quests.map((q) => ({ name: truncate(`#${q.number} ${q.title} (${q.status.toLowerCase().replace('_', ' ')})`, 100), value: String(q.number) }));
    },
  };
}

/** What the platform adapters need from the features, each call on a fresh unit of work. */
export function platformPorts(deps: ServiceDeps, fork: () => EntityManager): PlatformPorts {
  return {
    markUnreachable: (identity: Identity) => asJobs(() => markIdentityUnreachable(fork(), identity)),
    slackInstallations: () => new SlackInstallationService(fork()),
    homeQuests: (invocation: Invocation) => openQuestCards(createServices(deps, fork()), invocation),
  };
}

/**
 * The App Home quest section: each open quest with its own Start / Complete
 * buttons, which a list reply (one text block, paging buttons) cannot give.
 * Uses the same presenter as the commands; the buttons run through dispatch.
 */
async function openQuestCards(services: AppServices, invocation: Invocation): Promise<Reply[]> {
  const user = await asJobs(() => services.users.resolve(invocation.identity, invocation.space, invocation.hints));
  const page = await asUser(user.id, () => services.quests.listQuests(user.id, { status: 'open', page: 1 }));
  if (!page.total) {
    return [
      { title: 'Your open quests', text: 'Nothing open. Start one with `/quest create "Write the report" difficulty:hard estimate:1h30m`.', tone: 'info' },
    ];
  }
  const more = page.total > page.quests.length ? `Showing ${page.quests.length} of ${page.total}: \`/quest list\` pages through all of them.` : undefined;
  return [{ title: 'Your open quests', footer: more, tone: 'info' }, ...page.quests.map((quest) => ({ text: questLine(quest), buttons: questButtons(quest) }))];
}
