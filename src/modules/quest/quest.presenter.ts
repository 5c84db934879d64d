import { escapeMarkdown as md } from '../../core/markdown.js';
import { formatDuration } from '../../core/options.js';
import type { Reply, ReplyButton, Tone } from '../../core/reply.js';
import type { Difficulty } from '../columns.js';
import type { CompletionResult, DependencyResult, EditResult, QuestDetail, QuestPage, QuestSummary } from './quest.service.js';
import { statusLabel } from './quest.rules.js';
import { timeToken } from '../../core/reply.js';
import { dueLabel, formatLocal, isOverdue } from './due.rules.js';
import type { SeriesView } from './quest.repository.js';
import type { RepeatControlResult } from './recurrence.service.js';
import { describeRule, formatDay, nextAfterCompletion } from './recurrence.rules.js';

/** What a card needs to show times: the moment it is shown and the user's zone. */
export interface CardTime {
  now: Date;
  timezone: string;
}

/** A due time: shown in each viewer's zone where the platform can, else in the user's; with "due in 3h". */
export function dueText(dueAt: Date, time: CardTime): string {
  return `${timeToken(dueAt, formatLocal(dueAt, time.timezone, time.now))} · ${dueLabel(dueAt, time.now)}`;
}

const FINISHED = new Set(['COMPLETED', 'ARCHIVED']);

const DIFFICULTY_ICON: Record<Difficulty, string> = { EASY: '🟢', MEDIUM: '🟡', HARD: '🟠', EPIC: '🟣' };
const PRIORITY_ICON: Record<string, string> = { URGENT: '🔥', HIGH: '⬆️', MEDIUM: '', LOW: '⬇️' };

export function difficultyTone(difficulty: Difficulty): Tone {
  return difficulty.toLowerCase() as Tone;
}

export function questButtons(quest: { number: number; status: string }): ReplyButton[] {
  const ref = `#${quest.number}`;
  const buttons: ReplyButton[] = [];
  if (quest.status === 'DRAFT' || quest.status === 'ACTIVE') buttons.push({ label: 'Start', action: `quest start ${ref}`, style: 'primary' });
  if (quest.status === 'ACTIVE' || quest.status === 'IN_PROGRESS') buttons.push({ label: 'Complete', action: `quest complete ${ref}`, style: 'success' });
  if (quest.status === 'COMPLETED') buttons.push({ label: 'Undo', action: `quest undo ${ref}`, style: 'secondary' });
  if (quest.status !== 'COMPLETED' && quest.status !== 'ARCHIVED') {
    buttons.push({
      label: 'Add step',
      action: `step add ${ref}`,
      style: 'secondary',
      modal: {
        title: `Add a step to ${ref}`,
        action: `step add quest:${ref}`,
        fields: [{ option: 'title', label: 'Step', style: 'short', required: true, maxLength: 255, placeholder: 'What is the next small step?' }],
      },
    });
  }
  return buttons;
}

/** The full card of one quest: fields, step progress and checklist, action buttons. */
export function questCard(quest: QuestDetail, heading?: string, time?: CardTime): Reply {
  const fields = [
    { name: 'Status', value: statusLabel(quest.status), inline: true },
    { name: 'Difficulty', value: `${DIFFICULTY_ICON[quest.difficulty]} ${quest.difficulty.toLowerCase()}`, inline: true },
    { name: 'Priority', value: `${PRIORITY_ICON[quest.priority]} ${quest.priority.toLowerCase()}`.trim(), inline: true },
    { name: 'Estimate', value: formatDuration(quest.estimatedDuration), inline: true },
    { name: 'XP', value: String(quest.experiencePoints), inline: true },
  ];
  if (quest.actualDuration !== null) fields.push({ name: 'Time spent', value: formatDuration(quest.actualDuration), inline: true });
  if (quest.dueAt) {
    const shown = time ?? { now: new Date(), timezone: 'UTC' };
    const due = FINISHED.has(quest.status) ? timeToken(quest.dueAt, formatLocal(quest.dueAt, shown.timezone, shown.now)) : dueText(quest.dueAt, shown);
    fields.push({ name: isOverdue(quest.dueAt, shown.now) && !FINISHED.has(quest.status) ? '⏰ Overdue' : 'Due', value: due, inline: false });
  }
  if (quest.category) fields.push({ name: 'Category', value: md(quest.category.name), inline: true });
  if (quest.project) fields.push({ name: 'Project', value: md(quest.project.name), inline: true });
  if (quest.tags.length) fields.push({ name: 'Tags', value: quest.tags.map((t) => `\`${t.name.replace(/`/g, "'")}\``).join(' '), inline: false });
  if (quest.blockers.length) {
    fields.push({ name: 'Waiting on', value: quest.blockers.map((b) => `#${b.number} ${md(b.title)} (${b.type})`).join('\n'), inline: false });
  }
  const done = quest.steps.filter((s) => s.completed).length;
  return {
    title: `#${quest.number} ${quest.title}`,
    text:
      [heading, quest.series ? repeatLine(quest.series, quest, time?.now ?? new Date()) : undefined, quest.description ? md(quest.description) : undefined]
        .filter(Boolean)
        .join('\n') || undefined,
    tone: difficultyTone(quest.difficulty),
    fields,
    progress: quest.steps.length ? { label: `${done}/${quest.steps.length} steps`, value: done, max: quest.steps.length } : undefined,
    // Numbered as the step commands count them (`/step done #12 2`).
    checklist: quest.steps.length ? quest.steps.map((s, i) => ({ done: s.completed, text: `${i + 1}. ${md(s.title)}` })) : undefined,
    buttons: questButtons(quest),
  };
}

/**
 * "🔁 Repeats every weekday at 07:00, next Fri 4 Dec": the rule in words and, for the
 * open occurrence, the date the one after it comes (in the series' zone).
 */
export function repeatLine(series: SeriesView, quest: { number: number; status: string; dueAt: Date | null }, now: Date): string {
  const words = `🔁 Repeats ${describeRule(series)}`;
  if (series.paused) return `${words} (paused: \`/quest repeat #${quest.number} resume\` picks it up again)`;
  if (FINISHED.has(quest.status)) return words;
  const next = nextAfterCompletion(series, quest.dueAt, now);
  return next ? `${words}, next ${formatDay(next, series.timezone, now)}` : words;
}

/** `/quest repeat`: what happened to the series. */
export function repeatControlReply(result: RepeatControlResult, time: CardTime): Reply {
  const quest = `#${result.quest.number} ${md(result.quest.title)}`;
  const rule = describeRule(result.rule);
  const text =
    result.action === 'pause'
      ? `⏸️ Paused: ${quest} repeats ${rule} again once you resume it. Completing the open one makes no next one meanwhile.`
      : result.action === 'stop'
        ? `⏹️ Stopped: ${quest} no longer repeats. Its open occurrence stays as a plain quest.`
        : `▶️ Resumed: ${quest} repeats ${rule} again.${
            result.created ? ` Next occurrence: **#${result.created.number}**, due ${formatLocal(result.created.dueAt, result.rule.timezone, time.now)}.` : ''
          }`;
  return { text, tone: 'success' };
}

/** The card after an edit, saying what changed (and the XP it is now worth). */
export function editedReply({ quest, changes }: EditResult, time?: CardTime): Reply {
  if (!changes.length) return questCard(quest, 'Nothing to change: it already looks like that.', time);
  const xp = changes.some((c) => c === 'difficulty' || c === 'estimate') && !quest.completedAt ? ` It is now worth **${quest.experiencePoints} XP**.` : '';
  const due = changes.includes('due') && time ? `\n${dueEcho(quest.dueAt, time)}` : '';
  const stopped = changes.includes('repeat') && !quest.series ? '\n🔁 No longer repeats.' : '';
  return questCard(quest, `✏️ Updated ${changes.join(', ')}.${xp}${due}${stopped}`, time);
}

/** The celebration after a completion, with the rewards the completion hook granted. */
export function completionReply({ quest, steps, ratings, rewards, next }: CompletionResult): Reply {
  const lines = ['Well done, that one is off your list.'];
  if (rewards.xpAwarded > 0) lines.push(`✨ **+${rewards.xpAwarded} XP**`);
  lines.push(...rewards.lines);
  if (next) lines.push(`🔁 Next occurrence: **#${next.number}**, due ${formatLocal(next.dueAt, next.timezone, quest.completedAt)}.`);
  const fields = [];
  if (quest.actualDuration !== null) {
    fields.push({ name: 'Time spent', value: `${formatDuration(quest.actualDuration)} (estimated ${formatDuration(quest.estimatedDuration)})`, inline: true });
  }
  if (steps.total) fields.push({ name: 'Steps', value: `${steps.done}/${steps.total}`, inline: true });
  if (ratings.difficulty !== null) fields.push({ name: 'Difficulty felt', value: `${ratings.difficulty}/5`, inline: true });
  if (ratings.satisfaction !== null) fields.push({ name: 'Satisfaction', value: `${ratings.satisfaction}/5`, inline: true });
  return {
    title: `🎉 Quest complete: #${quest.number} ${quest.title}`,
    text: lines.join('\n'),
    tone: 'success',
    fields: fields.length ? fields : undefined,
    buttons: questButtons({ number: quest.number, status: 'COMPLETED' }),
    followUps: rewards.notices.length ? rewards.notices : undefined,
  };
}

/**
 * Asks before deleting. Private to the asker: a button runs for whoever clicks it,
 * against their own quests, so a shared prompt could delete someone else's #N.
 */
export function deletePrompt(quest: QuestDetail): Reply {
  const ref = `#${quest.number}`;
  const steps = quest.steps.length ? `its ${quest.steps.length} step${quest.steps.length === 1 ? '' : 's'}, tags` : 'its tags';
  return {
    title: `Delete ${ref} ${quest.title}?`,
    text: `⚠️ This removes the quest with ${steps}, dependencies and stats for good. Archiving keeps it out of the way instead: \`/quest archive ${ref}\`.`,
    tone: 'neutral',
    ephemeral: true,
    buttons: [
      { label: 'Delete', action: `quest delete ${ref} confirm:yes`, style: 'danger' },
      { label: 'Keep it', action: `quest view ${ref}`, style: 'secondary' },
    ],
  };
}

export function deletedReply(quest: { number: number; title: string }): Reply {
  return { text: `🗑️ Deleted #${quest.number} ${md(quest.title)}.`, tone: 'success' };
}

export function dependencyReply({ quest, prerequisite, type, outcome }: DependencyResult): Reply {
  const other = `#${prerequisite.number} ${md(prerequisite.title)}`;
  if (outcome === 'removed') return questCard(quest, `🔓 No longer waits on ${other}.`);
  const heading = outcome === 'retyped' ? `🔗 Still waits on ${other}, now as ${type}.` : `🔗 Now waits on ${other} (${type}).`;
  const blocking = type === 'sequential' && prerequisite.status !== 'COMPLETED' ? ' It can start once that one is completed.' : '';
  return questCard(quest, heading + blocking);
}

/** Echoes a due date as the user's local date and time, so a misreading shows at once. */
export function dueEcho(dueAt: Date | null, time: CardTime): string {
  return dueAt ? `📅 Due **${formatLocal(dueAt, time.timezone, time.now)}** (${dueLabel(dueAt, time.now)}).` : '📅 No due date.';
}

export function questLine(quest: QuestSummary, now?: Date): string {
  const due = quest.dueAt && now && !FINISHED.has(quest.status) ? ` · ${isOverdue(quest.dueAt, now) ? '⏰ ' : ''}${dueLabel(quest.dueAt, now)}` : '';
  const steps = (quest.stepsTotal ? ` · ${quest.stepsDone}/${quest.stepsTotal} steps` : '') + due;
  const priority = PRIORITY_ICON[quest.priority] ? `${PRIORITY_ICON[quest.priority]} ` : '';
  const repeats = quest.seriesId ? '🔁 ' : '';
  return `${DIFFICULTY_ICON[quest.difficulty]} **#${quest.number}** ${priority}${repeats}${md(quest.title)} · ${statusLabel(quest.status)} · ${formatDuration(quest.estimatedDuration)} · ${quest.experiencePoints} XP${steps}`;
}

/** A page of quests with previous/next buttons that re-run the same listing. */
/**
 * An empty page says why: filters that match nothing, no open quest among
 * finished ones (`hasQuests`), or no quest at all yet.
 */
export function questListReply(result: QuestPage, filters: Record<string, string | undefined>, heading: string, now?: Date, hasQuests?: boolean): Reply {
  if (!result.total) {
    const filtered = Object.entries(filters).some(([name, value]) => value && !(name === 'status' && value === 'all'));
    return {
      title: heading,
      text: filtered
        ? 'No quests match these filters. `/quest list status:all` shows every quest.'
        : hasQuests
          ? 'No open quests right now. `/quest list status:all` shows every quest, finished ones too.'
          : 'No quests here yet. Start one with `/quest create "Write the report" difficulty:hard estimate:1h30m`.',
      tone: 'info',
    };
  }
  const base = [
    'quest list',
    ...Object.entries(filters)
      .filter(([, v]) => v)
      .map(([k, v]) => `${k}:${quoteValue(v!)}`),
  ].join(' ');
  const buttons: ReplyButton[] = [];
  if (result.page > 1) buttons.push({ label: '◀ Previous', action: `${base} page:${result.page - 1}`, style: 'secondary' });
  if (result.page < result.pages) buttons.push({ label: 'Next ▶', action: `${base} page:${result.page + 1}`, style: 'secondary' });
  return {
    title: heading,
    text: result.quests.map((q) => questLine(q, now)).join('\n'),
    tone: 'info',
    footer: `page ${result.page} of ${result.pages} · ${result.total} quest${result.total === 1 ? '' : 's'}`,
    buttons,
  };
}

function quoteValue(value: string): string {
  return /\s/.test(value) ? `"${value}"` : value;
}
