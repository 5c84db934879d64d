import { defineCommand, sub } from '../src/core/spec.js';
import { streakReply } from '../src/modules/progression/progression.presenter.js';

export default defineCommand({
  name: 'streak',
  description: 'Your daily, weekly and monthly streaks and banked freezes',
  root: sub({
    description: 'Your daily, weekly and monthly streaks and banked freezes',
    options: {},
    async handler(ctx) {
      return streakReply(await ctx.services.progression.streaks(ctx.user.id, ctx.now));
    },
  }),
});
