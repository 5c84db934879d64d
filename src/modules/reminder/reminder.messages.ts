import { defineMessages } from '../../core/messages.js';

/** Wording of the time-driven notifications: the morning reminder, streak nudges, unlocks. */
export const reminderMessages = defineMessages('reminder', {
  title: (p: { weekday: string }) => `☀️ Good morning! Your ${p.weekday} quests`,
  top_heading: () => 'Today\u2019s top quests',
  nothing_open: () => 'No open quests. Create one with /quest create "..."',
  blocked_suffix: () => ' (waiting on a prerequisite)',
  follow_up_heading: () => 'Did you finish these?',
  overdue_heading: (p: { count: number }) => `⚠️ ${p.count} overdue`,
  overdue_more: (p: { count: number }) => `…and ${p.count} more: \`/quest list due:overdue\``,
  streak_heading: () => 'Streak',
  streak_none: () => 'No streak running: complete a quest today to start one.',
  streak_done: (p: { count: number }) => `🔥 Day ${p.count}: today already counts. Nice!`,
  streak_keep_alive: (p: { count: number }) => `🔥 Day ${p.count}, keep it alive: complete a quest today.`,
  streak_freeze_covers: (p: { count: number }) => `🔥 Day ${p.count}: a streak freeze covers yesterday; complete a quest today to keep it.`,
  nudge_title: (p: { count: number }) => `🔥 Your ${p.count}-day streak is at risk`,
  nudge_text: () => 'Nothing completed today yet. One quest before your day ends keeps it alive.',
  lost_title: (p: { count: number }) => `💔 Your ${p.count}-day streak ended`,
  lost_freeze_would_save: () =>
    'A streak freeze would have saved it: you earn one for every 7 days in a row (up to 2 banked), and it bridges a single missed day.',
  lost_too_long: () => 'A streak freeze bridges a single missed day; this gap was longer.',
  lost_restart: () => 'Complete a quest today to start a new one.',
  unlocked_title: (p: { number: number }) => `🔓 #${p.number} is ready to start`,
  unlocked_text: (p: { title: string; prerequisite: number }) => `${p.title}: its prerequisite #${p.prerequisite} is done.`,
  start: () => 'Start',
  complete: () => 'Complete',
  done: (p: { number: number }) => `Done #${p.number}`,
  start_number: (p: { number: number }) => `Start #${p.number}`,
  complete_number: (p: { number: number }) => `Complete #${p.number}`,
});
