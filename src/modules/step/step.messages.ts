import { defineMessages } from '../../core/messages.js';
import { escapeMarkdown as md } from '../../core/markdown.js';

export const stepMessages = defineMessages('step', {
  no_match: (p: { number: number; text: string }) => `Quest #${p.number} has no step matching "${md(p.text)}". See \`/step list #${p.number}\`.`,
  /** `shown` entries are `3. Title`, already escaped. */
  ambiguous: (p: { number: number; text: string; shown: readonly string[]; more: boolean }) =>
    `"${md(p.text)}" matches several steps of #${p.number}: ${p.shown.join('; ')}${p.more ? '; …' : ''}. Name one by its position.`,
  no_steps: (p: { number: number }) => `Quest #${p.number} has no steps yet: add one with \`/step add #${p.number} "First step"\`.`,
  position_range: (p: { field: string; max: number; number: number; got: number }) =>
    `\`${p.field}\` ${p.max === 1 ? 'must be 1' : `must be between 1 and ${p.max}`} for quest #${p.number} (got ${p.got}).`,
  already_done: (p: { position: number; number: number; title: string }) => `Step ${p.position} of #${p.number} (${md(p.title)}) is already done.`,
  not_done: (p: { position: number; number: number; title: string }) => `Step ${p.position} of #${p.number} (${md(p.title)}) is not done yet.`,
  quest_completed: (p: { number: number }) => `Quest #${p.number} is completed, so its steps can no longer change.`,
  quest_archived: (p: { number: number }) =>
    `Quest #${p.number} is archived, so its steps cannot change: unarchive it first with \`/quest unarchive #${p.number}\`.`,
});
