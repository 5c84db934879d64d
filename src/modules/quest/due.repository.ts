import { raw } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { UserProfile } from '../user/user.entity.js';
import { Quest } from '../quest/quest.entity.js';
import type { UserClock } from './due.rules.js';
import { OPEN_STATUSES } from './quest.rules.js';

export interface DueQuest {
  id: string;
  userId: string;
  number: number;
  title: string;
  dueAt: Date;
}

/** A quest whose due-soon notice is due, with its owner's zone (the notice shows local time). */
export interface DueSoonQuest extends DueQuest {
  timezone: string;
}

/** The longest lead time a user can choose (the claim looks no further ahead). */
export const MAX_DUE_SOON_MINUTES = 1440;

// Literal, so the planner matches the partial index idx_quests_due_soon.
const OPEN_SQL = OPEN_STATUSES.map((s) => `'${s}'`).join(', ');

/** Reads what due dates need: the user's clock, and open quests by due time. */
export class DueRepository {
  constructor(private readonly em: EntityManager) {}

  async userClock(userId: string): Promise<UserClock> {
    const profile = await this.em.findOne(UserProfile, { user: userId }, { fields: ['timezone', 'dayStartHour'] });
    return { timezone: profile?.timezone ?? 'UTC', dayStartHour: profile?.dayStartHour ?? 0 };
  }

  /**
   * Open quests due within their owner's lead time (`user_profiles.due_soon_minutes`) and not yet
   * announced for this due time, of users not on vacation at `now`; locked (skip locked) for the
   * batch's transaction, soonest first.
   */
  async claimDueSoon(now: Date, limit: number): Promise<DueSoonQuest[]> {
    const at = now.toISOString();
    // raw: a per-user window (profile join, interval arithmetic) with `for update of q skip locked`, which has no entity form.
    const rows = await this.em.execute<Array<DueSoonQuest & { dueAt: string | Date }>>(
      `select q.id, q.user_id as "userId", q.number, q.title, q.due_at as "dueAt", p.timezone
       from quests q join user_profiles p on p.user_id = q.user_id
       where q.status in (${OPEN_SQL}) and q.due_at is not null
         and q.due_at > ?::timestamptz and q.due_at <= ?::timestamptz + interval '${MAX_DUE_SOON_MINUTES} minutes'
         and p.due_soon_minutes is not null and q.due_at <= ?::timestamptz + p.due_soon_minutes * interval '1 minute'
         and q.due_notified_for is distinct from q.due_at
         and not (p.vacation_since is not null and p.vacation_since <= ?::timestamptz and (p.vacation_until is null or p.vacation_until > ?::timestamptz))
       order by q.due_at limit ? for update of q skip locked`,
      [at, at, at, at, at, limit],
    );
    return rows.map((r) => ({ ...r, dueAt: new Date(r.dueAt) }));
  }

  /** Records that these quests were announced for their current due time. */
  async markDueNotified(questIds: string[]): Promise<void> {
    if (!questIds.length) return;
    await this.em
      .createQueryBuilder(Quest)
      .update({ dueNotifiedFor: raw('due_at') })
      .where({ id: { $in: questIds } })
      .execute();
  }
}
