import { escapeMarkdown as md } from '../../core/markdown.js';

/** The wordings categories and projects share, each catalog under its own feature code. */
export function groupWordings(label: 'category' | 'project') {
  return {
    exists: (p: { name: string }) => `You already have a ${label} named "${md(p.name)}". See \`/${label} list\`.`,
    // The name is shown as typed (unescaped), as it always was.
    not_found: (p: { name: string }) => `No ${label} named "${p.name}". Create it with \`/${label} create ${p.name}\` or see \`/${label} list\`.`,
    name_taken: (p: { name: string }) => `You already have a ${label} named "${md(p.name)}". Pick another \`name\`.`,
    nothing_to_change: () => 'Nothing to change: give a new `name`, `color` or `description`.',
  };
}
