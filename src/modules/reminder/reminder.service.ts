import type { EntityManager } from '@mikro-orm/postgresql';
import { localDate, nextLocalTime } from '../notification/notification.rules.js';
import { NotificationRepository, type NewNotification } from '../notification/notification.repository.js';
import { userDay, type StreakState, type ZoneChange } from '../streak/streak.rules.js';
import { VacationRepository } from '../vacation/vacation.repository.js';
import { hasEnded, holdStreak, isAway, streakShift, vacationWindow, type StreakShift } from '../vacation/vacation.rules.js';
import { nudgeReply, reminderReply, streakLostReply, unlockedReply } from './reminder.presenter.js';
import { reminderMessages as m } from './reminder.messages.js';
import { ReminderRepository, type DailyStreakRow, type DueProfile, type QuestRow } from './reminder.repository.js';
import {
  dayEnd,
  isFinished,
  nextStreakCheck,
  OVERDUE_SHOWN,
  REMINDER_TTL_MS,
  startedYesterday,
  streakStatus,
  streakWatch,
  topQuests,
  type OpenQuest,
} from './reminder.rules.js';

export interface BatchResult {
  claimed: number;
  enqueued: number;
  skipped: number;
}

function stateOf(row: DailyStreakRow | undefined, freezes: number): StreakState | null {
  if (!row) return null;
  return {
    currentCount: row.currentCount,
    longestCount: row.longestCount,
    startDate: row.startDate,
    lastActivityDate: row.lastActivityDate,
    isActive: true,
    freezes,
  };
}

/** The zone-change rule's input when the streak's last activity was counted in another zone (DESIGN §5). */
function zoneChangeOf(row: DailyStreakRow | undefined, profile: DueProfile, now: Date): ZoneChange | undefined {
  const zone = row?.metadata.zone;
  if (!zone || (zone.timezone === profile.timezone && zone.dayStartHour === profile.dayStartHour)) return undefined;
  return {
    lastActivityAt: new Date(zone.at),
    previousTimezone: zone.timezone,
    previousDayStartHour: zone.dayStartHour,
    now,
    timezone: profile.timezone,
    dayStartHour: profile.dayStartHour,
  };
}

/**
 * The time-driven notifications: the daily reminder at each user's local time,
 * the evening streak nudge, the "streak lost" rollover, and dependency unlocks.
 * Each batch is one transaction: claim (skip locked), decide, enqueue with a
 * dedupe key, move the user's next instant on. A crash rolls the batch back and
 * the next tick takes it again; nothing is written twice.
 */
export class ReminderService {
  constructor(private readonly em: EntityManager) {}

  async sendDueReminders(now: Date, limit: number): Promise<BatchResult> {
    return this.em.transactional(async (tx) => {
      const repo = new ReminderRepository(tx);
      const due = await repo.claimDueReminders(now, limit);
      if (!due.length) return { claimed: 0, enqueued: 0, skipped: 0 };
      const rows = await repo.reminderContext(
        due.map((p) => p.userId),
        now,
        OVERDUE_SHOWN,
      );
      const context = new Map(rows.map((c) => [c.userId, c]));
      const notifications: NewNotification[] = [];
      const next: Array<{ userId: string; next: Date }> = [];
      // Most of a batch shares a few zones and due instants: work each out once.
      const memo = new Map<string, string>();
      const once = (key: string, f: () => string) => memo.get(key) ?? (memo.set(key, f()), memo.get(key)!);
      for (const profile of due) {
        const dueAt = profile.nextReminderAt ?? now;
        // The reminder belongs to the local date it was due on, even when sent late.
        const date = once(`d|${dueAt.getTime()}|${profile.timezone}`, () => localDate(dueAt, profile.timezone));
        next.push({ userId: profile.userId, next: nextLocalTime(dueAt > now ? dueAt : now, profile.timezone, profile.reminderTime!, date) });
        const user = context.get(profile.userId);
        if (!user?.reachable) continue;
        // Away on vacation: the reminder pauses (and moves on to tomorrow as usual).
        const vacation = vacationWindow(profile.vacationSince, profile.vacationUntil);
        if (isAway(vacation, now)) continue;
        const today = once(`t|${profile.timezone}|${profile.dayStartHour}`, () => userDay(now, profile.timezone, profile.dayStartHour));
        const mine: OpenQuest[] = user.quests.map(({ prerequisites, ...q }) => ({ ...q, blocked: prerequisites.some((p) => !isFinished(p)) }));
        const streak = user.streak && vacation ? holdStreak(user.streak, vacation, profile, now) : (user.streak ?? undefined);
        const reply = reminderReply({
          day: date,
          timezone: profile.timezone,
          top: topQuests(mine),
          followUps: startedYesterday(mine, today, profile.timezone, profile.dayStartHour),
          streak: streakStatus(stateOf(streak, profile.streakFreezes), today, zoneChangeOf(streak, profile, now)),
          overdue: { quests: user.overdue, total: user.overdueCount, now },
        });
        notifications.push({
          userId: profile.userId,
          type: 'reminder',
          title: reply.title!,
          message: reply.text,
          reply,
          data: { date },
          dedupeKey: `reminder:${date}`,
          expiresAt: new Date(dueAt.getTime() + REMINDER_TTL_MS),
        });
      }
      const enqueued = await new NotificationRepository(tx).enqueue(notifications);
      await repo.setNextReminders(next);
      return { claimed: due.length, enqueued, skipped: due.length - notifications.length };
    });
  }

  /** Evening nudges and the rollover ("streak lost", once per streak) for users whose check time has come. */
  async watchStreaks(now: Date, limit: number): Promise<BatchResult & { lost: number; nudged: number }> {
    return this.em.transactional(async (tx) => {
      const repo = new ReminderRepository(tx);
      const due = await repo.claimStreakChecks(now, limit);
      if (!due.length) return { claimed: 0, enqueued: 0, skipped: 0, lost: 0, nudged: 0 };
      const ids = due.map((p) => p.userId);
      const [streaks, reachable] = await Promise.all([repo.activeDailyStreaks(ids), repo.reachableUsers(ids)]);
      const notifications: NewNotification[] = [];
      const next: Array<{ userId: string; next: Date }> = [];
      let lost = 0;
      let nudged = 0;
      const ended = await this.foldEndedVacations(tx, due, streaks, now);
      for (const profile of due) {
        const where = { timezone: profile.timezone, dayStartHour: profile.dayStartHour, nudgeHour: profile.streakNudgeHour };
        const check = nextStreakCheck(now, where);
        const vacation = ended.has(profile.userId) ? null : vacationWindow(profile.vacationSince, profile.vacationUntil);
        if (isAway(vacation, now)) {
          // Held: no nudge, no rollover. Look again when the vacation ends, if that comes first.
          next.push({ userId: profile.userId, next: vacation!.until && vacation!.until < check ? vacation!.until : check });
          continue;
        }
        next.push({ userId: profile.userId, next: check });
        const row = ended.get(profile.userId) ?? streaks.find((s) => s.userId === profile.userId);
        const decision = streakWatch(stateOf(row, profile.streakFreezes), now, where, zoneChangeOf(row, profile, now));
        if (decision.action === 'lost') {
          if (!(await repo.endStreak(row!))) continue;
          lost++;
          if (!reachable.has(profile.userId)) continue;
          const reply = streakLostReply(decision.count, decision.freezeWouldHaveSaved);
          notifications.push({
            userId: profile.userId,
            type: 'streak_lost',
            title: reply.title!,
            message: reply.text,
            reply,
            data: { count: decision.count, freezeWouldHaveSaved: decision.freezeWouldHaveSaved },
            dedupeKey: `streak_lost:${decision.streakStart}`,
          });
        } else if (decision.action === 'nudge' && reachable.has(profile.userId)) {
          const today = userDay(now, profile.timezone, profile.dayStartHour);
          const reply = nudgeReply(decision.count);
          nudged++;
          notifications.push({
            userId: profile.userId,
            type: 'streak_risk',
            title: reply.title!,
            message: reply.text,
            reply,
            data: { count: decision.count, day: today },
            dedupeKey: `streak_risk:${today}`,
            // A nudge after the day has ended is pointless.
            expiresAt: dayEnd(today, profile.timezone, profile.dayStartHour),
          });
        }
      }
      const enqueued = await new NotificationRepository(tx).enqueue(notifications);
      await repo.setNextStreakChecks(next);
      return { claimed: due.length, enqueued, skipped: 0, lost, nudged };
    });
  }

  /**
   * Vacations of the claimed users that have ended by `now` are folded into their
   * daily streaks (moved forward past the held days) and forgotten. Returns the
   * users folded, each with its daily streak as it now stands (undefined: none).
   */
  private async foldEndedVacations(
    tx: EntityManager,
    due: DueProfile[],
    streaks: DailyStreakRow[],
    now: Date,
  ): Promise<Map<string, DailyStreakRow | undefined>> {
    const ended = new Map<string, DailyStreakRow | undefined>();
    const shifts: StreakShift[] = [];
    for (const profile of due) {
      const vacation = vacationWindow(profile.vacationSince, profile.vacationUntil);
      if (!vacation || !hasEnded(vacation, now)) continue;
      const row = streaks.find((s) => s.userId === profile.userId);
      const shift = streakShift(row ?? null, vacation, profile, now);
      if (shift) shifts.push(shift);
      ended.set(profile.userId, row && shift ? { ...row, lastActivityDate: shift.to, metadata: shift.metadata } : row);
    }
    if (ended.size) await new VacationRepository(tx).fold([...ended.keys()], shifts);
    return ended;
  }

  /**
   * After `prerequisite` was completed (inside the completion's transaction): notify the
   * owner of each quest it was the last unfinished sequential prerequisite of.
   */
  async notifyUnlocked(prerequisite: { id: string; userId: string; number: number }): Promise<number> {
    const repo = new ReminderRepository(this.em);
    const dependentIds = await repo.dependents(prerequisite.id);
    if (!dependentIds.length) return 0;
    const dependents = (await repo.questsById(dependentIds)).filter((q) => !isFinished(q) && q.status !== 'ARCHIVED');
    const stillBlocked = await repo.blockedQuests(dependents.map((q) => q.id));
    const ready: QuestRow[] = dependents.filter((q) => !stillBlocked.has(q.id));
    const notifications = ready.map((q): NewNotification => {
      const reply = unlockedReply(q, prerequisite.number);
      return {
        userId: q.userId,
        type: 'unlocked',
        title: m.unlocked_title({ number: q.number }).text,
        message: reply.text,
        reply,
        data: { questId: q.id, number: q.number, prerequisite: prerequisite.number },
        dedupeKey: `unlocked:${q.id}:${prerequisite.id}`,
      };
    });
    return new NotificationRepository(this.em).enqueue(notifications);
  }
}
