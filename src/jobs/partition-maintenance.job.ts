import type { HousekeepingService } from '../modules/housekeeping/housekeeping.service.js';
import type { Job } from './job.js';

/** Daily: behavior-log partitions 3 months ahead, those past 12 months dropped. */
export function partitionMaintenanceJob(housekeeping: () => HousekeepingService, clock: () => Date): Job {
  return { name: 'partition-maintenance', owner: true, run: () => housekeeping().maintainPartitions(clock()) };
}
