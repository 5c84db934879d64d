import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import { formatNumber } from '../progression/progression.presenter.js';
import type { StatsView } from './stats.service.js';

export function statsReply(view: StatsView, chart: Buffer): Reply {
  const active = view.days.filter((d) => d.xp > 0).length;
  const top = view.categories
    .slice(0, 3)
    .map((c) => `${md(c.name)} (${c.count})`)
    .join(', ');
  return {
    title: '📊 Your last 30 days',
    text: view.completions || view.xp ? undefined : 'Nothing yet in the last 30 days: complete a quest and this chart starts filling up.',
    tone: 'info',
    fields: [
      { name: 'XP earned', value: formatNumber(view.xp), inline: true },
      { name: 'Quests done', value: String(view.completions), inline: true },
      { name: 'Active days', value: `${active}/${view.days.length}`, inline: true },
      ...(view.bestDay ? [{ name: 'Best day', value: `${view.bestDay.day}: ${view.bestDay.xp} XP`, inline: true }] : []),
      ...(top ? [{ name: 'Top categories', value: top, inline: true }] : []),
    ],
    images: [{ name: 'stats.png', data: chart, alt: 'XP per day over the last 30 days and completions by category' }],
    footer: `Days in ${view.timezone}`,
  };
}
