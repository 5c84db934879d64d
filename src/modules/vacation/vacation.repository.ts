import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Streak } from '../streak/streak.entity.js';
import type { StreakMetadata } from '../streak/streak.rules.js';
import { UserProfile } from '../user/user.entity.js';
import { vacationWindow, type HeldDailyRow, type StreakShift, type VacationClock, type VacationWindow } from './vacation.rules.js';

/** A user's vacation as stored, with the clock its days are counted in. */
export interface VacationState extends VacationClock {
  window: VacationWindow | null;
}

const isoDay = (value: unknown): string => (value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10));

/** Vacation windows on the profile, and the daily streak rows they hold. */
export class VacationRepository {
  constructor(private readonly em: EntityManager) {}

  /** The user's vacation and clock, locked for the rest of the transaction when `lock`. */
  async state(userId: string, lock = false): Promise<VacationState> {
    const profile = await this.em.findOneOrFail(
      UserProfile,
      { user: userId },
      {
        fields: ['timezone', 'dayStartHour', 'vacationSince', 'vacationUntil'],
        disableIdentityMap: true,
        ...(lock ? { lockMode: LockMode.PESSIMISTIC_WRITE } : {}),
      },
    );
    return { timezone: profile.timezone, dayStartHour: profile.dayStartHour, window: vacationWindow(profile.vacationSince, profile.vacationUntil) };
  }

  async activeDailyStreak(userId: string): Promise<HeldDailyRow | null> {
    const row = await this.em.findOne(
      Streak,
      { user: userId, streakType: 'daily', isActive: true },
      { fields: ['id', 'lastActivityDate', 'metadata'], disableIdentityMap: true },
    );
    return row ? { id: row.id, lastActivityDate: isoDay(row.lastActivityDate), metadata: (row.metadata ?? {}) as StreakMetadata } : null;
  }

  async setWindow(userId: string, window: VacationWindow | null): Promise<void> {
    await this.em.nativeUpdate(UserProfile, { user: userId }, { vacationSince: window?.since ?? null, vacationUntil: window?.until ?? null });
  }

  /**
   * Folds ended vacations in: moves each held daily streak forward and forgets the
   * windows. A streak a completion has moved on meanwhile (its stored date is no
   * longer `from`) is left as that completion wrote it: it already counted the hold.
   */
  async fold(userIds: string[], shifts: StreakShift[]): Promise<void> {
    for (const shift of shifts) {
      await this.em.nativeUpdate(
        Streak,
        { id: shift.id, isActive: true, lastActivityDate: shift.from },
        { lastActivityDate: shift.to, metadata: shift.metadata as Record<string, unknown> },
      );
    }
    if (userIds.length) await this.em.nativeUpdate(UserProfile, { user: { $in: userIds } }, { vacationSince: null, vacationUntil: null });
  }

  /** Of `userIds`, those on vacation at `now` (the rule of `isAway`: since <= now < until). */
  async awayAmong(userIds: string[], now: Date): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const rows = await this.em.find(
      UserProfile,
      { user: { $in: [...new Set(userIds)] }, vacationSince: { $lte: now }, $or: [{ vacationUntil: null }, { vacationUntil: { $gt: now } }] },
      { fields: ['user'], disableIdentityMap: true },
    );
    return new Set(rows.map((r) => r.user.id));
  }
}
