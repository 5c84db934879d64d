import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply, Tone } from '../../core/reply.js';
import type { Rarity, StreakType } from '../columns.js';
import type { CatalogAchievement } from '../achievement/achievement.service.js';
import { MAX_FREEZES } from '../streak/streak.rules.js';
import { vacationLine } from '../vacation/vacation.presenter.js';
import type { StreakOutcome, StreakOverview } from '../streak/streak.service.js';
import { levelProgress, xpForLevel } from './progression.rules.js';
import type { ProfileView, UndoResult } from './progression.service.js';

const RARITY_TONE: Record<Rarity, Tone> = { common: 'neutral', rare: 'info', epic: 'hard', legendary: 'epic' };
const RARITY_ICON: Record<Rarity, string> = { common: '⚪', rare: '🔵', epic: '🟣', legendary: '🟠' };

const UNIT: Record<StreakType, [string, string]> = { daily: ['day', 'days'], weekly: ['week', 'weeks'], monthly: ['month', 'months'] };
const STREAK_NAME: Record<StreakType, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly' };

/** `12,345`. */
export function formatNumber(n: number): string {
  return n.toLocaleString('en-US');
}

function plural(n: number, type: StreakType): string {
  return `${n} ${UNIT[type][n === 1 ? 0 : 1]}`;
}

/** `10-day`, as in "your 10-day streak". */
function streakLength(n: number, type: StreakType): string {
  return `${n}-${UNIT[type][0]}`;
}

/** `🔵 rare`. */
export function rarityLabel(rarity: Rarity): string {
  return `${RARITY_ICON[rarity]} ${rarity}`;
}

/** The completion reply's extra lines: streak bonus, streak news, achievements, the new total. */
export function completionLines(input: {
  xp: number;
  bonusPercent: number;
  streakDays: number;
  streaks: StreakOutcome;
  unlocked: CatalogAchievement[];
  total: number;
}): string[] {
  const lines: string[] = [];
  if (input.bonusPercent > 0) lines.push(`🔥 Streak bonus: +${input.bonusPercent}% for your ${streakLength(input.streakDays, 'daily')} streak.`);
  for (const step of input.streaks.steps) {
    const name = STREAK_NAME[step.type];
    switch (step.event) {
      case 'started':
        if (step.type === 'daily') lines.push('🔥 Daily streak started: day 1. Come back tomorrow to keep it going.');
        break;
      case 'continued':
        lines.push(`🔥 ${name} streak: ${plural(step.count, step.type)}${step.count === step.longest && step.count > 1 ? ' (your best yet)' : ''}.`);
        break;
      case 'bridged_with_freeze':
        lines.push(`🧊 A streak freeze covered the day you missed: daily streak ${plural(step.count, 'daily')}.`);
        break;
      case 'broken_and_restarted':
        if (step.type === 'daily' || (step.brokenCount ?? 0) > 1) {
          lines.push(`💔 Your ${streakLength(step.brokenCount ?? 0, step.type)} ${step.type} streak ended; a new one starts now.`);
        }
        break;
      case 'same_period':
        break;
    }
  }
  if (input.streaks.freezeEarned) lines.push(`🧊 Streak freeze earned (${input.streaks.freezes}/${MAX_FREEZES} banked): it covers one missed day.`);
  for (const achievement of input.unlocked) {
    lines.push(
      `🏅 ${achievement.icon ?? ''} **${md(achievement.name)}** unlocked${achievement.xpReward ? ` (+${achievement.xpReward} XP)` : ''}.`.replace(
        '🏅  ',
        '🏅 ',
      ),
    );
  }
  const progress = levelProgress(input.total);
  lines.push(`Total: ${formatNumber(input.total)} XP · level ${progress.level} (${formatNumber(progress.toNext)} XP to level ${progress.level + 1})`);
  return lines;
}

export function levelUpNotice(from: number, to: number, xp: number): Reply {
  const progress = levelProgress(xp);
  return {
    title: `⬆️ Level up! You reached level ${to}`,
    text: `${to - from > 1 ? `Straight from level ${from} to ${to}. ` : ''}Level ${to + 1} comes at ${formatNumber(xpForLevel(to + 1))} XP.`,
    tone: 'success',
    progress: {
      label: `${formatNumber(progress.intoLevel)}/${formatNumber(progress.span)} XP to level ${progress.level + 1}`,
      value: progress.intoLevel,
      max: progress.span,
    },
  };
}

export function achievementNotice(achievement: CatalogAchievement): Reply {
  return {
    title: `🏅 Achievement unlocked: ${achievement.icon ?? ''} ${achievement.name}`.replace(':  ', ': '),
    text: `${md(achievement.description)}${achievement.xpReward ? `\n**+${achievement.xpReward} XP**` : ''}`,
    tone: RARITY_TONE[achievement.rarity],
    footer: rarityLabel(achievement.rarity),
  };
}

export function undoReply(result: UndoResult): Reply {
  const lines = [
    result.xpRemoved
      ? `↩️ **-${formatNumber(result.xpRemoved)} XP**, exactly what the completion awarded.`
      : 'No XP had been awarded for it, so none was taken back.',
  ];
  if (result.level < result.levelBefore) lines.push(`You are back at level ${result.level}.`);
  if (result.steppedBack.length) lines.push(`Streaks stepped back: ${result.steppedBack.join(', ')}.`);
  if (result.recurrence?.kind === 'removed-next')
    lines.push(`🔁 Its next occurrence #${result.recurrence.number} was removed: this one is the open one again.`);
  if (result.recurrence?.kind === 'detached')
    lines.push('🔁 Its next occurrence was already under way, so this one no longer repeats; the series carries on there.');
  lines.push(`Total: ${formatNumber(result.xp)} XP · level ${result.level}. Achievements you unlocked stay yours.`);
  return {
    title: `↩️ Reopened #${result.quest.number} ${result.quest.title}`,
    text: lines.join('\n'),
    tone: 'info',
    buttons: [{ label: 'Complete', action: `quest complete #${result.quest.number}`, style: 'success' }],
  };
}

export function streakFields(overview: StreakOverview): Array<{ name: string; value: string; inline: boolean }> {
  return overview.streaks.map((s) => ({
    name: `${STREAK_NAME[s.type]} streak`,
    value: `${s.current ? `🔥 ${plural(s.current, s.type)}` : '—'}${s.doneThisPeriod ? ' ✅' : ''}\nbest ${plural(s.longest, s.type)}`,
    inline: true,
  }));
}

/** The vacation line of `/streak` and `/profile`, when away. */
function vacationText(overview: StreakOverview): string | undefined {
  if (!overview.vacation) return undefined;
  return vacationLine(overview.vacation, overview.streaks.find((s) => s.type === 'daily')?.current ?? 0);
}

export function profileReply(view: ProfileView): Reply {
  const progress = levelProgress(view.xp);
  const latest = view.latestAchievements.length
    ? view.latestAchievements.map((a) => `${a.icon ?? '🏅'} ${md(a.name)} (${a.rarity})`).join('\n')
    : 'None yet: complete a quest to earn **First Steps**.';
  return {
    title: `${view.displayName} · level ${view.level}`,
    text: vacationText(view.streaks),
    tone: 'info',
    progress: {
      label: `${formatNumber(progress.intoLevel)}/${formatNumber(progress.span)} XP to level ${progress.level + 1}`,
      value: progress.intoLevel,
      max: progress.span,
    },
    fields: [
      { name: 'Total XP', value: formatNumber(view.xp), inline: true },
      { name: 'Quests done', value: formatNumber(view.completions), inline: true },
      { name: 'Streak freezes', value: `🧊 ${view.streaks.freezes}/${MAX_FREEZES}`, inline: true },
      ...streakFields(view.streaks),
      { name: `Achievements (${view.achievementsUnlocked}/${view.achievementsTotal})`, value: latest, inline: false },
    ],
    buttons: [
      { label: 'Achievements', action: 'achievements', style: 'secondary' },
      { label: 'Stats', action: 'stats', style: 'secondary' },
    ],
  };
}

export function streakReply(overview: StreakOverview): Reply {
  const daily = overview.streaks.find((s) => s.type === 'daily')!;
  const hint = daily.doneThisPeriod
    ? 'Today is counted. See you tomorrow!'
    : daily.current
      ? 'Complete a quest today to keep your daily streak going.'
      : 'Complete a quest today to start a daily streak.';
  const history = overview.history.length ? overview.history.map((h) => `${plural(h.count, 'daily')} (${h.startDate} → ${h.endDate})`).join('\n') : undefined;
  return {
    title: '🔥 Your streaks',
    text: `${vacationText(overview) ?? hint}\nA freeze is earned every 7 days of daily streak (at most ${MAX_FREEZES} banked) and covers one missed day by itself.`,
    tone: 'info',
    fields: [
      ...streakFields(overview),
      { name: 'Freezes', value: `🧊 ${overview.freezes}/${MAX_FREEZES}`, inline: true },
      ...(history ? [{ name: 'Earlier daily streaks', value: history, inline: false }] : []),
    ],
    footer: `Your day: ${overview.today}`,
  };
}
