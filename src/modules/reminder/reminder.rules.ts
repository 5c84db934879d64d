import { DateTime } from 'luxon';
import type { Priority, QuestStatus } from '../columns.js';
import { wallTimeOn } from '../notification/notification.rules.js';
import { isStreakAlive, daysBetween, userDay, type StreakState, type ZoneChange } from '../streak/streak.rules.js';

/** Quests listed in the morning reminder. */
export const TOP_QUESTS = 3;
/** Started-yesterday quests asked about ("did you finish these?"). */
export const FOLLOW_UPS = 3;
/** Overdue quests named in the morning reminder; more are counted ("and 3 more"). */
export const OVERDUE_SHOWN = 3;
/** A nudge is worth sending from this streak length on. */
export const NUDGE_MIN_STREAK = 3;
/** A reminder not delivered within this long after it was due is dropped (stale). */
export const REMINDER_TTL_MS = 12 * 60 * 60 * 1000;

const PRIORITY_RANK: Record<Priority, number> = { URGENT: 0, HIGH: 1, MEDIUM: 2, LOW: 3 };

/** A prerequisite no longer holds its dependent back once completed (even if archived since). */
export function isFinished(quest: { status: QuestStatus; completedAt: Date | null }): boolean {
  return quest.status === 'COMPLETED' || (quest.status === 'ARCHIVED' && quest.completedAt !== null);
}

export interface OpenQuest {
  id: string;
  number: number;
  title: string;
  status: QuestStatus;
  priority: Priority;
  startedAt: Date | null;
  createdAt: Date;
  /** A sequential prerequisite is unfinished. */
  blocked: boolean;
}

/**
 * Today's top open quests: ready before blocked, then by priority (urgent first),
 * then quests already under way, then the oldest.
 */
export function topQuests(quests: OpenQuest[], limit = TOP_QUESTS): OpenQuest[] {
  return [...quests]
    .sort(
      (a, b) =>
        Number(a.blocked) - Number(b.blocked) ||
        PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
        Number(b.status === 'IN_PROGRESS') - Number(a.status === 'IN_PROGRESS') ||
        a.createdAt.getTime() - b.createdAt.getTime(),
    )
    .slice(0, limit);
}

/** Quests started on the user-day before `today` and still open. */
export function startedYesterday(quests: OpenQuest[], today: string, timezone: string, dayStartHour: number, limit = FOLLOW_UPS): OpenQuest[] {
  return quests
    .filter((q) => q.status === 'IN_PROGRESS' && q.startedAt && daysBetween(userDay(q.startedAt, timezone, dayStartHour), today) === 1)
    .sort((a, b) => a.startedAt!.getTime() - b.startedAt!.getTime())
    .slice(0, limit);
}

export type StreakStatus = { kind: 'none' } | { kind: 'done_today'; count: number } | { kind: 'keep_alive'; count: number; coveredByFreeze: boolean };

/** Where the daily streak stands on `today` for the reminder's streak line. */
export function streakStatus(state: StreakState | null, today: string, zoneChange?: ZoneChange): StreakStatus {
  if (!state || !isStreakAlive(state, 'daily', today, { zoneChange })) return { kind: 'none' };
  const gap = daysBetween(state.lastActivityDate, today);
  if (gap <= 0) return { kind: 'done_today', count: state.currentCount };
  return { kind: 'keep_alive', count: state.currentCount, coveredByFreeze: gap === 2 };
}

/** The first instant of user-day `day` (its `dayStartHour` on that local date). */
export function dayStart(day: string, timezone: string, dayStartHour: number): Date {
  return wallTimeOn(day, timezone, dayStartHour, 0).toJSDate();
}

function nextDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
}

/** When user-day `day` ends (the next one starts). */
export function dayEnd(day: string, timezone: string, dayStartHour: number): Date {
  return dayStart(nextDay(day), timezone, dayStartHour);
}

/** The evening nudge of user-day `day`: `nudgeHour`:00 local within that day. */
export function nudgeAt(day: string, timezone: string, dayStartHour: number, nudgeHour: number): Date {
  return wallTimeOn(nudgeHour >= dayStartHour ? day : nextDay(day), timezone, nudgeHour, 0).toJSDate();
}

export type StreakWatchDecision =
  { action: 'lost'; count: number; freezeWouldHaveSaved: boolean; streakStart: string } | { action: 'nudge'; count: number } | { action: 'none' };

/**
 * What the streak watch does for one user at `now`: a daily streak that no longer
 * stands is lost (said once per streak); one of at least {@link NUDGE_MIN_STREAK}
 * days with nothing completed today gets the evening nudge once the nudge hour has come.
 * A banked freeze keeps a one-day gap alive (it is spent by the next completion).
 */
export function streakWatch(
  state: StreakState | null,
  now: Date,
  where: { timezone: string; dayStartHour: number; nudgeHour: number },
  zoneChange?: ZoneChange,
): StreakWatchDecision {
  if (!state || !state.isActive) return { action: 'none' };
  const today = userDay(now, where.timezone, where.dayStartHour);
  if (!isStreakAlive(state, 'daily', today, { zoneChange })) {
    // One missed day (gap 2) is exactly what a banked freeze bridges.
    const freezeWouldHaveSaved = daysBetween(state.lastActivityDate, today) === 2;
    return { action: 'lost', count: state.currentCount, freezeWouldHaveSaved, streakStart: state.startDate };
  }
  const doneToday = daysBetween(state.lastActivityDate, today) <= 0;
  if (!doneToday && state.currentCount >= NUDGE_MIN_STREAK && now >= nudgeAt(today, where.timezone, where.dayStartHour, where.nudgeHour)) {
    return { action: 'nudge', count: state.currentCount };
  }
  return { action: 'none' };
}

/** The next instant worth looking at the user again: today's nudge if still ahead, else the day's end. */
export function nextStreakCheck(now: Date, where: { timezone: string; dayStartHour: number; nudgeHour: number }): Date {
  const today = userDay(now, where.timezone, where.dayStartHour);
  const nudge = nudgeAt(today, where.timezone, where.dayStartHour, where.nudgeHour);
  const end = dayEnd(today, where.timezone, where.dayStartHour);
  return nudge > now && nudge < end ? nudge : end;
}
