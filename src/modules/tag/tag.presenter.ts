import type { Reply } from '../../core/reply.js';
import type { TagRow } from './tag.service.js';

/** A tag as inline code, as quest cards show it (a backtick in the name cannot break out). */
export function tagChip(name: string): string {
  return `\`${name.replace(/`/g, "'")}\``;
}

export function tagCreatedReply(tag: TagRow): Reply {
  return {
    title: '🏷️ Tag created',
    text: `${tagChip(tag.name)} · colour \`${tag.color}\`. Put it on a quest with \`/tag add #12 ${tag.name.replace(/`/g, "'")}\`.`,
    tone: 'success',
  };
}

export function tagListReply(tags: TagRow[]): Reply {
  if (!tags.length) {
    return {
      title: 'Your tags',
      text: 'No tags yet. Create one with `/tag create work color:#22C55E`, or tag a quest: `/tag add #12 work,urgent`.',
      tone: 'info',
    };
  }
  return {
    title: 'Your tags',
    text: tags.map((t) => `🏷️ ${tagChip(t.name)} · ${t.quests} quest${t.quests === 1 ? '' : 's'} · \`${t.color}\``).join('\n'),
    tone: 'info',
    footer: `${tags.length} tag${tags.length === 1 ? '' : 's'}`,
  };
}
