import type { ReminderService } from '../modules/reminder/reminder.service.js';
import type { Job } from './job.js';

const BATCH = 500;

/** Every minute: evening streak-at-risk nudges and the rollover ("streak lost") for users whose check time has come. */
export function streakWatchJob(reminders: () => ReminderService, clock: () => Date): Job {
  return {
    name: 'streak-watch',
    async run({ signal }) {
      const total = { claimed: 0, nudged: 0, lost: 0 };
      while (!signal.aborted) {
        const batch = await reminders().watchStreaks(clock(), BATCH);
        total.claimed += batch.claimed;
        total.nudged += batch.nudged;
        total.lost += batch.lost;
        if (batch.claimed < BATCH) break;
      }
      return total;
    },
  };
}
