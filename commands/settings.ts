import { defineCommand, sub } from '../src/core/spec.js';
import { formatDuration, opt } from '../src/core/options.js';
import { localNow, settingsReply } from '../src/modules/user/settings.presenter.js';
import { settingsMessages } from '../src/modules/user/settings.messages.js';
import { suggestTimezones } from '../src/modules/user/timezone.rules.js';
import { preferencesReply } from '../src/modules/notification/notification.presenter.js';
import { notificationMessages } from '../src/modules/notification/notification.messages.js';
import { CHANNELS, NOTIFICATION_TYPES } from '../src/modules/notification/notification.rules.js';
import { vacationMessages } from '../src/modules/vacation/vacation.messages.js';
import { vacationUntilLabel } from '../src/modules/vacation/vacation.presenter.js';

const time = (description: string, required = true) => opt.text({ description, max: 10, required: required as true });

export default defineCommand({
  name: 'settings',
  description: 'Time zone, day start, reminder, quiet hours, due-soon notice, vacation and leaderboard visibility',
  subcommands: {
    show: sub({
      description: 'Show your settings',
      ephemeral: true,
      options: {},
      async handler(ctx) {
        return settingsReply(await ctx.services.settings.show(ctx.user.id), ctx.now);
      },
    }),
    timezone: sub({
      description: 'Set your time zone: an IANA name (Europe/Berlin) or a city (New York)',
      ephemeral: true,
      examples: ['/settings timezone Europe/Berlin', '/settings timezone new york', '/settings timezone Mumbai'],
      options: {
        zone: opt.text({
          description: 'IANA time zone or city, e.g. Europe/Berlin, New York or UTC',
          max: 64,
          required: true,
          complete: (partial) => suggestTimezones(partial, 25),
        }),
      },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setTimezone(ctx.user.id, args.zone, ctx.now);
        return settingsReply(view, ctx.now, settingsMessages.zone_set({ zone: view.timezone, local: localNow(view.timezone, ctx.now) }).text);
      },
    }),
    'day-start': sub({
      description: 'Set the hour your day starts (0-23), for night owls',
      ephemeral: true,
      examples: ['/settings day-start 3'],
      options: { hour: opt.integer({ description: 'Hour your day starts, 0-23 (3 counts 01:30 as the day before)', min: 0, max: 23, required: true }) },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setDayStart(ctx.user.id, args.hour);
        return settingsReply(view, ctx.now, `Your day now starts at ${String(view.dayStartHour).padStart(2, '0')}:00.`);
      },
    }),
    reminder: sub({
      description: 'Set your daily reminder time (HH:MM) or turn it off',
      ephemeral: true,
      examples: ['/settings reminder 08:30', '/settings reminder off'],
      options: { time: time('Local time HH:MM, or off') },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setReminder(ctx.user.id, args.time, ctx.now);
        return settingsReply(view, ctx.now, view.reminderTime ? `Daily reminder set for ${view.reminderTime}.` : 'Daily reminder turned off.');
      },
    }),
    'quiet-hours': sub({
      description: 'Set hours without notifications (HH:MM-HH:MM) or turn them off',
      ephemeral: true,
      examples: ['/settings quiet-hours 22:00-07:00', '/settings quiet-hours off'],
      options: { hours: opt.text({ description: 'From-to in your time, e.g. 22:00-07:00, or off', max: 20, required: true }) },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setQuietHours(ctx.user.id, args.hours);
        return settingsReply(
          view,
          ctx.now,
          view.quietHoursStart ? `Quiet hours set: ${view.quietHoursStart}–${view.quietHoursEnd}.` : 'Quiet hours turned off.',
        );
      },
    }),
    leaderboard: sub({
      description: 'Show or hide yourself on leaderboards: show | hide',
      ephemeral: true,
      examples: ['/settings leaderboard hide', '/settings leaderboard show'],
      options: {
        visibility: opt.choice({
          description: 'show puts you on leaderboards, hide takes you off (on and off work too)',
          choices: ['show', 'hide'],
          aliases: { on: 'show', off: 'hide' },
          required: true,
        }),
      },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setLeaderboard(ctx.user.id, args.visibility === 'show', ctx.now);
        return settingsReply(view, ctx.now, view.leaderboardOptIn ? 'You appear on leaderboards again.' : 'You are now hidden from every leaderboard.');
      },
    }),
    'due-soon': sub({
      description: 'How long before a due time you get the due-soon notice, or off',
      ephemeral: true,
      examples: ['/settings due-soon 30m', '/settings due-soon 2h', '/settings due-soon off'],
      options: { lead: opt.text({ description: 'Minutes or a duration between 5m and 24h (30, 45m, 1h), or off', max: 20, required: true }) },
      async handler(ctx, args) {
        const view = await ctx.services.settings.setDueSoon(ctx.user.id, args.lead);
        return settingsReply(
          view,
          ctx.now,
          view.dueSoonMinutes ? `Due-soon notices now come ${formatDuration(view.dueSoonMinutes)} before a quest is due.` : 'Due-soon notices turned off.',
        );
      },
    }),
    vacation: sub({
      description: 'Go on vacation (streaks held, reminders paused), optionally until a date, or come back',
      ephemeral: true,
      examples: ['/settings vacation on', '/settings vacation on until:"fri 19 dec"', '/settings vacation off'],
      options: {
        state: opt.choice({ description: 'on to go away, off to come back', choices: ['on', 'off'], required: true }),
        until: opt.text({ description: 'When it ends by itself, read like a due date (fri, 2026-12-24, in 2 weeks); none = no end', max: 100 }),
      },
      async handler(ctx, args) {
        if (args.state === 'off') {
          const back = await ctx.services.vacation.stop(ctx.user.id, ctx.now);
          const notice = back.wasAway ? vacationMessages.stopped({ count: back.streak }).text : vacationMessages.not_away().text;
          return settingsReply(await ctx.services.settings.show(ctx.user.id), ctx.now, notice);
        }
        const away = await ctx.services.vacation.start(ctx.user.id, args.until, ctx.now);
        const view = await ctx.services.settings.show(ctx.user.id);
        const until = vacationUntilLabel(away.until, view);
        return settingsReply(view, ctx.now, away.extended ? vacationMessages.extended({ until }).text : vacationMessages.started({ until }).text);
      },
    }),
    notifications: sub({
      description: 'Turn a kind of notification on or off, by chat message (in_app) or email',
      ephemeral: true,
      examples: ['/settings notifications streak_risk in_app off', '/settings notifications reminder email on', '/settings notifications'],
      options: {
        type: opt.choice({ description: 'Which notifications', choices: NOTIFICATION_TYPES }),
        channel: opt.choice({ description: 'in_app (chat message) or email', choices: CHANNELS }),
        state: opt.choice({ description: 'on or off', choices: ['on', 'off'] }),
      },
      async handler(ctx, args) {
        if (!args.type || !args.channel || !args.state) {
          const view = await ctx.services.notifications.preferences(ctx.user.id);
          return preferencesReply(view.preferences, view.email, view.emailAvailable);
        }
        const view = await ctx.services.notifications.setPreference(ctx.user.id, args.type, args.channel, args.state === 'on');
        const notice = notificationMessages.preference_set({ type: args.type, channel: args.channel, on: args.state === 'on' }).text;
        return preferencesReply(view.preferences, view.email, view.emailAvailable, notice);
      },
    }),
    email: sub({
      description: 'Set the email address notifications may be sent to, or off',
      ephemeral: true,
      examples: ['/settings email me@example.com', '/settings email off'],
      options: { address: opt.text({ description: 'Your email address, or off', max: 255, required: true }) },
      async handler(ctx, args) {
        const view = await ctx.services.notifications.setEmail(ctx.user.id, args.address);
        const notice = view.email ? notificationMessages.email_set({ email: view.email }).text : notificationMessages.email_cleared().text;
        return preferencesReply(view.preferences, view.email, view.emailAvailable, notice);
      },
    }),
  },
});
