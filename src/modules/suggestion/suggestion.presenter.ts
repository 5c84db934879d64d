import type { SuggestionSource } from '../../ai/suggester.js';
import { escapeMarkdown as md } from '../../core/markdown.js';
import { formatDuration } from '../../core/options.js';
import type { Reply, ReplyField } from '../../core/reply.js';
import { DateTime } from 'luxon';
import { questCard } from '../quest/quest.presenter.js';
import { acceptanceLine } from './suggestion.rules.js';
import type { Decision, SuggestionView } from './suggestion.service.js';

const BECAUSE: Record<Extract<SuggestionSource, { kind: 'offline' }>['because'], string> = {
  no_key: 'no OPENAI_API_KEY is set',
  timeout: 'the model did not answer in time',
  refusal: 'the model declined',
  invalid: "the model's answer did not pass validation",
  error: 'the model could not be reached',
  rate_limited_user: 'your hourly AI limit is reached',
  rate_limited_global: 'the global AI limit is reached',
};

/** Who answered, for every suggestion reply. */
export function sourceLine(source: SuggestionSource): string {
  return source.kind === 'model' ? `Suggested by the model ${source.model}.` : `Suggested by the offline suggester (${BECAUSE[source.because]}).`;
}

const TYPE_LABEL = { breakdown: 'Breakdown', estimate: 'Estimate', next: 'Next quest', quest: 'New quest' } as const;

/** A suggestion with Accept and Dismiss (buttons on Discord and Slack, command lines at the console). */
export function suggestionReply(view: SuggestionView): Reply {
  const notes = [view.note ? `📈 ${view.note}` : undefined, view.limited ? `⏳ ${view.limited.text}` : undefined].filter(Boolean) as string[];
  const fields: ReplyField[] = [];
  const confidence = view.confidence !== null ? `${Math.round(view.confidence * 100)}%` : undefined;
  let title: string;
  let text: string[] = [];
  let checklist: Reply['checklist'];
  let accept: string;
  switch (view.type) {
    case 'breakdown':
      title = `🧩 Suggested steps for #${view.data.questNumber} ${view.data.questTitle}`;
      checklist = view.data.steps.map((step) => ({ done: false, text: md(step) }));
      accept = `Add ${view.data.steps.length} steps`;
      break;
    case 'estimate':
      title = `⏱️ Estimate for #${view.data.questNumber} ${view.data.questTitle}`;
      fields.push(
        { name: 'Duration', value: `${formatDuration(view.data.minutes)} (now ${formatDuration(view.data.previous.minutes)})`, inline: true },
        { name: 'Difficulty', value: `${view.data.difficulty.toLowerCase()} (now ${view.data.previous.difficulty.toLowerCase()})`, inline: true },
      );
      if (confidence) fields.push({ name: 'Confidence', value: confidence, inline: true });
      text = [md(view.data.reason)];
      accept = 'Apply estimate';
      break;
    case 'next':
      title = `🎯 Do this now: #${view.data.questNumber} ${view.data.questTitle}`;
      text = [md(view.data.reason)];
      if (view.data.availableMinutes !== null) fields.push({ name: 'Time available', value: formatDuration(view.data.availableMinutes), inline: true });
      if (confidence) fields.push({ name: 'Confidence', value: confidence, inline: true });
      accept = 'Start it';
      break;
    case 'quest':
      title = `📝 New quest: ${view.data.title}`;
      text = ['Here is what I understood. Nothing is saved until you press Create.'];
      fields.push(
        { name: 'Title', value: md(view.data.title), inline: false },
        {
          name: 'Due',
          value: view.data.dueAt ? DateTime.fromISO(view.data.dueAt, { zone: view.timezone }).toFormat("ccc d LLL yyyy, HH:mm '('z')'") : 'none',
          inline: true,
        },
        { name: 'Priority', value: view.data.priority.toLowerCase(), inline: true },
        { name: 'Difficulty', value: view.data.difficulty.toLowerCase(), inline: true },
        { name: 'Estimate', value: `${formatDuration(view.data.estimateMinutes)}${view.data.estimateGiven ? '' : ' (estimated)'}`, inline: true },
      );
      accept = 'Create';
      break;
  }
  return {
    title,
    text: [...text, ...notes].join('\n') || undefined,
    tone: 'info',
    fields: fields.length ? fields : undefined,
    checklist,
    footer: `${sourceLine(view.source)} Valid for 7 days · id ${view.id}`,
    buttons: [
      { label: accept, action: `suggest accept ${view.id}`, style: 'success' },
      { label: 'Dismiss', action: `suggest dismiss ${view.id}`, style: 'secondary' },
    ],
  };
}

export function decisionReply(decision: Decision): Reply {
  if (!decision.accepted) return { tone: 'neutral', text: `🗑️ ${TYPE_LABEL[decision.type]} suggestion dismissed. Thanks: that is remembered.` };
  switch (decision.type) {
    case 'breakdown':
      return {
        tone: 'success',
        text: `✅ Added ${decision.added.length} step${decision.added.length === 1 ? '' : 's'} to #${decision.questNumber}. See them with \`/step list #${decision.questNumber}\`.`,
        checklist: decision.added.map((step) => ({ done: false, text: md(step) })),
      };
    case 'estimate':
      return questCard(
        decision.quest,
        `✅ Estimate applied: ${formatDuration(decision.quest.estimatedDuration)}, ${decision.quest.difficulty.toLowerCase()}; worth **${decision.quest.experiencePoints} XP**.`,
      );
    case 'next':
      return questCard(decision.quest, '⏱️ Started. Good luck!');
    case 'quest':
      return questCard(decision.quest, `✨ Quest created: worth **${decision.quest.experiencePoints} XP**.`);
  }
}

/** `/stats` with a field of acceptance rates per suggestion type (unchanged when there were none). */
export function withAcceptance(reply: Reply, rates: Array<{ type: string; offered: number; accepted: number; dismissed: number }>): Reply {
  if (!rates.length) return reply;
  const label = (type: string) => TYPE_LABEL[type as keyof typeof TYPE_LABEL] ?? type;
  const field = { name: 'AI suggestions', value: rates.map((r) => `${label(r.type)}: ${acceptanceLine(r)}`).join('\n'), inline: false };
  return { ...reply, fields: [...(reply.fields ?? []), field] };
}
