import { defineMessages } from '../../core/messages.js';

/**
 * Quest sentences. `quest` and `prerequisite` parameters are labels as shown
 * (`#3 Buy paint`, already escaped for markdown); fragments are shown as typed.
 */
export const questMessages = defineMessages('quest', {
  not_found: (p: { number: number }) => `Quest #${p.number} not found.`,
  /** A quest named by a title fragment (resolved to an id) that is gone. */
  gone: () => 'Quest not found.',
  no_match: (p: { fragment: string }) => `No quest matches "${p.fragment}".`,
  ambiguous: (p: { fragment: string; shown: readonly string[]; more: boolean }) =>
    `"${p.fragment}" matches several quests: ${p.shown.join('; ')}${p.more ? '; …' : ''}. Name one by its number.`,
  not_created: () => 'Quest could not be created.',
  page_range: (p: { pages: number }) => `\`page\` must be between 1 and ${p.pages}.`,
  nothing_to_change: () =>
    'Nothing to change: give at least one of `title`, `description`, `difficulty`, `priority`, `estimate`, `category`, `project` or `status`.',
  self_dependency: (p: { quest: string }) => `A quest can't depend on itself (\`quest\` and \`on\` both name ${p.quest}).`,
  dependency_loop: (p: { quest: string; prerequisite: string; questNumber: number; prerequisiteNumber: number; path: string }) =>
    `${p.quest} can't wait on ${p.prerequisite}: #${p.prerequisiteNumber} already waits on #${p.questNumber} (${p.path}), so that would make a loop.`,
  already_waits: (p: { quest: string; prerequisite: string; type: string }) => `${p.quest} already waits on ${p.prerequisite} (${p.type}).`,
  does_not_wait: (p: { quest: string; prerequisite: string }) => `${p.quest} doesn't wait on ${p.prerequisite}.`,
  not_in_status: (p: { quest: string; expected: string; actual: string }) => `${p.quest} isn't ${p.expected} (it is ${p.actual}).`,
  move_refused: (p: { attempt: string; reason: string }) => `Can't ${p.attempt}: ${p.reason}.`,
  blocked: (p: { attempt: string; blockers: readonly string[] }) =>
    `Can't ${p.attempt} yet: it waits on ${p.blockers.join(', ')}. Finish ${p.blockers.length === 1 ? 'that' : 'those'} first.`,
  changed_meanwhile: (p: { quest: string }) => `${p.quest} changed while completing it: please try again.`,
});
