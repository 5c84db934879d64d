import type { EntityManager } from '@mikro-orm/postgresql';
import { ValidationError, plain } from '../../core/errors.js';
import { logBehavior } from '../analytics/behavior-log.service.js';
import type { LeaderboardService } from '../leaderboard/leaderboard.service.js';
import { afterCommit } from '../progression/after-commit.js';
import { canonicalTimezone, nextReminderAt, parseClock } from './settings.rules.js';

export interface SettingsView {
  timezone: string;
  dayStartHour: number;
  reminderTime: string | null;
  nextReminderAt: Date | null;
  quietHoursStart: string | null;
  quietHoursEnd: string | null;
  leaderboardOptIn: boolean;
}

const VIEW_COLUMNS = `timezone, day_start_hour as "dayStartHour", reminder_time as "reminderTime", next_reminder_at as "nextReminderAt",
  quiet_hours_start as "quietHoursStart", quiet_hours_end as "quietHoursEnd", leaderboard_opt_in as "leaderboardOptIn"`;

const OFF = /^(off|none|no)$/i;

function clockOption(value: string, option: string): string {
  const clock = parseClock(value);
  if (!clock) throw new ValidationError(plain(`\`${option}\` must be a time HH:MM between 00:00 and 23:59, or off (got "${value}").`), { field: option });
  return clock;
}

/** `/settings`: the user's profile preferences. Input is validated before anything is written. */
export class SettingsService {
  constructor(
    private readonly em: EntityManager,
    private readonly leaderboard: LeaderboardService,
  ) {}

  async show(userId: string): Promise<SettingsView> {
    const [row] = await this.em.execute<SettingsView[]>(`select ${VIEW_COLUMNS} from user_profiles where user_id = ?`, [userId]);
    return row!;
  }

  /** Sets the IANA zone; the reminder moves with it. Streaks keep counting (the zone-change rule). */
  async setTimezone(userId: string, zone: string, now: Date): Promise<SettingsView> {
    const timezone = canonicalTimezone(zone);
    if (!timezone) {
      throw new ValidationError(plain(`\`zone\` must be an IANA time zone name such as Europe/Berlin, America/New_York or UTC (got "${zone}").`), { field: 'zone' });
    }
    return this.update(userId, 'timezone', (current) => ({
      timezone,
      next_reminder_at: current.reminderTime ? nextReminderAt(now, timezone, current.reminderTime) : null,
    }));
  }

  async setDayStart(userId: string, hour: number): Promise<SettingsView> {
    if (!Number.isInteger(hour) || hour < 0 || hour > 23) throw new ValidationError(plain(`\`hour\` must be a whole number between 0 and 23 (got ${hour}).`), { field: 'hour' });
    return this.update(userId, 'day_start', () => ({ day_start_hour: hour }));
  }

  /** `HH:MM` in the user's zone, or `off`; stores the next UTC instant for the reminder job. */
  async setReminder(userId: string, time: string, now: Date): Promise<SettingsView> {
    const clock = OFF.test(time.trim()) ? null : clockOption(time, 'time');
    return this.update(userId, 'reminder', (current) => ({
      reminder_time: clock,
      next_reminder_at: clock ? nextReminderAt(now, current.timezone, clock) : null,
    }));
  }

  /** `22:00-07:00` (also `22:00 07:00` or `22:00 to 07:00`), wrapping midnight when the end is earlier; or `off`. */
  async setQuietHours(userId: string, hours: string): Promise<SettingsView> {
    if (OFF.test(hours.trim())) return this.update(userId, 'quiet_hours', () => ({ quiet_hours_start: null, quiet_hours_end: null }));
    const parts = hours.trim().split(/\s*(?:\s|-|–|to)\s*/i).filter(Boolean);
    const [from, to] = parts.map(parseClock);
    if (parts.length !== 2 || !from || !to) {
      throw new ValidationError(plain(`\`hours\` must be two times HH:MM such as 22:00-07:00, or off (got "${hours}").`), { field: 'hours' });
    }
    if (from === to) throw new ValidationError(plain(`\`hours\` must start and end at different times (both are ${from}).`), { field: 'hours' });
    return this.update(userId, 'quiet_hours', () => ({ quiet_hours_start: from, quiet_hours_end: to }));
  }

  /** Joins or leaves the leaderboards of every space; cached boards follow once committed. */
  async setLeaderboard(userId: string, optIn: boolean, now: Date): Promise<SettingsView> {
    return this.update(userId, 'leaderboard', () => ({ leaderboard_opt_in: optIn }), async (tx) => {
      const scores = await this.leaderboard.scoresFor(tx, userId, now);
      afterCommit(tx, () => void this.leaderboard.publish(scores));
    });
  }

  private async update(
    userId: string,
    setting: string,
    change: (current: SettingsView) => Record<string, string | number | boolean | Date | null>,
    then?: (tx: EntityManager) => Promise<void>,
  ): Promise<SettingsView> {
    return this.em.transactional(async (tx) => {
      const [current] = await tx.execute<SettingsView[]>(`select ${VIEW_COLUMNS} from user_profiles where user_id = ? for update`, [userId]);
      const values = change(current!);
      const columns = Object.keys(values);
      const [updated] = await tx.execute<SettingsView[]>(
        `update user_profiles set ${columns.map((c) => `${c} = ?`).join(', ')} where user_id = ? returning ${VIEW_COLUMNS}`,
        [...columns.map((c) => (values[c] instanceof Date ? (values[c] as Date).toISOString() : values[c])), userId],
      );
      await logBehavior(tx, userId, 'settings_changed', { setting, values });
      await then?.(tx);
      return updated!;
    });
  }
}
