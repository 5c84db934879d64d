import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import { dueMessages as m } from './due.messages.js';
import { dueLabel } from './due.rules.js';
import { dueText } from './quest.presenter.js';

/** The due-soon notice: which quest, when (in each viewer's zone where the platform can), and a Complete button. */
export function dueSoonReply(quest: { number: number; title: string; dueAt: Date; timezone: string }, now: Date): Reply {
  return {
    title: m.soon_title({ number: quest.number, label: dueLabel(quest.dueAt, now) }).text,
    text: m.soon_text({ title: md(quest.title), when: dueText(quest.dueAt, { now, timezone: quest.timezone }) }).text,
    tone: 'hard',
    buttons: [{ label: m.complete_number({ number: quest.number }).text, action: `quest complete #${quest.number}`, style: 'success' }],
  };
}
