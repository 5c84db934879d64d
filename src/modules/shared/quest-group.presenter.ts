import { quoteArg } from '../../core/grammar.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import type { QuestGroup } from './quest-group.js';
import { truncate } from '../../core/text.js';

type Label = 'category' | 'project';

const ICON: Record<Label, string> = { category: '📂', project: '📁' };
const PLURAL: Record<Label, string> = { category: 'categories', project: 'projects' };

function questCount(group: QuestGroup): string {
  return `${group.quests} quest${group.quests === 1 ? '' : 's'}${group.quests ? ` (${group.openQuests} open)` : ''}`;
}

/** One category or project: colour, quest counts, and a button listing its quests. */
export function groupCard(label: Label, group: QuestGroup, heading?: string): Reply {
  const fields = [
    { name: 'Colour', value: `\`${group.color}\``, inline: true },
    { name: 'Quests', value: questCount(group), inline: true },
  ];
  if (group.archived) fields.push({ name: 'Status', value: 'archived', inline: true });
  return {
    title: `${ICON[label]} ${group.name}`,
    text: [heading, group.description ? md(group.description) : undefined].filter(Boolean).join('\n') || undefined,
    tone: 'success',
    fields,
    buttons: group.quests ? [{ label: 'Show quests', action: `quest list ${label}:${quoteArg(group.name)} status:all`, style: 'secondary' }] : [],
  };
}

/** The user's categories or projects with their quest counts. */
export function groupListReply(label: Label, groups: QuestGroup[], heading: string): Reply {
  if (!groups.length) {
    return { title: heading, text: `No ${PLURAL[label]} yet. Create one with \`/${label} create Work color:#3B82F6\`.`, tone: 'info' };
  }
  const lines = groups.map((g) => {
    const line = `${ICON[label]} **${md(g.name)}** · ${questCount(g)} · \`${g.color}\`${g.archived ? ' · archived' : ''}`;
    return g.description ? `${line}\n    ${md(truncate(g.description, 100))}` : line;
  });
  return {
    title: heading,
    text: lines.join('\n'),
    tone: 'info',
    footer: `${groups.length} ${groups.length === 1 ? label : PLURAL[label]}`,
  };
}
