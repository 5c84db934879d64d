import { defineCommand, sub } from '../src/core/spec.js';
import { profileReply } from '../src/modules/progression/progression.presenter.js';

export default defineCommand({
  name: 'profile',
  description: 'Your level, XP, streaks and latest achievements',
  root: sub({
    description: 'Your level, XP, streaks and latest achievements',
    options: {},
    async handler(ctx) {
      return profileReply(await ctx.services.progression.profile(ctx.user.id, ctx.user.displayName, ctx.now));
    },
  }),
});
