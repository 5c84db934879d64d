import { defineCommand, sub } from '../src/core/spec.js';
import { renderStatsChart } from '../src/modules/analytics/stats.chart.js';
import { statsReply } from '../src/modules/analytics/stats.presenter.js';
import { withAcceptance } from '../src/modules/suggestion/suggestion.presenter.js';

export default defineCommand({
  name: 'stats',
  description: 'A chart of your last 30 days: XP per day and quests by category',
  root: sub({
    description: 'A chart of your last 30 days: XP per day and quests by category',
    slow: true,
    options: {},
    async handler(ctx) {
      const view = await ctx.services.stats.lastDays(ctx.user.id, ctx.now);
      return withAcceptance(statsReply(view, await renderStatsChart(view)), await ctx.services.suggestions.acceptance(ctx.user.id));
    },
  }),
});
