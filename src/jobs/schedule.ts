/**
 * When each job fires (node-cron expressions, evaluated in UTC) and how long a
 * fire's coordination marker lives. Data only, so `/questlog jobs` can list the
 * jobs without loading them. Per-user timing (local reminder time, evening
 * nudges, day ends) lives in the rows the minute ticks claim, not here.
 */
export interface JobSchedule {
  name: string;
  cron: string;
  description: string;
  /** The fire's marker outlives any replica's clock skew; shorter than the interval. */
  leaseMs: number;
  /**
   * Runs in every replica instead of one per fire: for work claimed row by row
   * with `FOR UPDATE SKIP LOCKED`, where more replicas means more throughput.
   */
  everyReplica?: boolean;
}

const MINUTE = 60_000;

export const JOB_SCHEDULES: readonly JobSchedule[] = [
  {
    name: 'notification-delivery',
    cron: '*/5 * * * * *',
    description: 'Sends unsent notifications (DM, email) from the outbox',
    leaseMs: 4_000,
    everyReplica: true,
  },
  { name: 'daily-reminder', cron: '* * * * *', description: 'Writes the daily reminder of every user whose local reminder time has come', leaseMs: 50_000 },
  {
    name: 'streak-watch',
    cron: '* * * * *',
    description: 'Evening streak-at-risk nudges, the rollover after each user\u2019s day ends, and the end of vacations',
    leaseMs: 50_000,
  },
  { name: 'due-soon', cron: '* * * * *', description: 'Writes the due-soon notice of open quests due within their owner\u2019s lead time', leaseMs: 50_000 },
  {
    name: 'recurring-roll',
    cron: '*/5 * * * *',
    description: 'Moves recurring quests left undone past their next date forward to it',
    leaseMs: 4 * MINUTE,
  },
  {
    name: 'partition-maintenance',
    cron: '17 3 * * *',
    description: 'Creates behavior-log partitions 3 months ahead and drops those past 12 months',
    leaseMs: 30 * MINUTE,
  },
  {
    name: 'retention-cleanup',
    cron: '37 3 * * *',
    description: 'Deletes notifications past 6 months, AI suggestions past 3 months, analytics past 24 months',
    leaseMs: 30 * MINUTE,
  },
];

export function scheduleOf(name: string): JobSchedule {
  const found = JOB_SCHEDULES.find((s) => s.name === name);
  if (!found) throw new Error(`no schedule for job ${name}`);
  return found;
}
