import type { RecurrenceRepository } from '../modules/quest/recurrence.repository.js';
import { rollOverdue, type RollPolicy } from '../modules/quest/recurrence.service.js';
import type { Job } from './job.js';

/** Every 5 minutes: recurring quests left undone past their next date move forward to it (never piling up). */
export function recurringRollJob(repository: () => RecurrenceRepository, policy: RollPolicy, clock: () => Date): Job {
  return {
    name: 'recurring-roll',
    run: ({ signal }) => rollOverdue(repository, policy, clock(), { signal }),
  };
}
