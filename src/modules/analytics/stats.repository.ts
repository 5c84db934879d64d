import type { EntityManager } from '@mikro-orm/postgresql';
import { UserProfile } from '../user/user.entity.js';

/** The user's clock: time zone and the hour their day starts. */
export interface UserClock {
  timezone: string;
  dayStartHour: number;
}

/** Per-day XP and per-category completions for `/stats`. */
export class StatsRepository {
  constructor(private readonly em: EntityManager) {}

  async clock(userId: string): Promise<UserClock> {
    const profile = await this.em.findOne(UserProfile, { user: userId }, { fields: ['timezone', 'dayStartHour'], disableIdentityMap: true });
    return { timezone: profile?.timezone ?? 'UTC', dayStartHour: profile?.dayStartHour ?? 0 };
  }

  /** Net XP per user-day (`YYYY-MM-DD` in the user's clock) of the ledger rows in `[since, until]`. */
  async xpByDay(userId: string, clock: UserClock, since: Date, until: Date): Promise<Array<{ day: string; xp: number }>> {
    // raw: reporting aggregate grouped by the local day of each row (time zone conversion in SQL)
    const rows = await this.em.execute<{ day: string; xp: number }[]>(
      `select to_char((created_at at time zone ?) - make_interval(hours => ?), 'YYYY-MM-DD') as day, sum(amount)::int as xp from experience_events
       where user_id = ? and created_at >= ?::timestamptz and created_at <= ?::timestamptz group by 1`,
      [clock.timezone, clock.dayStartHour, userId, since.toISOString(), until.toISOString()],
    );
    return rows.map((r) => ({ day: r.day, xp: Number(r.xp) }));
  }

  /** Completions in `[since, until]` whose user-day is `firstDay` or later, per category name (null: none), most first. */
  async completionsByCategory(
    userId: string,
    clock: UserClock,
    since: Date,
    until: Date,
    firstDay: string,
  ): Promise<Array<{ name: string | null; count: number }>> {
    // raw: reporting aggregate grouped by category over a local-day filter
    const rows = await this.em.execute<{ name: string | null; count: number }[]>(
      `select c.name, count(*)::int as count from quests q left join quest_categories c on c.id = q.category_id
       where q.user_id = ? and q.completed_at >= ?::timestamptz and q.completed_at <= ?::timestamptz
         and to_char((q.completed_at at time zone ?) - make_interval(hours => ?), 'YYYY-MM-DD') >= ?
       group by c.name order by count desc, c.name nulls last`,
      [userId, since.toISOString(), until.toISOString(), clock.timezone, clock.dayStartHour, firstDay],
    );
    return rows.map((r) => ({ name: r.name, count: Number(r.count) }));
  }
}
