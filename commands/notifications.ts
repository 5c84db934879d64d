import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { recentReply } from '../src/modules/notification/notification.presenter.js';

export default defineCommand({
  name: 'notifications',
  description: 'Your recent notifications (reminders, streak nudges, unlocks)',
  subcommands: {
    recent: sub({
      description: 'Show your latest notifications and mark them read',
      ephemeral: true,
      options: { count: opt.integer({ description: 'How many, 1-25 (default 10)', min: 1, max: 25 }) },
      async handler(ctx, args) {
        const rows = await ctx.services.notifications.recent(ctx.user.id, args.count ?? 10);
        const { timezone } = await ctx.services.settings.show(ctx.user.id);
        return recentReply(rows, timezone);
      },
    }),
  },
});
