import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply, ReplyButton } from '../../core/reply.js';
import { formatNumber } from '../progression/progression.presenter.js';
import { truncate } from '../../core/text.js';
import { LEADERBOARD_PERIODS, type LeaderboardEntry, type LeaderboardPage, type LeaderboardPeriod } from './leaderboard.service.js';

const MEDAL = ['🥇', '🥈', '🥉'];
const HEADING: Record<LeaderboardPeriod, (label: string) => string> = {
  week: (label) => `This week (${label})`,
  month: (label) => `This month (${label})`,
  all: () => 'All time',
};

function row(entry: LeaderboardEntry, me: string | undefined): string {
  const place = MEDAL[entry.rank - 1] ?? `**${entry.rank}.**`;
  const name = md(truncate(entry.name, 40));
  return `${place} ${entry.userId === me ? `**${name}** (you)` : name}: ${formatNumber(entry.score)} XP`;
}

export function leaderboardReply(page: LeaderboardPage): Reply {
  const { window } = page;
  const me = page.me?.userId;
  const lines = page.entries.map((e) => row(e, me));
  if (page.me && page.me.rank > page.entries.length) lines.push('…', row(page.me, me));
  const note = !page.optedIn
    ? 'You are hidden from leaderboards. `/settings leaderboard show` brings you back.'
    : page.me
      ? undefined
      : 'Earn XP in this period to appear here.';
  const buttons: ReplyButton[] = LEADERBOARD_PERIODS.filter((p) => p !== window.period).map((p) => ({
    label: p === 'all' ? 'All time' : `This ${p}`,
    action: `leaderboard ${p}`,
    style: 'secondary',
  }));
  return {
    title: `🏆 Leaderboard · ${HEADING[window.period](window.label)}`,
    text: [lines.length ? lines.join('\n') : 'Nobody has earned XP here in this period yet. Be the first!', note].filter(Boolean).join('\n\n'),
    tone: 'info',
    footer: `${page.ranked} ranked${window.period === 'all' ? '' : ' · weeks and months run on UTC'}`,
    buttons,
  };
}
