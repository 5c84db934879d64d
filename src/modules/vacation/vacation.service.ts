import type { EntityManager } from '@mikro-orm/postgresql';
import type { DueService } from '../quest/due.service.js';
import { streakOverview } from '../streak/streak.service.js';
import { VacationRepository } from './vacation.repository.js';
import { isAway, streakShift, vacationEnd, type VacationClock, type VacationWindow } from './vacation.rules.js';

export interface VacationView {
  /** On vacation now. */
  away: boolean;
  until: Date | null;
  timezone: string;
}

export interface VacationStart extends VacationView {
  /** Already away: only the end moved. */
  extended: boolean;
}

export interface VacationStop {
  wasAway: boolean;
  /** The daily streak that carries on (0 when none stands). */
  streak: number;
}

/**
 * `/settings vacation`: while away the daily streak is held (no break, no freeze
 * spent), reminders and streak nudges pause. The hold is worked out from the stored
 * window wherever a streak is read; when the vacation ends (turned off, or its
 * `until` passed and the streak watch noticed) it is folded into the streak row and
 * the window forgotten.
 */
export class VacationService {
  constructor(
    private readonly em: EntityManager,
    private readonly due: DueService,
  ) {}

  /** Goes on vacation now, or moves the end of the current one. `until` is read like a due date (option `until`). */
  async start(userId: string, untilText: string | undefined, now: Date): Promise<VacationStart> {
    const parsed = await this.due.read(userId, untilText, now, 'until');
    return this.em.transactional(async (tx) => {
      const repository = new VacationRepository(tx);
      const state = await repository.state(userId, true);
      const until = parsed ? vacationEnd(parsed, state) : null;
      const away = isAway(state.window, now);
      if (state.window && !away) await this.fold(repository, userId, state.window, state, now);
      await repository.setWindow(userId, { since: away ? state.window!.since : now, until });
      return { away: true, until, timezone: state.timezone, extended: away };
    });
  }

  /** Back from vacation: the streak continues as if the days away had not existed. */
  async stop(userId: string, now: Date): Promise<VacationStop> {
    const wasAway = await this.em.transactional(async (tx) => {
      const repository = new VacationRepository(tx);
      const state = await repository.state(userId, true);
      if (!state.window) return false;
      const away = isAway(state.window, now);
      await this.fold(repository, userId, away ? { since: state.window.since, until: now } : state.window, state, now);
      return away;
    });
    const daily = (await streakOverview(this.em, userId, now)).streaks.find((s) => s.type === 'daily');
    return { wasAway, streak: daily?.current ?? 0 };
  }

  /**
   * Of `userIds`, those on vacation at `now`: for jobs that should leave them alone
   * (reminders, due-soon notices, recurring quests rolling over).
   */
  awayAmong(userIds: string[], now: Date): Promise<Set<string>> {
    return new VacationRepository(this.em).awayAmong(userIds, now);
  }

  private async fold(repository: VacationRepository, userId: string, window: VacationWindow, clock: VacationClock, now: Date): Promise<void> {
    const shift = streakShift(await repository.activeDailyStreak(userId), window, clock, now);
    await repository.fold([userId], shift ? [shift] : []);
  }
}
