import { DateTime } from 'luxon';

export const LEADERBOARD_PERIODS = ['week', 'month', 'all'] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];

/** A period of the ledger in UTC (leaderboards span members in every time zone). */
export interface PeriodWindow {
  period: LeaderboardPeriod;
  /** `2026-W48`, `2026-11` or `all`. */
  label: string;
  from: Date | null;
  to: Date | null;
}

export function periodWindow(period: LeaderboardPeriod, now: Date): PeriodWindow {
  const utc = DateTime.fromJSDate(now, { zone: 'utc' });
  if (period === 'all') return { period, label: 'all', from: null, to: null };
  const unit = period === 'week' ? 'week' : 'month';
  const start = utc.startOf(unit);
  const label = period === 'week' ? `${start.weekYear}-W${String(start.weekNumber).padStart(2, '0')}` : start.toFormat('yyyy-LL');
  return { period, label, from: start.toJSDate(), to: start.plus({ [`${unit}s`]: 1 }).toJSDate() };
}

/** A closed-open span of time. */
export interface Span {
  from: Date;
  to: Date;
}

/** The current UTC week and month, whose ledger sums a user's board scores are. */
export function scoringSpans(now: Date): { week: Span; month: Span } {
  const week = periodWindow('week', now);
  const month = periodWindow('month', now);
  return { week: { from: week.from!, to: week.to! }, month: { from: month.from!, to: month.to! } };
}

/** Who appears on a board: opted in, with a positive score. */
export function isRanked(optedIn: boolean, score: number): boolean {
  return optedIn && score > 0;
}
