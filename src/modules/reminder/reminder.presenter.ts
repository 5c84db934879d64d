import { DateTime } from 'luxon';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply, ReplyButton } from '../../core/reply.js';
import { dueLabel } from '../quest/due.rules.js';
import { reminderMessages as m } from './reminder.messages.js';
import type { OpenQuest, StreakStatus } from './reminder.rules.js';

const PRIORITY_ICON: Record<string, string> = { URGENT: '🔥 ', HIGH: '⬆️ ', MEDIUM: '', LOW: '⬇️ ' };

export interface ReminderContent {
  day: string;
  timezone: string;
  top: OpenQuest[];
  followUps: OpenQuest[];
  streak: StreakStatus;
  /** The longest-overdue open quests and how many are overdue in all. */
  overdue?: { quests: Array<{ number: number; title: string; dueAt: Date }>; total: number; now: Date };
}

function overdueField(overdue: ReminderContent['overdue']): Array<{ name: string; value: string }> {
  if (!overdue?.total) return [];
  const lines = overdue.quests.map((q) => `**#${q.number}** ${md(q.title)} (${dueLabel(q.dueAt, overdue.now)})`);
  const more = overdue.total - overdue.quests.length;
  if (more > 0) lines.push(m.overdue_more({ count: more }).text);
  return [{ name: m.overdue_heading({ count: overdue.total }).text, value: lines.join('\n') }];
}

function streakLine(streak: StreakStatus): string {
  switch (streak.kind) {
    case 'none':
      return m.streak_none().text;
    case 'done_today':
      return m.streak_done({ count: streak.count }).text;
    case 'keep_alive':
      return streak.coveredByFreeze ? m.streak_freeze_covers({ count: streak.count }).text : m.streak_keep_alive({ count: streak.count }).text;
  }
}

/**
 * The morning reminder: top quests with Start/Complete buttons, the streak, and
 * "did you finish these?" with Done buttons. Buttons are command lines run for
 * whoever clicks them; the reminder is a DM, so that is its owner.
 */
export function reminderReply(content: ReminderContent): Reply {
  const weekday = DateTime.fromISO(content.day, { zone: 'utc' }).toFormat('cccc');
  const buttons: ReplyButton[] = [];
  const line = (q: OpenQuest) => `${PRIORITY_ICON[q.priority] ?? ''}**#${q.number}** ${md(q.title)}${q.blocked ? m.blocked_suffix().text : ''}`;
  for (const q of content.top) {
    if (q.blocked) continue;
    if (q.status === 'ACTIVE') buttons.push({ label: m.start_number({ number: q.number }).text, action: `quest start #${q.number}`, style: 'primary' });
    buttons.push({ label: m.complete_number({ number: q.number }).text, action: `quest complete #${q.number}`, style: 'success' });
  }
  for (const q of content.followUps) {
    if (!buttons.some((b) => b.action === `quest complete #${q.number}`))
      buttons.push({ label: m.done({ number: q.number }).text, action: `quest complete #${q.number}`, style: 'success' });
  }
  return {
    title: m.title({ weekday }).text,
    tone: 'info',
    text: content.top.length ? content.top.map(line).join('\n') : m.nothing_open().text,
    fields: [
      ...overdueField(content.overdue),
      { name: m.streak_heading().text, value: streakLine(content.streak) },
      ...(content.followUps.length ? [{ name: m.follow_up_heading().text, value: content.followUps.map(line).join('\n') }] : []),
    ],
    buttons: buttons.slice(0, 10),
  };
}

export function nudgeReply(count: number): Reply {
  return {
    title: m.nudge_title({ count }).text,
    text: m.nudge_text().text,
    tone: 'hard',
    buttons: [{ label: 'My quests', action: 'quest list', style: 'primary' }],
  };
}

export function streakLostReply(count: number, freezeWouldHaveSaved: boolean): Reply {
  return {
    title: m.lost_title({ count }).text,
    text: [freezeWouldHaveSaved ? m.lost_freeze_would_save().text : m.lost_too_long().text, m.lost_restart().text].join('\n'),
    tone: 'neutral',
  };
}

export function unlockedReply(quest: { number: number; title: string; status: string }, prerequisite: number): Reply {
  return {
    title: m.unlocked_title({ number: quest.number }).text,
    text: m.unlocked_text({ title: md(quest.title), prerequisite }).text,
    tone: 'success',
    buttons: [
      ...(quest.status === 'ACTIVE' || quest.status === 'DRAFT'
        ? [{ label: m.start().text, action: `quest start #${quest.number}`, style: 'primary' as const }]
        : []),
      { label: m.complete().text, action: `quest complete #${quest.number}`, style: 'success' },
    ],
  };
}
