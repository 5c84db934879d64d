import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { userDay } from '../streak/streak.rules.js';
import { StatsRepository } from './stats.repository.js';

export const STATS_DAYS = 30;

export interface StatsView {
  timezone: string;
  /** One entry per user-day, oldest first, ending today; XP net of undos. */
  days: Array<{ day: string; xp: number }>;
  /** Completions in the same 30 days, by category, most first. */
  categories: Array<{ name: string; count: number }>;
  xp: number;
  completions: number;
  bestDay: { day: string; xp: number } | null;
}

/** `/stats`: the last 30 of the user's days, from the ledger and the quests. */
export class StatsService {
  private readonly repository: StatsRepository;

  constructor(em: EntityManager) {
    this.repository = new StatsRepository(em);
  }

  async lastDays(userId: string, now: Date): Promise<StatsView> {
    const clock = await this.repository.clock(userId);
    const today = DateTime.fromISO(userDay(now, clock.timezone, clock.dayStartHour), { zone: 'utc' });
    const first = today.minus({ days: STATS_DAYS - 1 }).toISODate()!;
    // Two days of slack: the user's day can start up to a day before its UTC date.
    const since = new Date(now.getTime() - (STATS_DAYS + 2) * 86_400_000);
    const [xpRows, categoryRows] = await Promise.all([
      this.repository.xpByDay(userId, clock, since, now),
      this.repository.completionsByCategory(userId, clock, since, now, first),
    ]);
    const byDay = new Map(xpRows.map((r) => [r.day, r.xp]));
    const days = Array.from({ length: STATS_DAYS }, (_, i) => {
      const day = today.minus({ days: STATS_DAYS - 1 - i }).toISODate()!;
      return { day, xp: byDay.get(day) ?? 0 };
    });
    const best = days.reduce<StatsView['bestDay']>((top, d) => (d.xp > 0 && (!top || d.xp > top.xp) ? d : top), null);
    const categories = categoryRows.map((r) => ({ name: r.name ?? 'No category', count: r.count }));
    return {
      timezone: clock.timezone,
      days,
      categories,
      xp: days.reduce((sum, d) => sum + d.xp, 0),
      completions: categories.reduce((sum, c) => sum + c.count, 0),
      bestDay: best,
    };
  }
}
