import type { HousekeepingService } from '../modules/housekeeping/housekeeping.service.js';
import type { Job } from './job.js';

/** Daily: notifications past 6 months, AI suggestions past 3, analytics past 24. */
export function retentionCleanupJob(housekeeping: () => HousekeepingService, clock: () => Date): Job {
  return { name: 'retention-cleanup', run: () => housekeeping().applyRetention(clock()) };
}
