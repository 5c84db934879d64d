import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { Config } from '../config.js';
import type { NotifierRouter } from '../core/notifier.js';
import type { KvStore } from '../infra/kv/kv.js';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';
import { HousekeepingService } from '../modules/housekeeping/housekeeping.service.js';
import { SmtpEmailSender } from '../modules/notification/email.channel.js';
import { NotificationDelivery, type DeliveryOptions } from '../modules/notification/notification.delivery.js';
import { NotificationRepository } from '../modules/notification/notification.repository.js';
import { DueNoticeService } from '../modules/quest/due-notice.service.js';
import { ReminderService } from '../modules/reminder/reminder.service.js';
import { RecurrenceRepository } from '../modules/quest/recurrence.repository.js';
import type { RollPolicy } from '../modules/quest/recurrence.service.js';
import { VacationRepository } from '../modules/vacation/vacation.repository.js';
import { dailyReminderJob } from './daily-reminder.job.js';
import { dueSoonJob } from './due-soon.job.js';
import type { Job } from './job.js';
import { notificationDeliveryJob } from './notification-delivery.job.js';
import { partitionMaintenanceJob } from './partition-maintenance.job.js';
import { recurringRollJob } from './recurring-roll.job.js';
import { retentionCleanupJob } from './retention-cleanup.job.js';
import { JobScheduler } from './scheduler.js';
import { streakWatchJob } from './streak-watch.job.js';

export interface JobDeps {
  orm: MikroORM;
  config: Readonly<Config>;
  kv: KvStore;
  logger: Logger;
  metrics?: Metrics;
  notifier: NotifierRouter;
  clock?: () => Date;
  /** Pacing per platform (sends/s); defaults stay below Discord's and Slack's limits. */
  rates?: DeliveryOptions['rates'];
  /** Whose recurring quests the roll leaves alone; default: users on vacation. */
  rollPolicy?: RollPolicy;
}

/** Every job, wired to a fresh EntityManager per run or batch. */
export function createJobs(deps: JobDeps): { jobs: Job[]; delivery: NotificationDelivery; close(): void } {
  const clock = deps.clock ?? (() => new Date());
  const fork = () => deps.orm.em.fork() as EntityManager;
  const email = deps.config.smtp.url ? new SmtpEmailSender(deps.config.smtp.url, deps.config.smtp.from) : undefined;
  const delivery = new NotificationDelivery(() => new NotificationRepository(fork()), {
    router: deps.notifier,
    email,
    logger: deps.logger.child({ job: 'notification-delivery' }),
    rates: deps.rates,
  });
  const reminders = () => new ReminderService(fork());
  // Recurring quests of users on vacation don't roll while they are away.
  const awayOnVacation: RollPolicy = { skipUsers: (userIds, now) => new VacationRepository(fork()).awayAmong(userIds, now) };
  const housekeeping = () => new HousekeepingService(fork());
  return {
    jobs: [
      notificationDeliveryJob(delivery, clock),
      dailyReminderJob(reminders, clock),
      streakWatchJob(reminders, clock),
      recurringRollJob(() => new RecurrenceRepository(fork()), deps.rollPolicy ?? awayOnVacation, clock),
      dueSoonJob(() => new DueNoticeService(fork()), clock),
      partitionMaintenanceJob(housekeeping, clock),
      retentionCleanupJob(housekeeping, clock),
    ],
    delivery,
    close: () => email?.close(),
  };
}

/** The scheduler of this replica's jobs (started by main.ts after the HTTP server when QUESTLOG_JOBS=on). */
export function createJobScheduler(deps: JobDeps): JobScheduler {
  const { jobs, close } = createJobs(deps);
  return new JobScheduler({ jobs, kv: deps.kv, logger: deps.logger, metrics: deps.metrics, clock: deps.clock, onStopped: close });
}
