import type { EntityManager } from '@mikro-orm/postgresql';
import { DateTime } from 'luxon';
import { userDay } from '../streak/streak.rules.js';

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
  constructor(private readonly em: EntityManager) {}

  async lastDays(userId: string, now: Date): Promise<StatsView> {
    const [profile] = await this.em.execute<{ timezone: string; dayStartHour: number }[]>(
      'select timezone, day_start_hour as "dayStartHour" from user_profiles where user_id = ?',
      [userId],
    );
    const timezone = profile?.timezone ?? 'UTC';
    const dayStartHour = profile?.dayStartHour ?? 0;
    const today = DateTime.fromISO(userDay(now, timezone, dayStartHour), { zone: 'utc' });
    const first = today.minus({ days: STATS_DAYS - 1 }).toISODate()!;
    // Two days of slack: the user's day can start up to a day before its UTC date.
    const since = new Date(now.getTime() - (STATS_DAYS + 2) * 86_400_000).toISOString();
    // The local wall clock minus the day start hour gives the user's day, as `userDay` does.
    const localDay = (column: string) => `to_char((${column} at time zone ?) - make_interval(hours => ?), 'YYYY-MM-DD')`;
    const [xpRows, categoryRows] = await Promise.all([
      this.em.execute<{ day: string; xp: number }[]>(
        `select ${localDay('created_at')} as day, sum(amount)::int as xp from experience_events
         where user_id = ? and created_at >= ?::timestamptz and created_at <= ?::timestamptz group by 1`,
        [timezone, dayStartHour, userId, since, now.toISOString()],
      ),
      this.em.execute<{ name: string | null; count: number }[]>(
        `select c.name, count(*)::int as count from quests q left join quest_categories c on c.id = q.category_id
         where q.user_id = ? and q.completed_at >= ?::timestamptz and q.completed_at <= ?::timestamptz
           and ${localDay('q.completed_at')} >= ?
         group by c.name order by count desc, c.name nulls last`,
        [userId, since, now.toISOString(), timezone, dayStartHour, first],
      ),
    ]);
    const byDay = new Map(xpRows.map((r) => [r.day, Number(r.xp)]));
    const days = Array.from({ length: STATS_DAYS }, (_, i) => {
      const day = today.minus({ days: STATS_DAYS - 1 - i }).toISODate()!;
      return { day, xp: byDay.get(day) ?? 0 };
    });
    const best = days.reduce<StatsView['bestDay']>((top, d) => (d.xp > 0 && (!top || d.xp > top.xp) ? d : top), null);
    const categories = categoryRows.map((r) => ({ name: r.name ?? 'No category', count: Number(r.count) }));
    return {
      timezone,
      days,
      categories,
      xp: days.reduce((sum, d) => sum + d.xp, 0),
      completions: categories.reduce((sum, c) => sum + c.count, 0),
      bestDay: best,
    };
  }
}
