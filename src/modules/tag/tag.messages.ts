import { defineMessages } from '../../core/messages.js';
import { escapeMarkdown as md } from '../../core/markdown.js';

export const tagMessages = defineMessages('tag', {
  exists: (p: { name: string }) => `You already have the tag "${md(p.name)}". See \`/tag list\`.`,
  not_found: (p: { name: string }) => `No tag named "${md(p.name)}". See \`/tag list\`.`,
  not_on_quest: (p: { number: number; name: string }) => `Quest #${p.number} is not tagged "${md(p.name)}".`,
  one_name: (p: { field: string }) => `\`${p.field}\` must be one tag name, without commas.`,
  none_given: () => '`tags` must name at least one tag, e.g. `work,urgent`.',
});
