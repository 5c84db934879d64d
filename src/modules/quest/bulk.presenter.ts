import { escapeMarkdown as md } from '../../core/markdown.js';
import type { Reply } from '../../core/reply.js';
import type { BulkOutcome } from './bulk.service.js';
import { completionReply, deletedReply, deletePrompt, questCard } from './quest.presenter.js';
import type { CompletionResult, QuestDetail } from './quest.service.js';

const label = (quest: { number: number; title: string }) => `#${quest.number} ${md(quest.title)}`;
const refs = (quests: Array<{ number: number }>) => quests.map((q) => `#${q.number}`).join(' ');

/**
 * Asks before completing quests with unticked steps. Private to the asker, like
 * the delete prompt: the button runs for whoever clicks it, against their own quests.
 */
export function completeAnywayPrompt(waiting: Array<{ quest: QuestDetail; unticked: number }>, extra: string): Reply {
  const lines = waiting.map(
    ({ quest, unticked }) => `${label(quest)}: ${unticked} of ${quest.steps.length} step${quest.steps.length === 1 ? '' : 's'} still unticked.`,
  );
  const quests = waiting.map((w) => w.quest);
  return {
    title: quests.length === 1 ? `Complete #${quests[0]!.number} ${quests[0]!.title}?` : `Complete ${quests.length} quests with unticked steps?`,
    text: `${lines.join('\n')}\nComplete anyway, or tick the steps first with \`/step done\`.`,
    tone: 'neutral',
    ephemeral: true,
    buttons: [
      { label: 'Complete anyway', action: `quest complete ${refs(quests)}${extra} force:yes`, style: 'success' },
      ...(quests.length === 1 ? [{ label: 'Not yet', action: `quest view #${quests[0]!.number}`, style: 'secondary' as const }] : []),
    ],
  };
}

/** `/quest complete`: the celebration for one quest, or one line per quest for several. */
export function completeOutcomesReply(outcomes: Array<BulkOutcome<CompletionResult>>, extra: string): Reply {
  const waiting = outcomes.flatMap((o) => (o.kind === 'confirm' ? [{ quest: o.quest, unticked: o.unticked }] : []));
  if (outcomes.length === 1) {
    const only = outcomes[0]!;
    if (only.kind === 'done') return completionReply(only.result);
    if (only.kind === 'confirm') return completeAnywayPrompt(waiting, extra);
  }
  const done = outcomes.flatMap((o) => (o.kind === 'done' ? [o.result] : []));
  const lines = outcomes.map((o) => {
    if (o.kind === 'done')
      return `✅ ${label(o.result.quest)}: **+${o.result.rewards.xpAwarded} XP**${o.result.next ? ` · 🔁 next #${o.result.next.number}` : ''}`;
    if (o.kind === 'confirm') return `⏸️ ${label(o.quest)}: ${o.unticked} step${o.unticked === 1 ? '' : 's'} unticked, not completed yet.`;
    return `✖ ${o.ref}: ${o.message}`;
  });
  const total = done.reduce((sum, r) => sum + r.rewards.xpAwarded, 0);
  const rewardLines = [...new Set(done.flatMap((r) => r.rewards.lines))];
  const notices = done.flatMap((r) => r.rewards.notices);
  const prompt = waiting.length ? completeAnywayPrompt(waiting, extra) : undefined;
  return {
    title: `🎉 Completed ${done.length} of ${outcomes.length} quests`,
    text: [...lines, ...(total ? [`✨ **+${total} XP** in all`] : []), ...rewardLines].join('\n'),
    tone: done.length ? 'success' : 'neutral',
    ephemeral: waiting.length > 0 && !done.length ? true : undefined,
    buttons: prompt?.buttons?.slice(0, 1),
    followUps: notices.length ? notices : undefined,
  };
}

export function archiveOutcomesReply(outcomes: Array<BulkOutcome<QuestDetail>>): Reply {
  const only = outcomes.length === 1 ? outcomes[0] : undefined;
  if (only?.kind === 'done') return questCard(only.result, `📦 Archived. \`/quest unarchive #${only.result.number}\` brings it back.`);
  const done = outcomes.filter((o) => o.kind === 'done').length;
  return {
    title: `📦 Archived ${done} of ${outcomes.length} quests`,
    text: outcomes.map((o) => (o.kind === 'done' ? `📦 ${label(o.result)}` : `✖ ${o.ref}: ${o.kind === 'refused' ? o.message : ''}`)).join('\n'),
    tone: done ? 'success' : 'neutral',
  };
}

/** Asks before deleting several quests; unknown ones are named and left out of the button. */
export function bulkDeletePrompt(outcomes: Array<BulkOutcome<QuestDetail>>): Reply {
  const found = outcomes.flatMap((o) => (o.kind === 'done' ? [o.result] : []));
  if (outcomes.length === 1 && found.length === 1) return deletePrompt(found[0]!);
  const missing = outcomes.flatMap((o) => (o.kind === 'refused' ? [`✖ ${o.ref}: ${o.message}`] : []));
  return {
    title: found.length ? `Delete ${found.length} quests?` : 'Nothing to delete',
    text: [
      ...found.map((q) => `🗑️ ${label(q)}`),
      ...missing,
      ...(found.length
        ? ['⚠️ This removes them with their steps, tags, dependencies and stats for good. `/quest archive` keeps them out of the way instead.']
        : []),
    ].join('\n'),
    tone: 'neutral',
    ephemeral: true,
    buttons: found.length ? [{ label: `Delete ${found.length}`, action: `quest delete ${refs(found)} confirm:yes`, style: 'danger' }] : undefined,
  };
}

export function deleteOutcomesReply(outcomes: Array<BulkOutcome<{ number: number; title: string }>>): Reply {
  const only = outcomes.length === 1 ? outcomes[0] : undefined;
  if (only?.kind === 'done') return deletedReply(only.result);
  const done = outcomes.filter((o) => o.kind === 'done').length;
  return {
    text: outcomes.map((o) => (o.kind === 'done' ? `🗑️ Deleted ${label(o.result)}.` : `✖ ${o.ref}: ${o.kind === 'refused' ? o.message : ''}`)).join('\n'),
    tone: done ? 'success' : 'neutral',
  };
}
