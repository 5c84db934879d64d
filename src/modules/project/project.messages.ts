import { defineMessages } from '../../core/messages.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { groupWordings } from '../shared/quest-group.messages.js';

export const projectMessages = defineMessages('project', {
  ...groupWordings('project'),
  already_archived: (p: { name: string }) => `Project "${md(p.name)}" is already archived.`,
  not_archived: (p: { name: string }) => `Project "${md(p.name)}" is not archived.`,
});
