import { DateTime } from 'luxon';
import { formatLocal } from '../quest/due.rules.js';
import { userDay } from '../streak/streak.rules.js';
import { vacationMessages as m } from './vacation.messages.js';
import type { VacationClock } from './vacation.rules.js';

/**
 * When a vacation ends, as the user would say it: one ending at a day start is away
 * through the day before ("Fri 19 Dec"); another ends at a time ("Fri 19 Dec 18:00").
 * Null when it has no end.
 */
export function vacationUntilLabel(until: Date | null, clock: VacationClock): string | null {
  if (!until) return null;
  const local = DateTime.fromJSDate(until, { zone: clock.timezone });
  if (local.hour === clock.dayStartHour && local.minute === 0) {
    const lastDay = DateTime.fromISO(userDay(new Date(until.getTime() - 60_000), clock.timezone, clock.dayStartHour), { zone: 'utc' });
    return lastDay.toFormat('ccc d LLL', { locale: 'en-GB' });
  }
  return formatLocal(until, clock.timezone);
}

/** "🏖️ On vacation until Fri 19 Dec — your 12-day streak is held". */
export function vacationLine(vacation: { until: Date | null } & VacationClock, dailyStreak: number): string {
  return m.held({ until: vacationUntilLabel(vacation.until, vacation), count: dailyStreak }).text;
}
