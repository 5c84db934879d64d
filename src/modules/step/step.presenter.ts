import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import { difficultyTone, questButtons } from '../quest/quest.presenter.js';
import type { StepView } from './step.service.js';
import { truncate } from '../../core/text.js';

/**
 * A quest's numbered checklist with `3/5 steps` progress: steps are named by
 * these numbers in every `/step` command, so they are always shown.
 */
export function stepsReply(quest: StepView, heading?: string): Reply {
  const ref = `#${quest.number}`;
  const done = quest.steps.filter((s) => s.completed).length;
  const total = quest.steps.length;
  const next = quest.steps.findIndex((s) => !s.completed);
  const finished = total > 0 && done === total;
  const hint = !total
    ? `No steps yet. Add one with \`/step add ${ref} "First small step"\`.`
    : finished && quest.status !== 'COMPLETED' && quest.status !== 'ARCHIVED'
      ? `Every step is done: finish the quest with \`/quest complete ${ref}\`.`
      : undefined;
  const buttons = questButtons(quest);
  if (next !== -1 && quest.status !== 'COMPLETED' && quest.status !== 'ARCHIVED') {
    buttons.unshift({ label: truncate(`Done: ${next + 1}. ${quest.steps[next]!.title}`, 80), action: `step done ${ref} ${next + 1}`, style: 'success' });
  }
  return {
    title: `${ref} ${quest.title}`,
    text: [heading, hint].filter(Boolean).join('\n') || undefined,
    tone: difficultyTone(quest.difficulty),
    progress: total ? { label: `${done}/${total} steps`, value: done, max: total } : undefined,
    checklist: total ? quest.steps.map((s, i) => ({ done: s.completed, text: `${i + 1}. ${md(s.title)}` })) : undefined,
    buttons,
  };
}
