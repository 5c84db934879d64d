import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { leaderboardReply } from '../src/modules/leaderboard/leaderboard.presenter.js';
import { LEADERBOARD_PERIODS } from '../src/modules/leaderboard/leaderboard.service.js';

export default defineCommand({
  name: 'leaderboard',
  description: 'Who earned the most XP in this server or workspace',
  root: sub({
    description: 'Who earned the most XP in this server or workspace',
    examples: ['/leaderboard', '/leaderboard month', '/leaderboard all'],
    options: {
      period: opt.choice({ description: 'This week, this month or all time', choices: LEADERBOARD_PERIODS, default: 'week' }),
    },
    async handler(ctx, args) {
      return leaderboardReply(await ctx.services.leaderboard.show(ctx.spaceId, ctx.user.id, args.period!, ctx.now));
    },
  }),
});
