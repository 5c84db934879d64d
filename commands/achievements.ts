import { defineCommand, sub } from '../src/core/spec.js';
import { opt } from '../src/core/options.js';
import { achievementsReply } from '../src/modules/achievement/achievement.presenter.js';

export default defineCommand({
  name: 'achievements',
  description: 'Achievements you unlocked and how close you are to the rest',
  root: sub({
    description: 'Achievements you unlocked and how close you are to the rest',
    examples: ['/achievements', '/achievements unlocked'],
    options: {
      show: opt.choice({ description: 'Only the unlocked ones, or all of them', choices: ['all', 'unlocked'], default: 'all' }),
    },
    async handler(ctx, args) {
      return achievementsReply(await ctx.services.achievements.listForUser(ctx.user.id, ctx.now), args.show!);
    },
  }),
});
