import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Priority, QuestStatus } from '../columns.js';
import { Quest, QuestDependency } from '../quest/quest.entity.js';
import { Streak } from '../streak/streak.entity.js';
import { UserIdentity, UserProfile } from '../user/user.entity.js';
import { isFinished } from './reminder.rules.js';

export interface DueProfile {
  userId: string;
  timezone: string;
  dayStartHour: number;
  reminderTime: string | null;
  nextReminderAt: Date | null;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  streakFreezes: number;
  streakNudgeHour: number;
  nextStreakCheckAt: Date | null;
}

export interface QuestRow {
  id: string;
  userId: string;
  number: number;
  title: string;
  status: QuestStatus;
  priority: Priority;
  startedAt: Date | null;
  createdAt: Date;
  completedAt: Date | null;
}

export interface DailyStreakRow {
  id: string;
  userId: string;
  currentCount: number;
  longestCount: number;
  startDate: string;
  lastActivityDate: string;
  metadata: { zone?: { timezone: string; dayStartHour: number; at: string } };
}

const PROFILE_FIELDS = [
  'userId',
  'timezone',
  'dayStartHour',
  'reminderTime',
  'nextReminderAt',
  'quietHoursStart',
  'quietHoursEnd',
  'streakFreezes',
  'streakNudgeHour',
  'nextStreakCheckAt',
] as const;

const OPEN: QuestStatus[] = ['ACTIVE', 'IN_PROGRESS'];

function isoDay(value: unknown): string {
  return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
}

/** Reads and writes of the time-driven notifications; use it inside the batch's transaction. */
export class ReminderRepository {
  constructor(private readonly em: EntityManager) {}

  /** Profiles whose reminder is due, locked (`FOR UPDATE SKIP LOCKED`) so replicas take disjoint batches. */
  async claimDueReminders(now: Date, limit: number): Promise<DueProfile[]> {
    const rows = await this.em.find(
      UserProfile,
      { reminderTime: { $ne: null }, nextReminderAt: { $lte: now } },
      { fields: [...PROFILE_FIELDS], orderBy: { nextReminderAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, disableIdentityMap: true },
    );
    return rows.map(toDue);
  }

  /** Profiles the streak watch should look at now (null = never looked at yet), locked likewise. */
  async claimStreakChecks(now: Date, limit: number): Promise<DueProfile[]> {
    const rows = await this.em.find(
      UserProfile,
      { $or: [{ nextStreakCheckAt: null }, { nextStreakCheckAt: { $lte: now } }] },
      { fields: [...PROFILE_FIELDS], orderBy: { nextStreakCheckAt: 'asc' }, limit, lockMode: LockMode.PESSIMISTIC_PARTIAL_WRITE, disableIdentityMap: true },
    );
    return rows.map(toDue);
  }

  /** Users with at least one identity the platforms have not refused. */
  async reachableUsers(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await this.em.find(UserIdentity, { userId: { $in: userIds }, unreachableAt: null }, { fields: ['userId'], disableIdentityMap: true });
    return new Set(rows.map((r) => r.userId));
  }

  async openQuests(userIds: string[]): Promise<QuestRow[]> {
    if (!userIds.length) return [];
    const rows = await this.em.find(
      Quest,
      { userId: { $in: userIds }, status: { $in: OPEN } },
      { fields: ['id', 'userId', 'number', 'title', 'status', 'priority', 'startedAt', 'createdAt', 'completedAt'], disableIdentityMap: true },
    );
    return rows.map((q) => ({ ...q, startedAt: q.startedAt ?? null, completedAt: q.completedAt ?? null }));
  }

  /** Of `questIds`, those with a sequential prerequisite that is not finished. */
  async blockedQuests(questIds: string[]): Promise<Set<string>> {
    if (!questIds.length) return new Set();
    const deps = await this.em.find(QuestDependency, { dependentQuestId: { $in: questIds }, dependencyType: 'sequential' }, { disableIdentityMap: true });
    if (!deps.length) return new Set();
    const prerequisites = await this.questsById([...new Set(deps.map((d) => d.prerequisiteQuestId))]);
    const unfinished = new Set(prerequisites.filter((p) => !isFinished(p)).map((p) => p.id));
    return new Set(deps.filter((d) => unfinished.has(d.prerequisiteQuestId)).map((d) => d.dependentQuestId));
  }

  async questsById(ids: string[]): Promise<QuestRow[]> {
    if (!ids.length) return [];
    const rows = await this.em.find(
      Quest,
      { id: { $in: ids } },
      { fields: ['id', 'userId', 'number', 'title', 'status', 'priority', 'startedAt', 'createdAt', 'completedAt'], disableIdentityMap: true },
    );
    return rows.map((q) => ({ ...q, startedAt: q.startedAt ?? null, completedAt: q.completedAt ?? null }));
  }

  /** Quests that wait (sequentially) on `prerequisiteId`. */
  async dependents(prerequisiteId: string): Promise<string[]> {
    const deps = await this.em.find(QuestDependency, { prerequisiteQuestId: prerequisiteId, dependencyType: 'sequential' }, { fields: ['dependentQuestId'], disableIdentityMap: true });
    return deps.map((d) => d.dependentQuestId);
  }

  async activeDailyStreaks(userIds: string[]): Promise<DailyStreakRow[]> {
    if (!userIds.length) return [];
    const rows = await this.em.find(Streak, { userId: { $in: userIds }, streakType: 'daily', isActive: true }, { disableIdentityMap: true });
    return rows.map((s) => ({
      id: s.id,
      userId: s.userId,
      currentCount: s.currentCount,
      longestCount: s.longestCount,
      startDate: isoDay(s.startDate),
      lastActivityDate: isoDay(s.lastActivityDate),
      metadata: s.metadata as DailyStreakRow['metadata'],
    }));
  }

  /** Ends a daily streak the rollover found broken, unless a completion moved it on meanwhile. */
  async endStreak(row: DailyStreakRow): Promise<boolean> {
    const changed = await this.em.nativeUpdate(Streak, { id: row.id, isActive: true, lastActivityDate: row.lastActivityDate }, { isActive: false });
    return changed > 0;
  }

  /**
   * Moves each claimed profile's next reminder on, in one statement.
   * raw: an update from a recordset; a statement per user cost the 20,000-due minute too much (bench/reminders).
   */
  async setNextReminders(updates: Array<{ userId: string; next: Date }>): Promise<void> {
    if (!updates.length) return;
    await this.em.execute(
      `update user_profiles p set next_reminder_at = x.next from jsonb_to_recordset(?::jsonb) as x(user_id uuid, next timestamptz) where p.user_id = x.user_id`,
      [JSON.stringify(updates.map((u) => ({ user_id: u.userId, next: u.next.toISOString() })))],
    );
  }

  /** raw: same one-statement form as setNextReminders, for the streak watch. */
  async setNextStreakChecks(updates: Array<{ userId: string; next: Date }>): Promise<void> {
    if (!updates.length) return;
    await this.em.execute(
      `update user_profiles p set next_streak_check_at = x.next from jsonb_to_recordset(?::jsonb) as x(user_id uuid, next timestamptz) where p.user_id = x.user_id`,
      [JSON.stringify(updates.map((u) => ({ user_id: u.userId, next: u.next.toISOString() })))],
    );
  }
}

function toDue(p: Record<(typeof PROFILE_FIELDS)[number], unknown>): DueProfile {
  return {
    userId: p.userId as string,
    timezone: p.timezone as string,
    dayStartHour: p.dayStartHour as number,
    reminderTime: (p.reminderTime as string | null) ?? null,
    nextReminderAt: (p.nextReminderAt as Date | null) ?? null,
    quietHoursStart: (p.quietHoursStart as string | null) ?? null,
    quietHoursEnd: (p.quietHoursEnd as string | null) ?? null,
    streakFreezes: p.streakFreezes as number,
    streakNudgeHour: p.streakNudgeHour as number,
    nextStreakCheckAt: (p.nextStreakCheckAt as Date | null) ?? null,
  };
}
