import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import { statusLabel } from '../quest/quest.rules.js';
import type { SearchHit } from './search.repository.js';

export function searchReply(words: string, hits: SearchHit[]): Reply {
  const title = `🔎 Quests matching “${words}”`;
  if (!hits.length) return { title, text: 'No quests match. Search looks at titles, descriptions and step titles, in every status.', tone: 'info' };
  const lines = hits.map((h) => {
    // The snippet is user text with our own ** marks: escape the text, keep the marks.
    const snippet = h.snippet
      ? `\n   ↳ ${h.snippet
          .split('**')
          .map((part, i) => (i % 2 ? `**${md(part)}**` : md(part)))
          .join('')}`
      : '';
    return `**#${h.number}** ${md(h.title)} · ${statusLabel(h.status)}${snippet}`;
  });
  return { title, text: lines.join('\n'), tone: 'info', footer: `${hits.length} match${hits.length === 1 ? '' : 'es'}, best first` };
}
