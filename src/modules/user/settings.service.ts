import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError } from '../../core/errors.js';
import { formatDuration, parseDuration } from '../../core/options.js';
import type { LeaderboardService, UserScores } from '../leaderboard/leaderboard.service.js';
import { settingsMessages } from './settings.messages.js';
import { DUE_SOON_MAX_MINUTES, DUE_SOON_MIN_MINUTES, nextReminderAt, parseClock } from './settings.rules.js';
import { resolveTimezone } from './timezone.rules.js';
import { UserRepository, type SettingsChange, type SettingsView } from './user.repository.js';

export type { SettingsView } from './user.repository.js';

const OFF = /^(off|none|no)$/i;

function clockOption(value: string, option: string): string {
  const clock = parseClock(value);
  if (!clock) throw new ValidationError(settingsMessages.clock_invalid({ option, value }), { field: option });
  return clock;
}

/** `/settings`: the user's profile preferences. Input is validated before anything is written. */
export class SettingsService {
  private readonly users: UserRepository;

  constructor(
    em: EntityManager,
    private readonly leaderboard: LeaderboardService,
  ) {
    this.users = new UserRepository(em);
  }

  async show(userId: string): Promise<SettingsView> {
    return this.users.settings(userId);
  }

  /** Sets the IANA zone; the reminder moves with it. Streaks keep counting (the zone-change rule). */
  async setTimezone(userId: string, zone: string, now: Date): Promise<SettingsView> {
    const match = resolveTimezone(zone);
    if (match.zone === null) {
      const params = { zone: zone.trim(), candidates: match.candidates };
      throw new ValidationError(match.ambiguous ? settingsMessages.zone_ambiguous(params) : settingsMessages.zone_invalid(params), { field: 'zone' });
    }
    const timezone = match.zone;
    return this.update(userId, 'timezone', (current) => ({
      timezone,
      nextReminderAt: current.reminderTime ? nextReminderAt(now, timezone, current.reminderTime) : null,
    }));
  }

  async setDayStart(userId: string, hour: number): Promise<SettingsView> {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new ValidationError(settingsMessages.hour_invalid({ hour }), { field: 'hour' });
    return this.update(userId, 'day_start', () => ({ dayStartHour: hour }));
  }

  /** `HH:MM` in the user's zone, or `off`; stores the next UTC instant for the reminder job. */
  async setReminder(userId: string, time: string, now: Date): Promise<SettingsView> {
    const clock = OFF.test(time.trim()) ? null : clockOption(time, 'time');
    return this.update(userId, 'reminder', (current) => ({
      reminderTime: clock,
      nextReminderAt: clock ? nextReminderAt(now, current.timezone, clock) : null,
    }));
  }

  /** `22:00-07:00` (also `22:00 07:00` or `22:00 to 07:00`), wrapping midnight when the end is earlier; or `off`. */
  async setQuietHours(userId: string, hours: string): Promise<SettingsView> {
    if (OFF.test(hours.trim())) return this.update(userId, 'quiet_hours', () => ({ quietHoursStart: null, quietHoursEnd: null }));
    const parts = hours
      .trim()
      .split(/\s*(?:\s|-|–|to)\s*/i)
      .filter(Boolean);
    const [from, to] = parts.map(parseClock);
    if (parts.length !== 2 || !from || !to) throw new ValidationError(settingsMessages.hours_invalid({ hours }), { field: 'hours' });
    if (from === to) throw new ValidationError(settingsMessages.hours_equal({ time: from }), { field: 'hours' });
    return this.update(userId, 'quiet_hours', () => ({ quietHoursStart: from, quietHoursEnd: to }));
  }

  /** How long before a due time the due-soon notice goes out (`30`, `45m`, `1h`), or `off`. */
  async setDueSoon(userId: string, lead: string): Promise<SettingsView> {
    if (OFF.test(lead.trim())) return this.update(userId, 'due_soon', () => ({ dueSoonMinutes: null }));
    const minutes = parseDuration(lead);
    if (minutes === null || !Number.isInteger(minutes) || minutes < DUE_SOON_MIN_MINUTES || minutes > DUE_SOON_MAX_MINUTES) {
      const range = { min: formatDuration(DUE_SOON_MIN_MINUTES), max: formatDuration(DUE_SOON_MAX_MINUTES) };
      throw new ValidationError(settingsMessages.due_soon_invalid({ value: lead, ...range }), { field: 'lead' });
    }
    return this.update(userId, 'due_soon', () => ({ dueSoonMinutes: minutes }));
  }

  /**
   * Joins or leaves the leaderboards of every space. The cached boards are
   * updated once the change commits and before this resolves, so the reply
   * never claims a state the boards do not show yet (reads re-check opt-in too,
   * for a cache that was down meanwhile).
   */
  async setLeaderboard(userId: string, optIn: boolean, now: Date): Promise<SettingsView> {
    let scores: UserScores | undefined;
    const view = await this.update(
      userId,
      'leaderboard',
      () => ({ leaderboardOptIn: optIn }),
      async (tx) => {
        scores = await this.leaderboard.scoresFor(tx, userId, now);
      },
    );
    if (scores) await this.leaderboard.publish(scores);
    return view;
  }

  private update(
    userId: string,
    setting: string,
    change: (current: SettingsView) => SettingsChange,
    then?: (tx: EntityManager) => Promise<void>,
  ): Promise<SettingsView> {
    return this.users.updateSettings(userId, setting, change, then);
  }
}
