import type { ReminderService } from '../modules/reminder/reminder.service.js';
import type { Job } from './job.js';

export const REMINDER_BATCH = 500;

/** Every minute: writes the reminder of each user whose local reminder time has come, batch by batch. */
export function dailyReminderJob(reminders: () => ReminderService, clock: () => Date): Job {
  return {
    name: 'daily-reminder',
    async run({ signal }) {
      const total = { claimed: 0, enqueued: 0, skipped: 0 };
      // Each batch commits on its own; a shutdown stops between batches, so none is half-done.
      while (!signal.aborted) {
        const batch = await reminders().sendDueReminders(clock(), REMINDER_BATCH);
        total.claimed += batch.claimed;
        total.enqueued += batch.enqueued;
        total.skipped += batch.skipped;
        if (batch.claimed < REMINDER_BATCH) break;
      }
      return total;
    },
  };
}
