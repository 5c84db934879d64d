import { defineMessages } from '../../core/messages.js';

export const vacationMessages = defineMessages('vacation', {
  until_open: () => 'no end date',
  started: (p: { until: string | null }) =>
    p.until
      ? `🏖️ Vacation on until ${p.until}. Your daily streak is held and reminders pause meanwhile.`
      : '🏖️ Vacation on, until you turn it off with `/settings vacation off`. Your daily streak is held and reminders pause meanwhile.',
  extended: (p: { until: string | null }) => (p.until ? `🏖️ Still on vacation, now until ${p.until}.` : '🏖️ Still on vacation, now until you turn it off.'),
  stopped: (p: { count: number }) =>
    p.count > 0
      ? `👋 Welcome back! Your ${p.count}-day streak carries on: complete a quest today to keep it going.`
      : '👋 Welcome back! Reminders are on again.',
  not_away: () => 'You are not on vacation. Turn it on with `/settings vacation on` (optionally `until:<date>`).',
  held: (p: { until: string | null; count: number }) =>
    `🏖️ On vacation${p.until ? ` until ${p.until}` : ''}${p.count > 0 ? ` — your ${p.count}-day streak is held` : ' — reminders are paused'}`,
  setting: (p: { until: string | null }) => (p.until ? `on until ${p.until}` : 'on (no end date)'),
});
