import { DateTime } from 'luxon';

/** Retention (seed): how long each kind of row is kept. */
export const RETENTION = {
  behaviorLogMonths: 12,
  notificationMonths: 6,
  suggestionMonths: 3,
  analyticsMonths: 24,
} as const;

/** Behavior-log partitions kept ready ahead of time, and behind (rows arriving late). */
export const PARTITIONS_AHEAD = 3;
export const PARTITIONS_BEHIND = 1;

/** The instant `months` before `now` (UTC calendar months). */
export function monthsBefore(now: Date, months: number): Date {
  return DateTime.fromJSDate(now, { zone: 'utc' }).minus({ months }).toJSDate();
}

/** First day of the month `months` before `now`: partitions wholly before it are dropped. */
export function partitionCutoff(now: Date, months: number): string {
  return DateTime.fromJSDate(now, { zone: 'utc' }).startOf('month').minus({ months }).toISODate()!;
}
