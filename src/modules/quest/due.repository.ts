import type { EntityManager } from '@mikro-orm/postgresql';
import { UserProfile } from '../user/user.entity.js';
import { Quest } from '../quest/quest.entity.js';
import type { UserClock } from './due.rules.js';

export interface DueQuest {
  id: string;
  userId: string;
  number: number;
  title: string;
  dueAt: Date;
}

const OPEN = ['DRAFT', 'ACTIVE', 'IN_PROGRESS'] as const;

/** Reads what due dates need: the user's clock, and open quests by due time. */
export class DueRepository {
  constructor(private readonly em: EntityManager) {}

  async userClock(userId: string): Promise<UserClock> {
    const profile = await this.em.findOne(UserProfile, { user: userId }, { fields: ['timezone', 'dayStartHour'] });
    return { timezone: profile?.timezone ?? 'UTC', dayStartHour: profile?.dayStartHour ?? 0 };
  }

  /** Open quests of every user due in `(from, to]`, soonest first (the due-soon notice). */
  async openDueBetween(from: Date, to: Date, limit = 500): Promise<DueQuest[]> {
    const rows = await this.em.find(
      Quest,
      { status: { $in: [...OPEN] }, dueAt: { $gt: from, $lte: to } },
      { fields: ['id', 'userId', 'number', 'title', 'dueAt'], orderBy: { dueAt: 'asc' }, limit },
    );
    return rows.map((q) => ({ id: q.id, userId: q.userId, number: q.number, title: q.title, dueAt: q.dueAt! }));
  }

  /** One user's open quests already past due, oldest first (the morning reminder's overdue mention). */
  async overdue(userId: string, now: Date, limit = 10): Promise<DueQuest[]> {
    const rows = await this.em.find(
      Quest,
      { userId, status: { $in: [...OPEN] }, dueAt: { $lt: now } },
      { fields: ['id', 'userId', 'number', 'title', 'dueAt'], orderBy: { dueAt: 'asc' }, limit },
    );
    return rows.map((q) => ({ id: q.id, userId: q.userId, number: q.number, title: q.title, dueAt: q.dueAt! }));
  }
}
