import { DateTime } from 'luxon';
import { formatDuration } from '../../core/options.js';
import type { Reply } from '../../core/reply.js';
import { vacationMessages } from '../vacation/vacation.messages.js';
import { vacationUntilLabel } from '../vacation/vacation.presenter.js';
import { isAway, vacationWindow } from '../vacation/vacation.rules.js';
import type { SettingsView } from './settings.service.js';

function hour(h: number): string {
  return `${String(h).padStart(2, '0')}:00`;
}

/** The wall-clock time in `zone` at `now`: `05:00, Tue 24 Nov`. */
export function localNow(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toFormat('HH:mm, ccc d LLL');
}

/** The user's settings, with what changed on top when there was a change. */
export function settingsReply(view: SettingsView, now: Date, heading?: string): Reply {
  const reminder = view.reminderTime
    ? `${view.reminderTime} daily${view.nextReminderAt ? ` (next: ${DateTime.fromJSDate(new Date(view.nextReminderAt), { zone: view.timezone }).toFormat('ccc d LLL HH:mm')})` : ''}`
    : 'off';
  return {
    title: '⚙️ Your settings',
    text: heading,
    tone: heading ? 'success' : 'info',
    ephemeral: true,
    fields: [
      { name: 'Time zone', value: `${view.timezone} (now ${localNow(view.timezone, now)})`, inline: true },
      { name: 'Day starts at', value: hour(view.dayStartHour), inline: true },
      { name: 'Reminder', value: reminder, inline: true },
      { name: 'Quiet hours', value: view.quietHoursStart && view.quietHoursEnd ? `${view.quietHoursStart}–${view.quietHoursEnd}` : 'off', inline: true },
      { name: 'Leaderboards', value: view.leaderboardOptIn ? 'shown' : 'hidden', inline: true },
      { name: 'Due-soon notice', value: view.dueSoonMinutes ? `${formatDuration(view.dueSoonMinutes)} before` : 'off', inline: true },
      { name: 'Vacation', value: vacationSetting(view, now), inline: true },
    ],
    footer: 'Change one with /settings timezone | day-start | reminder | quiet-hours | leaderboard | due-soon | vacation',
  };
}

function vacationSetting(view: SettingsView, now: Date): string {
  const window = vacationWindow(view.vacationSince, view.vacationUntil);
  if (!isAway(window, now)) return 'off';
  return vacationMessages.setting({ until: vacationUntilLabel(window!.until, view) }).text;
}
